//! Add a reference image by its public https URL (the only kind Pixazo
//! takes; other providers fetch it themselves).

use leptos::prelude::*;

use crate::dyn_view::{on_value, text};
use crate::state::AppState;

/// The "Image URL" field and its "Add URL" button.
#[component]
pub fn UrlAdder(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    view! {
        <form
            class="url-adder"
            on:submit=move |ev| {
                ev.prevent_default();
                let typed = url.get_untracked();
                if typed.trim().is_empty() {
                    return;
                }
                state.begin_adding();
                if state.add_url(&typed) {
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
