//! Reve's own API: one synchronous request with raw base64 references.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::{Method, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::image::ImageFormat;
use reve_remix_core::provider::{self, Config, Field, ImageSource, ImageTransport, Provider, Step};
use serde_json::json;

fn submitted() -> (&'static dyn Provider, Followed, Config) {
    let c = cfg(ProviderId::Reve);
    let (p, job, _) = start(&input("x", vec![png_src("a.png")]), &c);
    (p, job, c)
}

#[test]
fn reve_request_is_raw_base64_with_postprocessing() {
    let png = png_1x1();
    let mut i = input("Put <img>0</img> on a beach", vec![png_src("cat.png")]);
    i.aspect_ratio = Some("16:9".into());
    i.version = Some("latest".into());
    i.test_time_scaling = Some(3);
    i.upscale_factor = Some(2);
    i.remove_background = Some(true);
    let (_, _, req) = start(&i, &cfg(ProviderId::Reve));
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://api.reve.com/v1/image/remix");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body.content_type(), Some("application/json"));
    assert_eq!(
        body(&req),
        json!({
            "prompt": "Put <img>0</img> on a beach",
            "reference_images": [b64(&png)],
            "aspect_ratio": "16:9",
            "version": "latest",
            "test_time_scaling": 3,
            "postprocessing": [{"process": "upscale", "upscale_factor": 2}, {"process": "remove_background"}]
        })
    );
}

#[test]
fn reve_minimal_request_has_no_optional_keys() {
    let (_, _, req) = start(&input("x", vec![png_src("a.png")]), &cfg(ProviderId::Reve));
    assert_eq!(
        body(&req),
        json!({"prompt": "x", "reference_images": [b64(&png_1x1())]})
    );
}

#[test]
fn reve_takes_no_urls() {
    let e = start_err(
        &input("x", vec![url_src("https://e.com/a.png")]),
        &cfg(ProviderId::Reve),
    );
    assert_eq!(e.code, ErrorCode::InvalidOption);
}

#[test]
fn reve_answers_with_the_image_inline() {
    let (p, mut job, c) = submitted();
    let png_b64 = b64(&png_1x1());
    let ok = json!({"image": png_b64, "version": "reve-remix@20250915", "content_violation": false,
        "request_id": "rsid-1", "credits_used": 30, "credits_remaining": 970});
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &ok.to_string()),
    )
    .expect("ok") else {
        panic!("synchronous provider must finish at once")
    };
    assert_eq!(r.provider, ProviderId::Reve);
    assert_eq!(r.job_id.as_deref(), Some("rsid-1"));
    assert_eq!(r.credits_used, Some(30.0));
    let cost = r.cost.as_ref().expect("Reve reports its credits");
    assert_eq!(
        (cost.amount, cost.unit, cost.remaining),
        (30.0, "credits", Some(970.0))
    );
    assert_eq!(
        r.images[0].data_url.as_deref(),
        Some(format!("data:image/png;base64,{png_b64}").as_str())
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
}

#[test]
fn reve_content_violation_is_a_200_that_says_so() {
    let (p, mut job, c) = submitted();
    let cv = json!({"image": b64(&png_1x1()), "content_violation": true, "request_id": "rsid-2"});
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &cv.to_string()),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    assert_eq!(e.request_id.as_deref(), Some("rsid-2"));
}

#[test]
fn reve_error_statuses_map_to_codes_with_its_words() {
    let (p, mut job, c) = submitted();
    let cases = [
        (400, ErrorCode::ProviderRejected, false),
        (401, ErrorCode::Unauthorized, false),
        (402, ErrorCode::InsufficientCredits, false),
        (422, ErrorCode::ProviderRejected, false),
        (429, ErrorCode::RateLimited, true),
        (500, ErrorCode::ProviderError, false),
        (503, ErrorCode::ProviderError, true),
    ];
    for (status, code, retryable) in cases {
        let b = json!({"error_code": "SOME_CODE", "message": format!("message {status}")});
        let r = res(status, &b.to_string())
            .with_header("Retry-After", "5")
            .with_header("x-request-id", "req-9");
        let e = feed_err(p, &mut job, &c, RequestKind::Submit, r);
        assert_eq!(
            (e.code, e.retryable, e.status),
            (code, retryable, Some(status)),
            "{status}"
        );
        assert!(
            e.message.contains(&format!("message {status}")),
            "{}",
            e.message
        );
        assert_eq!(e.provider, Some(ProviderId::Reve));
        assert_eq!(e.request_id.as_deref(), Some("req-9"));
        assert_no_key(&e.message);
        if status == 429 {
            assert_eq!(e.retry_after_secs, Some(5));
        }
        if status == 401 {
            assert!(e.message.contains("check the key"), "{}", e.message);
        }
    }
}

