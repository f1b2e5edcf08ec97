//! Routes, CORS, health and what every provider's route shares.

use super::support::*;

#[tokio::test]
async fn index_lists_providers_and_scenarios() {
    let m = mock().await;
    let res = m.get("/", &[]).await;
    assert_eq!(res.status, 200);
    let text = String::from_utf8(res.body).expect("utf-8");
    for p in ALL {
        assert!(text.contains(p), "{p} missing");
    }
    assert!(text.contains(&format!("{}/reve", m.base)));
    for key in [
        "mock-429",
        "mock-429-hidden",
        "mock-500",
        "mock-401",
        "mock-402",
        "mock-malformed",
        "mock-violation",
        "mock-stuck",
        "mock-drop",
        "mock-slow",
        "mock-fail",
    ] {
        assert!(text.contains(key), "{key} missing");
    }
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let m = mock().await;
    for path in [
        "/reve/v1/image/remix",
        "/replicate/v1/models/reve/remix/predictions",
        "/pixazo/v2/requests/status/x",
    ] {
        let res = m
            .send(
                "OPTIONS",
                path,
                &[
                    ("origin", "http://localhost:8080"),
                    ("access-control-request-method", "POST"),
                    (
                        "access-control-request-headers",
                        "authorization,content-type,ocp-apim-subscription-key,prefer,x-remix-target-url,x-fal-queue-priority",
                    ),
                ],
                None,
            )
            .await;
        assert!(
            res.status == 200 || res.status == 204,
            "{path}: {}",
            res.status
        );
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));
        let allowed = res
            .header("access-control-allow-headers")
            .unwrap_or("")
            .to_ascii_lowercase();
        for h in [
            "authorization",
            "ocp-apim-subscription-key",
            "prefer",
            "x-remix-target-url",
            "x-fal-queue-priority",
        ] {
            assert!(allowed.contains(h), "{h} not allowed: {allowed}");
        }
        assert!(
            res.header("access-control-allow-methods")
                .unwrap_or("")
                .contains("PUT")
        );
    }
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("origin", "http://localhost:8080")],
            &json!({}),
        )
        .await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let exposed = res
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    for h in ["retry-after", "x-fal-retryable", "x-request-id"] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn hostile_requests_get_answers_not_panics() {
    let m = mock().await;
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!({"prompt": 5}),
        json!({"reference_images": "x"}),
    ];
    for p in ALL {
        let (path, h, v, _) = valid_submit(p, "k");
        for b in &bodies {
            let res = m.post(&path, &[(h, &v)], b).await;
            assert!((400..500).contains(&res.status), "{p} {b}: {}", res.status);
            assert_error_shape(p, &res);
        }
        let res = m
            .send(
                "POST",
                &path,
                &[(h, &v), ("content-type", "application/json")],
                None,
            )
            .await;
        assert!((400..500).contains(&res.status), "{p} empty body");
    }
    let huge_ref = json!({"prompt": "<img>99999999999999999999999</img>", "reference_images": [b64(&png(4, 4))]});
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer k")],
            &huge_ref,
        )
        .await;
    assert_eq!(res.status, 400);
    let res = m
        .get(
            "/fal/fal-ai/reve/requests/%2e%2e%2f/status",
            &[("authorization", "Key k")],
        )
        .await;
    assert_eq!(res.status, 404);
    let res = m.get("/nowhere", &[]).await;
    assert_eq!(res.status, 404);
}
