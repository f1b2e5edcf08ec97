//! The [`Driver`]: the pure policy that runs a provider to a result, over
//! the [`Job`]s and results of [`crate::job`], telling its caller what
//! happens as [`Event`]s.
//!
//! # The driver
//!
//! The wasm fetch loop owns the clock and the network; the driver owns
//! every decision. Time is passed in (`now_ms`, any monotonic origin), and
//! jitter comes from a seed, so runs are deterministic under test.
//!
//! ```text
//! let mut d = Driver::start(&input, cfg, RunOptions::default(), now())?;
//! loop {
//!     match d.next(now()) {
//!         Action::Send(req) => match fetch(req).await {
//!             Ok(res) => d.on_response(now(), res),
//!             Err(e) => d.on_network_error(now(), &e),       // no response at all
//!         },
//!         Action::Stream { request, timeout_ms } => match open(request, timeout_ms).await {
//!             Err(e) => d.on_network_error(now(), &e),
//!             Ok(res) if !res.ok => d.on_response(now(), res_with_body),
//!             Ok(body) => {
//!                 for line in body.lines() { if !d.on_stream_line(now(), line) { break } }
//!                 d.on_stream_end(now());                     // also after a timeout/abort
//!             }
//!         },
//!         Action::Wait(ms) => sleep(ms).await,
//!         Action::Done(result) => return Ok(result),
//!         Action::Fail(err) => return Err(err),  // err.job: a job that may still finish
//!     }
//!     for e in d.events() { on_event(e) }         // Accepted(job), Update(update)
//! }
//! ```
//! That loop is written once, the package's `fetch::drive`, and serves
//! the package and the app alike.
//! On an `AbortSignal`, call [`Driver::cancel`], send the request it gives
//! (if any, ignoring the answer) and then `next` answers `Fail(cancelled)`.
//! A transport that cannot stream may answer a `Stream` action with
//! `on_response` and the whole body; the driver splits the lines itself.
//!
//! # Schedule
//!
//! * **Streams first.** fal (server-sent events on `status_url/stream`) and
//!   inference.sh (NDJSON on `/tasks/{id}/stream`) push every state change,
//!   so a finished job is seen when it finishes, with one open request and
//!   no status polling. A stream that fails (non-2xx, network error, ends
//!   with nothing) is dropped for polling; one that ends after delivering
//!   lines is followed by one status read and reopened, at most
//!   [`MAX_STREAM_OPENS`] times in all.
//! * **Replicate** is asked with `Prefer: wait`: the submit is held open
//!   until the prediction ends (up to 60 s), so a 30 s job needs no
//!   status read at all; longer ones are polled.
//! * **Polling** (Pixazo, and any fallback) follows the provider's
//!   [`PollPolicy`](crate::provider::PollPolicy): by default first read
//!   after 0.5 s, each wait ×1.5, at most 5 s, ±10% jitter: a 30 s job
//!   takes about 10 reads and is seen at most 5 s late. Pixazo asks for
//!   5–10 s between reads: 2 s, ×1.5, at most 8 s.
//!   Detecting the end < 1 s late within 15 reads cannot be done by
//!   polling a job of unknown length; the streams and `Prefer: wait` are
//!   how this meets that budget where the provider allows it.
//! * **Retries.** A 429 is retried after `Retry-After` (seconds, or an
//!   HTTP-date against the response's `Date`), or 1 s, 2 s, 4 s…; a
//!   submit only on 429, at most [`MAX_SUBMIT_RETRIES`] times (the
//!   provider cannot have started a paid job). Reads and presigned
//!   uploads are also retried on 502/503/504 and on network failures, at
//!   most [`MAX_READ_RETRIES`] times in a row. A wait that would pass the
//!   deadline ends the run with the error instead, and so does a provider's
//!   [`retry_header`](crate::provider::ProviderInfo::retry_header) saying
//!   `false` (fal's `X-Fal-Retryable`).
//! * **Deadline.** At `timeout_ms` the run fails with `timeout`, after
//!   sending the provider's cancel request where it has one.

