//! The "Provider" select, driven by the core's provider table, with what
//! the chosen provider takes (images, how it runs).

use leptos::prelude::*;
use reve_remix_core::provider::{ImageTransport, ProviderInfo, providers};

use super::dyn_view::{flag, on_value, text};

/// The provider select and its summary.
#[component]
pub fn ProviderPicker(
    /// The chosen provider's id.
    provider: RwSignal<String>,
    /// Its entry for the model picked (what it takes).
    info: Signal<&'static ProviderInfo>,
) -> impl IntoView {
    let summary = text(move || {
        let info = info.get();
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
        format!(
            "Up to {} references ({images}); {how}.",
            info.model.max_images
        )
    });
    view! {
        <div class="field">
            <label for="provider">"Provider"</label>
            <select id="provider" on:change=on_value(move |v| provider.set(v))>
                {providers()
                    .iter()
                    .map(|p| {
                        let id = p.id.as_str();
                        view! {
                            <option value=id selected=flag(move || provider.with(|s| s == id))>
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
