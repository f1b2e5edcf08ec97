//! The "Provider" select, driven by the core's provider table, with what
//! the chosen provider takes (images, how it runs).

use leptos::prelude::*;
use reve_remix_core::provider::{self, ImageTransport};

use crate::dyn_view::{flag, on_value, text};
use crate::state::AppState;

/// The provider select and its summary.
#[component]
pub fn ProviderPicker(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let summary = text(move || {
        let info = state.info();
        let how = if info.asynchronous {
            "queued: the job is followed until it finishes"
        } else {
            "answers at once"
        };
        let images = match info.transport {
            ImageTransport::Url => "https image URLs only",
            ImageTransport::Base64 => "image files",
            ImageTransport::DataUrl => "image files or URLs",
            ImageTransport::Upload => "image files (uploaded first) or URLs",
        };
        format!("Up to {} references ({images}); {how}.", info.max_images)
    });
    view! {
        <div class="field">
            <label for="provider">"Provider"</label>
            <select id="provider" on:change=on_value(move |v| state.provider.set(v))>
                {provider::providers()
                    .iter()
                    .map(|p| {
                        let id = p.id;
                        view! {
                            <option value=id selected=flag(move || state.provider.with(|s| s == id))>
                                {p.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="hint">{summary}</p>
        </div>
    }
}
