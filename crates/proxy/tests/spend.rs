//! A proxy that cannot be drained (issue 26), end to end against the native
//! server: the daily budget priced from the table at each job submission,
//! quotas per client and per token subject, tokens only the site can mint,
//! and the day's spend kept across a restart. Status reads, results and
//! cancels of accepted jobs always pass.

#[path = "conformance/support.rs"]
#[allow(
    dead_code,
    reason = "the conformance suite's support; this file uses part of it"
)]
mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::Method;
use reve_remix_proxy::token;
use support::*;

/// Pixazo's remix: priced at $0.06 a submission in the table.
const SUBMIT: &str = "https://gateway.pixazo.ai/reve-image/v1/image-edit-remix";
const STATUS: &str = "https://gateway.pixazo.ai/v2/requests/status/reve-image_1";
const SECRET: &str = "the-site-secret";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

async fn submit(c: &reqwest::Client, proxy: &Proxy, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut req = to(c, proxy, Method::POST, "pixazo", SUBMIT).body("{}");
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.expect("answer")
}

fn code(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-remix-proxy-error")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

fn start_with(up: &Upstream, extra: &[&str], secret: bool) -> Proxy {
    let mut keys = vec![("PIXAZO_API_KEY", KEY)];
    if secret {
        keys.push(("REMIX_PROXY_SECRET", SECRET));
    }
    let mut a = vec!["--rate-limit", "0"];
    a.extend_from_slice(extra);
    start(&args(up, &a), &keys)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_lets_one_submission_through_and_refuses_the_next_until_midnight() {
    let up = upstream().await;
    let proxy = start_with(&up, &["--daily-budget", "0.10"], false);
    let c = client();
    assert_eq!(submit(&c, &proxy, &[]).await.status(), 200);
    let res = submit(&c, &proxy, &[]).await;
    assert_eq!(res.status(), 429);
    assert_eq!(code(&res), "budget_exhausted");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    let to_midnight = 86_400 - now() % 86_400;
    assert!(
        wait.abs_diff(to_midnight) <= 2,
        "Retry-After {wait} vs {to_midnight} s to midnight"
    );
    let text = res.text().await.expect("body");
    assert!(
        text.contains("daily budget ($0.1) is spent; it resets in"),
        "{text}"
    );
    // The first job is followed to its end: status reads always pass.
    for _ in 0..3 {
        let res = to(&c, &proxy, Method::GET, "pixazo", STATUS)
            .send()
            .await
            .expect("answer");
        assert_eq!(res.status(), 200);
    }
    assert_eq!(
        up.hits().len(),
        4,
        "one submission and three status reads reached Pixazo"
    );
    // The log writer runs beside the server: wait for the submission's line.
    let mut log = String::new();
    for _ in 0..100 {
        log = proxy.log().join("\n");
        if log.contains("cost=$0.06 day=$0.06") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(log.contains("cost=$0.06 day=$0.06"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_submissions_never_overspend() {
    let up = upstream().await;
    // Ten $0.06 submissions fit in $0.60; 200 race for them.
    let proxy = start_with(&up, &["--daily-budget", "0.60"], false);
    let c = client();
    let runs = (0..200).map(|_| {
        let (c, url) = (c.clone(), proxy.url.clone());
        tokio::spawn(async move {
            c.post(&url)
                .header("x-remix-target-url", SUBMIT)
                .header("x-remix-provider", "pixazo")
                .body("{}")
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    });
    let mut passed = 0;
    for run in futures_util::future::join_all(runs).await {
        match run.expect("task").expect("answer") {
            200 => passed += 1,
            429 => {}
            other => panic!("status {other}"),
        }
    }
    assert_eq!(passed, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_count_per_address_and_forged_forwarding_headers_are_ignored() {
    let up = upstream().await;
    let c = client();
    let proxy = start_with(&up, &["--client-daily", "1"], false);
    assert_eq!(submit(&c, &proxy, &[]).await.status(), 200);
    let res = submit(
        &c,
        &proxy,
        &[
            ("x-forwarded-for", "203.0.113.9"),
            ("cf-connecting-ip", "203.0.113.10"),
        ],
    )
    .await;
    assert_eq!(
        (res.status().as_u16(), code(&res)),
        (429, "client_quota_exhausted".into())
    );
    assert!(res.headers().contains_key("retry-after"));
    drop(proxy);
    // Behind a CDN that sets them, they name the client.
    let proxy = start_with(&up, &["--client-daily", "1", "--trust-forwarded"], false);
    assert_eq!(
        submit(&c, &proxy, &[("x-forwarded-for", "203.0.113.9, 10.0.0.1")])
            .await
            .status(),
        200
    );
    assert_eq!(
        submit(&c, &proxy, &[("x-forwarded-for", "203.0.113.7")])
            .await
            .status(),
        200
    );
    let res = submit(&c, &proxy, &[("cf-connecting-ip", "203.0.113.9")]).await;
    assert_eq!(code(&res), "client_quota_exhausted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_missing_tampered_expired_and_fresh_and_quotas_per_subject() {
    let up = upstream().await;
    let c = client();
    let proxy = start_with(&up, &["--client-daily", "1"], true);
    let res = submit(&c, &proxy, &[]).await;
    assert_eq!(
        (res.status().as_u16(), code(&res)),
        (401, "token_missing".into())
    );
    let alice = token::mint(SECRET.as_bytes(), now() + 60, Some("alice"));
    let tampered = alice.replacen("v1.", "v1.9", 1);
    let expired = token::mint(SECRET.as_bytes(), now() - 1, Some("alice"));
    let foreign = token::mint(b"another-secret", now() + 60, Some("alice"));
    for bad in [&tampered, &expired, &foreign] {
        let res = submit(&c, &proxy, &[("x-remix-proxy-token", bad)]).await;
        assert_eq!(
            (res.status().as_u16(), code(&res)),
            (401, "token_invalid".into()),
            "{bad}"
        );
    }
    assert_eq!(
        up.hits().len(),
        0,
        "nothing without a good token reached Pixazo"
    );
    assert_eq!(
        submit(&c, &proxy, &[("x-remix-proxy-token", &alice)])
            .await
            .status(),
        200
    );
    let res = submit(&c, &proxy, &[("x-remix-proxy-token", &alice)]).await;
    assert_eq!(
        code(&res),
        "client_quota_exhausted",
        "alice's one for today is used"
    );
    let bob = token::mint(SECRET.as_bytes(), now() + 60, Some("bob"));
    assert_eq!(
        submit(&c, &proxy, &[("x-remix-proxy-token", &bob)])
            .await
            .status(),
        200,
        "bob has his own"
    );
    // The owner reads the day's spend; nobody else does.
    let usage = c
        .get(format!("{}/_remix/usage", proxy.url))
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("answer");
    assert_eq!(usage.status(), 200);
    let text = usage.text().await.expect("body");
    assert!(
        text.contains(r#""submissions":2"#) && text.contains("sub:alice"),
        "{text}"
    );
    let stranger = c
        .get(format!("{}/_remix/usage", proxy.url))
        .bearer_auth("guess")
        .send()
        .await
        .expect("answer");
    assert_eq!(stranger.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_spend_survives_a_restart_and_a_corrupt_state_is_refused_loudly() {
    let up = upstream().await;
    let c = client();
    let dir = std::env::temp_dir().join(format!("reve-remix-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let state = dir.join("spend.json");
    let state_arg = state.to_string_lossy().into_owned();
    let opts = ["--daily-budget", "0.10", "--state", state_arg.as_str()];
    let proxy = start_with(&up, &opts, false);
    assert_eq!(submit(&c, &proxy, &[]).await.status(), 200);
    drop(proxy);
    let proxy = start_with(&up, &opts, false);
    let res = submit(&c, &proxy, &[]).await;
    assert_eq!(
        code(&res),
        "budget_exhausted",
        "the restart remembered the day's spend"
    );
    drop(proxy);

    std::fs::write(&state, "not a ledger").expect("write");
    let proxy = start_with(&up, &opts, false);
    let res = submit(&c, &proxy, &[]).await;
    assert_eq!(
        (res.status().as_u16(), code(&res)),
        (503, "state_unreadable".into())
    );
    let res = to(&c, &proxy, Method::GET, "pixazo", STATUS)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200, "status reads still pass");
    std::fs::remove_file(&state).expect("remove");
    assert_eq!(
        submit(&c, &proxy, &[]).await.status(),
        200,
        "the owner removed it: a fresh day"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_token_command_prints_a_token_the_proxy_accepts() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reve-remix-proxy"))
        .args(["token", "--ttl", "60", "--sub", "carol"])
        .env("REMIX_PROXY_SECRET", SECRET)
        .output()
        .expect("run");
    assert!(out.status.success());
    let t = String::from_utf8(out.stdout).expect("utf-8");
    let claims = token::verify(SECRET.as_bytes(), Some(t.trim()), now()).expect("valid");
    assert_eq!(claims.subject.as_deref(), Some("carol"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reve-remix-proxy"))
        .args(["token", "--ttl", "60"])
        .env_remove("REMIX_PROXY_SECRET")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
