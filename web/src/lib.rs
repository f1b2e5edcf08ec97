//! reve-remix-web: the Leptos app people open in a browser, and the widget
//! other pages embed.
//!
//! Where things are: the rules (the board, the settings, the checks, a
//! run's progress, the results) are plain data with native tests in
//! `model/`; the page's pieces, one component per file, in `components/`;
//! everything that touches a web API in `browser/`. `store.rs` holds one
//! board's signals; `pages/` lays them out, the site's page and the
//! widget's, handing each component its slice; `runner.rs` runs a remix;
//! `fitting.rs` shrinks images through the package; `persist.rs` keeps the
//! site's work across reloads (what it keeps is `model/saved.rs`);
//! `lazy.rs` is what the site loads after its page is usable;
//! `app.rs` puts the site's store, storage and page together; `widget.rs`
//! mounts the widget's page into other pages. `main.rs` only mounts [`App`];
//! `bin/reve-remix-widget.rs` is the widget's wasm, its JS exports only.

mod app;
mod browser;
pub mod components;
mod fitting;
pub mod lazy;
pub mod model;
mod pages;
mod persist;
mod runner;
mod store;
mod widget;

pub use app::{App, Page};
pub use widget::{EmbeddedBoard, mount as mount_embedded};
