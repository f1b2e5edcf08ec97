//! Replicate: a prediction asked with `Prefer: wait`, re-read at
//! `urls.get`, cancelled at `urls.cancel`; no CORS from browsers.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::{Method, RequestKind};
use reve_remix_core::id::{ModelId, ProviderId};
use reve_remix_core::job::{Job, JobStatus};
use reve_remix_core::provider::{self, Config, Provider, Step};
use serde_json::json;

fn replicate() -> &'static dyn Provider {
    provider::provider(ProviderId::Replicate)
}

/// Prediction `p9` as Replicate first answers it: starting, with its URLs.
fn starting() -> Followed {
    let mut job: Followed = Job::new(ProviderId::Replicate, ModelId::ReveRemix).into();
    let starting = r#"{"id":"p9","status":"starting","output":null,"urls":{"get":"https://api.replicate.com/v1/predictions/p9","cancel":"https://api.replicate.com/v1/predictions/p9/cancel"}}"#;
    assert_eq!(
        feed(
            replicate(),
            &mut job,
            &cfg(ProviderId::Replicate),
            RequestKind::Submit,
            res(201, starting)
        )
        .expect("s"),
        Step::Poll
    );
    job
}

#[test]
fn replicate_request_prefers_wait_and_the_answer_may_be_the_result() {
    let png = png_1x1();
    let mut i = input("<img>0</img> as a watercolor", vec![png_src("a.png")]);
    i.version = Some("latest".into());
    let c = cfg(ProviderId::Replicate);
    let (p, mut job, req) = start(&i, &c);
    assert_eq!(
        req.url,
        "https://api.replicate.com/v1/models/reve/remix/predictions"
    );
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("Prefer"), Some("wait"));
    assert_eq!(
        body(&req),
        json!({"input": {"prompt": "<img>0</img> as a watercolor",
            "reference_images": [format!("data:image/png;base64,{}", b64(&png))], "version": "latest"}})
    );
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(201, &recorded("replicate_succeeded.json")),
    )
    .expect("ok") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://replicate.delivery/xezq/abc/output.webp")
    );
    assert_eq!(job.flight.logs, ["Using seed: 1", "Generating..."]);
}

#[test]
fn a_starting_prediction_is_read_and_cancelled_at_its_urls() {
    let (p, c, job) = (replicate(), cfg(ProviderId::Replicate), starting());
    assert_eq!((job.id.as_str(), job.status), ("p9", JobStatus::Queued));
    assert_eq!(
        p.poll(&job, &c).expect("p").url,
        "https://api.replicate.com/v1/predictions/p9"
    );
    let cancel = p.cancel(&job, &c).expect("c");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Post,
            "https://api.replicate.com/v1/predictions/p9/cancel"
        )
    );
}

#[test]
fn processing_then_succeeded_with_a_list_of_urls() {
    let (p, c, mut job) = (replicate(), cfg(ProviderId::Replicate), starting());
    assert_eq!(
        feed(
            p,
            &mut job,
            &c,
            RequestKind::Status,
            res(200, r#"{"id":"p9","status":"processing"}"#)
        )
        .expect("p"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    let arr = r#"{"id":"p9","status":"succeeded","output":["https://replicate.delivery/a.png"]}"#;
    assert!(matches!(
        feed(p, &mut job, &c, RequestKind::Status, res(200, arr)).expect("a"),
        Step::Done(_)
    ));
}

#[test]
fn failed_predictions_are_violations_or_job_failed_and_canceled_is_cancelled() {
    let (p, c, mut job) = (replicate(), cfg(ProviderId::Replicate), starting());
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(
            200,
            r#"{"id":"p9","status":"failed","error":"NSFW content detected"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"p9","status":"failed","error":"boom"}"#),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"p9","status":"canceled"}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
}

#[test]
fn replicate_error_statuses_map_to_codes_with_its_detail() {
    let (p, c, mut job) = (replicate(), cfg(ProviderId::Replicate), starting());
    for (s, code) in [
        (401, ErrorCode::Unauthorized),
        (402, ErrorCode::InsufficientCredits),
        (422, ErrorCode::ProviderRejected),
        (429, ErrorCode::RateLimited),
    ] {
        let e = feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(s, r#"{"detail":"Invalid input: prompt"}"#),
        );
        assert_eq!(e.code, code);
        assert!(e.message.contains("Invalid input: prompt"));
    }
}

#[test]
fn a_cors_like_failure_on_replicate_says_to_use_a_proxy() {
    let info = replicate().info();
    let e = provider::network_error(
        info,
        &cfg(ProviderId::Replicate),
        "TypeError: Failed to fetch",
    );
    assert_eq!(e.code, ErrorCode::Network);
    assert!(
        e.message.contains("proxyUrl") && e.message.contains("CORS") && e.message.contains("mock"),
        "{}",
        e.message
    );
    let mut c: Config = cfg(ProviderId::Replicate);
    c.proxy_url = Some("https://proxy.example".into());
    let e = provider::network_error(info, &c, "TypeError: Failed to fetch");
    assert!(!e.message.contains("CORS"), "{}", e.message);
    let fal = provider::provider(ProviderId::Fal).info();
    assert!(
        !provider::network_error(fal, &cfg(ProviderId::Fal), "x")
            .message
            .contains("CORS")
    );
}
