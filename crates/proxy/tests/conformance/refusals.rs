//! What is refused, and how: CORS for allowed pages only, refusals as JSON
//! with their code that reach nothing, an oversized body's 413, tokens, the
//! rate limit, a provider's 429, an unreachable or stalled provider.

use std::time::{Duration, Instant};

use reqwest::Method;

use super::PAGE;
use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_answered_for_allowed_pages_only() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--allow-origin", PAGE]),
        &[("REPLICATE_API_TOKEN", KEY)],
    );
    let c = client();
    let target = "https://api.replicate.com/v1/predictions/p1";

    let pre = c
        .request(Method::OPTIONS, &proxy.url)
        .header("origin", PAGE)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-remix-target-url,x-remix-provider",
        )
        .send()
        .await
        .expect("preflight");
    assert!(pre.status().is_success(), "{}", pre.status());
    assert_eq!(pre.headers()["access-control-allow-origin"], PAGE);
    let allowed = pre.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ascii");
    assert!(allowed.contains("x-remix-target-url"), "{allowed}");

    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .header("origin", PAGE)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], PAGE);
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_string();
    for name in ["retry-after", "x-request-id", "x-remix-proxy-error"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }

    let evil = "https://evil.test";
    let pre = c
        .request(Method::OPTIONS, &proxy.url)
        .header("origin", evil)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("preflight");
    assert_eq!(pre.status(), 403);
    assert!(pre.headers().get("access-control-allow-origin").is_none());
    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .header("origin", evil)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 403);
    assert_eq!(res.headers()["x-remix-proxy-error"], "origin_not_allowed");
    assert!(res.headers().get("access-control-allow-origin").is_none());
    assert_eq!(up.hits().len(), 1, "the refused page reached the provider");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_json_with_their_code_and_reach_nothing() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--allow-origin", PAGE]),
        &[("REPLICATE_API_TOKEN", KEY), ("FAL_KEY", KEY)],
    );
    let c = client();
    for (provider, target, code, status) in [
        (
            "replicate",
            "https://api.replicate.com.evil.test/v1/predictions/p1",
            "target_not_allowed",
            403,
        ),
        (
            "replicate",
            "https://api.replicate.com@evil.test/v1/predictions/p1",
            "target_not_allowed",
            403,
        ),
        (
            "replicate",
            "http://169.254.169.254/latest/meta-data/",
            "target_not_allowed",
            403,
        ),
        (
            "replicate",
            "https://api.replicate.com/v1/account",
            "target_not_allowed",
            403,
        ),
        (
            "fal",
            "https://api.replicate.com/v1/predictions/p1",
            "target_not_allowed",
            403,
        ),
        (
            "openai",
            "https://api.replicate.com/v1/predictions/p1",
            "target_not_allowed",
            403,
        ),
        (
            "inference-sh",
            "https://api.inference.sh/tasks/t1",
            "no_key",
            503,
        ),
    ] {
        let res = to(&c, &proxy, Method::GET, provider, target)
            .header("origin", PAGE)
            .send()
            .await
            .expect("answer");
        assert_eq!(res.status(), status, "{target}");
        assert_eq!(res.headers()["x-remix-proxy-error"], code, "{target}");
        assert_eq!(
            res.headers()["access-control-allow-origin"],
            PAGE,
            "{target}: a page must be able to read why"
        );
        let body = res.text().await.expect("body");
        assert!(
            body.starts_with(&format!(r#"{{"error":{{"code":"{code}","message":""#)),
            "{body}"
        );
    }
    let res = c.get(&proxy.url).send().await.expect("answer");
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["x-remix-proxy-error"], "target_missing");
    let res = c
        .get(&proxy.url)
        .header("x-remix-target-url", "https://api.inference.sh/tasks/t1")
        .header("x-remix-provider", "inference-sh")
        .send()
        .await
        .expect("answer");
    let body = res.text().await.expect("body");
    assert!(
        body.contains("INFERENCE_API_KEY"),
        "no_key must name the variable: {body}"
    );
    assert!(
        up.hits().is_empty(),
        "a refused request reached the provider: {:?}",
        up.hits()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_oversized_body_reaches_the_client_as_413_every_time() {
    // Answered while the client still sends, then read and discarded (a
    // lingering close): without it the client often saw a reset instead.
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--max-body", "16777216", "--rate-limit", "0"]),
        &[("REPLICATE_API_TOKEN", KEY)],
    );
    let c = client();
    let big = vec![b'A'; 17 * 1024 * 1024];
    for i in 0..20 {
        let res = to(
            &c,
            &proxy,
            Method::POST,
            "replicate",
            "https://api.replicate.com/v1/models/reve/remix/predictions",
        )
        .body(big.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("try {i}: no answer ({e})"));
        assert_eq!(res.status(), 413, "try {i}");
        assert_eq!(res.headers()["x-remix-proxy-error"], "body_too_large");
    }
    assert_eq!(up.hits().len(), 0, "nothing reached the provider");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_secret_every_request_needs_a_token_the_site_minted() {
    let up = upstream().await;
    let secret = "conformance-secret";
    let proxy = start(
        &args(&up, &[]),
        &[("REPLICATE_API_TOKEN", KEY), ("REMIX_PROXY_SECRET", secret)],
    );
    let c = client();
    let target = "https://api.replicate.com/v1/predictions/p1";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["x-remix-proxy-error"], "token_missing");
    let stale = reve_remix_proxy::token::mint(secret.as_bytes(), now - 1, None);
    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .header("x-remix-proxy-token", stale)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.headers()["x-remix-proxy-error"], "token_invalid");
    assert_eq!(up.hits().len(), 0);
    let fresh = reve_remix_proxy::token::mint(secret.as_bytes(), now + 60, Some("a"));
    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .header("x-remix-proxy-token", fresh)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200);
    let hits = up.hits();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].header("x-remix-proxy-token").is_none(),
        "the token stays at the proxy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_rate_limit_gets_429_with_retry_after() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--rate-limit", "2", "--allow-origin", PAGE]),
        &[("REPLICATE_API_TOKEN", KEY)],
    );
    let c = client();
    let target = "https://api.replicate.com/v1/predictions/p1";
    for _ in 0..2 {
        let res = to(&c, &proxy, Method::GET, "replicate", target)
            .send()
            .await
            .expect("answer");
        assert_eq!(res.status(), 200);
    }
    // A forged address buys no fresh allowance: the one that connects counts.
    let res = to(&c, &proxy, Method::GET, "replicate", target)
        .header("origin", PAGE)
        .header("cf-connecting-ip", "203.0.113.77")
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["x-remix-proxy-error"], "rate_limited");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(
        res.headers()["access-control-expose-headers"]
            .to_str()
            .expect("ascii")
            .contains("retry-after")
    );
    assert_eq!(up.hits().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_providers_429_comes_back_with_its_retry_after() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--allow-origin", PAGE]),
        &[("ONEROUTER_API_KEY", KEY)],
    );
    let res = to(
        &client(),
        &proxy,
        Method::POST,
        "onerouter",
        "https://image.onerouter.pro/v1/images/edits",
    )
    .header("origin", PAGE)
    .body("{}")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "7");
    assert!(
        res.headers().get("x-remix-proxy-error").is_none(),
        "the provider's 429 is not the proxy's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_provider_is_502_and_the_proxy_stays_up() {
    let up = upstream().await;
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mut a = args(&up, &[]);
    a.push("--upstream".into());
    a.push(format!("pixazo-edit=http://{closed}"));
    let proxy = start(&a, &[("PIXAZO_API_KEY", KEY), ("REPLICATE_API_TOKEN", KEY)]);
    let c = client();
    let res = to(
        &c,
        &proxy,
        Method::POST,
        "pixazo-edit",
        "https://gateway.pixazo.ai/reve-image/v1/image-edit",
    )
    .body("{}")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 502);
    assert_eq!(res.headers()["x-remix-proxy-error"], "upstream_unreachable");
    let res = to(
        &c,
        &proxy,
        Method::GET,
        "replicate",
        "https://api.replicate.com/v1/predictions/p1",
    )
    .send()
    .await
    .expect("the proxy still answers");
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_provider_is_504() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--upstream-timeout", "1"]),
        &[("AIMLAPI_KEY", KEY)],
    );
    let started = Instant::now();
    let res = to(
        &client(),
        &proxy,
        Method::POST,
        "aimlapi",
        "https://api.aimlapi.com/v1/images/generations",
    )
    .body("{}")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 504);
    assert_eq!(res.headers()["x-remix-proxy-error"], "upstream_timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mocks_429_arrives_with_its_retry_after() {
    let mock = reve_remix_mock::spawn(
        ([127, 0, 0, 1], 0).into(),
        reve_remix_mock::Config {
            log_requests: false,
            ..Default::default()
        },
    )
    .await
    .expect("mock");
    let proxy = start(
        &[
            "--upstream".to_string(),
            format!("reve=http://{mock}/reve"),
            "--allow-origin".to_string(),
            PAGE.to_string(),
        ],
        &[("REVE_API_KEY", "mock-429")],
    );
    let res = to(
        &client(),
        &proxy,
        Method::POST,
        "reve",
        "https://api.reve.com/v1/image/remix",
    )
    .header("origin", PAGE)
    .header("content-type", "application/json")
    .body(r#"{"prompt":"x","reference_images":[]}"#)
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    assert!(
        res.headers()["access-control-expose-headers"]
            .to_str()
            .expect("ascii")
            .contains("retry-after")
    );
}
