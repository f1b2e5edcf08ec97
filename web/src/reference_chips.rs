//! The prompt's references made readable: one chip per `<img>N</img>`,
//! naming the image it points at, marked when there is no such image or
//! when the image it pointed at was removed.

use leptos::prelude::*;
use reve_remix_core::prompt;

use crate::dyn_view::{flag, items, lines};
use crate::state::AppState;

/// The reference chips under the prompt.
#[component]
pub fn ReferenceChips(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let chips = lines(move || {
        let orphaned = state.orphaned.get();
        state.images.with(|images| {
            state.prompt.with(|p| {
                prompt::references(p)
                    .enumerate()
                    .map(|(k, r)| {
                        let digits = p.get(r.digits.clone()).unwrap_or("?");
                        let (target, bad) = if orphaned.contains(&k) {
                            ("its image was removed".to_string(), true)
                        } else {
                            match images.get(r.index) {
                                Some(img) => (img.name.clone(), false),
                                None => (format!("no image {digits}"), true),
                            }
                        };
                        (format!("<img>{digits}</img> → {target}"), bad)
                    })
                    .collect()
            })
        })
    });
    let none = flag(move || {
        state
            .prompt
            .with(|p| prompt::references(p).next().is_none())
    });
    view! {
        <ul class="chips" aria-label="References in the prompt" hidden=none>
            {items(chips)}
        </ul>
    }
}
