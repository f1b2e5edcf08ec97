//! Browser plumbing: everything that touches a web API, each part quiet on
//! failure (a missing API, a full storage, private mode) so that the app
//! keeps working from memory.

pub mod blob;
pub mod clipboard;
pub mod idb;
pub mod page;
pub mod storage;