use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse, RequestKind};
use crate::job::{Job, JobStatus, RemixResult};
use crate::provider::{self, Config, Flight, Provider, RemixInput, Step};

mod event;
mod report;
mod resume;
mod schedule;
mod stream;

pub use event::{Event, JobUpdate};

/// What the fetch loop should do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Send this and report the answer (`on_response` / `on_network_error`).
    Send(HttpRequest),
    /// Open this stream; feed each line to `on_stream_line`, then call
    /// `on_stream_end`. Abort it after `timeout_ms`.
    Stream {
        /// The stream request.
        request: HttpRequest,
        /// Abort the stream after this long.
        timeout_ms: u64,
    },
    /// Sleep this long, then call `next` again.
    Wait(u64),
    /// Finished.
    Done(RemixResult),
    /// Failed (also: timed out, cancelled).
    Fail(RemixError),
}

/// Run options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Overall deadline, from `start`.
    pub timeout_ms: u64,
    /// Seed for jitter.
    pub seed: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

/// Counts of what a run sent, for tests and diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DriverStats {
    /// Every request, streams included.
    pub requests: u32,
    /// Status reads (`RequestKind::Status`).
    pub status_requests: u32,
    /// Streams opened.
    pub streams: u32,
    /// Requests repeated after a failure.
    pub retries: u32,
}

/// Default overall deadline: 5 minutes.
pub const DEFAULT_TIMEOUT_MS: u64 = 300_000;
/// How many times a submit is retried after 429.
pub const MAX_SUBMIT_RETRIES: u32 = 3;
/// How many times in a row a read or upload is retried.
pub const MAX_READ_RETRIES: u32 = 5;
/// How many times a status stream is opened in one run.
pub const MAX_STREAM_OPENS: u32 = 3;
/// The longest one stream is kept open before it is reopened.
pub const STREAM_SEGMENT_MS: u64 = 120_000;

#[derive(Debug)]
enum State {
    /// Send this when `now >= at`.
    Send(u64, HttpRequest),
    /// Read status when `now >= at`.
    PollAt(u64),
    /// Waiting for the answer to the request sent.
    InFlight,
    /// Finished.
    Finished(Result<RemixResult, RemixError>),
}

