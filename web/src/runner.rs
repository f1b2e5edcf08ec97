//! Running a remix: the core's driver over `fetch::drive`, with an
//! `AbortController` the "Cancel" button aborts. Job updates go to
//! `state.run`; the job, once the provider has accepted it, to the listener
//! (the site keeps it, so a reload follows it again instead of losing a paid
//! result); the result to `state.result` (kept until the next result
//! replaces it). An error or a cancel never touches the board or the prompt.

use std::sync::Arc;

use leptos::prelude::*;
use reve_remix_core::image::sniff_format;
use reve_remix_core::job::{Job, RemixResult};
use reve_remix_core::provider::{Config, RemixInput};
use reve_remix_core::{ErrorCode, RemixError};

use crate::browser;
use crate::format;
use crate::messages;
use crate::request;
use crate::state::{self, AppState, Finished, Phase, Run, RunEvent};

/// Start a run with what the page holds now (ignored while one is running).
pub fn start(state: AppState) {
    if state.run.with_untracked(|r| r.phase == Phase::Running) {
        return;
    }
    let input = request::input(state);
    let prompt = input.prompt.clone();
    launch(state, Plan::Start(input), browser::now_ms(), prompt);
}

/// Follow again a job submitted before the page reloaded, from `started_ms`
/// (when its run began, with `prompt`): the provider may already have
/// charged for it.
pub fn resume(state: AppState, job: Job, started_ms: f64, prompt: String) {
    if state.run.with_untracked(|r| r.phase == Phase::Running) {
        return;
    }
    // The job's provider, whatever the picker says now: its URLs and key.
    state.provider.set(job.provider.to_string());
    launch(state, Plan::Resume(job), started_ms, prompt);
}

/// What a run begins with.
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(dead_code, reason = "only the browser build runs a remix")
)]
enum Plan {
    /// A new job.
    Start(RemixInput),
    /// A job the provider already has.
    Resume(Job),
}

fn launch(state: AppState, plan: Plan, started: f64, prompt: String) {
    let info = state.info_untracked();
    let cfg = request::config(state);
    state.now.set(browser::now_ms());
    let mut run = Run::start(info.name, started);
    run.resumed = matches!(plan, Plan::Resume(_));
    run.prompt.clone_from(&prompt);
    state.run.set(run);
    state.emit(RunEvent::Start);
    let Ok(controller) = web_sys::AbortController::new() else {
        finish(
            state,
            Err(RemixError::new(
                ErrorCode::Network,
                "This browser cannot run a remix (no AbortController); use a current browser.",
            )),
        );
        return;
    };
    let signal = controller.signal();
    state.abort.set_value(Some(controller));
    let cfg_for_images = cfg.clone();
    leptos::task::spawn_local(async move {
        let outcome = send(state, plan, cfg, signal).await;
        // A disposed state (the widget was removed) has nothing to clear.
        let _ = state.abort.try_set_value(None);
        match outcome {
            Ok(result) => {
                let finished = collect(&cfg_for_images, started, prompt, result.clone()).await;
                finish(state, Ok(finished));
                state.emit(RunEvent::Complete(&result));
            }
            Err(e) => {
                finish(state, Err(e.clone()));
                state.emit(RunEvent::Error(&e));
            }
        }
    });
}

