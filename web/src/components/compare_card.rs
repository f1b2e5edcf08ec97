//! One provider's card in a comparison, named "Result from <provider>":
//! before the run, why this provider cannot take the input (if it cannot)
//! and what it should cost; during it, its own live status and "Cancel"
//! (named "Cancel on <provider>"); then its image, the time it took and
//! what the provider reported it cost, "Download" and "Use as reference",
//! or its error in words. A failure or a cancel here touches no other card.

use leptos::prelude::*;
use reve_remix_core::provider::ProviderInfo;

use super::dyn_view::{Dyn, Handler, click, click_keeping_focus, flag, text};
use super::run_panel::tick_while_running;
use crate::model::models::{lane_key, run_name};
use crate::model::run::status_text;
use crate::model::{Finished, Phase, Results, Run};

/// A comparison's card for one provider.
#[component]
pub fn CompareCard(
    /// The provider it runs on.
    info: &'static ProviderInfo,
    /// Why this provider cannot take the input ("" when it can).
    problem: Dyn<String>,
    /// What the run should cost there.
    estimate: Dyn<String>,
    /// Its run in progress, or its last.
    run: ReadSignal<Run>,
    /// The clock its status reads; moved on while it runs.
    now: RwSignal<f64>,
    /// Its results.
    results: RwSignal<Results>,
    /// Stop this provider's run alone.
    on_cancel: Handler<()>,
    /// "Use as reference": put its result on the board.
    on_use: Handler<Finished>,
) -> impl IntoView {
    tick_while_running(run, now);
    let name = run_name(info);
    let title = format!("card-{}", lane_key(info.id.as_str(), info.model.id)).replace('.', "-");
    let labelled_by = title.clone();
    let phase = move || run.with(|r| r.phase);
    let running = move || phase() == Phase::Running;
    // Its result, unless a newer run is going or ended without one.
    let finished = move || {
        let fresh = !matches!(phase(), Phase::Running | Phase::Failed | Phase::Cancelled);
        results.with(|r| r.shown().filter(|_| fresh).cloned())
    };
    let field = move |f: fn(&Finished) -> String| {
        text(move || finished().map(|d| f(&d)).unwrap_or_default())
    };
    let use_it = move || {
        if let Some(done) = finished() {
            on_use(done);
        }
    };
    // Before the run: why it cannot take the input, or what it should cost.
    let has_problem = {
        let problem = problem.clone();
        flag(move || !problem().is_empty())
    };
    let before = text(move || {
        let why = problem();
        if why.is_empty() { estimate() } else { why }
    });
    // Not a live region: with several cards, one announcement per change
    // of each would talk over the others; the page's own status speaks.
    let status = text(move || run.with(|r| status_text(r, now.get())));
    view! {
        // Focusable from script only: its "Cancel" hides as it is used,
        // and the focus stays on the card rather than falling to the page.
        <section class="card" aria-labelledby=labelled_by tabindex="-1">
            <h3 id=title>{format!("Result from {name}")}</h3>
            <p class="hint">{format!("Model: {}", info.model.id.name())}</p>
            <p class="hint" class:problem=has_problem>{before}</p>
            <p class="status" class:failed=flag(move || phase() == Phase::Failed)>{status}</p>
            <button
                type="button"
                class="cancel"
                // Apart from the page's "Cancel", which stops every card.
                aria-label=format!("Cancel on {name}")
                hidden=flag(move || !running())
                on:click=click_keeping_focus(".card", move || on_cancel(()))
            >
                "Cancel"
            </button>
            <div class="card-result" hidden=flag(move || finished().is_none())>
                <img
                    class="result-image"
                    src=field(|d| d.src.as_str().to_string())
                    alt=format!("Remix result from {name}")
                />
                <p class="details">{field(Finished::details)}</p>
                <div class="result-actions">
                    <a
                        class="button primary"
                        href=field(|d| d.src.as_str().to_string())
                        download=field(|d| d.file_name.clone())
                    >
                        "Download"
                    </a>
                    <button type="button" on:click=click(use_it)>
                        "Use as reference"
                    </button>
                </div>
            </div>
        </section>
    }
}
