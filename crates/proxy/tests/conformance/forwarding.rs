//! What passes: the key added and the page's credentials left behind, a
//! redirect handed back unfollowed, streams as they come, big bodies,
//! compression as the page asks, fal's own client protocol, and the key in
//! no answer and no log line.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::Method;

use super::PAGE;
use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwards_with_the_key_and_leaves_the_pages_credentials_behind() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("REPLICATE_API_TOKEN", KEY)]);
    let res = to(
        &client(),
        &proxy,
        Method::GET,
        "replicate",
        "https://api.replicate.com/v1/predictions/p1?x=1",
    )
    .header("cookie", "session=page")
    .header("authorization", "Bearer page-token")
    .header("x-custom", "page")
    .header("prefer", "wait")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-upstream"], "fake");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "Set-Cookie must not come back"
    );
    assert!(
        res.headers().get("access-control-allow-origin").is_none(),
        "the provider's own CORS must not come back"
    );
    let hits = up.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.path, "/echo/v1/predictions/p1");
    assert_eq!(hit.query.as_deref(), Some("x=1"));
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(hit.header("prefer"), Some("wait"));
    for gone in [
        "cookie",
        "x-custom",
        "x-remix-target-url",
        "x-remix-provider",
    ] {
        assert_eq!(hit.header(gone), None, "{gone} reached the provider");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_closes_its_connections_is_asked_again_on_new_ones() {
    let up = upstream().await;
    let base = format!("replicate={}/close", up.url);
    let proxy = start(
        &["--upstream".to_string(), base],
        &[("REPLICATE_API_TOKEN", KEY)],
    );
    let http = client();
    for n in 0..3 {
        let res = to(
            &http,
            &proxy,
            Method::GET,
            "replicate",
            &format!("https://api.replicate.com/v1/predictions/p{n}"),
        )
        .send()
        .await
        .expect("answer");
        assert_eq!(res.status(), 200, "request {n}");
        // Time for the closed connection to be seen closed, as between a
        // page's status reads.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let hits = up.hits();
    assert_eq!(hits.len(), 3);
    let host = up.url.trim_start_matches("http://");
    for hit in &hits {
        assert_eq!(hit.header("host"), Some(host), "the provider's own host");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_passed_back_unfollowed_and_without_its_location() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("REVE_API_KEY", KEY)]);
    let res = to(
        &client(),
        &proxy,
        Method::POST,
        "reve",
        "https://api.reve.com/v1/image/remix",
    )
    .header("content-type", "application/json")
    .body("{}")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 302);
    assert!(res.headers().get("location").is_none());
    let hits = up.hits();
    assert_eq!(hits.len(), 1, "the redirect was followed: {hits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_line_arrives_as_soon_as_the_provider_sends_it() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("FAL_KEY", KEY)]);
    let started = Instant::now();
    let res = to(
        &client(),
        &proxy,
        Method::GET,
        "fal",
        "https://queue.fal.run/fal-ai/reve/requests/r1/status/stream?logs=1",
    )
    .header("accept", "text/event-stream")
    .send()
    .await
    .expect("answer");
    assert_eq!(res.status(), 200);
    let mut body = res.bytes_stream();
    let mut seen = String::new();
    let mut first_at = None;
    while let Some(chunk) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
        if first_at.is_none() && seen.contains("\"n\":1") {
            first_at = Some(started.elapsed());
        }
    }
    let first_at = first_at.expect("the first event arrived");
    assert!(seen.contains("\"n\":2"), "{seen}");
    assert!(
        first_at < Duration::from_millis(1200),
        "the first event waited for the second ({first_at:?}): the proxy buffers"
    );
    assert!(started.elapsed() >= Duration::from_millis(1400));
    assert_eq!(
        up.hits()[0].header("authorization"),
        Some(format!("Key {KEY}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_12_mb_body_passes_and_one_over_the_limit_does_not_leave() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("REPLICATE_API_TOKEN", KEY)]);
    let c = client();
    let target = "https://api.replicate.com/v1/models/reve/remix/predictions";
    // Six 1.5 MB references in base64: ~12 MB.
    let big = vec![b'A'; 12 * 1024 * 1024];
    let res = to(&c, &proxy, Method::POST, "replicate", target)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("body");
    assert!(
        text.contains(&format!("\"body_len\":{}", big.len())),
        "{text}"
    );
    drop(proxy);

    let proxy = start(
        &args(&up, &["--max-body", "1000"]),
        &[("REPLICATE_API_TOKEN", KEY)],
    );
    let res = to(&c, &proxy, Method::POST, "replicate", target)
        .body(vec![b'A'; 1001])
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["x-remix-proxy-error"], "body_too_large");
    // Without a Content-Length (chunked), measured before connecting too.
    let chunks =
        futures_util::stream::iter((0..4).map(|_| Ok::<_, std::io::Error>(vec![b'A'; 400])));
    let res = to(&c, &proxy, Method::POST, "replicate", target)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 413);
    assert_eq!(up.hits().len(), 1, "an oversized body reached the provider");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_is_the_pages_choice() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("PIXAZO_API_KEY", KEY)]);
    let target = "https://gateway.pixazo.ai/v2/requests/status/j1";
    let c = client();
    let res = to(&c, &proxy, Method::GET, "pixazo", target)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("answer");
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.bytes().await.expect("body").as_ref(), GZIP_BODY);
    let _ = to(&c, &proxy, Method::GET, "pixazo", target)
        .send()
        .await
        .expect("answer");
    let hits = up.hits();
    assert_eq!(hits[0].header("accept-encoding"), Some("gzip"));
    // Nothing, or `identity` (a Worker's fetch asks for compression unless told not to).
    assert!(
        matches!(hits[1].header("accept-encoding"), None | Some("identity")),
        "the proxy asked for compression the page did not: {:?}",
        hits[1].header("accept-encoding")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fals_own_client_protocol_is_spoken() {
    let up = upstream().await;
    let proxy = start(&args(&up, &[]), &[("FAL_KEY", KEY)]);
    let res = client()
        .get(&proxy.url)
        .header(
            "x-fal-target-url",
            "https://queue.fal.run/fal-ai/reve/requests/r1/status/stream",
        )
        .header("x-fal-queue-priority", "low")
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200);
    let _ = res.bytes().await;
    let hit = &up.hits()[0];
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Key {KEY}").as_str())
    );
    assert_eq!(hit.header("x-fal-queue-priority"), Some("low"));
    assert_eq!(hit.header("x-fal-target-url"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_is_in_no_answer_and_no_log_line() {
    let up = upstream().await;
    let proxy = start(
        &args(&up, &["--allow-origin", PAGE]),
        &[
            ("REPLICATE_API_TOKEN", KEY),
            ("FAL_KEY", KEY),
            ("REVE_API_KEY", KEY),
        ],
    );
    let c = client();
    for (method, provider, target) in [
        (
            Method::GET,
            "replicate",
            "https://api.replicate.com/v1/predictions/p1?sig=query-secret",
        ),
        (Method::POST, "reve", "https://api.reve.com/v1/image/remix"),
        (
            Method::GET,
            "fal",
            "https://queue.fal.run/fal-ai/reve/requests/r1/status/stream",
        ),
        (Method::GET, "fal", "https://evil.test/"),
        (Method::GET, "nobody", "https://evil.test/"),
    ] {
        let res = to(&c, &proxy, method.clone(), provider, target)
            .header("origin", PAGE)
            .body(if method == Method::POST { "{}" } else { "" })
            .send()
            .await
            .expect("answer");
        let headers = format!("{:?}", res.headers());
        assert_no_key("an answer's headers", &headers);
        assert_no_key("an answer's body", &res.text().await.unwrap_or_default());
    }
    // The log line of the last request is written as its answer goes out.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = proxy.log();
    assert!(log.len() >= 6, "one line per request: {log:#?}");
    for line in &log {
        assert_no_key("the log", line);
        assert!(
            !line.contains("query-secret"),
            "a query string is in the log: {line}"
        );
    }
    assert!(
        log.iter()
            .any(|l| l.contains("GET replicate https://api.replicate.com/v1/predictions/p1 200")),
        "{log:#?}"
    );
}
