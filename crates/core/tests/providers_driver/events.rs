//! What the driver says as a run goes: the job accepted once, the job
//! handed back on a network error after that, and `observed` (what
//! `status` resolves with) telling a failed job from a failed read.

use super::*;

/// Send what `d` asks until it waits for a status, answering the submit
/// with `submit` and every other request with `other`.
fn step_until_wait(d: &mut Driver, submit: &HttpResponse, other: &HttpResponse) -> u64 {
    let mut now = 0;
    for _ in 0..20 {
        match d.next(now) {
            Action::Send(req) | Action::Stream { request: req, .. } => {
                now += LATENCY;
                let answer = if req.kind == RequestKind::Submit {
                    submit
                } else {
                    other
                };
                d.on_response(now, answer.clone());
            }
            _ => return now,
        }
    }
    panic!("the driver never waited");
}

#[test]
fn a_queued_job_is_said_accepted_once_after_its_first_state_and_a_finished_one_never() {
    let mut d = driver(ProviderId::Fal, vec![png_src("a.png")], 60_000);
    let Action::Send(submit) = d.next(0) else {
        panic!("a submit first")
    };
    assert_eq!(submit.kind, RequestKind::Submit);
    assert!(d.events().is_empty(), "nothing said before an answer");
    d.on_response(LATENCY, res(200, &recorded("fal_submit.json")));
    let events = d.events();
    let accepted: Vec<&Job> = events
        .iter()
        .filter_map(|e| match e {
            Event::Accepted(job) => Some(job),
            Event::Update(_) => None,
        })
        .collect();
    assert_eq!(accepted.len(), 1, "{events:?}");
    assert_eq!(accepted[0].id, "764cabcf-b745-4b3e-ae38-1200304cf45b");
    assert_eq!(accepted[0], d.job(), "the job as the driver holds it");
    assert!(
        matches!(events.first(), Some(Event::Update(u)) if u.status == JobStatus::Queued),
        "its state first, then that it was accepted: {events:?}"
    );
    // Later answers change its state, never accept it again.
    let queued = res(200, r#"{"status":"IN_PROGRESS"}"#);
    step_until_wait(&mut d, &res(500, "{}"), &queued);
    assert!(
        d.events().iter().all(|e| matches!(e, Event::Update(_))),
        "accepted once"
    );

    // A synchronous provider's first answer is the result: nothing to follow.
    let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 60_000);
    let ok = format!(r#"{{"image":"{}","request_id":"r1"}}"#, b64(&png_1x1()));
    let _ = d.next(0);
    d.on_response(LATENCY, res(200, &ok));
    let events = d.events();
    assert!(matches!(d.next(LATENCY), Action::Done(_)));
    assert!(
        events.iter().all(|e| matches!(e, Event::Update(_))),
        "{events:?}"
    );
}

#[test]
fn a_resumed_job_is_not_said_accepted_again() {
    let mut job = Job::new(ProviderId::Fal, reve_remix_core::id::ModelId::ReveRemix);
    job.id = "r1".into();
    let mut d = Driver::resume(job, cfg(ProviderId::Fal), opts(60_000, 1), 0).expect("resume");
    let running = res(200, r#"{"status":"IN_PROGRESS"}"#);
    step_until_wait(&mut d, &running, &running);
    let events = d.events();
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| matches!(e, Event::Update(_))),
        "{events:?}"
    );
}

/// Drive `d` answering nothing but network errors once `after` requests
/// were answered by `answer`; the run's error.
fn lose_network(d: &mut Driver, answers: usize, answer: &HttpResponse) -> RemixError {
    let mut now = 0;
    let mut answered = 0;
    for _ in 0..200 {
        match d.next(now) {
            Action::Send(_) | Action::Stream { .. } => {
                now += LATENCY;
                if answered < answers {
                    answered += 1;
                    d.on_response(now, answer.clone());
                } else {
                    d.on_network_error(now, "Failed to fetch");
                }
            }
            Action::Wait(ms) => now += ms,
            Action::Done(r) => panic!("done without a network: {r:?}"),
            Action::Fail(e) => return e,
        }
    }
    panic!("the driver never gave up");
}

#[test]
fn losing_the_network_after_the_job_was_accepted_hands_the_job_back_on_the_error() {
    let mut d = driver(ProviderId::Fal, vec![png_src("a.png")], 120_000);
    let e = lose_network(&mut d, 1, &res(200, &recorded("fal_submit.json")));
    assert_eq!(e.code, ErrorCode::Network);
    let job = e
        .job
        .as_deref()
        .expect("the accepted job rides on the error");
    assert_eq!(job.id, "764cabcf-b745-4b3e-ae38-1200304cf45b");
    assert!(job.status_url.is_some(), "enough to follow it again");

    // Lost before the provider answered the submit: there is no job.
    let mut d = driver(ProviderId::Fal, vec![png_src("a.png")], 120_000);
    let e = lose_network(&mut d, 0, &res(200, "{}"));
    assert_eq!(e.code, ErrorCode::Network);
    assert_eq!(e.job, None);
}

fn resumed(provider: ProviderId, id: &str) -> Driver {
    let mut job = Job::new(provider, reve_remix_core::id::ModelId::ReveRemix);
    job.id = id.into();
    Driver::resume(job, cfg(provider), opts(60_000, 1), 0).expect("resume")
}

#[test]
fn observed_is_the_jobs_state_a_failed_job_included_and_an_unreadable_one_is_an_error() {
    // Still going: its state as read.
    let mut d = resumed(ProviderId::Fal, "r1");
    let queued = res(200, r#"{"status":"IN_QUEUE","queue_position":3}"#);
    step_until_wait(&mut d, &queued, &queued);
    let seen = d.observed().expect("a state");
    assert_eq!(
        (seen.status, seen.queue_position),
        (JobStatus::Queued, Some(3))
    );

    // Failed at the provider: a state, with why.
    let mut d = resumed(ProviderId::Replicate, "p9");
    let failed = res(
        200,
        r#"{"id":"p9","status":"failed","error":"out of memory"}"#,
    );
    step_until_wait(&mut d, &failed, &failed);
    let seen = d.observed().expect("a failed job is a state");
    assert_eq!(seen.status, JobStatus::Failed);
    let why = seen.error.expect("why it failed");
    assert_eq!(why.code, ErrorCode::JobFailed);
    assert!(why.message.contains("out of memory"), "{}", why.message);

    // A read that failed and will be sent again: the state as last known,
    // with that failure and the wait.
    let mut d = resumed(ProviderId::Replicate, "p9");
    let busy = res(503, r#"{"detail":"busy"}"#);
    step_until_wait(&mut d, &busy, &busy);
    let seen = d.observed().expect("still a state");
    assert_eq!(seen.status, JobStatus::Queued);
    assert!(seen.retry_in_ms.is_some_and(|ms| ms > 0), "{seen:?}");
    assert_eq!(seen.error.map(|e| e.status), Some(Some(503)));

    // A read the provider refused: an error, not a state of the job.
    let mut d = resumed(ProviderId::Replicate, "p9");
    let refused = res(401, r#"{"detail":"Invalid token."}"#);
    step_until_wait(&mut d, &refused, &refused);
    assert_eq!(
        d.observed().map_err(|e| e.code),
        Err(ErrorCode::Unauthorized)
    );
}
