//! "Compare providers": one "Run on <provider>" checkbox per provider, or
//! one "Run on <provider> (<model>)" per model where it sells several (the
//! pair picked is ticked); with two or more ticked, "Remix" runs the board
//! on each, one card per run.

use super::dyn_view::{flag, on_checked};
use crate::model::Compare;
use crate::model::models::{entry, pairs, run_name};
use leptos::prelude::*;

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
            {pairs()
                .iter()
                .map(|&(id, model)| {
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                aria-describedby="compare-hint"
                                prop:checked=flag(move || compare.with(|c| c.is_ticked(id, model)))
                                on:change=on_checked(move |on| {
                                    compare.update(|c| c.tick(id, model, on))
                                })
                            />
                            {format!("Run on {}", run_name(entry(id, model)))}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
