//! reve-remix: check reference images and prompts for Reve Remix, build each
//! hosted provider's request, and follow its jobs to a result.
//!
//! Everything outside `fetch` and `js` is pure: no network, no DOM, so it is
//! tested natively with `cargo test`. The wasm layer only moves bytes.

pub mod error;
pub mod http;
pub mod image;
pub mod job;
pub mod json;
pub mod prompt;
pub mod provider;

pub use error::{ErrorCode, RemixError};

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;
pub mod js_values;
