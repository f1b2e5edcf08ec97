//! A run as the page follows it: where it is (sent, queued with the jobs
//! ahead, running, waiting to retry), the provider's log lines, how it
//! ended, and the sentence the status line says about it.

use reve_remix_core::ErrorCode;
use reve_remix_core::driver::JobUpdate;
use reve_remix_core::job::JobStatus;

use super::format;

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing ran yet.
    Idle,
    /// Sent, not finished.
    Running,
    /// Finished with a result.
    Completed,
    /// Finished with an error.
    Failed,
    /// Cancelled by the user.
    Cancelled,
}

/// The run in progress or the last one.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Where it is.
    pub phase: Phase,
    /// The provider's display name.
    pub provider: &'static str,
    /// The job's state as last reported.
    pub status: Option<JobStatus>,
    /// Place in the provider's queue, when it says.
    pub queue_position: Option<u32>,
    /// The provider's log lines.
    pub logs: Vec<String>,
    /// When it started (ms since the epoch).
    pub started_ms: f64,
    /// When it ended (0 while running).
    pub ended_ms: f64,
    /// The error, explained (failed runs).
    pub message: String,
    /// While a failed request waits to be sent again: when it will be (ms
    /// since the epoch), and why.
    pub retry: Option<(f64, ErrorCode)>,
    /// Following a job submitted before the page reloaded.
    pub resumed: bool,
    /// The prompt it was started with ("" when not known).
    pub prompt: String,
}

impl Run {
    /// No run yet.
    pub fn idle() -> Self {
        Self {
            phase: Phase::Idle,
            provider: "",
            status: None,
            queue_position: None,
            logs: Vec::new(),
            started_ms: 0.0,
            ended_ms: 0.0,
            message: String::new(),
            retry: None,
            resumed: false,
            prompt: String::new(),
        }
    }

    /// A run that starts now.
    pub fn start(provider: &'static str, now: f64) -> Self {
        Self {
            phase: Phase::Running,
            provider,
            started_ms: now,
            ..Self::idle()
        }
    }

    /// Take in a job update that arrived at `now`.
    pub fn apply(&mut self, update: &JobUpdate, now: f64) {
        self.retry = match (update.retry_in_ms, &update.error) {
            (Some(ms), Some(e)) => Some((now + ms as f64, e.code)),
            // Something else happened: the retry went out.
            _ => None,
        };
        if update.retry_in_ms.is_none() {
            self.status = Some(update.status);
        }
        self.queue_position = update.queue_position;
        self.logs.clone_from(&update.logs);
    }

    /// End the run.
    pub fn end(&mut self, phase: Phase, now: f64, message: String) {
        self.phase = phase;
        self.ended_ms = now;
        self.message = message;
    }
}

/// Where the keyboard focus goes when the control that had it goes as a
/// run or a comparison starts or ends (see [`focus_after`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusTo {
    /// "Cancel": "Remix" was disabled as the run or the comparison started.
    Cancel,
    /// The run's result ("Download"), else "Remix".
    Result,
    /// The first comparison card that shows a result ("Download"), else "Remix".
    CardResult,
    /// Back to "Remix".
    Remix,
}

/// Where the focus goes as the page moves from `was` to `now`, each the
/// single run's phase and whether a comparison runs (`None`: no change).
pub fn focus_after(was: (Phase, bool), now: (Phase, bool)) -> Option<FocusTo> {
    (was != now).then_some(match now {
        (Phase::Running, _) | (_, true) => FocusTo::Cancel,
        // The comparison ended: the single run's phase is an older run's.
        _ if was.1 => FocusTo::CardResult,
        (Phase::Completed, _) => FocusTo::Result,
        _ => FocusTo::Remix,
    })
}

/// The status sentence for `run` at time `now`: [`status_parts`] joined.
pub fn status_text(run: &Run, now: f64) -> String {
    let (what, clock) = status_parts(run, now);
    what + &clock
}

