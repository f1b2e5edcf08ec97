//! fal's queue: submit, the URLs it returns followed as returned, status
//! (polled or streamed), the result, its error shapes and retry header.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::{Method, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::JobStatus;
use reve_remix_core::provider::{Config, ImageSource, Provider, Step};
use serde_json::json;

const ID: &str = "764cabcf-b745-4b3e-ae38-1200304cf45b";

/// A job fal accepted with its recorded submit answer.
fn submitted() -> (&'static dyn Provider, Followed, Config) {
    let c = cfg(ProviderId::Fal);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let step = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &recorded("fal_submit.json")),
    )
    .expect("ok");
    assert_eq!(step, Step::Poll);
    (p, job, c)
}

#[test]
fn fal_request_uses_key_scheme_and_data_urls() {
    let png = png_1x1();
    let mut i = input(
        "<img>0</img> and <img>1</img>",
        vec![png_src("a.png"), url_src("https://e.com/b.jpg")],
    );
    i.aspect_ratio = Some("1:1".into());
    i.output_format = Some("webp".into());
    let (_, _, req) = start(&i, &cfg(ProviderId::Fal));
    assert_eq!(req.url, "https://queue.fal.run/fal-ai/reve/remix");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Key {KEY}").as_str())
    );
    assert_eq!(
        body(&req),
        json!({"prompt": "<img>0</img> and <img>1</img>",
            "image_urls": [format!("data:image/png;base64,{}", b64(&png)), "https://e.com/b.jpg"],
            "aspect_ratio": "1:1", "output_format": "webp"})
    );
}

/// fal's own client types say "between 1 and 6 images": six are sent, a
/// seventh is refused before any request, saying how many to remove.
#[test]
fn fal_takes_six_references_and_refuses_a_seventh() {
    let six: Vec<_> = (0..6)
        .map(|i| url_src(&format!("https://e.com/{i}.png")))
        .collect();
    let (_, _, req) = start(
        &input("<img>5</img> on top", six.clone()),
        &cfg(ProviderId::Fal),
    );
    assert_eq!(body(&req)["image_urls"].as_array().map(Vec::len), Some(6));
    let mut seven = six;
    seven.push(url_src("https://e.com/6.png"));
    let e = start_err(&input("x", seven), &cfg(ProviderId::Fal));
    assert_eq!(e.code, ErrorCode::TooManyImages);
    assert!(
        e.message.contains("at most 6") && e.message.contains("remove 1"),
        "{}",
        e.message
    );
}

#[test]
fn a_data_url_has_the_sniffed_mime_type_never_the_names() {
    let jpg = ImageSource::Bytes {
        data: jpeg().into(),
        name: Some("photo.png".into()),
    };
    let (_, _, req) = start(&input("x", vec![jpg]), &cfg(ProviderId::Fal));
    assert!(
        body(&req)["image_urls"][0]
            .as_str()
            .expect("s")
            .starts_with("data:image/jpeg;base64,/9j/")
    );
}

#[test]
fn fal_follows_the_urls_its_submit_returned() {
    let (p, job, c) = submitted();
    assert_eq!(job.id, ID);
    assert_eq!(job.queue_position, Some(2));
    // Returned URLs (no /remix) are used as they are.
    let poll = p.poll(&job, &c).expect("poll");
    assert_eq!(
        poll.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status?logs=1"
    );
    assert_eq!(poll.method, Method::Get);
    assert_eq!(
        poll.header("Authorization"),
        Some(format!("Key {KEY}").as_str())
    );
    let stream = p.stream(&job, &c).expect("stream");
    assert_eq!(
        stream.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status/stream?logs=1"
    );
    assert_eq!(stream.kind, RequestKind::Stream);
    let cancel = p.cancel(&job, &c).expect("cancel");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Put,
            "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel"
        )
    );
}

#[test]
fn fal_status_reads_queue_position_then_logs_then_fetches_the_result() {
    let (p, mut job, c) = submitted();
    let q = res(
        202,
        r#"{"status":"IN_QUEUE","queue_position":1,"response_url":"https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b"}"#,
    );
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, q).expect("q"),
        Step::Poll
    );
    assert_eq!(
        (job.status, job.queue_position),
        (JobStatus::Queued, Some(1))
    );
    let run = res(
        202,
        r#"{"status":"IN_PROGRESS","logs":[{"message":"loading","level":"INFO"},{"message":"step 1"}]}"#,
    );
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, run).expect("r"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    assert_eq!(job.flight.logs, ["loading", "step 1"]);
    let done = res(200, r#"{"status":"COMPLETED","logs":[]}"#);
    let Step::Send(get) = feed(p, &mut job, &c, RequestKind::Status, done).expect("c") else {
        panic!("result fetch")
    };
    assert_eq!(
        get.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b"
    );
    assert_eq!(get.kind, RequestKind::Result);
}

#[test]
fn fal_result_is_the_image_url_with_its_type() {
    let (p, mut job, c) = submitted();
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(200, &recorded("fal_result.json")),
    )
    .expect("d") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://v3.fal.media/files/rabbit/abc123_remix.png")
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
    assert_eq!(r.job_id.as_deref(), Some(ID));
}

