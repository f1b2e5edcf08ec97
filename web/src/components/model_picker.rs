//! The "Model" select beside "Provider": the models the chosen provider
//! sells, each with its list price where the table has one, why the one
//! picked is the one it opens on, and the provider's notice (Reve's
//! reported retirement) as a neutral note.

use leptos::prelude::*;
use reve_remix_core::provider::{ModelId, ProviderInfo};

use super::dyn_view::{flag, on_value, text};
use crate::model::models::{option_label, why};
use crate::model::settings::pick_model;

/// The model select, what the model takes, and the provider's notice.
#[component]
pub fn ModelPicker(
    /// The chosen provider, described for the model picked.
    provider: Signal<&'static ProviderInfo>,
    /// The model picked on each provider.
    models: RwSignal<Vec<(String, ModelId)>>,
) -> impl IntoView {
    let entries = move || {
        let info = provider.get();
        info.model_ids()
            .map(|m| {
                let picked = flag(move || provider.get().model.id == m);
                view! { <option value=m.as_str() selected=picked>{option_label(info, m)}</option> }
            })
            .collect_view()
    };
    let choose = on_value(move |v| {
        let id = provider.get_untracked().id.as_str();
        if let Some(m) = ModelId::parse(&v) {
            models.update(|all| pick_model(all, id, m));
        }
    });
    let notice = move || provider.get().notice;
    view! {
        <div class="field">
            <label for="model">"Model"</label>
            <select id="model" aria-describedby="model-why" on:change=choose>
                {entries}
            </select>
            <p class="hint" id="model-why">{text(move || why(provider.get()))}</p>
            <p class="notice" role="note" hidden=flag(move || notice().is_none())>
                {text(move || notice().unwrap_or_default().to_string())}
            </p>
        </div>
    }
}
