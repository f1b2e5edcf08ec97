//! Add a reference image by its public https URL (the only kind Pixazo
//! takes; other providers fetch it themselves).

use leptos::prelude::*;

use super::dyn_view::{Handler, on_value, text};

/// The "Image URL" field and its "Add URL" button.
#[component]
pub fn UrlAdder(
    /// Add the typed URL to the board; whether it was added (else it is
    /// listed as rejected, and the field keeps it for correcting).
    on_add: Handler<String, bool>,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    view! {
        <form
            class="url-adder"
            on:submit=move |ev| {
                ev.prevent_default();
                let typed = url.get_untracked();
                if !typed.trim().is_empty() && on_add(typed) {
                    url.set(String::new());
                }
            }
        >
            <label for="image-url">"Image URL"</label>
            <input
                id="image-url"
                type="url"
                inputmode="url"
                placeholder="https://example.com/photo.jpg"
                prop:value=text(move || url.get())
                on:input=on_value(move |v| url.set(v))
            />
            <button type="submit">"Add URL"</button>
        </form>
    }
}
