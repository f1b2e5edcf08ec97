//! The deadline, cancel, resume, a synchronous provider, a key echoed back.

use super::*;

#[test]
fn the_deadline_fails_with_timeout_after_cancelling_the_job() {
    let mut d = driver(
        ProviderId::Fal,
        vec![url_src("https://e.com/a.png")],
        20_000,
    );
    let r = run(&mut d, |req, _| match req.kind {
        RequestKind::Submit => Reply::Res(res(200, &recorded("fal_submit.json"))),
        RequestKind::Stream => Reply::Res(res(404, "{}")),
        RequestKind::Cancel => Reply::Res(res(202, "{}")),
        _ => Reply::Res(res(200, r#"{"status":"IN_QUEUE","queue_position":9}"#)),
    });
    let e = r.outcome.expect_err("times out");
    assert_eq!(e.code, ErrorCode::Timeout);
    assert!(r.end <= 20_000 + LATENCY, "ended at {}", r.end);
    let (_, last) = r.sent.last().expect("sent");
    assert_eq!((last.kind, last.method), (RequestKind::Cancel, Method::Put));
    assert!(last.url.ends_with("/cancel"));
    assert_eq!(r.updates.last().map(|u| u.status), Some(JobStatus::Failed));
}

#[test]
fn a_stream_that_never_ends_still_meets_the_deadline() {
    let mut d = driver(
        ProviderId::InferenceSh,
        vec![url_src("https://e.com/a.png")],
        30_000,
    );
    let r = run(&mut d, |req, now| match req.kind {
        RequestKind::Submit => Reply::Res(res(200, r#"{"id":"task_1","status":1}"#)),
        RequestKind::Stream => Reply::Lines(
            (0..1000)
                .map(|i| (now + i * 1_000, r#"{"type":"heartbeat"}"#.into()))
                .collect(),
        ),
        RequestKind::Cancel => Reply::Res(res(200, "{}")),
        _ => Reply::Res(res(200, r#"{"id":"task_1","status":7}"#)),
    });
    assert_eq!(r.outcome.expect_err("times out").code, ErrorCode::Timeout);
    assert!(r.end <= 30_000 + LATENCY);
    assert_eq!(
        r.sent.last().map(|(_, q)| q.kind),
        Some(RequestKind::Cancel)
    );
}

#[test]
fn cancel_sends_the_providers_cancel_and_ends_cancelled() {
    let c = cfg(ProviderId::Fal);
    let mut d = Driver::start(
        &input("x", vec![url_src("https://e.com/a.png")]),
        c,
        opts(60_000, 3),
        0,
    )
    .expect("valid");
    assert!(!d.is_submitted());
    let Action::Send(submit) = d.next(0) else {
        panic!("submit first")
    };
    assert_eq!(submit.kind, RequestKind::Submit);
    d.on_response(100, res(200, &recorded("fal_submit.json")));
    assert!(d.is_submitted());
    let cancel = d.cancel().expect("fal has a cancel");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Put,
            "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel"
        )
    );
    assert!(d.cancel().is_none(), "only once");
    d.on_response(150, res(202, "{}")); // ignored
    let Action::Fail(e) = d.next(200) else {
        panic!("cancelled")
    };
    assert_eq!(e.code, ErrorCode::Cancelled);
    assert_eq!(
        updates_of(&mut d).last().map(|u| u.status),
        Some(JobStatus::Cancelled)
    );
    assert_eq!(d.job().status, JobStatus::Cancelled);

    // Before submit there is nothing to cancel remotely.
    let mut d = Driver::start(
        &input("x", vec![url_src("https://e.com/a.png")]),
        cfg(ProviderId::Fal),
        opts(60_000, 3),
        0,
    )
    .expect("v");
    assert!(d.cancel().is_none());
    assert!(matches!(d.next(0), Action::Fail(e) if e.code == ErrorCode::Cancelled));
}

#[test]
fn resume_follows_a_job_submitted_earlier() {
    let c = cfg(ProviderId::Pixazo);
    let mut d = Driver::start(
        &input("x", vec![url_src("https://e.com/a.png")]),
        c.clone(),
        opts(60_000, 3),
        0,
    )
    .expect("v");
    let Action::Send(_) = d.next(0) else {
        panic!("submit")
    };
    d.on_response(50, res(202, &recorded("pixazo_submit.json")));
    let job = d.job().clone();
    let mut d = Driver::resume(job, c, opts(60_000, 3), 1_000).expect("resume");
    let Action::Send(poll) = d.next(1_000) else {
        panic!("status read first")
    };
    assert_eq!(poll.kind, RequestKind::Status);
    assert!(
        poll.url
            .starts_with("https://gateway.pixazo.ai/v2/requests/status/")
    );
    d.on_response(1_100, res(200, r#"{"status":"PROCESSING"}"#));
    assert_eq!(
        updates_of(&mut d).last().map(|u| u.status),
        Some(JobStatus::Running)
    );
}

#[test]
fn a_synchronous_provider_finishes_in_one_request() {
    let ok = format!(
        r#"{{"image":"{}","request_id":"r1","credits_used":12}}"#,
        b64(&png_1x1())
    );
    let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 60_000);
    let r = run(&mut d, |_, _| Reply::Res(res(200, &ok)));
    let result = r.outcome.expect("ok");
    assert_eq!(result.credits_used, Some(12.0));
    assert_eq!(r.sent.len(), 1);
    assert_eq!(r.updates.len(), 1);
    assert_eq!(r.updates[0].status, JobStatus::Completed);
}

#[test]
fn the_key_is_scrubbed_from_messages_a_provider_echoes() {
    let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 60_000);
    let echo = format!(r#"{{"error_code":"INVALID_API_KEY","message":"key {KEY} is not valid"}}"#);
    let r = run(&mut d, |_, _| Reply::Res(res(401, &echo)));
    let e = r.outcome.expect_err("fails");
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(
        !e.message.contains(KEY) && e.message.contains("***"),
        "{}",
        e.message
    );
    assert!(!format!("{d:?}").contains(KEY));
    let _ = Config::default();
}
