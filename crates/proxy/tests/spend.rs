//! A proxy that cannot be drained (issue 26): what only the native server
//! has. Racing threads never overspend the budget, the day's spend is kept
//! across a restart in `--state FILE`, and `reve-remix-proxy token` mints
//! what the proxy accepts. The budget, quotas and tokens as both builds
//! answer them are in the conformance suite (conformance/budget.rs).

#[path = "conformance/support.rs"]
#[allow(
    dead_code,
    reason = "the conformance suite's support; this file uses part of it"
)]
mod support;

use reqwest::Method;
use reve_remix_proxy::token;
use support::*;

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
