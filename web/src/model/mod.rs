//! The app's rules, as plain data with native tests: no signals, no web
//! APIs. The app holds these in signals and changes them only through
//! their methods.

mod accepts;
pub mod board;
pub mod compare;
pub mod cost;
pub mod format;
mod image_url;
pub mod messages;
pub mod models;
pub mod problems;
pub mod results;
pub mod run;
pub mod saved;
pub mod settings;

pub use board::{Accepts, Board, Original, ReadFile, RefImage, Rejection, Source};
pub use compare::{Compare, Lane};
pub use image_url::ImageUrl;
pub use problems::Problems;
pub use results::{EARLIER_KEPT, Finished, NamedFile, Results};
pub use run::{Phase, Run};
pub use settings::{Connection, Options, Settings};
