//! reve-remix, the npm package: the pure core (`reve-remix-core`) in a
//! thin WebAssembly adapter, as ruffle keeps its core apart from its web
//! crate. Four pieces: the transport that runs the core's driver with
//! `fetch` ([`fetch`]), fitting images to a model's limits with the
//! browser's codecs ([`fit`]), the core's types as JS values
//! ([`js_values`]), and the `#[wasm_bindgen]` exports DESIGN.md names
//! (`js`, feature `js`), of which the image checks alone are feature
//! `checks` ([`checks`], the package's `reve-remix/checks`).

/// The package's allocator: talc, which is smaller than the standard
/// library's dlmalloc (1.9 KB of the package gzipped) and as fast in
/// `tests/bench/encode.mjs` (six 1.45 MB images into a body). Only the
/// package's own entries set it (`checks`, which `js` implies). The web
/// app, which links this crate without them, keeps dlmalloc: `std` itself
/// allocates a thread's handle with it, and Leptos asks for one
/// (`send_wrapper`), so it would carry both. A build that unifies the
/// features gives the app talc alone, which is as sound.
#[cfg(all(target_arch = "wasm32", feature = "checks"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_arch = "wasm32", feature = "checks"))]
mod checks;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod fit;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "checks"))]
mod js_read;
pub mod js_values;