/// The status in two parts: what is happening, which changes only when
/// the job's state does (a screen reader announces it), and the clock
/// after it (elapsed time, a retry's countdown), which ticks and is not
/// announced.
pub fn status_parts(run: &Run, now: f64) -> (String, String) {
    let p = run.provider;
    match run.phase {
        Phase::Idle => (String::new(), String::new()),
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
                return (
                    format!("{p} {why}: "),
                    format!("trying again in {secs} s… {elapsed}"),
                );
            }
            let what = match (run.status, run.queue_position) {
                // Providers count from 0 (fal's `queue_position`): the
                // number of jobs ahead, which is what a person wants to know.
                (Some(JobStatus::Queued), Some(0)) => format!("Queued on {p}, next in line… "),
                (Some(JobStatus::Queued), Some(1)) => format!("Queued on {p}, 1 job ahead… "),
                (Some(JobStatus::Queued), Some(ahead)) => {
                    format!("Queued on {p}, {ahead} jobs ahead… ")
                }
                (Some(JobStatus::Queued), None) => format!("Queued on {p}… "),
                (Some(JobStatus::Running), _) => format!("Running on {p}… "),
                // Done on the provider's side; the image is on its way.
                (Some(JobStatus::Completed), _) => format!("Fetching the result from {p}… "),
                _ if run.resumed => format!("Checking on the {p} job again… "),
                _ => format!("Sending to {p}… "),
            };
            (what, elapsed)
        }
        Phase::Completed => (
            format!(
                "Completed on {p} in {}.",
                format::duration(run.ended_ms - run.started_ms)
            ),
            String::new(),
        ),
        Phase::Failed => (format!("Failed: {}", run.message), String::new()),
        Phase::Cancelled => (
            "Cancelled. The board and the prompt are as they were.".to_string(),
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use reve_remix_core::RemixError;

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
    fn a_finished_job_whose_image_is_on_its_way_never_reads_as_sending_again() {
        let mut run = Run::start("fal", 0.0);
        run.apply(&update(JobStatus::Running, None), 500.0);
        run.apply(&update(JobStatus::Completed, None), 2_000.0);
        let text = status_text(&run, 2_100.0);
        assert!(text.starts_with("Fetching the result from fal"), "{text}");
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

    #[test]
    fn what_is_announced_changes_with_the_state_not_with_the_clock() {
        let mut run = Run::start("fal", 0.0);
        let mut u = update(JobStatus::Queued, None);
        u.queue_position = Some(2);
        run.apply(&u, 100.0);
        let (at_1s, clock_1s) = status_parts(&run, 1_000.0);
        let (at_9s, clock_9s) = status_parts(&run, 9_000.0);
        assert_eq!(at_1s, at_9s, "the announced part holds still while queued");
        assert_ne!(clock_1s, clock_9s, "the clock ticks");
        run.apply(
            &update(JobStatus::Running, Some((ErrorCode::RateLimited, 3_000))),
            9_100.0,
        );
        let (retry_a, count_a) = status_parts(&run, 9_200.0);
        let (retry_b, count_b) = status_parts(&run, 11_200.0);
        assert_eq!(retry_a, "fal asked us to slow down (rate limit): ");
        assert_eq!(
            retry_a, retry_b,
            "a countdown is not re-announced each second"
        );
        assert!(
            count_a.starts_with("trying again in 3 s")
                && count_b.starts_with("trying again in 1 s")
        );
        assert_eq!(status_text(&run, 9_200.0), retry_a + &count_a);
    }

    #[test]
    fn the_focus_follows_a_run_and_a_comparison() {
        use Phase::*;
        assert_eq!(focus_after((Idle, false), (Idle, false)), None);
        // A single run: Remix -> Cancel -> its Download, or back to Remix.
        assert_eq!(
            focus_after((Idle, false), (Running, false)),
            Some(FocusTo::Cancel)
        );
        assert_eq!(
            focus_after((Running, false), (Completed, false)),
            Some(FocusTo::Result)
        );
        for end in [Failed, Cancelled] {
            assert_eq!(
                focus_after((Running, false), (end, false)),
                Some(FocusTo::Remix)
            );
        }
        // A comparison after a finished single run: Remix -> Cancel -> a
        // card's Download (or Remix), never the older single result.
        assert_eq!(
            focus_after((Completed, false), (Completed, true)),
            Some(FocusTo::Cancel)
        );
        assert_eq!(
            focus_after((Completed, true), (Completed, false)),
            Some(FocusTo::CardResult)
        );
        assert_eq!(
            focus_after((Idle, true), (Idle, false)),
            Some(FocusTo::CardResult)
        );
    }
}
