//! OneRouter: one synchronous request with the raw key; a 403 is
//! moderation.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::RequestKind;
use reve_remix_core::id::ProviderId;
use reve_remix_core::provider::{Config, Provider, Step};
use serde_json::json;

fn submitted() -> (&'static dyn Provider, Followed, Config) {
    let c = cfg(ProviderId::OneRouter);
    let (p, job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    (p, job, c)
}

fn err(code: &str, msg: &str) -> String {
    json!({"error": {"code": code, "message": msg, "type": "invalid_request_error", "param": null}})
        .to_string()
}

#[test]
fn onerouter_sends_the_raw_key_and_its_spec_body() {
    let mut i = input("x", vec![url_src("https://e.com/a.png")]);
    i.output_format = Some("b64_json".into());
    i.aspect_ratio = Some("9:16".into());
    let (_, _, req) = start(&i, &cfg(ProviderId::OneRouter));
    assert_eq!(req.url, "https://image.onerouter.pro/v1/images/edits");
    assert_eq!(req.header("Authorization"), Some(KEY), "raw key, no Bearer");
    assert_eq!(
        body(&req),
        json!({"model": "reve-remix-image-to-image", "prompt": "x", "image_urls": ["https://e.com/a.png"],
            "aspect_ratio": "9:16", "n": 1, "output_format": "b64_json"})
    );
}

#[test]
fn onerouter_answers_with_image_urls() {
    let (p, mut job, c) = submitted();
    let ok = json!({"data": [{"url": "https://cdn.onerouter.pro/x.png", "b64_json": "", "revised_prompt": ""}], "created": 1_700_000_000});
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &ok.to_string()),
    )
    .expect("ok") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cdn.onerouter.pro/x.png")
    );
}

#[test]
fn onerouter_error_statuses_map_to_codes_its_403_being_moderation() {
    let (p, mut job, c) = submitted();
    let cases = [
        (400, ErrorCode::ProviderRejected, false),
        (401, ErrorCode::Unauthorized, false),
        (402, ErrorCode::InsufficientCredits, false),
        (403, ErrorCode::ContentViolation, false),
        (408, ErrorCode::ProviderError, true),
        (429, ErrorCode::RateLimited, true),
        (502, ErrorCode::ProviderError, true),
        (503, ErrorCode::ProviderError, true),
    ];
    for (status, code, retryable) in cases {
        let e = feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(status, &err("some_code", &format!("said {status}"))),
        );
        assert_eq!((e.code, e.retryable), (code, retryable), "{status}");
        assert!(e.message.contains(&format!("said {status}")));
    }
}

#[test]
fn onerouter_moderation_code_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            &err(
                "moderation_blocked",
                "Your request was rejected by the safety system",
            ),
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
}
