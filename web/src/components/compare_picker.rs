//! "Compare providers": one "Run on <provider>" checkbox per provider (the
//! one picked is ticked); with two or more ticked, "Remix" runs the board
//! on each, one card per provider.

use leptos::prelude::*;
use reve_remix_core::provider::providers;

use super::dyn_view::{flag, on_checked};
use crate::model::Compare;

/// The group of "Run on <provider>" checkboxes.
#[component]
pub fn ComparePicker(
    /// The providers ticked.
    compare: RwSignal<Compare>,
) -> impl IntoView {
    view! {
        <fieldset class="field compare">
            <legend>"Compare providers"</legend>
            <p class="hint" id="compare-hint">
                "Tick two or more: one Remix runs on each, side by side, each with its own status and cost."
            </p>
            {providers()
                .iter()
                .map(|p| {
                    let id = p.id.as_str();
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                aria-describedby="compare-hint"
                                prop:checked=flag(move || compare.with(|c| c.is_ticked(id)))
                                on:change=on_checked(move |on| compare.update(|c| c.tick(id, on)))
                            />
                            {format!("Run on {}", p.name)}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
