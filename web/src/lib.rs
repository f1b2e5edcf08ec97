//! reve-remix-web: the Leptos app people open in a browser.
//!
//! Components live one per file, named for what they show; `main.rs` only
//! mounts [`App`]. The state and the operations on it are in `state.rs`;
//! the run in `runner.rs`; persistence in `storage.rs`.

mod app;
mod board;
mod browser;
mod connection;
mod copy;
mod dyn_view;
pub mod model;
mod options_panel;
mod prompt_editor;
mod provider_picker;
mod reference_chips;
mod rejected_list;
mod request;
mod result_view;
mod run_panel;
mod runner;
mod shrink;
mod state;
mod storage;
mod tile;
mod url_adder;
mod validation;
mod widget;

pub use app::{App, Embed, Page};
pub use state::{AppState, EARLIER_KEPT, Finished, Original, Phase, RefImage, Rejection, Source};
pub use widget::{BoardHandle, embedded, mount_board};
