//! Pixazo: remix and single-image edit, public https URLs only, a queued
//! job polled at its `polling_url`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::RequestKind;
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::JobStatus;
use reve_remix_core::provider::{Config, Provider, Step};
use serde_json::json;

/// A remix Pixazo accepted with its recorded submit answer.
fn submitted() -> (&'static dyn Provider, Followed, Config) {
    let c = cfg(ProviderId::Pixazo);
    let (p, mut job, _) = start(
        &input("x", vec![url_src("https://example.com/city-photo.jpg")]),
        &c,
    );
    assert_eq!(
        feed(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(202, &recorded("pixazo_submit.json"))
        )
        .expect("s"),
        Step::Poll
    );
    (p, job, c)
}

#[test]
fn pixazo_refuses_local_files_and_plain_http_before_any_request() {
    for id in [ProviderId::Pixazo, ProviderId::PixazoEdit] {
        let e = start_err(&input("x", vec![png_src("cat.png")]), &cfg(id));
        assert_eq!(e.code, ErrorCode::InvalidOption);
        assert!(e.message.contains("public https URL"), "{}", e.message);
        let e = start_err(&input("x", vec![url_src("http://e.com/a.png")]), &cfg(id));
        assert_eq!(e.code, ErrorCode::InvalidOption);
        assert!(e.message.contains("https"), "{}", e.message);
    }
    let two = vec![
        url_src("https://e.com/a.png"),
        url_src("https://e.com/b.png"),
    ];
    assert_eq!(
        start_err(&input("x", two), &cfg(ProviderId::PixazoEdit)).code,
        ErrorCode::TooManyImages
    );
}

#[test]
fn pixazo_remix_request_has_the_subscription_key_and_no_cache() {
    let mut i = input(
        "A beautiful sunset over mountains with vibrant colors",
        vec![url_src("https://example.com/city-photo.jpg")],
    );
    i.aspect_ratio = Some("16:9".into());
    let (_, _, req) = start(&i, &cfg(ProviderId::Pixazo));
    assert_eq!(
        req.url,
        "https://gateway.pixazo.ai/reve-image/v1/image-edit-remix"
    );
    assert_eq!(req.header("Ocp-Apim-Subscription-Key"), Some(KEY));
    assert_eq!(req.header("Cache-Control"), Some("no-cache"));
    assert!(req.header("Authorization").is_none());
    assert_eq!(
        body(&req),
        json!({"prompt": "A beautiful sunset over mountains with vibrant colors",
            "reference_images": ["https://example.com/city-photo.jpg"], "aspect_ratio": "16:9"})
    );
}

#[test]
fn pixazo_is_polled_at_its_polling_url_and_has_no_cancel() {
    let (p, job, c) = submitted();
    let poll = p.poll(&job, &c).expect("poll");
    assert_eq!(
        poll.url,
        "https://gateway.pixazo.ai/v2/requests/status/reve-image_019dxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    );
    assert_eq!(poll.header("Ocp-Apim-Subscription-Key"), Some(KEY));
    assert!(p.cancel(&job, &c).is_none());
}

#[test]
fn pixazo_processing_then_completed_with_the_media_url() {
    let (p, mut job, c) = submitted();
    let processing =
        r#"{"request_id":"reve-image_019d","status":"PROCESSING","output":null,"error":null}"#;
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, res(200, processing)).expect("p"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, &recorded("pixazo_completed.json")),
    )
    .expect("c") else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .url
            .as_deref()
            .expect("u")
            .ends_with("/output.png")
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
}

#[test]
fn pixazo_error_is_not_charged_and_failed_is() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, &recorded("pixazo_error.json")),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(
        e.message.contains("not charged") && e.message.contains("Description of the error"),
        "{}",
        e.message
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"status":"FAILED","error":"bad image"}"#),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(!e.message.contains("not charged"));
}

