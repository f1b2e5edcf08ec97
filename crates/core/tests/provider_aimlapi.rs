//! AI/ML API: one synchronous request, the answer as URLs or base64.
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
    let c = cfg(ProviderId::AimlApi);
    let (p, job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    (p, job, c)
}

#[test]
fn aimlapi_request_has_its_model_and_data_urls() {
    let png = png_1x1();
    let mut i = input(
        "Add a crown to <img>0</img>",
        vec![
            png_src("t.png"),
            url_src(
                "https://raw.githubusercontent.com/aimlapi/api-docs/main/reference-files/t-rex.png",
            ),
        ],
    );
    i.aspect_ratio = Some("4:3".into());
    let (_, _, req) = start(&i, &cfg(ProviderId::AimlApi));
    assert_eq!(req.url, "https://api.aimlapi.com/v1/images/generations");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        body(&req),
        json!({"model": "reve/remix-edit-image", "prompt": "Add a crown to <img>0</img>",
            "image_urls": [format!("data:image/png;base64,{}", b64(&png)), "https://raw.githubusercontent.com/aimlapi/api-docs/main/reference-files/t-rex.png"],
            "aspect_ratio": "4:3"})
    );
}

#[test]
fn aimlapi_answers_201_with_the_documented_example() {
    let (p, mut job, c) = submitted();
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(201, &recorded("aimlapi_201.json")),
    )
    .expect("201") else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .url
            .as_deref()
            .expect("url")
            .starts_with("https://cdn.aimlapi.com/generations/")
    );
    assert_eq!(r.credits_used, Some(210_000.0));
    assert_eq!(
        r.cost.map(|c| (c.amount, c.unit)),
        Some((210_000.0, "credits"))
    );
    assert_eq!(
        job.request_id.as_deref(),
        Some("rsid-17c1ade740057a36b9711c72bbf4d63f")
    );
}

#[test]
fn aimlapi_results_may_come_as_base64() {
    let (p, mut job, c) = submitted();
    let b = json!({"data": [{"url": null, "b64_json": b64(&png_1x1())}]}).to_string();
    let Step::Done(r) = feed(p, &mut job, &c, RequestKind::Submit, res(200, &b)).expect("b64")
    else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .data_url
            .as_deref()
            .expect("d")
            .starts_with("data:image/png;base64,iVBOR")
    );
}

#[test]
fn aimlapi_content_violation_flag_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    let cv = r#"{"data":[{"url":null,"b64_json":null,"content_violation":true}]}"#;
    assert_eq!(
        feed_err(p, &mut job, &c, RequestKind::Submit, res(201, cv)).code,
        ErrorCode::ContentViolation
    );
}

#[test]
fn aimlapi_errors_and_its_403_meaning_out_of_credits() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            r#"{"message":"Body validation error","statusCode":400}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(e.message.contains("Body validation error"));
    assert_eq!(
        feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(401, r#"{"message":"Unauthorized"}"#)
        )
        .code,
        ErrorCode::Unauthorized
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, r#"{"message":"You've run out of credits"}"#),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
    assert_eq!(
        feed_err(p, &mut job, &c, RequestKind::Submit, res(429, "{}")).code,
        ErrorCode::RateLimited
    );
}
