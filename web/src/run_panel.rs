//! "Remix" (disabled, with the reason, while the input is invalid),
//! "Cancel" while a job runs, and the `role="status"` line that names the
//! job's state: queued with the jobs ahead of it, running with the elapsed time
//! and the provider's log lines, then completed, failed or cancelled.

use std::time::Duration;

use leptos::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::job::JobStatus;

use crate::browser;
use crate::dyn_view::{click, flag, items, lines, text};
use crate::format;
use crate::runner;
use crate::state::{AppState, Phase, Run};
use crate::validation::Problems;

/// The status sentence for `run` at time `now`.
pub fn status_text(run: &Run, now: f64) -> String {
    let p = run.provider;
    match run.phase {
        Phase::Idle => String::new(),
        Phase::Running => {
            let elapsed = format::duration(now - run.started_ms);
            if let Some((at, code)) = run.retry.filter(|(at, _)| *at > now) {
                // An integer: `{secs}` on an f64 pulls in float formatting (~7 KB gzipped).
                let secs = ((at - now) / 1000.0).ceil().max(1.0) as u64;
                let why = match code {
                    ErrorCode::RateLimited => "asked us to slow down (rate limit)",
                    ErrorCode::Network => "could not be reached",
                    _ => "is busy",
                };
                return format!("{p} {why}: trying again in {secs} s… {elapsed}");
            }
            match (run.status, run.queue_position) {
                // Providers count from 0 (fal's `queue_position`): the
                // number of jobs ahead, which is what a person wants to know.
                (Some(JobStatus::Queued), Some(0)) => {
                    format!("Queued on {p}, next in line… {elapsed}")
                }
                (Some(JobStatus::Queued), Some(1)) => {
                    format!("Queued on {p}, 1 job ahead… {elapsed}")
                }
                (Some(JobStatus::Queued), Some(ahead)) => {
                    format!("Queued on {p}, {ahead} jobs ahead… {elapsed}")
                }
                (Some(JobStatus::Queued), None) => format!("Queued on {p}… {elapsed}"),
                (Some(JobStatus::Running), _) => format!("Running on {p}… {elapsed}"),
                _ if run.resumed => format!("Checking on the {p} job again… {elapsed}"),
                _ => format!("Sending to {p}… {elapsed}"),
            }
        }
        Phase::Completed => format!(
            "Completed on {p} in {}.",
            format::duration(run.ended_ms - run.started_ms)
        ),
        Phase::Failed => format!("Failed: {}", run.message),
        Phase::Cancelled => "Cancelled. The board and the prompt are as they were.".to_string(),
    }
}

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

#[cfg(test)]
mod tests {
    use reve_remix_core::RemixError;
    use reve_remix_core::job::JobUpdate;

    use super::*;

    fn update(status: JobStatus, retry: Option<(ErrorCode, u64)>) -> JobUpdate {
        JobUpdate {
            status,
            queue_position: None,
            logs: Vec::new(),
            result: None,
            error: retry.map(|(code, _)| RemixError::new(code, "it failed")),
            retry_in_ms: retry.map(|(_, ms)| ms),
        }
    }

    #[test]
    fn a_retry_counts_down_then_the_job_state_comes_back() {
        let mut run = Run::start("Reve", 0.0);
        run.apply(
            &update(JobStatus::Queued, Some((ErrorCode::RateLimited, 2_000))),
            1_000.0,
        );
        let text = status_text(&run, 1_100.0);
        assert!(
            text.starts_with("Reve asked us to slow down (rate limit): trying again in 2 s"),
            "{text}"
        );
        assert!(status_text(&run, 2_500.0).contains("trying again in 1 s"));
        // The wait is over: the request is on its way again.
        assert!(status_text(&run, 3_100.0).starts_with("Sending to Reve"));
        run.apply(&update(JobStatus::Running, None), 4_000.0);
        assert!(status_text(&run, 4_000.0).starts_with("Running on Reve"));
        assert_eq!(run.retry, None);
    }

    #[test]
    fn a_resumed_run_says_it_is_checking_on_the_job_until_the_provider_answers() {
        let mut run = Run::start("fal", 0.0);
        run.resumed = true;
        assert!(status_text(&run, 500.0).starts_with("Checking on the fal job again"));
        run.apply(&update(JobStatus::Queued, None), 600.0);
        assert!(status_text(&run, 700.0).starts_with("Queued on fal"));
    }

    #[test]
    fn a_queued_job_says_how_many_jobs_are_ahead_of_it() {
        let mut run = Run::start("fal", 0.0);
        let mut queued = |pos| {
            let mut u = update(JobStatus::Queued, None);
            u.queue_position = Some(pos);
            run.apply(&u, 100.0);
            status_text(&run, 200.0)
        };
        assert!(queued(3).starts_with("Queued on fal, 3 jobs ahead…"));
        assert!(queued(1).starts_with("Queued on fal, 1 job ahead…"));
        assert!(queued(0).starts_with("Queued on fal, next in line…"));
    }

    #[test]
    fn a_dropped_status_read_says_the_provider_could_not_be_reached() {
        let mut run = Run::start("fal", 0.0);
        run.apply(&update(JobStatus::Running, None), 100.0);
        run.apply(
            &update(JobStatus::Running, Some((ErrorCode::Network, 1_000))),
            200.0,
        );
        let text = status_text(&run, 300.0);
        assert!(
            text.starts_with("fal could not be reached: trying again in 1 s"),
            "{text}"
        );
    }
}
