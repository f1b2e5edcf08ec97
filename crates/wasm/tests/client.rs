//! The client in a real Chromium against the mock provider: a synchronous,
//! a queued and a streaming provider to a result, plus cancel and timeout.
//! `cargo xtask test` starts the mock and passes its URL at build time.
#![cfg(target_arch = "wasm32")]

use reve_remix::fetch::{self, Transport};
use reve_remix_core::RemixError;
use reve_remix_core::driver::JobUpdate;
use reve_remix_core::driver::{Driver, Event, RunOptions};
use reve_remix_core::error::ErrorCode;
use reve_remix_core::http::Secret;
use reve_remix_core::job::{Job, JobStatus, RemixResult};
use reve_remix_core::provider::{Config, ImageSource, RemixInput};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MOCK: Option<&str> = option_env!("REVE_REMIX_TEST_MOCK");
const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");
const JPEG: &[u8] = reve_remix_fixtures::bytes("jpeg_baseline_80x60.jpg");

fn config(provider: &str, key: &str) -> Config {
    let mock = MOCK.expect("run through `cargo xtask test`, which starts the mock");
    Config {
        provider: reve_remix_core::provider::ProviderId::parse(provider).expect("a provider id"),
        api_key: Some(Secret::new(key)),
        base_url: Some(format!("{mock}/{provider}")),
        ..Config::default()
    }
}

fn input() -> RemixInput {
    RemixInput {
        prompt: "the cat from <img>0</img> wearing the hat from <img>1</img>".into(),
        images: vec![
            ImageSource::Bytes {
                data: PNG.into(),
                name: Some("cat.png".into()),
            },
            ImageSource::Bytes {
                data: JPEG.into(),
                name: Some("hat.jpg".into()),
            },
        ],
        ..RemixInput::default()
    }
}

/// One remix through `fetch::run`, as the package and the app start one.
async fn remix(
    input: &RemixInput,
    cfg: Config,
    opts: RunOptions,
    signal: Option<&web_sys::AbortSignal>,
    on_event: &mut dyn FnMut(&Event),
) -> Result<RemixResult, RemixError> {
    let mut driver = Driver::start(input, cfg, opts, fetch::now_ms())?;
    fetch::run(&mut driver, &Transport::global(), signal, on_event).await
}

/// A remix of [`input`] on `provider`: its result, its updates and the
/// jobs it said were accepted.
async fn run(
    provider: &str,
    key: &str,
    opts: RunOptions,
    signal: Option<&web_sys::AbortSignal>,
) -> (Result<RemixResult, RemixError>, Vec<JobUpdate>, Vec<Job>) {
    let (mut updates, mut accepted) = (Vec::new(), Vec::new());
    let result = remix(
        &input(),
        config(provider, key),
        opts,
        signal,
        &mut |event| match event {
            Event::Update(u) => updates.push(u.clone()),
            Event::Accepted(job) => accepted.push(job.clone()),
        },
    )
    .await;
    (result, updates, accepted)
}

#[wasm_bindgen_test]
async fn a_synchronous_provider_answers_with_the_image_in_one_round_trip() {
    let (result, updates, accepted) = run("reve", "test-key", RunOptions::default(), None).await;
    assert!(accepted.is_empty(), "nothing to follow: {accepted:?}");
    let result = result.expect("reve through the mock");
    let image = &result.images[0];
    assert!(
        image
            .data_url
            .as_deref()
            .is_some_and(|d| d.starts_with("data:image/png;base64,"))
    );
    assert_eq!(updates.last().map(|u| u.status), Some(JobStatus::Completed));
}

#[wasm_bindgen_test]
async fn a_queued_provider_is_followed_through_its_states_to_a_result() {
    let (result, updates, accepted) = run("fal", "test-key", RunOptions::default(), None).await;
    let result = result.expect("fal through the mock");
    assert_eq!(accepted.len(), 1, "said accepted once: {accepted:?}");
    assert_eq!(result.job_id.as_deref(), Some(accepted[0].id.as_str()));
    assert!(
        result.images[0]
            .url
            .as_deref()
            .is_some_and(|u| u.ends_with(".png"))
    );
    assert!(
        updates
            .iter()
            .any(|u| u.status == JobStatus::Queued && u.queue_position.is_some())
    );
    assert!(updates.iter().any(|u| u.status == JobStatus::Running));
}

