//! "Remix" (disabled, with the reason, while the input is invalid) and
//! what a run would cost,
//! "Cancel" while a job or a comparison runs, and the `role="status"` line that names the
//! job's state: queued with the jobs ahead of it, running with the elapsed time
//! and the provider's log lines, then completed, failed or cancelled.

use std::time::Duration;

use leptos::prelude::*;

use super::dyn_view::{Dyn, Handler, click, flag, items, lines, text};
use crate::browser::page;
use crate::model::run::{FocusTo, focus_after, status_parts};
use crate::model::{Phase, Run};

/// Move `now` on while `run` is in progress, so that its elapsed time
/// ticks; stop with the run or the component.
pub(crate) fn tick_while_running(run: ReadSignal<Run>, now: RwSignal<f64>) {
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = ticker.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        if run.with(|r| r.phase != Phase::Running) {
            stop();
        } else if ticker.with_value(Option::is_none) {
            let tick = move || now.set(page::now_ms());
            let handle = set_interval_with_handle(tick, Duration::from_millis(200)).ok();
            ticker.set_value(handle);
        }
    });
    on_cleanup(stop);
}

/// The run controls and status.
#[component]
pub fn RunPanel(
    /// The run in progress, or the last one.
    run: ReadSignal<Run>,
    /// The clock the status line reads; the panel moves it on while a run
    /// is in progress, so that the elapsed time ticks.
    now: RwSignal<f64>,
    /// Why "Remix" cannot run now ("" when it can).
    blocked: Dyn<String>,
    /// What a run would cost, from the provider's list price.
    estimate: Dyn<String>,
    /// A comparison's state in one sentence ("" when there is none): said
    /// in the status line instead of the single run's.
    comparison: Dyn<String>,
    /// True while a comparison runs on any provider: "Cancel" stops it.
    comparing: Dyn<bool>,
    /// Start a run.
    on_remix: Handler<()>,
    /// Stop the run or the comparison in progress.
    on_cancel: Handler<()>,
) -> impl IntoView {
    let running = move || run.with(|r| r.phase == Phase::Running);
    let busy = {
        let comparing = comparing.clone();
        flag(move || running() || comparing())
    };
    let reason = text(move || {
        if running() {
            "A remix is running.".to_string()
        } else {
            blocked()
        }
    });

    tick_while_running(run, now);

    // The focus follows the run or the comparison when the control that
    // had it goes: "Remix" is disabled as it starts (to "Cancel"),
    // "Cancel" hides as it ends (to a result's "Download", or back to
    // "Remix").
    let remix_button = NodeRef::<leptos::html::Button>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |was: Option<(Phase, bool)>| {
        let now = (run.with(|r| r.phase), comparing());
        if let Some(to) = was.and_then(|was| focus_after(was, now)) {
            request_animation_frame(move || {
                let Some(remix) = remix_button.get_untracked() else {
                    return;
                };
                if !page::focus_lost(&remix) {
                    return;
                }
                let shown = |selector| {
                    let app = remix.closest(".app").ok().flatten()?;
                    app.query_selector(selector).ok().flatten()
                };
                let target: Option<web_sys::Element> = match to {
                    FocusTo::Cancel => cancel_button.get_untracked().map(Into::into),
                    FocusTo::Result => shown(".result a[download]"),
                    FocusTo::CardResult => shown(".card-result:not([hidden]) a[download]"),
                    FocusTo::Remix => None,
                };
                page::focus(target.or_else(|| Some(remix.into())));
            });
        }
        now
    });

    // A memo: the sentence reaches the page (and a screen reader) only
    // when it changes, not with every tick of the clock.
    let compared = Memo::new(move |_| comparison());
    let what = Memo::new(move |_| {
        let compared = compared.get();
        if compared.is_empty() {
            run.with(|r| status_parts(r, now.get()).0)
        } else {
            compared
        }
    });
    let comparing = move || compared.with(|c| !c.is_empty());
    let phase_is = move |phase: Phase| flag(move || run.with(|r| r.phase == phase));
    let logs = lines(move || run.with(|r| r.logs.iter().map(|l| (l.clone(), false)).collect()));

    view! {
        <section class="panel run" aria-label="Run">
            <div class="run-buttons">
                <button
                    type="button"
                    class="remix"
                    node_ref=remix_button
                    disabled={
                        let reason = reason.clone();
                        flag(move || !reason().is_empty())
                    }
                    aria-describedby="remix-reason"
                    aria-keyshortcuts="Control+Enter Meta+Enter"
                    title="Remix (Ctrl+Enter in the prompt)"
                    on:click=click(move || on_remix(()))
                >
                    "Remix"
                </button>
                <button
                    type="button"
                    class="cancel"
                    node_ref=cancel_button
                    hidden=flag(move || !busy())
                    on:click=click(move || on_cancel(()))
                >
                    "Cancel"
                </button>
            </div>
            <p id="remix-reason" class="reason">{reason}</p>
            <p id="remix-cost" class="hint">{estimate}</p>
            // Announced once per change of state: the ticking clock is in
            // a part of the region that is not live.
            <p
                role="status"
                aria-live="polite"
                aria-atomic="false"
                class="status"
                class:failed=phase_is(Phase::Failed)
                class:done=phase_is(Phase::Completed)
            >
                <span class="status-what">{text(move || what.get())}</span>
                <span class="status-clock" aria-live="off">
                    {text(move || {
                        if comparing() {
                            String::new()
                        } else {
                            run.with(|r| status_parts(r, now.get()).1)
                        }
                    })}
                </span>
            </p>
            <ol class="logs" aria-label="Provider log" hidden=flag(move || run.with(|r| r.logs.is_empty()))>
                {items(logs)}
            </ol>
        </section>
    }
}
