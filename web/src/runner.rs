//! Running a remix: the core's driver over `fetch::run`, with an
//! `AbortController` that "Cancel" aborts. Job updates go to `run`; the
//! job, once the provider has accepted it, to the listener (the site keeps
//! it, so a reload follows it again instead of losing a paid result); the
//! result to `results` (kept until newer ones push it out). A run never
//! touches the board or the prompt: it is sent a copy of them.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use reve_remix_core::driver::JobUpdate;
use reve_remix_core::http::Secret;
use reve_remix_core::image::sniff_format;
use reve_remix_core::job::{Job, RemixResult};
use reve_remix_core::provider::{Config, RemixInput};
use reve_remix_core::{ErrorCode, RemixError};

use crate::browser::{blob, page};
use crate::model::models::info_for;
use crate::model::{Finished, ImageUrl, Phase, Results, Run, Settings, format, messages};

/// What a run reports to whoever embeds the app (the widget's events, the
/// site's storage).
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(dead_code, reason = "only the browser build runs a remix")
)]
pub enum RunEvent<'a> {
    /// The run started.
    Start,
    /// The provider accepted the job (queued providers): enough to follow
    /// it again later.
    Submitted(&'a Job),
    /// The job's state changed.
    Update(&'a JobUpdate),
    /// The result arrived (and is shown).
    Complete(&'a RemixResult),
    /// The run failed or was cancelled.
    Error(&'a RemixError),
}

/// A listener of [`RunEvent`]s.
pub type RunListener = Rc<dyn Fn(RunEvent<'_>)>;

/// One board's runs: what they show, and the handles that steer them.
#[derive(Clone, Copy)]
pub struct Runner {
    /// The run in progress, or the last one.
    pub run: RwSignal<Run>,
    /// The result shown and the earlier ones.
    pub results: RwSignal<Results>,
    /// The clock the status line reads (ms since the epoch).
    pub now: RwSignal<f64>,
    /// What steers the run in progress, in one stored value: each stored
    /// type is its own copy of the arena's code in the first screen's wasm
    /// (issue 25), and these are only ever read one at a time.
    handles: StoredValue<Handles, LocalStorage>,
}

/// The handles that steer a [`Runner`]'s runs.
#[derive(Default)]
struct Handles {
    /// Aborts the run in progress ("Cancel", or the widget's removal).
    abort: Option<web_sys::AbortController>,
    /// Hears each run's events, if anyone does.
    listener: Option<RunListener>,
    /// The job of the run in progress, once the provider has accepted it:
    /// told to a listener that comes after (the site's keeper of jobs
    /// arrives with a chunk).
    accepted: Option<Job>,
    /// The site keeps the job in flight, so that a reload follows it again.
    keeps_jobs: bool,
    /// What to say instead of a bare network error for the run in
    /// progress: a direct call a browser may have blocked (CORS).
    blocked_advice: Option<String>,
    /// The token the next run sends to the proxy, if it goes through one
    /// that asks for it ("Proxy token", the widget's `proxy-token`).
    token: Option<Secret>,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    /// No run yet.
    pub fn new() -> Self {
        Self {
            run: RwSignal::new(Run::idle()),
            results: RwSignal::new(Results::default()),
            now: RwSignal::new(0.0),
            handles: StoredValue::new_local(Handles::default()),
        }
    }

    /// Tell `listener` about every run from now on (`None`: nobody), and
    /// at once about the job of the run in progress if the provider has
    /// accepted it already.
    pub fn listen(&self, listener: Option<RunListener>) {
        if let Some(listen) = &listener
            && let Some(Some(job)) = self.handles.try_with_value(|h| h.accepted.clone())
        {
            listen(RunEvent::Submitted(&job));
        }
        self.handles.try_update_value(|h| h.listener = listener);
    }

    /// Whoever listens keeps the job in flight: a run that loses the
    /// network after the provider took the job says to reload.
    pub fn keep_jobs(&self) {
        self.handles.try_update_value(|h| h.keeps_jobs = true);
    }

    /// Ready the next run for `settings`: what it says if the provider
    /// cannot be reached ([`Settings::blocked_advice`]) and the token it
    /// sends to the proxy.
    pub fn prepare(&self, settings: &Settings) {
        let (advice, token) = (settings.blocked_advice(), settings.connection.token());
        self.handles.try_update_value(|h| {
            h.blocked_advice = advice;
            h.token = token;
        });
    }

    /// A run on `provider` that fails before anything is sent (the widget
    /// asked for a model it does not sell): the status says why and the
    /// listener hears the error, as from any run.
    pub fn refuse(&self, provider: &'static str, e: RemixError) {
        if self.running() {
            return;
        }
        self.run.set(Run::start(provider, page::now_ms()));
        self.emit(RunEvent::Start);
        self.fail(e);
    }

    /// True while a run is in progress (not tracked).
    pub fn running(&self) -> bool {
        self.run
            .try_with_untracked(|r| r.phase == Phase::Running)
            .unwrap_or(false)
    }

    /// Start a run of `input` over `cfg` (ignored while one is running).
    pub fn start(&self, input: RemixInput, cfg: Config) {
        if !self.running() {
            let prompt = input.prompt.clone();
            self.launch(Plan::Start(input), cfg, page::now_ms(), prompt);
        }
    }

    /// Follow again a job submitted before the page reloaded, from
    /// `started_ms` (when its run began, with `prompt`): the provider may
    /// already have charged for it. `cfg` must be the job's provider's.
    pub fn resume(&self, job: Job, cfg: Config, started_ms: f64, prompt: String) {
        if !self.running() {
            self.launch(Plan::Resume(job), cfg, started_ms, prompt);
        }
    }

    /// Abort the run in progress, if any.
    pub fn cancel(&self) {
        // Called outside the stored value, as abort's listeners run at once.
        if let Some(Some(controller)) = self.handles.try_with_value(|h| h.abort.clone()) {
            controller.abort();
        }
    }

    /// Tell the listener, if any (a disposed runner has none).
    fn emit(&self, event: RunEvent<'_>) {
        // Called outside the stored value: a listener may steer the runner.
        if let Some(Some(listener)) = self.handles.try_with_value(|h| h.listener.clone()) {
            listener(event);
        }
    }

    fn launch(self, plan: Plan, cfg: Config, started: f64, prompt: String) {
        let info = info_for(cfg.provider.as_str());
        self.now.set(page::now_ms());
        let mut run = Run::start(info.name, started);
        run.resumed = matches!(plan, Plan::Resume(_));
        run.prompt.clone_from(&prompt);
        self.run.set(run);
        self.emit(RunEvent::Start);
        let Ok(controller) = web_sys::AbortController::new() else {
            self.fail(RemixError::new(
                ErrorCode::Network,
                "This browser cannot run a remix (no AbortController); use a current browser.",
            ));
            return;
        };
        let signal = controller.signal();
        let token = self
            .handles
            .try_update_value(|h| {
                h.abort = Some(controller);
                h.token.clone()
            })
            .flatten();
        let shown = Shown { started, prompt };
        leptos::task::spawn_local(crate::lazy::carry(self, plan, cfg, token, signal, shown));
    }

    /// [`Runner::send`], then the result as the page shows it
    /// ([`collect`]), and the run's end: together in the run's chunk
    /// (`lazy.rs`), which the first screen never needs.
    pub(crate) async fn carry(
        self,
        plan: Plan,
        cfg: Config,
        token: Option<Secret>,
        signal: web_sys::AbortSignal,
        shown: Shown,
    ) {
        let outcome = match self.send(plan, cfg.clone(), token.clone(), signal).await {
            Ok(result) => Ok((collect(&cfg, token, shown, result.clone()).await, result)),
            Err(e) => Err(e),
        };
        // A disposed runner (the widget was removed) has nothing to clear.
        self.handles.try_update_value(|h| h.abort = None);
        match outcome {
            Ok((finished, result)) => {
                self.finish(Ok(finished));
                self.emit(RunEvent::Complete(&result));
            }
            Err(e) => {
                self.finish(Err(e.clone()));
                self.emit(RunEvent::Error(&e));
            }
        }
    }

    /// End the run with `e`, said as it is: a run that fails before
    /// anything is sent, or whose chunk cannot be fetched, with a message
    /// that already says what to do. A run's own end is [`Runner::finish`]'s,
    /// in the run's chunk, with the advice a provider's errors need.
    pub(crate) fn fail(&self, e: RemixError) {
        self.handles.try_update_value(|h| {
            h.abort = None;
            h.accepted = None;
        });
        let now = page::now_ms();
        let _ = self.now.try_set(now);
        let _ = self
            .run
            .try_update(|r| r.end(Phase::Failed, now, e.message.clone()));
        self.emit(RunEvent::Error(&e));
    }

    /// Submit (unless resuming) and follow the job to its end, telling the
    /// listener the job once the provider accepted it.
    #[cfg(target_arch = "wasm32")]
    pub(crate) async fn send(
        self,
        plan: Plan,
        cfg: Config,
        token: Option<Secret>,
        signal: web_sys::AbortSignal,
    ) -> Result<RemixResult, RemixError> {
        use reve_remix::fetch;
        use reve_remix_core::driver::{Driver, Event, RunOptions};
        let now = fetch::now_ms();
        let mut driver = match plan {
            Plan::Start(input) => Driver::start(&input, cfg, RunOptions::default(), now)?,
            Plan::Resume(job) => Driver::resume(job, cfg, RunOptions::default(), now)?,
        };
        let mut on_event = |event: &Event| match event {
            Event::Accepted(job) => {
                self.handles
                    .try_update_value(|h| h.accepted = Some(job.clone()));
                self.emit(RunEvent::Submitted(job));
            }
            Event::Update(update) => {
                let now = page::now_ms();
                let _ = self.run.try_update(|r| r.apply(update, now));
                self.emit(RunEvent::Update(update));
            }
        };
        let outcome =
            fetch::run(&mut driver, &transport(token), Some(&signal), &mut on_event).await;
        match outcome {
            // The provider has the job (maybe paid for) and the site keeps
            // it: say how to get it, so that nobody pays for a second one.
            Err(mut e)
                if e.job.is_some()
                    && self.handles.try_with_value(|h| h.keeps_jobs) == Some(true) =>
            {
                e.message.push_str(
                    " The job was accepted and may still finish: reload the page to look at it again.",
                );
                // Not "retry": a new run would be a new job.
                e.retryable = false;
                Err(e)
            }
            other => other,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) async fn send(
        self,
        _plan: Plan,
        _cfg: Config,
        _token: Option<Secret>,
        _signal: web_sys::AbortSignal,
    ) -> Result<RemixResult, RemixError> {
        Err(RemixError::new(
            ErrorCode::Network,
            "Remixing needs the browser build of this app.",
        ))
    }

    fn finish(&self, outcome: Result<Finished, RemixError>) {
        self.handles.try_update_value(|h| h.accepted = None);
        let now = page::now_ms();
        let _ = self.now.try_set(now);
        let (phase, message) = match outcome {
            Ok(finished) if finished.src.is_empty() => (
                Phase::Failed,
                "The provider reported success but sent no image; try again.".to_string(),
            ),
            Ok(finished) => {
                let _ = self.results.try_update(|r| r.show(finished));
                (Phase::Completed, String::new())
            }
            Err(e) if e.code == ErrorCode::Cancelled => (Phase::Cancelled, String::new()),
            Err(e) => {
                // Only for a provider that could not be reached: not for
                // a part of this app that did not load (lazy.rs).
                let advice = (e.code == ErrorCode::Network && e.provider.is_some())
                    .then(|| {
                        self.handles
                            .try_with_value(|h| h.blocked_advice.clone())
                            .flatten()
                    })
                    .flatten();
                (
                    Phase::Failed,
                    advice.unwrap_or_else(|| messages::explain(&e)),
                )
            }
        };
        let _ = self.run.try_update(|r| r.end(phase, now, message));
    }
}

/// What a run begins with.
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(dead_code, reason = "only the browser build runs a remix")
)]
pub(crate) enum Plan {
    /// A new job.
    Start(RemixInput),
    /// A job the provider already has.
    Resume(Job),
}

/// What a finished run shows beside its image: when it started and the
/// prompt it ran.
pub(crate) struct Shown {
    started: f64,
    prompt: String,
}

/// The result as the page shows it: the image's bytes when the page can
/// read them (an object URL for the preview, the download and "Use as
/// reference"), else the provider's URL. Through a proxy the bytes come
/// through it, so a paid result is kept even when its CDN sends no CORS.
async fn collect(
    cfg: &Config,
    token: Option<Secret>,
    shown: Shown,
    result: RemixResult,
) -> Finished {
    let Shown { started, prompt } = shown;
    let provider = info_for(result.provider.as_str()).name;
    let image = result.images.into_iter().next().unwrap_or_default();
    let bytes = match (&image.data_url, &image.url) {
        (Some(data), _) => blob::data_url_bytes(data),
        (None, Some(url)) => image_bytes(cfg, token, result.provider.as_str(), url).await,
        (None, None) => None,
    };
    let mime = bytes
        .as_deref()
        .and_then(sniff_format)
        .map(|f| f.mime().to_string())
        .or(image.mime)
        .unwrap_or_else(|| "image/png".to_string());
    let made = bytes.as_deref().map(|b| blob::image_url(b, &mime));
    let src = made
        .filter(|u| !u.is_empty())
        .or_else(|| image.data_url.or(image.url).map(ImageUrl::new))
        .unwrap_or_default();
    let now = page::now_ms();
    Finished {
        src,
        bytes: bytes.map(Arc::from),
        file_name: format::download_name(
            result.provider.as_str(),
            page::local_ms(now),
            format::extension(&mime),
        ),
        prompt,
        provider,
        elapsed_ms: now - started,
        credits: result.credits_used,
        job_id: result.job_id,
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) async fn image_bytes(
    cfg: &Config,
    token: Option<Secret>,
    provider: &str,
    url: &str,
) -> Option<Vec<u8>> {
    use reve_remix::fetch;
    let req = reve_remix_core::provider::result_image_request(cfg, info_for(provider), url);
    let res = fetch::fetch_once(&transport(token), &req).await?;
    res.is_success().then_some(res.body)
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn image_bytes(
    _cfg: &Config,
    _token: Option<Secret>,
    _provider: &str,
    _url: &str,
) -> Option<Vec<u8>> {
    None
}

/// The page's `fetch`, sending `token` to a proxy as the package does
/// (`ClientConfig.proxyToken`: the `x-remix-proxy-token` header, only on
/// requests that go through the proxy).
#[cfg(target_arch = "wasm32")]
fn transport(token: Option<Secret>) -> reve_remix::fetch::Transport {
    use reve_remix::fetch::{ProxyToken, Transport};
    Transport::global().with_token(token.map(|t| ProxyToken::Fixed(t.expose().to_string())))
}