/// Submit (unless resuming), tell the listener the job the provider
/// accepted, then follow it to its end.
#[cfg(target_arch = "wasm32")]
async fn send(
    state: AppState,
    plan: Plan,
    cfg: Config,
    signal: web_sys::AbortSignal,
) -> Result<RemixResult, RemixError> {
    use reve_remix::fetch::{self, Transport, Until};
    use reve_remix_core::driver::{Driver, RunOptions};
    use reve_remix_core::job::JobUpdate;
    let now = fetch::now_ms();
    let mut driver = match plan {
        Plan::Start(input) => Driver::start(&input, cfg, RunOptions::default(), now)?,
        Plan::Resume(job) => Driver::resume(job, cfg, RunOptions::default(), now)?,
    };
    let transport = Transport::global();
    let mut on_update = |update: &JobUpdate| {
        let now = browser::now_ms();
        state.run.update(|r| r.apply(update, now));
        state.emit(RunEvent::Update(update));
    };
    if !driver.is_submitted() {
        let submitted = fetch::drive(
            &mut driver,
            &transport,
            Some(&signal),
            Until::Submitted,
            &mut on_update,
        )
        .await?;
        if let Some(result) = submitted {
            return Ok(result);
        }
        state.emit(RunEvent::Submitted(driver.job()));
    }
    let outcome = fetch::drive(
        &mut driver,
        &transport,
        Some(&signal),
        Until::Finished,
        &mut on_update,
    )
    .await;
    match outcome {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Err(RemixError::new(
            ErrorCode::ProviderError,
            "The job ended without a result.",
        )),
        // The provider has the job (maybe paid for): say how to get it, so
        // that nobody pays for a second one.
        Err(mut e) if e.code == ErrorCode::Network && state.keeps_jobs.get_value() => {
            e.message.push_str(
                " The job was accepted and may still finish: reload the page to look at it again.",
            );
            // Not "retry": a new run would be a new job.
            e.retryable = false;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn send(
    _state: AppState,
    _plan: Plan,
    _cfg: Config,
    _signal: web_sys::AbortSignal,
) -> Result<RemixResult, RemixError> {
    Err(RemixError::new(
        ErrorCode::Network,
        "Remixing needs the browser build of this app.",
    ))
}

/// Abort the run in progress, if any.
pub fn cancel(state: AppState) {
    if let Some(Some(controller)) = state.abort.try_get_value() {
        controller.abort();
    }
}

/// The result as the page shows it: the image's bytes when the page can
/// read them (an object URL for the preview, the download and "Use as
/// reference"), else the provider's URL. Through a proxy the bytes come
/// through it, so a paid result is kept even when its CDN sends no CORS.
async fn collect(cfg: &Config, started: f64, prompt: String, result: RemixResult) -> Finished {
    let provider = state::info_for(result.provider).name;
    let image = result.images.into_iter().next().unwrap_or_default();
    let bytes = match (&image.data_url, &image.url) {
        (Some(data), _) => browser::data_url_bytes(data),
        (None, Some(url)) => image_bytes(cfg, result.provider, url).await,
        (None, None) => None,
    };
    let mime = bytes
        .as_deref()
        .and_then(sniff_format)
        .map(|f| f.mime().to_string())
        .or(image.mime)
        .unwrap_or_else(|| "image/png".to_string());
    let object = bytes.as_deref().and_then(|b| browser::object_url(b, &mime));
    let src = object.or(image.data_url).or(image.url).unwrap_or_default();
    let now = browser::now_ms();
    Finished {
        src,
        bytes: bytes.map(Arc::from),
        file_name: format::download_name(result.provider, now, format::extension(&mime)),
        prompt,
        provider,
        elapsed_ms: now - started,
        credits: result.credits_used,
        job_id: result.job_id,
    }
}

#[cfg(target_arch = "wasm32")]
async fn image_bytes(cfg: &Config, provider: &str, url: &str) -> Option<Vec<u8>> {
    use reve_remix::fetch::{self, Transport};
    let req = reve_remix_core::provider::result_image_request(cfg, state::info_for(provider), url);
    let res = fetch::fetch_once(&Transport::global(), &req).await?;
    res.is_success().then_some(res.body)
}

#[cfg(not(target_arch = "wasm32"))]
async fn image_bytes(_cfg: &Config, _provider: &str, _url: &str) -> Option<Vec<u8>> {
    None
}

fn finish(state: AppState, outcome: Result<Finished, RemixError>) {
    let now = browser::now_ms();
    state.now.set(now);
    match outcome {
        Ok(finished) => {
            if finished.src.is_empty() {
                let message = "The provider reported success but sent no image; try again.";
                state
                    .run
                    .update(|r| r.end(Phase::Failed, now, message.to_string()));
                return;
            }
            state.show_result(finished);
            state
                .run
                .update(|r| r.end(Phase::Completed, now, String::new()));
        }
        Err(e) if e.code == ErrorCode::Cancelled => {
            state
                .run
                .update(|r| r.end(Phase::Cancelled, now, String::new()));
        }
        Err(e) => {
            let message = messages::explain(&e);
            state.run.update(|r| r.end(Phase::Failed, now, message));
        }
    }
}
