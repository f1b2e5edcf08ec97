//! reve-remix-web: the Leptos app people open in a browser.
//!
//! Components live one per file; `main.rs` only mounts [`App`].

mod app;

pub use app::App;
