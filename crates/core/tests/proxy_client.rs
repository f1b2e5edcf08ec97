//! The client's side of the proxy: requests go to it without the key,
//! and its refusals become errors that say what to change where it runs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::{HttpResponse, Method, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::provider::{self, Config, PROXY_ERROR_HEADER};

fn proxied(provider: ProviderId) -> Config {
    Config {
        provider,
        api_key: None,
        proxy_url: Some("https://proxy.example.test/remix".into()),
        ..Config::default()
    }
}

fn refusal(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#).into_bytes(),
    )
    .with_header("content-type", "application/json")
    .with_header(PROXY_ERROR_HEADER, code)
}

#[test]
fn each_refusal_becomes_the_error_a_caller_already_handles() {
    let fal = provider::provider(ProviderId::Fal).info();
    for (status, code, want, retryable) in [
        (503, "no_key", ErrorCode::MissingApiKey, false),
        (
            403,
            "target_not_allowed",
            ErrorCode::ProviderRejected,
            false,
        ),
        (403, "origin_not_allowed", ErrorCode::Unauthorized, false),
        (413, "body_too_large", ErrorCode::ProviderRejected, false),
        (429, "rate_limited", ErrorCode::RateLimited, true),
        (502, "upstream_unreachable", ErrorCode::Network, true),
        (504, "upstream_timeout", ErrorCode::ProviderError, true),
    ] {
        let e = provider::http_error(fal, &refusal(status, code, "words of the proxy"));
        assert_eq!(e.code, want, "{code}");
        assert_eq!(e.retryable, retryable, "{code}");
        assert!(
            e.message.starts_with("The proxy refused the fal request"),
            "{}",
            e.message
        );
        assert!(e.message.contains("words of the proxy"), "{}", e.message);
    }
}

#[test]
fn no_key_names_the_variable_to_set() {
    let fal = provider::provider(ProviderId::Fal).info();
    let e = provider::http_error(
        fal,
        &refusal(
            503,
            "no_key",
            "The proxy has no key for fal: set FAL_KEY where it runs, then restart it.",
        ),
    );
    assert_eq!(e.code, ErrorCode::MissingApiKey);
    assert!(
        e.message.contains("set FAL_KEY where it runs"),
        "{}",
        e.message
    );
}

#[test]
fn the_proxys_429_is_waited_for() {
    let info = provider::provider(ProviderId::Reve).info();
    let e = provider::http_error(
        info,
        &refusal(429, "rate_limited", "slow down").with_header("retry-after", "12"),
    );
    assert_eq!(e.retry_after_secs, Some(12));
}

#[test]
fn a_provider_error_through_the_proxy_is_still_the_providers() {
    let info = provider::provider(ProviderId::Reve).info();
    let e = provider::http_error(
        info,
        &res(401, r#"{"error_code":"UNAUTHORIZED","message":"bad key"}"#),
    );
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

#[test]
fn through_a_proxy_no_key_is_needed_or_sent() {
    let (_, _, _, req) = provider::start(
        &input("make <img>0</img> pop", vec![png_src("a.png")]),
        &proxied(ProviderId::Reve),
    )
    .expect("valid without a key");
    assert_eq!(req.url, "https://proxy.example.test/remix");
    assert_eq!(
        req.header("x-remix-target-url"),
        Some("https://api.reve.com/v1/image/remix")
    );
    assert_eq!(req.header("x-remix-provider"), Some("reve"));
    assert_eq!(req.header("authorization"), None);
}

#[test]
fn a_result_image_goes_through_the_proxy_without_a_key() {
    let info = provider::provider(ProviderId::Replicate).info();
    let mut cfg = proxied(ProviderId::Replicate);
    cfg.api_key = Some(reve_remix_core::http::Secret::new(KEY));
    let req = provider::result_image_request(&cfg, info, "https://replicate.delivery/x.webp");
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, "https://proxy.example.test/remix");
    assert_eq!(
        req.header("x-remix-target-url"),
        Some("https://replicate.delivery/x.webp")
    );
    assert!(!format!("{:?}", req.headers).contains(KEY));
    let direct =
        provider::result_image_request(&cfg_direct(), info, "https://replicate.delivery/x.webp");
    assert_eq!(direct.url, "https://replicate.delivery/x.webp");
    assert_eq!(direct.kind, RequestKind::Result);
    assert!(
        direct.headers.is_empty(),
        "a result image never gets the key"
    );
}

fn cfg_direct() -> Config {
    cfg(ProviderId::Replicate)
}

#[test]
fn a_network_failure_through_the_proxy_says_to_check_the_proxy() {
    let info = provider::provider(ProviderId::Fal).info();
    let e = provider::network_error(info, &proxied(ProviderId::Fal), "Failed to fetch");
    assert!(e.message.contains("through the proxy"), "{}", e.message);
    assert!(e.message.contains("--allow-origin"), "{}", e.message);
}
