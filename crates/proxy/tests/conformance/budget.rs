//! A proxy that cannot be drained (issue 26), on both builds: the daily
//! budget priced from the table at each job submission, quotas per client
//! address and per token subject, and the owner's view of the day. Status
//! reads, results and cancels of accepted jobs always pass. (What only the
//! native server has, `--state` and its racing threads, is in
//! tests/spend.rs.)
//!
//! A client is its address as the server saw it (under a local workerd,
//! the peer workerd reports, never a header the client wrote).

use reqwest::Method;
use reve_remix_proxy::token;

use crate::support::*;

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
async fn each_start_without_a_state_file_begins_with_an_empty_day() {
    let up = upstream().await;
    let c = client();
    for start in ["first", "second"] {
        let proxy = start_with(&up, &["--daily-budget", "0.06"], false);
        assert_eq!(submit(&c, &proxy, &[]).await.status(), 200, "{start} start");
        let res = submit(&c, &proxy, &[]).await;
        assert_eq!(code(&res), "budget_exhausted", "{start} start");
    }
}
