//! Results a page can trust (issue 26): whatever a hostile or broken
//! provider answers, a result image reaches the caller only as an `https:`
//! URL (plain `http:` on loopback), or a data URL whose bytes are an image
//! of its declared type. Everything else is `malformed_response`, the
//! provider named and the value never echoed whole, on every answer path.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::RemixError;
use reve_remix_core::http::RequestKind;
use reve_remix_core::id::{ModelId, ProviderId};
use reve_remix_core::job::RemixResult;
use reve_remix_core::provider::Step;
use serde_json::json;

/// AI/ML API's synchronous answer with `url` as the result.
fn aimlapi_with(url: &str) -> Result<RemixResult, RemixError> {
    let c = cfg(ProviderId::AimlApi);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let body = json!({"data": [{"url": url}]}).to_string();
    feed(p, &mut job, &c, RequestKind::Submit, res(200, &body)).map(|s| match s {
        Step::Done(r) => r,
        other => panic!("{other:?}"),
    })
}

const HOSTILE: &[&str] = &[
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "http://evil.example/x.png",
    "https://user:pw@evil.example/x.png",
    "vbscript:msgbox",
    "//evil.example/x.png",
    "https://cdn.example/x.png\njavascript:alert(1)",
];

#[test]
fn a_hostile_result_url_is_malformed_response_naming_the_provider_never_echoed_whole() {
    for url in HOSTILE {
        let e = aimlapi_with(url).expect_err(url);
        assert_eq!(e.code, ErrorCode::MalformedResponse, "{url}");
        assert_eq!(e.provider, Some(ProviderId::AimlApi), "{url}");
        assert!(e.message.starts_with("AI/ML API answered"), "{}", e.message);
        if url.len() > 30 {
            assert!(!e.message.contains(url.trim()), "{}", e.message);
        }
    }
}

#[test]
fn https_and_loopback_http_and_real_image_bytes_pass() {
    for url in [
        "https://cdn.aimlapi.com/x.png",
        "HTTPS://cdn.aimlapi.com/x.png",
        "http://127.0.0.1:8787/aimlapi/results/1.png",
        "http://localhost:8787/r.png",
        "http://[::1]:8787/r.png",
    ] {
        let r = aimlapi_with(url).expect(url);
        assert_eq!(r.images[0].url.as_deref(), Some(url), "{url}");
        assert_eq!(r.model, ModelId::ReveRemix);
    }
    let png = format!("data:image/png;base64,{}", b64(&png_1x1()));
    let r = aimlapi_with(&png).expect("a real PNG");
    assert_eq!(r.images[0].data_url.as_deref(), Some(png.as_str()));
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
}

#[test]
fn a_data_url_must_hold_an_image_of_its_declared_type() {
    let png = b64(&png_1x1());
    for bad in [
        format!("data:image/jpeg;base64,{png}"),
        "data:image/png;base64,aGVsbG8gd29ybGQ=".to_string(),
        format!("data:image/svg+xml;base64,{png}"),
        format!("data:image/png,{png}"),
    ] {
        let e = aimlapi_with(&bad).expect_err(&bad);
        assert_eq!(e.code, ErrorCode::MalformedResponse, "{bad}");
    }
}

#[test]
fn bare_base64_and_queued_results_are_checked_too() {
    // Reve answers the image as bare base64: text that is not an image fails.
    let c = cfg(ProviderId::Reve);
    let (p, mut job, _) = start(&input("x", vec![png_src("a.png")]), &c);
    let body = json!({"image": "PHNjcmlwdD4=", "request_id": "r1"}).to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Submit, res(200, &body));
    assert_eq!(e.code, ErrorCode::MalformedResponse);
    // Replicate's queued prediction with a javascript: output.
    let c = cfg(ProviderId::Replicate);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let body =
        json!({"id": "p1", "status": "succeeded", "output": "javascript:alert(1)"}).to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &body));
    assert_eq!(e.code, ErrorCode::MalformedResponse);
    assert_eq!(e.provider, Some(ProviderId::Replicate));
}
