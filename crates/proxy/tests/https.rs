//! The native proxy over HTTPS (`--tls-cert`, `--tls-key`): HTTP/2 and
//! HTTP/1.1 by ALPN, the same rules and the same forwarding on both, and a
//! clear refusal to start on files it cannot use. (The Worker has no such
//! option: Cloudflare serves it over HTTPS.)

#[path = "conformance/support.rs"]
#[allow(
    dead_code,
    reason = "shared with the conformance tests, which use more of it"
)]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use futures_util::StreamExt;
use reqwest::{Method, Version};
use support::*;

/// A self-signed certificate for 127.0.0.1 and its key, as PEM files in a
/// fresh folder named after `test`.
fn certificate(test: &str) -> (PathBuf, PathBuf) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("certificate");
    let dir = std::env::temp_dir().join(format!("reve-remix-proxy-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("write cert");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("write key");
    (cert, key)
}

fn tls_args(up: &Upstream, cert: &Path, key: &Path) -> Vec<String> {
    let mut a = args(up, &[]);
    for (flag, path) in [("--tls-cert", cert), ("--tls-key", key)] {
        a.push(flag.into());
        a.push(path.display().to_string());
    }
    a
}

/// A client that trusts the test's own certificate (by trusting any) and
/// speaks `version` to the proxy.
fn tls_client(version: Version) -> reqwest::Client {
    let b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .danger_accept_invalid_certs(true);
    let b = if version == Version::HTTP_11 {
        b.http1_only()
    } else {
        b
    };
    b.build().expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_http2_and_http11_with_the_key_added_and_the_same_refusals() {
    let up = upstream().await;
    let (cert, key) = certificate("versions");
    let proxy = start(&tls_args(&up, &cert, &key), &[("REPLICATE_API_TOKEN", KEY)]);
    assert!(proxy.url.starts_with("https://127.0.0.1:"), "{}", proxy.url);

    for version in [Version::HTTP_2, Version::HTTP_11] {
        let c = tls_client(version);
        let res = to(
            &c,
            &proxy,
            Method::POST,
            "replicate",
            "https://api.replicate.com/v1/models/reve/remix/predictions",
        )
        .header("authorization", "Bearer page-token")
        .body("{\"input\":{}}")
        .send()
        .await
        .expect("answer");
        assert_eq!(res.version(), version, "ALPN picks what the client offers");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["x-upstream"], "fake");
        assert!(res.headers().get("set-cookie").is_none());
        let hit = up.hits().pop().expect("the provider was reached");
        assert_eq!(hit.method, "POST");
        assert_eq!(hit.body_len, "{\"input\":{}}".len());
        assert_eq!(
            hit.header("authorization"),
            Some(format!("Bearer {KEY}").as_str()),
            "the proxy's key, not the page's"
        );

        // A look-alike host is refused as over plain HTTP, before any
        // connection.
        let before = up.hits().len();
        let res = to(
            &c,
            &proxy,
            Method::GET,
            "replicate",
            "https://api.replicate.com.evil.test/v1/predictions/p1",
        )
        .send()
        .await
        .expect("answer");
        assert_eq!(res.version(), version);
        assert_eq!(res.status(), 403);
        let text = res.text().await.expect("body");
        assert!(text.contains("target_not_allowed"), "{text}");
        assert_eq!(up.hits().len(), before, "nothing was sent on");
    }
    for line in proxy.log() {
        assert_no_key("the log", &line);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_event_streams_each_stream_over_http2() {
    // fal's event stream holds its request for the whole job; over HTTP/2
    // ten of them at once still stream, each as soon as fal sends.
    let up = upstream().await;
    let (cert, key) = certificate("streams");
    let proxy = start(&tls_args(&up, &cert, &key), &[("FAL_KEY", KEY)]);
    let c = tls_client(Version::HTTP_2);
    let started = std::time::Instant::now();
    let streams = (0..10).map(|_| {
        let c = c.clone();
        let proxy = &proxy;
        async move {
            let res = to(
                &c,
                proxy,
                Method::GET,
                "fal",
                "https://queue.fal.run/fal-ai/reve/requests/r1/status/stream",
            )
            .send()
            .await
            .expect("answer");
            assert_eq!(res.version(), Version::HTTP_2);
            assert_eq!(res.status(), 200);
            let mut body = res.bytes_stream();
            let first = body.next().await.expect("an event").expect("bytes");
            let first_at = started.elapsed();
            assert!(
                String::from_utf8_lossy(&first).contains("\"n\":1"),
                "{first:?}"
            );
            first_at
        }
    });
    let firsts = futures_util::future::join_all(streams).await;
    // The second event comes 1.5 s after the first: each stream's first
    // event came before any stream's second could have.
    for first_at in firsts {
        assert!(
            first_at < std::time::Duration::from_millis(1400),
            "a stream waited for another: its first event came after {first_at:?}"
        );
    }
    assert_eq!(up.hits().len(), 10);
}

#[test]
fn files_it_cannot_use_are_named_before_it_listens() {
    let (cert, key) = certificate("files");
    let proxy = env!("CARGO_BIN_EXE_reve-remix-proxy");
    let missing = Path::new("/nonexistent/cert.pem");
    for (args, says, code) in [
        (
            vec!["--tls-cert", missing.to_str().expect("utf-8")],
            "go together",
            2,
        ),
        (
            vec![
                "--tls-cert",
                missing.to_str().expect("utf-8"),
                "--tls-key",
                key.to_str().expect("utf-8"),
            ],
            "--tls-cert /nonexistent/cert.pem",
            1,
        ),
        (
            // A certificate where the key should be.
            vec![
                "--tls-cert",
                cert.to_str().expect("utf-8"),
                "--tls-key",
                cert.to_str().expect("utf-8"),
            ],
            "--tls-key",
            1,
        ),
    ] {
        let out = Command::new(proxy)
            .args(["--addr", "127.0.0.1:0"])
            .args(&args)
            .output()
            .expect("run the proxy");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("listening on"),
            "{args:?}: it must not say it listens"
        );
    }
}
