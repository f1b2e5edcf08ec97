//! Files the board turned away, with the core's reason for each, in a
//! `role="alert"` so that screen readers announce them. What is already on
//! the board is never touched.

use leptos::prelude::*;

use crate::dyn_view::{click, flag, items, lines};
use crate::state::AppState;

/// The list of rejected files.
#[component]
pub fn RejectedList(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let list = lines(move || {
        state.rejected.with(|r| {
            r.iter()
                .map(|r| (format!("{}: {}", r.name, r.reason), true))
                .collect()
        })
    });
    view! {
        <div role="alert" class="rejected" class:some=flag(move || state.rejected.with(|r| !r.is_empty()))>
            <p class="rejected-title">"Not added:"</p>
            <ul>{items(list)}</ul>
            <button type="button" class="link" on:click=click(move || state.rejected.set(Vec::new()))>
                "Dismiss"
            </button>
        </div>
    }
}