#[wasm_bindgen_test]
async fn a_streaming_provider_uploads_the_files_and_streams_the_status() {
    let (result, updates, _) = run("inference-sh", "test-key", RunOptions::default(), None).await;
    let result = result.expect("inference.sh through the mock");
    assert!(result.images[0].url.is_some());
    assert_eq!(updates.last().map(|u| u.status), Some(JobStatus::Completed));
}

#[wasm_bindgen_test]
async fn aborting_the_signal_cancels_a_running_job() {
    let controller = web_sys::AbortController::new().expect("AbortController");
    let signal = controller.signal();
    let abort_later = async {
        fetch::sleep(600, None).await;
        controller.abort();
    };
    let started = fetch::now_ms();
    let ((result, _, _), ()) = futures_join(
        run("fal", "mock-stuck", RunOptions::default(), Some(&signal)),
        abort_later,
    )
    .await;
    let err = result.expect_err("an aborted run fails");
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(fetch::now_ms() - started < 3000, "stopped at once");
}

#[wasm_bindgen_test]
async fn a_job_that_never_finishes_times_out() {
    let opts = RunOptions {
        timeout_ms: 1500,
        ..RunOptions::default()
    };
    let (result, _, _) = run("fal", "mock-stuck", opts, None).await;
    assert_eq!(result.expect_err("times out").code, ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn a_rate_limit_is_reported_with_its_wait() {
    let opts = RunOptions {
        timeout_ms: 20_000,
        ..RunOptions::default()
    };
    let (result, _, _) = run("reve", "mock-429", opts, None).await;
    let err = result.expect_err("rate limited");
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert_eq!(err.retry_after_secs, Some(2));
}

/// Both futures to completion, on one thread (no executor crate needed).
async fn futures_join<A: std::future::Future, B: std::future::Future<Output = ()>>(
    a: A,
    b: B,
) -> (A::Output, ()) {
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut a_out = None;
    let mut b_done = false;
    std::future::poll_fn(move |cx| {
        if a_out.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            a_out = Some(v);
        }
        if !b_done && b.as_mut().poll(cx).is_ready() {
            b_done = true;
        }
        if b_done {
            a_out.take().map_or(Poll::Pending, |v| Poll::Ready((v, ())))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Reve 2.1 in Chromium on every host that sells it: as many references as
/// the host takes (eight, Atlas Cloud six), a prompt written `<img>N</img>`
/// sent as `<frame>N</frame>` (no `<img>` tag reaches a Reve 2.1 request),
/// the mock answering with a result on that model.
#[wasm_bindgen_test]
async fn reve_2_1_runs_on_every_host_with_its_references_written_as_frames() {
    use reve_remix_core::id::{ModelId, ProviderId};
    for provider in [
        ProviderId::Fal,
        ProviderId::Replicate,
        ProviderId::Runware,
        ProviderId::AtlasCloud,
        ProviderId::WaveSpeed,
    ] {
        let info = reve_remix_core::provider::info(provider)
            .for_model(ModelId::Reve21)
            .expect("sells Reve 2.1");
        let n = info.model.max_images;
        let images = (0..n)
            .map(|i| ImageSource::Bytes {
                data: if i % 2 == 0 { PNG.into() } else { JPEG.into() },
                name: None,
            })
            .collect();
        let last = n - 1;
        let input = RemixInput {
            prompt: format!("the cat from <img>0</img> in the hat from <img>{last}</img>"),
            images,
            ..RemixInput::default()
        };
        let mut cfg = config(provider.as_str(), "test-key");
        cfg.model = Some(ModelId::Reve21);
        let (.., req) = reve_remix_core::provider::start(&input, &cfg).expect("starts");
        let body = String::from_utf8_lossy(req.body.bytes()).into_owned();
        assert!(
            body.contains(&format!("<frame>{last}</frame>")),
            "{provider}"
        );
        let result = remix(&input, cfg, RunOptions::default(), None, &mut |_| {})
            .await
            .unwrap_or_else(|e| panic!("{provider}: {e:?}"));
        assert_eq!(result.model, ModelId::Reve21, "{provider}");
        assert_eq!(result.provider, provider);
        assert_eq!(result.images.len(), 1, "{provider}");
    }
}
