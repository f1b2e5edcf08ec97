//! reve-remix-core: check reference images and prompts for Reve Remix,
//! build each hosted provider's request, and follow its jobs to a result.
//!
//! All of it is pure: no network, no DOM, no JS, so it is tested natively
//! with `cargo test`. The npm package (`crates/wasm`) and the proxy
//! (`crates/proxy`) put I/O around it.

pub mod driver;
pub mod error;
pub mod http;
pub mod image;
pub mod job;
pub mod json;
pub mod prompt;
pub mod provider;

pub use error::{ErrorCode, RemixError};