#[test]
fn reve_moderation_code_is_a_content_violation() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            r#"{"error_code":"CONTENT_POLICY_VIOLATION","message":"no"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
}

#[test]
fn reve_answers_without_json_or_an_image_are_malformed() {
    let (p, mut job, c) = submitted();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, "<html>oops</html>"),
    );
    assert_eq!(e.code, ErrorCode::MalformedResponse);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, r#"{"version":"x"}"#),
    );
    assert_eq!(e.code, ErrorCode::MalformedResponse);
}

#[test]
fn reve_credits_come_from_its_headers_when_the_body_has_none() {
    let (p, mut job, c) = submitted();
    let ok = json!({"image": b64(&png_1x1()), "request_id": "rsid-2"});
    let answer = res(200, &ok.to_string())
        .with_header("x-reve-credits-used", "30")
        .with_header("x-reve-credits-remaining", "940");
    let Step::Done(r) = feed(p, &mut job, &c, RequestKind::Submit, answer).expect("ok") else {
        panic!("synchronous provider must finish at once")
    };
    let cost = r.cost.expect("from the headers");
    assert_eq!((cost.amount, cost.remaining), (30.0, Some(940.0)));
}

/// Reve's own SDK writes references `<img>N</img>` at its newest (0.1.9;
/// older releases wrote `<ref>N</ref>`): the prompt goes as written.
#[test]
fn reve_gets_img_tags_as_its_newest_sdk_writes_them() {
    let i = input(
        "<img>0</img> wearing the hat of <img>1</img>",
        vec![png_src("a.png"), png_src("b.png")],
    );
    let (_, _, req) = start(&i, &cfg(ProviderId::Reve));
    assert_eq!(
        body(&req)["prompt"],
        "<img>0</img> wearing the hat of <img>1</img>"
    );
}

fn heic(name: &str) -> ImageSource {
    let data = reve_remix_fixtures::bytes("heic_64x40.heic").to_vec();
    ImageSource::Bytes {
        data: data.into(),
        name: Some(name.into()),
    }
}

/// Reve's own sniffer takes no HEIF: a HEIC reference is refused before
/// any request, on its field, saying what to convert it to and which
/// providers take it (from the table, so a provider that stops taking
/// HEIF drops out of the message).
#[test]
fn a_heic_reference_on_reve_is_refused_before_any_request_naming_who_takes_it() {
    let i = input(
        "<img>0</img> and <img>1</img>",
        vec![png_src("a.png"), heic("IMG_0042.heic")],
    );
    let c = cfg(ProviderId::Reve);
    let reve = provider::provider(ProviderId::Reve).info();
    let found = provider::problems(reve, &i, &c);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].field, Field::Image(1));
    let e = &found[0].error;
    assert_eq!(e.code, ErrorCode::UnsupportedFormat);
    assert_eq!(e.provider, Some(ProviderId::Reve));
    assert!(
        e.message
            .starts_with("IMG_0042.heic is HEIF; Reve does not take HEIF images: convert it to PNG, JPEG, WebP or AVIF"),
        "{}",
        e.message
    );
    let takers: Vec<&str> = provider::providers()
        .iter()
        .filter(|p| {
            p.model.formats.contains(&ImageFormat::Heif) && p.transport != ImageTransport::Url
        })
        .map(|p| p.name)
        .collect();
    assert!(
        takers.contains(&"fal") && takers.contains(&"OneRouter"),
        "{takers:?}"
    );
    assert!(
        e.message.ends_with(&format!(
            "choose a provider that takes it ({}).",
            takers.join(", ")
        )),
        "{}",
        e.message
    );
    assert!(
        !e.message.contains("Pixazo"),
        "Pixazo takes no files: {}",
        e.message
    );
    // validate (what every request runs first) fails with the same error,
    // so no request is built.
    assert_eq!(start_err(&i, &c), found[0].error);
    // The same file goes to fal.
    let (_, _, req) = start(&i, &cfg(ProviderId::Fal));
    assert!(
        body(&req)["image_urls"][1]
            .as_str()
            .is_some_and(|u| u.starts_with("data:image/heic;base64,"))
    );
}
