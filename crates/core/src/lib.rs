//! reve-remix-core: check reference images and prompts for Reve Remix,
//! build each hosted provider's request, and follow its jobs to a result.
//!
//! All of it is pure: no network, no DOM, no JS, so it is tested natively
//! with `cargo test`. The npm package (`crates/wasm`) and the proxy
//! (`crates/proxy`) put I/O around it.
//!
//! The modules build on each other in one direction, with no cycle:
//!
//! ```text
//! id, json, calendar                   names, the JSON reader and writer, dates
//!   ← job                              jobs and results: data only, a job exactly its JSON
//!     ← error                          RemixError (a job it may still finish rides on it)
//!       ← http, image, prompt          plain values and checks
//!         ← provider                   each provider's protocol, the table, validation
//!           ← driver                   runs any provider to a result: schedule, retries, events
//! ```

pub mod calendar;
pub mod driver;
pub mod error;
pub mod http;
pub mod id;
pub mod image;
pub mod job;
pub mod json;
pub mod prompt;
pub mod provider;

pub use error::{ErrorCode, RemixError};