#[test]
fn fal_stream_lines_accumulate_logs_and_end_in_the_result_fetch() {
    let (p, mut job, c) = submitted();
    job.flight.phase = RequestKind::Stream;
    assert_eq!(
        p.on_stream_line(&mut job.job, &mut job.flight, &c, b": keep-alive")
            .expect("comment"),
        None
    );
    assert_eq!(
        p.on_stream_line(&mut job.job, &mut job.flight, &c, b"event: message")
            .expect("event"),
        None
    );
    let l = br#"data: {"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#;
    assert_eq!(
        p.on_stream_line(&mut job.job, &mut job.flight, &c, l)
            .expect("line"),
        None
    );
    let l = br#"data: {"status":"IN_PROGRESS","logs":[{"message":"b"}]}"#;
    p.on_stream_line(&mut job.job, &mut job.flight, &c, l)
        .expect("line");
    assert_eq!(job.flight.logs, ["a", "b"], "stream logs accumulate");
    let l = br#"data: {"status":"COMPLETED"}"#;
    assert!(
        matches!(p.on_stream_line(&mut job.job, &mut job.flight, &c, l).expect("done"), Some(Step::Send(r)) if r.kind == RequestKind::Result)
    );
}

#[test]
fn fal_validation_details_name_the_field() {
    let (p, mut job, c) = submitted();
    let detail = r#"{"detail":[{"loc":["body","image_urls"],"msg":"field required","type":"value_error.missing"}]}"#;
    let e = feed_err(p, &mut job, &c, RequestKind::Submit, res(422, detail));
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(
        e.message.contains("body.image_urls: field required"),
        "{}",
        e.message
    );
}

#[test]
fn fals_retry_header_decides_whether_an_error_is_retryable() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(503, "{}").with_header("X-Fal-Retryable", "false"),
    );
    assert!(!e.retryable);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(500, "{}").with_header("X-Fal-Retryable", "true"),
    );
    assert!(e.retryable);
}

#[test]
fn fals_403_is_the_key() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, r#"{"detail":"Forbidden"}"#),
    );
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

/// The mock's `mock-402` on fal: 403 "User is locked. Reason: Exhausted
/// balance": the account is out of money, not the key wrong.
#[test]
fn fals_locked_account_is_insufficient_credits() {
    let c = cfg(ProviderId::Fal);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let locked = r#"{"detail":"User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}"#;
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, locked).with_header("X-Fal-Retryable", "false"),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits, "{}", e.message);
    assert_eq!(e.status, Some(403));
    assert!(!e.retryable);
    assert!(e.message.contains("Exhausted balance"), "{}", e.message);
    assert_no_key(&e.message);
}

// The mock's `mock-violation` on fal: the status says COMPLETED with an
// `error` whose words do not name moderation but whose `error_type` does,
// and the result then answers 422 with a `content_policy_violation` detail.
// Both are `content_violation`, however the words go.

const WORDS: &str = "The content could not be processed because it contained material flagged by a content checker.";

fn violation_status() -> String {
    json!({"status": "COMPLETED", "logs": [], "error": WORDS,
        "error_type": "content_policy_violation"})
    .to_string()
}

#[test]
fn a_completed_status_with_a_content_policy_error_type_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, &violation_status()),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation, "{e:?}");
    assert!(e.message.contains(WORDS), "{}", e.message);
    assert!(!e.message.contains(".."), "{}", e.message);
    assert_eq!(e.request_id.as_deref(), Some(ID));

    // Whatever the words: the type says it.
    let terse = json!({"status": "COMPLETED", "error": "Request failed",
        "error_type": "content_policy_violation"})
    .to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &terse));
    assert_eq!(e.code, ErrorCode::ContentViolation, "{}", e.message);
}

#[test]
fn a_content_policy_error_type_over_the_stream_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    job.flight.phase = RequestKind::Stream;
    let line = ["data: ", &violation_status()].concat();
    let e = p
        .on_stream_line(&mut job.job, &mut job.flight, &c, line.as_bytes())
        .expect_err("violation");
    assert_eq!(e.code, ErrorCode::ContentViolation);
}

#[test]
fn a_plain_failure_stays_job_failed_and_is_not_read_as_moderation() {
    let (p, mut job, c) = submitted();
    let failed = json!({"status": "COMPLETED", "error": "The model failed to generate an image.",
        "error_type": "internal_server_error"})
    .to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &failed));
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(
        e.message.ends_with("generate an image."),
        "one full stop: {}",
        e.message
    );
}

#[test]
fn a_422_result_with_a_content_policy_detail_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    let detail = json!({"detail": [{"loc": ["body", "prompt"], "msg": WORDS,
        "type": "content_policy_violation", "url": "https://docs.fal.ai/errors#content_policy_violation"}]})
    .to_string();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(422, &detail).with_header("X-Fal-Retryable", "false"),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    assert_eq!(e.status, Some(422));
    assert!(!e.retryable);
    assert!(
        e.message.contains("flagged by a content checker"),
        "{}",
        e.message
    );
}
