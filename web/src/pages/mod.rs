//! The two pages one board is laid out on: the site's (`site.rs`) and the
//! widget's (`widget.rs`), as the Leptos examples keep pages apart from
//! their components. Both take the same [`Store`](crate::store::Store) and
//! the same wiring (`wiring.rs`); what starts them (the site's `App`, the
//! custom element) lives outside, so a page never knows whether it is
//! kept across reloads.

mod site;
mod widget;
mod wiring;

pub use site::site;
pub(crate) use site::{outcome_panels, settings_panels};
pub use widget::embed;
pub(crate) use wiring::Wiring;