/// Runs one job: see the module documentation.
pub struct Driver {
    provider: &'static dyn Provider,
    cfg: Config,
    job: Job,
    /// What the run keeps beside the job while it follows it.
    flight: Flight,
    state: State,
    sent: Option<HttpRequest>,
    deadline: u64,
    rng: u64,
    failures: u32,
    poll_wait: u64,
    stream_allowed: bool,
    stream_lines: u32,
    cancel_sent: bool,
    stats: DriverStats,
    events: Vec<Event>,
    /// `Accepted` was said (or needs no saying: a resumed job).
    told_accepted: bool,
    last: (JobStatus, Option<u32>, usize),
    /// The failure of the last request and the wait before it is sent
    /// again, while that retry is pending: part of what
    /// [`Driver::observed`] says.
    retrying: Option<(RemixError, u64)>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("provider", &self.provider.info().id)
            .field("job", &self.job)
            .field("state", &self.state)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Driver {
    /// Validate `input` and prepare the first request; nothing is sent.
    pub fn start(
        input: &RemixInput,
        mut cfg: Config,
        opts: RunOptions,
        now_ms: u64,
    ) -> Result<Self, RemixError> {
        // Ids the client picks (Runware's task) must differ run to run.
        cfg.nonce ^= opts.seed ^ now_ms.rotate_left(32);
        let (p, job, flight, req) = provider::start(input, &cfg)?;
        let state = State::Send(now_ms, req);
        Ok(Self::with(p, cfg, job, flight, state, opts, now_ms))
    }

    fn with(
        provider: &'static dyn Provider,
        cfg: Config,
        job: Job,
        flight: Flight,
        state: State,
        opts: RunOptions,
        now: u64,
    ) -> Self {
        let last = (job.status, job.queue_position, flight.logs.len());
        Self {
            provider,
            cfg,
            // A job that has its id already (resumed) was accepted before.
            told_accepted: !job.id.is_empty(),
            job,
            flight,
            state,
            sent: None,
            deadline: now.saturating_add(opts.timeout_ms),
            rng: opts.seed | 1,
            failures: 0,
            poll_wait: 0,
            stream_allowed: true,
            stream_lines: 0,
            cancel_sent: false,
            stats: DriverStats::default(),
            events: Vec::new(),
            last,
            retrying: None,
        }
    }

    /// The job as known now.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// True once the provider has accepted the job (it has an id), or it
    /// has finished: what `RemixClient.submit` waits for.
    pub fn is_submitted(&self) -> bool {
        !self.job.id.is_empty() || matches!(self.state, State::Finished(_))
    }

    /// The overall deadline, on the `now_ms` clock: a transport should
    /// abort a request still open then (e.g. Replicate's held submit).
    pub fn deadline_ms(&self) -> u64 {
        self.deadline
    }

    /// What was sent so far.
    pub fn stats(&self) -> DriverStats {
        self.stats
    }

    /// What happened since the last call, oldest first.
    pub fn events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// How the run ended, once it has; `None` while it goes on. Unlike
    /// `next`, this changes nothing.
    pub fn outcome(&self) -> Option<Result<RemixResult, RemixError>> {
        match &self.state {
            State::Finished(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// What to do now.
    pub fn next(&mut self, now_ms: u64) -> Action {
        if let State::Finished(r) = &self.state {
            return match r {
                Ok(res) => Action::Done(res.clone()),
                Err(e) => Action::Fail(e.clone()),
            };
        }
        if now_ms >= self.deadline {
            let info = self.provider.info();
            let err = RemixError::new(
                ErrorCode::Timeout,
                [
                    "The ",
                    info.name,
                    " job did not finish in time; it was cancelled where the provider allows.",
                ]
                .concat(),
            )
            .with_provider(info.id);
            let cancel = self.cancel_request();
            self.finish(Err(err));
            if let Some(req) = cancel {
                return Action::Send(req);
            }
            return self.next(now_ms);
        }
        let left = self.deadline - now_ms;
        match std::mem::replace(&mut self.state, State::InFlight) {
            State::Send(at, req) if now_ms < at => {
                self.state = State::Send(at, req);
                Action::Wait((at - now_ms).min(left))
            }
            State::PollAt(at) if now_ms < at => {
                self.state = State::PollAt(at);
                Action::Wait((at - now_ms).min(left))
            }
            State::Send(_, req) => self.dispatch(req, left),
            State::PollAt(_) => match self.provider.poll(&self.job, &self.cfg) {
                Some(req) => self.dispatch(req, left),
                None => {
                    let err = RemixError::new(
                        ErrorCode::ProviderError,
                        "This provider has no status to read.",
                    )
                    .with_provider(self.provider.info().id);
                    self.finish(Err(err));
                    self.next(now_ms)
                }
            },
            State::InFlight => {
                // Called without reporting the answer: wait for the deadline.
                Action::Wait(left)
            }
            State::Finished(_) => self.next(now_ms),
        }
    }

    fn dispatch(&mut self, req: HttpRequest, left: u64) -> Action {
        self.state = State::InFlight;
        self.flight.phase = req.kind;
        self.stats.requests += 1;
        if req.kind == RequestKind::Status {
            self.stats.status_requests += 1;
        }
        self.sent = Some(req.clone());
        if req.kind == RequestKind::Stream {
            self.stats.streams += 1;
            self.stream_lines = 0;
            Action::Stream {
                request: req,
                timeout_ms: left.min(STREAM_SEGMENT_MS),
            }
        } else {
            Action::Send(req)
        }
    }

    fn cancel_request(&mut self) -> Option<HttpRequest> {
        if self.cancel_sent || self.job.id.is_empty() {
            return None;
        }
        self.cancel_sent = true;
        self.provider.cancel(&self.job, &self.cfg)
    }

    /// Stop the run (an `AbortSignal`): `next` answers `Fail(cancelled)`
    /// from now on. Returns the provider's cancel request to send, if the
    /// job was submitted and the provider has one; its answer may be
    /// reported or ignored.
    pub fn cancel(&mut self) -> Option<HttpRequest> {
        if matches!(self.state, State::Finished(_)) {
            return None;
        }
        let req = self.cancel_request();
        let info = self.provider.info();
        self.finish(Err(RemixError::new(
            ErrorCode::Cancelled,
            ["The ", info.name, " job was cancelled."].concat(),
        )
        .with_provider(info.id)));
        req
    }

    /// Report the answer to the request of the last `Send` (or a `Stream`
    /// that answered non-2xx, or a whole stream body).
    pub fn on_response(&mut self, now_ms: u64, res: HttpResponse) {
        if !matches!(self.state, State::InFlight) {
            return; // a cancel's answer, or a report after the end
        }
        let kind = self.sent.as_ref().map_or(self.flight.phase, |r| r.kind);
        let info = self.provider.info();
        if kind == RequestKind::Stream {
            if res.is_success() {
                for line in res.body.split(|b| *b == b'\n') {
                    if !self.on_stream_line(now_ms, line) {
                        return;
                    }
                }
                self.on_stream_end(now_ms);
            } else if matches!(res.status, 401 | 402) {
                self.finish(Err(provider::http_error(info, &res)));
            } else {
                self.stream_allowed = false;
                self.sent = None;
                self.state = State::PollAt(now_ms);
            }
            return;
        }
        let s = res.status;
        let max = if kind.is_read() || kind == RequestKind::Upload {
            MAX_READ_RETRIES
        } else {
            MAX_SUBMIT_RETRIES
        };
        let transient =
            s == 429 || ((kind.is_read() || kind == RequestKind::Upload) && matches!(s, 502..=504));
        let provider_says_no = info
            .retry_header
            .and_then(|h| res.header(h))
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
        if transient && !provider_says_no && self.failures < max && kind != RequestKind::Cancel {
            let err = provider::http_error(info, &res);
            let wait = match res.retry_after_secs() {
                Some(secs) => u64::from(secs) * 1000 + self.rand() % 250,
                None => self.backoff(),
            };
            self.retry_or_fail(now_ms, wait, err);
            return;
        }
        self.failures = 0;
        self.retrying = None;
        let step = self
            .provider
            .on_response(&mut self.job, &mut self.flight, &self.cfg, &res);
        self.sent = None;
        self.apply(now_ms, step);
    }

    fn apply(&mut self, now: u64, step: Result<Step, RemixError>) {
        match step {
            Ok(Step::Send(req)) => {
                self.emit();
                self.state = State::Send(now, req);
            }
            Ok(Step::Stream(req)) if self.stream_allowed => {
                self.emit();
                self.state = State::Send(now, req);
            }
            Ok(Step::Poll | Step::Stream(_)) => {
                self.emit();
                let stream = if self.stream_allowed && self.stats.streams < MAX_STREAM_OPENS {
                    self.provider.stream(&self.job, &self.cfg)
                } else {
                    None
                };
                self.state = match stream {
                    Some(req) => State::Send(now, req),
                    None => {
                        let w = self.next_poll_wait();
                        State::PollAt(now.saturating_add(w))
                    }
                };
            }
            Ok(Step::Done(r)) => self.finish(Ok(r)),
            Err(e) => self.finish(Err(e)),
        }
    }

    /// Report that the request of the last `Send`/`Stream` got no response
    /// (offline, DNS, reset, or a CORS block, which browsers report the
    /// same way).
    pub fn on_network_error(&mut self, now_ms: u64, message: &str) {
        if !matches!(self.state, State::InFlight) {
            return;
        }
        let kind = self.sent.as_ref().map_or(self.flight.phase, |r| r.kind);
        let err = provider::network_error(self.provider.info(), &self.cfg, message);
        match kind {
            RequestKind::Stream => {
                if self.stream_lines == 0 {
                    self.stream_allowed = false;
                }
                self.sent = None;
                self.state = State::PollAt(now_ms);
            }
            RequestKind::Status | RequestKind::Result | RequestKind::Upload
                if self.failures < MAX_READ_RETRIES =>
            {
                let wait = self.backoff();
                self.retry_or_fail(now_ms, wait, err);
            }
            _ => self.finish(Err(err)),
        }
    }
}
