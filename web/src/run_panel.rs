//! "Remix" (disabled, with the reason, while the input is invalid),
//! "Cancel" while a job runs, and the `role="status"` line that names the
//! job's state: queued with the jobs ahead of it, running with the elapsed time
//! and the provider's log lines, then completed, failed or cancelled.

use std::time::Duration;

use leptos::prelude::*;

use crate::browser;
use crate::dyn_view::{click, flag, items, lines, text};
use crate::model::run::status_text;
use crate::runner;
use crate::state::{AppState, Phase};
use crate::validation::Problems;

/// The run controls and status.
#[component]
pub fn RunPanel(
    /// The app's state.
    state: AppState,
    /// What stands between the input and a run.
    problems: Memo<Problems>,
) -> impl IntoView {
    let reason = move || {
        if state.running() {
            "A remix is running.".to_string()
        } else {
            problems.with(|p| p.first().unwrap_or_default().to_string())
        }
    };

    // The elapsed time ticks while a job runs.
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = ticker.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        if !state.running() {
            stop();
        } else if ticker.with_value(Option::is_none) {
            let tick = move || state.now.set(browser::page::now_ms());
            let handle = set_interval_with_handle(tick, Duration::from_millis(200)).ok();
            ticker.set_value(handle);
        }
    });
    on_cleanup(stop);

    let phase_is = move |phase: Phase| flag(move || state.run.with(|r| r.phase == phase));
    let logs = lines(move || {
        state
            .run
            .with(|r| r.logs.iter().map(|l| (l.clone(), false)).collect())
    });

    view! {
        <section class="panel run" aria-label="Run">
            <div class="run-buttons">
                <button
                    type="button"
                    class="remix"
                    disabled=flag(move || !reason().is_empty())
                    aria-describedby="remix-reason"
                    aria-keyshortcuts="Control+Enter Meta+Enter"
                    title="Remix (Ctrl+Enter in the prompt)"
                    on:click=click(move || runner::start(state))
                >
                    "Remix"
                </button>
                <button
                    type="button"
                    class="cancel"
                    hidden=flag(move || !state.running())
                    on:click=click(move || runner::cancel(state))
                >
                    "Cancel"
                </button>
            </div>
            <p id="remix-reason" class="reason">{text(reason)}</p>
            <p
                role="status"
                aria-live="polite"
                class="status"
                class:failed=phase_is(Phase::Failed)
                class:done=phase_is(Phase::Completed)
            >
                {text(move || state.run.with(|r| status_text(r, state.now.get())))}
            </p>
            <ol class="logs" aria-label="Provider log" hidden=flag(move || state.run.with(|r| r.logs.is_empty()))>
                {items(logs)}
            </ol>
        </section>
    }
}
