//! The prompt's references made readable: one chip per `<img>N</img>`,
//! naming the image it points at, marked when there is no such image or
//! when the image it pointed at was removed.

use leptos::prelude::*;

use super::dyn_view::{Dyn, flag, items};

/// The reference chips under the prompt.
#[component]
pub fn ReferenceChips(
    /// One line per reference, in the prompt's order, and whether it is wrong.
    references: Dyn<Vec<(String, bool)>>,
) -> impl IntoView {
    let none = {
        let references = references.clone();
        flag(move || references().is_empty())
    };
    view! {
        <ul class="chips" aria-label="References in the prompt" hidden=none>
            {items(references)}
        </ul>
    }
}
