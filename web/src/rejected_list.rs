//! Files the board turned away, with the core's reason for each, in a
//! `role="alert"` so that screen readers announce them. What is already on
//! the board is never touched. A file that is only too large offers
//! "Shrink and add" (the browser re-encodes it smaller).

use leptos::prelude::*;

use crate::dyn_view::{click, flag};
use crate::shrink;
use crate::state::AppState;

/// The list of rejected files.
#[component]
pub fn RejectedList(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let entries = move || {
        state.rejected.with(|r| {
            r.iter()
                .enumerate()
                .map(|(i, r)| {
                    let line = format!("{}: {}", r.name, r.reason);
                    let offer = r.original.is_some();
                    let label = format!("Shrink {} and add it", r.name);
                    let caption = if r.shrinking {
                        "Shrinking…"
                    } else {
                        "Shrink and add"
                    };
                    view! {
                        <li class="bad">
                            {line} " "
                            <button
                                type="button"
                                class="link"
                                aria-label=label
                                hidden=!offer
                                disabled=r.shrinking
                                on:click=click(move || shrink::shrink_and_add(state, i))
                            >
                                {caption}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div role="alert" class="rejected" class:some=flag(move || state.rejected.with(|r| !r.is_empty()))>
            <p class="rejected-title">"Not added:"</p>
            <ul>{entries}</ul>
            <button type="button" class="link" on:click=click(move || state.rejected.set(Vec::new()))>
                "Dismiss"
            </button>
        </div>
    }
}
