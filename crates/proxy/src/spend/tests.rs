use super::*;

/// 2026-12-06 10:00:00 UTC.
const NOW: u64 = 1_796_551_200;

fn limits(budget_usd: Option<f64>, client_daily: Option<u32>) -> Limits {
    Limits {
        budget_micros: budget_usd.map(|u| (u * 1e6) as u64),
        client_daily,
    }
}

#[test]
fn a_budget_of_ten_cents_lets_one_six_cent_submission_through_and_refuses_the_second() {
    let mut l = Ledger::default();
    let lim = limits(Some(0.10), None);
    let first = l.admit(NOW, "a", 60_000, &lim).expect("the first fits");
    assert_eq!(first.day_micros, 60_000);
    let r = l
        .admit(NOW + 5, "b", 60_000, &lim)
        .expect_err("the second does not");
    assert_eq!(r.code, Code::BudgetExhausted);
    assert_eq!(r.code.status(), 429);
    assert_eq!(r.retry_after_secs, Some(14 * 3600 - 5), "to midnight UTC");
    assert!(r.message.contains("resets in 13 h 59 min"), "{}", r.message);
    assert_eq!(l.spent_micros, 60_000, "a refusal spends nothing");
}

#[test]
fn a_new_utc_day_starts_from_nothing() {
    let mut l = Ledger::default();
    let lim = limits(Some(0.06), Some(1));
    l.admit(NOW, "a", 60_000, &lim).expect("fits");
    assert!(l.admit(NOW, "a", 1, &lim).is_err());
    let tomorrow = NOW + seconds_to_midnight(NOW);
    l.admit(tomorrow, "a", 60_000, &lim).expect("a new day");
    assert_eq!(date(l.day), "2026-12-07");
}

#[test]
fn quotas_count_per_client() {
    let mut l = Ledger::default();
    let lim = limits(None, Some(2));
    for _ in 0..2 {
        l.admit(NOW, "10.0.0.1", 1, &lim).expect("within quota");
    }
    let r = l.admit(NOW, "10.0.0.1", 1, &lim).expect_err("over");
    assert_eq!(r.code, Code::ClientQuotaExhausted);
    assert!(r.retry_after_secs.is_some());
    l.admit(NOW, "10.0.0.2", 1, &lim)
        .expect("another client has its own");
}

#[test]
fn the_state_reads_back_and_garbage_says_what_is_wrong() {
    let mut l = Ledger::default();
    l.admit(NOW, "sub:alice", 250_000, &Limits::default())
        .expect("no limits");
    l.admit(NOW, "127.0.0.1", 10_010, &Limits::default())
        .expect("no limits");
    assert_eq!(Ledger::from_json(&l.to_json()), Ok(l.clone()));
    for bad in [
        &b""[..],
        b"{",
        b"[]",
        br#"{"day":1,"spentMicros":-1,"clients":{}}"#,
    ] {
        assert!(
            Ledger::from_json(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let usage = String::from_utf8(l.usage_json(NOW, &limits(Some(1.0), None))).expect("utf-8");
    assert!(usage.contains(r#""day":"2026-12-06""#), "{usage}");
    assert!(usage.contains(r#""spentUsd":0.26001"#), "{usage}");
    assert!(usage.contains(r#""budgetUsd":1"#), "{usage}");
    assert!(usage.contains(r#""client":"sub:alice""#), "{usage}");
}

#[test]
fn an_unpriced_model_counts_as_the_dearest_priced_one() {
    assert_eq!(cost_micros(ProviderId::Fal, ModelId::Reve21), 250_000);
    assert_eq!(cost_micros(ProviderId::Pixazo, ModelId::ReveRemix), 60_000);
    assert_eq!(cost_micros(ProviderId::Fal, ModelId::ReveRemix), 280_000);
}

#[test]
fn days_and_dates() {
    assert_eq!(date(0), "1970-01-01");
    assert_eq!(date(utc_day(NOW)), "2026-12-06");
    assert_eq!(date(utc_day(951_782_400)), "2000-02-29");
    assert_eq!(seconds_to_midnight(NOW - NOW % 86_400), 86_400);
}

#[test]
fn forwarding_headers_name_the_client_only_when_trusted() {
    let xff = Some("203.0.113.9, 10.0.0.1");
    assert_eq!(
        client_of("127.0.0.1", Some("203.0.113.10"), xff, false),
        "127.0.0.1"
    );
    assert_eq!(client_of("127.0.0.1", None, xff, true), "203.0.113.9");
    assert_eq!(
        client_of("127.0.0.1", Some("203.0.113.10"), xff, true),
        "203.0.113.10"
    );
    assert_eq!(client_of("127.0.0.1", Some(" "), None, true), "127.0.0.1");
}