#[test]
fn pixazo_error_statuses_map_to_codes() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(402, &recorded("pixazo_402.json")),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
    assert!(
        e.message
            .contains("Insufficient Balance: Your wallet does not have enough balance."),
        "{}",
        e.message
    );
    for (s, code) in [
        (400, ErrorCode::ProviderRejected),
        (401, ErrorCode::Unauthorized),
        (403, ErrorCode::Unauthorized),
        (429, ErrorCode::RateLimited),
        (500, ErrorCode::ProviderError),
    ] {
        assert_eq!(
            feed_err(
                p,
                &mut job,
                &c,
                RequestKind::Submit,
                res(s, r#"{"error":"E","message":"M"}"#)
            )
            .code,
            code,
            "{s}"
        );
    }
}

#[test]
fn pixazo_edit_sends_one_image_to_its_endpoint() {
    let mut i = input(
        "Add \"HELLO WORLD\" text",
        vec![url_src("https://example.com/photo.jpg")],
    );
    i.version = Some("reve-edit@20250915".into());
    let (_, _, req) = start(&i, &cfg(ProviderId::PixazoEdit));
    assert_eq!(
        req.url,
        "https://gateway.pixazo.ai/reve-image/v1/image-edit"
    );
    assert_eq!(
        body(&req),
        json!({"image": "https://example.com/photo.jpg", "prompt": "Add \"HELLO WORLD\" text", "version": "reve-edit@20250915"})
    );
}

/// Pixazo's pages disagree on the edit's path: the captured page's
/// `image-edit` is tried first; its 404 (a submit not accepted, so nothing
/// paid) sends the same body once to the other page's `reve-edit/generate`.
/// A second 404 is the error; remix has no alternate.
#[test]
fn a_404_on_the_edit_path_tries_the_other_pixazo_page_once() {
    let c = cfg(ProviderId::PixazoEdit);
    let (p, mut job, first) = start(
        &input("Add a hat", vec![url_src("https://example.com/photo.jpg")]),
        &c,
    );
    assert_eq!(
        p.info().fallback_submit,
        Some("/reve-image/v1/reve-edit/generate")
    );
    let not_found = || {
        res(
            404,
            r#"{"error":"Not Found","message":"Resource not found"}"#,
        )
    };
    let Step::Send(alt) = feed(p, &mut job, &c, RequestKind::Submit, not_found()).expect("alt")
    else {
        panic!("the alternate path next")
    };
    assert_eq!(
        alt.url,
        "https://gateway.pixazo.ai/reve-image/v1/reve-edit/generate"
    );
    assert_eq!(alt.kind, RequestKind::Submit);
    assert_eq!(body(&alt), body(&first), "the same body");
    assert_eq!(
        alt.header("Ocp-Apim-Subscription-Key"),
        first.header("Ocp-Apim-Subscription-Key")
    );
    // Its 404 is the end: not a third submit.
    let e = feed_err(p, &mut job, &c, RequestKind::Submit, not_found());
    assert_eq!((e.code, e.status), (ErrorCode::ProviderRejected, Some(404)));
    // The alternate answering is followed like the first would be.
    let (p, mut job, _) = start(
        &input("Add a hat", vec![url_src("https://example.com/photo.jpg")]),
        &c,
    );
    feed(p, &mut job, &c, RequestKind::Submit, not_found()).expect("alt");
    let step = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(202, &recorded("pixazo_submit.json")),
    )
    .expect("accepted");
    assert_eq!(step, Step::Poll);
    assert!(!job.id.is_empty());
    // Only a 404 moves to the other path: a 400 is the answer.
    let (p, mut job, _) = start(
        &input("Add a hat", vec![url_src("https://example.com/photo.jpg")]),
        &c,
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            r#"{"error":"Bad Request","message":"image is required"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    // Remix has one path.
    let c = cfg(ProviderId::Pixazo);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    assert_eq!(p.info().fallback_submit, None);
    let e = feed_err(p, &mut job, &c, RequestKind::Submit, not_found());
    assert_eq!((e.code, e.status), (ErrorCode::ProviderRejected, Some(404)));
}
