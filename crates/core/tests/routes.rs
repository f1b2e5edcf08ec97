//! Each provider's route table: what the proxy forwards for it. The
//! driver tests check that every request a provider builds is on it.
#![cfg(not(target_arch = "wasm32"))]

use reve_remix_core::http::Method;
use reve_remix_core::id::ProviderId;
use reve_remix_core::provider::{Route, providers};

#[test]
fn every_provider_has_a_submit_route() {
    for info in providers() {
        assert!(
            info.routes.iter().any(|r| r.method == Method::Post),
            "{} has no POST route",
            info.id
        );
        for r in info.routes {
            assert!(r.path.starts_with('/'), "{}: {}", info.id, r.path);
        }
    }
}

#[test]
fn a_star_is_one_plain_segment() {
    let r = Route::get("/v1/predictions/*");
    assert!(r.matches_path("/v1/predictions/gm3q-x_1.2~"));
    for bad in [
        "/v1/predictions/",
        "/v1/predictions",
        "/v1/predictions/a/b",
        "/v1/predictions/..",
        "/v1/predictions/.",
        "/v1/predictions/a%2Fb",
        "/v1/predictions/a@b",
        "/v1/PREDICTIONS/x",
        "/v1//predictions/x",
        "v1/predictions/x",
    ] {
        assert!(!r.matches_path(bad), "{bad} must not match");
    }
}

#[test]
fn literal_segments_match_exactly() {
    let r = Route::post("/v1/image/remix");
    assert!(r.matches_path("/v1/image/remix"));
    assert!(!r.matches_path("/v1/image/remix/"));
    assert!(!r.matches_path("/v1/image/remixx"));
    assert!(!r.matches_path("/v1/image"));
}

#[test]
fn a_route_needs_its_method() {
    let fal = reve_remix_core::provider::provider(ProviderId::Fal).info();
    assert!(
        fal.route(Method::Put, "/fal-ai/reve/requests/r1/cancel")
            .is_some()
    );
    assert!(
        fal.route(Method::Post, "/fal-ai/reve/requests/r1/cancel")
            .is_none()
    );
    assert!(fal.route(Method::Get, "/fal-ai/reve/remix").is_none());
}

#[test]
fn every_models_submit_path_is_a_post_route_a_proxy_can_count() {
    use reve_remix_core::http::Method;
    for info in reve_remix_core::provider::providers() {
        for m in info.models {
            assert!(
                info.route(Method::Post, m.submit).is_some(),
                "{}: {} submits to {} off its routes",
                info.id,
                m.id,
                m.submit
            );
            let body = br#"[{"taskType":"imageInference"}]"#;
            assert_eq!(
                info.submission(m.submit, Some(body)),
                Some(m.id),
                "{}",
                info.id
            );
        }
    }
    let runware = reve_remix_core::provider::runware::INFO;
    let poll = br#"[{"taskType":"getResponse","taskUUID":"x"}]"#;
    assert_eq!(
        runware.submission("/v1", Some(poll)),
        None,
        "a status read is no submission"
    );
    let fal = reve_remix_core::provider::fal::INFO;
    assert_eq!(fal.submission("/fal-ai/reve/requests/1/status", None), None);
    assert_eq!(
        fal.submission("/reve/2.1/remix", None),
        Some(reve_remix_core::id::ModelId::Reve21)
    );
}
