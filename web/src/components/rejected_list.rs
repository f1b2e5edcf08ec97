//! Files the board turned away, with the core's reason for each, in a
//! `role="alert"` so that screen readers announce them. What is already on
//! the board is never touched. A file that is only too large offers
//! "Shrink and add" (the browser re-encodes it smaller).

use leptos::prelude::*;

use super::dyn_view::{Dyn, Handler, click, flag};
use crate::model::Rejection;

/// The list of rejected files.
#[component]
pub fn RejectedList(
    /// The files turned away by the last add, in order.
    rejected: Dyn<Vec<Rejection>>,
    /// "Shrink and add" the rejected file at this place in the list.
    on_shrink: Handler<usize>,
    /// "Dismiss": forget the list.
    on_dismiss: Handler<()>,
) -> impl IntoView {
    // A file the widget's `auto-fit` is shrinking is not news (yet).
    let some = {
        let rejected = rejected.clone();
        flag(move || rejected().iter().any(|r| !r.quiet))
    };
    let entries = move || {
        rejected()
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.quiet)
            .map(|(i, r)| {
                let line = format!("{}: {}", r.name, r.reason);
                let offer = r.original.is_some();
                // The name starts with the text the button shows (WCAG 2.5.3).
                let label = format!("Shrink and add {}", r.name);
                let caption = if r.shrinking {
                    "Shrinking…"
                } else {
                    "Shrink and add"
                };
                let on_shrink = on_shrink.clone();
                view! {
                    <li class="bad">
                        {line} " "
                        <button
                            type="button"
                            class="link"
                            aria-label=label
                            hidden=!offer
                            disabled=r.shrinking
                            on:click=click(move || on_shrink(i))
                        >
                            {caption}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div role="alert" class="rejected" class:some=some>
            <p class="rejected-title">"Not added:"</p>
            <ul>{entries}</ul>
            <button type="button" class="link" on:click=click(move || on_dismiss(()))>
                "Dismiss"
            </button>
        </div>
    }
}
