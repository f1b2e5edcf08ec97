//! The driver's policy, run against simulated providers on a simulated
//! clock: request counts, detection delay, retries, deadline, cancel.
//! Run with `-- --nocapture` to see the 30 s simulation's numbers.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::RemixError;
use reve_remix_core::driver::{Action, Driver, RunOptions};
use reve_remix_core::http::{HttpRequest, HttpResponse, Method, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::{Job, JobStatus, JobUpdate, RemixResult};
use reve_remix_core::provider::Config;

/// What the simulated server does with a request.
enum Reply {
    /// Answer after the usual latency.
    Res(HttpResponse),
    /// Answer at this absolute time (a held request: `Prefer: wait`).
    At(u64, HttpResponse),
    /// No response.
    Net(&'static str),
    /// A 2xx stream: lines at absolute times; closes after the last.
    Lines(Vec<(u64, String)>),
}

struct Run {
    outcome: Result<RemixResult, RemixError>,
    end: u64,
    sent: Vec<(u64, HttpRequest)>,
    updates: Vec<JobUpdate>,
}

const LATENCY: u64 = 80;

/// Fails unless `req` is on its provider's route table (what the proxy
/// forwards): a request a provider builds off its table would work direct
/// and be refused through every proxy.
fn assert_on_routes(d: &Driver, req: &HttpRequest) {
    if req.kind == RequestKind::Upload {
        return; // presigned storage URLs, sent directly and without a key
    }
    let info = reve_remix_core::provider::info(d.job().provider);
    let Some(rest) = req.url.strip_prefix(info.base_url) else {
        return; // a URL the provider returned on another host: the proxy tests cover it
    };
    let path = rest.split('?').next().unwrap_or_default();
    assert!(
        info.route(req.method, path).is_some(),
        "{} sent {} {path}, which is not on its routes",
        info.id,
        req.method.as_str()
    );
}

fn run(d: &mut Driver, mut server: impl FnMut(&HttpRequest, u64) -> Reply) -> Run {
    let mut now = 0u64;
    let mut sent = Vec::new();
    let mut updates = Vec::new();
    for _ in 0..10_000 {
        match d.next(now) {
            Action::Send(req) => {
                assert_on_routes(d, &req);
                sent.push((now, req.clone()));
                now += LATENCY;
                match server(&req, now) {
                    Reply::Res(r) => d.on_response(now, r),
                    Reply::At(t, r) => {
                        now = now.max(t);
                        d.on_response(now, r)
                    }
                    Reply::Net(m) => d.on_network_error(now, m),
                    Reply::Lines(_) => panic!("stream reply to a plain request"),
                }
            }
            Action::Stream {
                request,
                timeout_ms,
            } => {
                assert_on_routes(d, &request);
                sent.push((now, request.clone()));
                let opened = now;
                now += LATENCY;
                match server(&request, now) {
                    Reply::Res(r) | Reply::At(_, r) => d.on_response(now, r),
                    Reply::Net(m) => d.on_network_error(now, m),
                    Reply::Lines(lines) => {
                        let mut stopped = false;
                        for (t, line) in lines {
                            if t > opened + timeout_ms {
                                now = opened + timeout_ms;
                                break;
                            }
                            now = now.max(t);
                            if !d.on_stream_line(now, line.as_bytes()) {
                                stopped = true;
                                break;
                            }
                        }
                        if !stopped {
                            d.on_stream_end(now);
                        }
                    }
                }
            }
            Action::Wait(ms) => {
                assert!(ms > 0, "a zero wait would spin");
                now += ms;
            }
            Action::Done(r) => {
                return Run {
                    outcome: Ok(r),
                    end: now,
                    sent,
                    updates,
                };
            }
            Action::Fail(e) => {
                return Run {
                    outcome: Err(e),
                    end: now,
                    sent,
                    updates,
                };
            }
        }
        updates.extend(d.updates());
    }
    panic!("the driver never finished");
}

fn opts(timeout_ms: u64, seed: u64) -> RunOptions {
    RunOptions { timeout_ms, seed }
}

fn driver(
    provider: ProviderId,
    images: Vec<reve_remix_core::provider::ImageSource>,
    timeout_ms: u64,
) -> Driver {
    Driver::start(
        &input("make <img>0</img> pop", images),
        cfg(provider),
        opts(timeout_ms, 42),
        0,
    )
    .expect("valid")
}

fn count(r: &Run, kind: RequestKind) -> usize {
    r.sent.iter().filter(|(_, q)| q.kind == kind).count()
}

// --------------------------------------------------------------- simulated providers

/// The job is queued until 10 s, runs until `done_at`.
const DONE_AT: u64 = 30_000;

fn fal_status(now: u64) -> String {
    if now < 5_000 {
        r#"{"status":"IN_QUEUE","queue_position":2}"#.into()
    } else if now < 10_000 {
        r#"{"status":"IN_QUEUE","queue_position":1}"#.into()
    } else if now < DONE_AT {
        r#"{"status":"IN_PROGRESS","logs":[{"message":"step"}]}"#.into()
    } else {
        r#"{"status":"COMPLETED","logs":[{"message":"step"}]}"#.into()
    }
}

fn fal_server(
    stream: bool,
    learned: &mut Option<u64>,
) -> impl FnMut(&HttpRequest, u64) -> Reply + '_ {
    move |req, now| {
        let url = req.url.as_str();
        if req.kind == RequestKind::Submit {
            assert!(url.ends_with("/fal-ai/reve/remix"));
            return Reply::Res(res(200, &recorded("fal_submit.json")));
        }
        if url.contains("/status/stream") {
            if !stream {
                return Reply::Res(res(404, r#"{"detail":"Not Found"}"#));
            }
            let mut lines: Vec<(u64, String)> = [0, 5_000, 10_000, 15_000, 20_000, 25_000, DONE_AT]
                .into_iter()
                .filter(|t| *t >= now.saturating_sub(LATENCY))
                .map(|t| (t.max(now), format!("data: {}", fal_status(t))))
                .collect();
            lines.insert(0, (now, ": connected".into()));
            let seen = lines
                .iter()
                .find(|(_, l)| l.contains("COMPLETED"))
                .map(|(t, _)| *t);
            if learned.is_none() {
                *learned = seen;
            }
            return Reply::Lines(lines);
        }
        if url.ends_with("/status?logs=1") {
            let s = fal_status(now);
            if s.contains("COMPLETED") && learned.is_none() {
                *learned = Some(now);
            }
            return Reply::Res(res(200, &s));
        }
        if url.ends_with("/cancel") {
            return Reply::Res(res(202, r#"{"status":"CANCELLATION_REQUESTED"}"#));
        }
        assert_eq!(req.kind, RequestKind::Result, "{url}");
        Reply::Res(res(200, &recorded("fal_result.json")))
    }
}

fn inference_task(now: u64) -> (u32, String) {
    let st = if now < 10_000 {
        2
    } else if now < DONE_AT - 2_000 {
        7
    } else if now < DONE_AT {
        9 // uploading: not done
    } else {
        10
    };
    let out = if st == 10 {
        r#","output":{"image":{"uri":"https://cloud.inference.sh/u/o.png"}}"#
    } else {
        ""
    };
    (st, format!(r#"{{"id":"task_1","status":{st}{out}}}"#))
}

fn inference_server(
    stream: bool,
    learned: &mut Option<u64>,
) -> impl FnMut(&HttpRequest, u64) -> Reply + '_ {
    move |req, now| {
        let url = req.url.as_str();
        match req.kind {
            RequestKind::Submit => Reply::Res(res(200, r#"{"data":{"id":"task_1","status":1}}"#)),
            RequestKind::Stream if !stream => Reply::Net("TypeError: network error"),
            RequestKind::Stream => {
                let mut lines = vec![(now, r#"{"type":"heartbeat"}"#.to_string())];
                for t in [0, 10_000, DONE_AT - 2_000, DONE_AT] {
                    if t >= now {
                        lines.push((t, format!(r#"{{"data":{}}}"#, inference_task(t).1)));
                    }
                }
                if learned.is_none() {
                    *learned = Some(DONE_AT.max(now));
                }
                Reply::Lines(lines)
            }
            RequestKind::Status => {
                assert!(url.ends_with("/tasks/task_1/status"));
                let (st, _) = inference_task(now);
                if st == 10 && learned.is_none() {
                    *learned = Some(now);
                }
                Reply::Res(res(
                    200,
                    &format!(r#"{{"id":"task_1","status":{st},"updated_at":"x"}}"#),
                ))
            }
            _ => {
                assert!(url.ends_with("/tasks/task_1"), "{url}");
                Reply::Res(res(200, &inference_task(now).1))
            }
        }
    }
}

fn pixazo_server(learned: &mut Option<u64>) -> impl FnMut(&HttpRequest, u64) -> Reply + '_ {
    move |req, now| {
        if req.kind == RequestKind::Submit {
            return Reply::Res(res(202, &recorded("pixazo_submit.json")));
        }
        if now < 10_000 {
            Reply::Res(res(200, r#"{"status":"QUEUED"}"#))
        } else if now < DONE_AT {
            Reply::Res(res(200, r#"{"status":"PROCESSING"}"#))
        } else {
            if learned.is_none() {
                *learned = Some(now);
            }
            Reply::Res(res(200, &recorded("pixazo_completed.json")))
        }
    }
}

fn replicate_server(
    honour_wait: bool,
    learned: &mut Option<u64>,
) -> impl FnMut(&HttpRequest, u64) -> Reply + '_ {
    move |req, now| {
        let done = recorded("replicate_succeeded.json");
        let pending = r#"{"id":"gm3q","status":"processing","urls":{"get":"https://api.replicate.com/v1/predictions/gm3q","cancel":"https://api.replicate.com/v1/predictions/gm3q/cancel"}}"#;
        if req.kind == RequestKind::Submit {
            assert_eq!(req.header("Prefer"), Some("wait"));
            if honour_wait {
                *learned = Some(DONE_AT);
                return Reply::At(DONE_AT, res(201, &done));
            }
            return Reply::Res(res(201, pending));
        }
        assert_eq!(req.url, "https://api.replicate.com/v1/predictions/gm3q");
        if now >= DONE_AT {
            if learned.is_none() {
                *learned = Some(now);
            }
            Reply::Res(res(200, &done))
        } else {
            Reply::Res(res(200, pending))
        }
    }
}

// --------------------------------------------------------------- the 30 s budget

#[test]
fn a_30_s_queued_job_is_followed_within_budget() {
    let url = || vec![url_src("https://e.com/a.png")];
    let mut rows = Vec::new();
    let mut check = |name: &str, r: Run, learned: Option<u64>, max_delay: u64| {
        let result = r.outcome.as_ref().expect(name);
        assert!(!result.images.is_empty());
        let learned = learned.expect("completion observed");
        let delay = learned.saturating_sub(DONE_AT);
        let status = count(&r, RequestKind::Status);
        println!(
            "{name:<32} status requests {status:>2}, all requests {:>2}, streams {}, detected {delay:>4} ms after completion, done at {:>5} ms",
            r.sent.len(),
            count(&r, RequestKind::Stream),
            r.end
        );
        assert!(status <= 15, "{name}: {status} status requests");
        assert!(delay <= max_delay, "{name}: detected {delay} ms late");
        rows.push(name.to_string());
    };

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::Fal, url(), 300_000),
        fal_server(true, &mut learned),
    );
    check("fal (SSE stream)", r, learned, 999);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::Fal, url(), 300_000),
        fal_server(false, &mut learned),
    );
    check("fal (stream 404 -> polling)", r, learned, 5_600);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::InferenceSh, url(), 300_000),
        inference_server(true, &mut learned),
    );
    check("inference.sh (NDJSON stream)", r, learned, 999);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::InferenceSh, url(), 300_000),
        inference_server(false, &mut learned),
    );
    check("inference.sh (stream fails -> poll)", r, learned, 5_600);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::Replicate, vec![png_src("a.png")], 300_000),
        replicate_server(true, &mut learned),
    );
    check("replicate (Prefer: wait)", r, learned, 999);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::Replicate, vec![png_src("a.png")], 300_000),
        replicate_server(false, &mut learned),
    );
    check("replicate (wait ignored -> poll)", r, learned, 5_600);

    let mut learned = None;
    let r = run(
        &mut driver(ProviderId::Pixazo, url(), 300_000),
        pixazo_server(&mut learned),
    );
    check("pixazo (polling, 5-10 s advice)", r, learned, 8_900);
    assert_eq!(rows.len(), 7);
}

#[test]
fn updates_report_queue_progress_then_the_result() {
    let mut learned = None;
    let mut d = driver(
        ProviderId::Fal,
        vec![url_src("https://e.com/a.png")],
        300_000,
    );
    let r = run(&mut d, fal_server(true, &mut learned));
    let seen: Vec<(JobStatus, Option<u32>)> = r
        .updates
        .iter()
        .map(|u| (u.status, u.queue_position))
        .collect();
    assert_eq!(
        seen.first(),
        Some(&(JobStatus::Queued, Some(2))),
        "{seen:?}"
    );
    assert!(seen.contains(&(JobStatus::Queued, Some(1))), "{seen:?}");
    assert!(seen.contains(&(JobStatus::Running, None)), "{seen:?}");
    let last = r.updates.last().expect("final update");
    assert_eq!(last.status, JobStatus::Completed);
    assert!(last.result.is_some() && last.error.is_none());
    assert!(last.logs.len() >= 3, "{:?}", last.logs);
    assert_eq!(d.job().status, JobStatus::Completed);
    assert_eq!(d.stats().status_requests, 0);
}

#[test]
fn jitter_is_deterministic_per_seed() {
    let times = |seed: u64| {
        let mut d = Driver::start(
            &input("x", vec![url_src("https://e.com/a.png")]),
            cfg(ProviderId::Pixazo),
            opts(300_000, seed),
            0,
        )
        .expect("valid");
        let mut l = None;
        let r = run(&mut d, pixazo_server(&mut l));
        r.sent.iter().map(|(t, _)| *t).collect::<Vec<_>>()
    };
    assert_eq!(times(7), times(7));
    assert_ne!(times(7), times(8));
}

// --------------------------------------------------------------- retries

#[test]
fn retry_after_is_honoured_on_a_429_submit() {
    let ok = format!(r#"{{"image":"{}","request_id":"r1"}}"#, b64(&png_1x1()));
    let mut calls = 0;
    let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 60_000);
    let r = run(&mut d, |req, _| {
        assert_eq!(req.kind, RequestKind::Submit);
        calls += 1;
        if calls == 1 {
            Reply::Res(
                res(
                    429,
                    r#"{"error_code":"RATE_LIMITED","message":"slow down"}"#,
                )
                .with_header("Retry-After", "3"),
            )
        } else {
            Reply::Res(res(200, &ok))
        }
    });
    assert!(r.outcome.is_ok());
    assert_eq!(r.sent.len(), 2);
    let gap = r.sent[1].0 - r.sent[0].0;
    assert!(
        (3_000 + LATENCY..3_000 + LATENCY + 300).contains(&gap),
        "resent after {gap} ms"
    );
    assert_eq!(d.stats().retries, 1);
    // The wait is announced, with the failure that caused it.
    let waits: Vec<_> = r
        .updates
        .iter()
        .filter(|u| u.retry_in_ms.is_some())
        .collect();
    assert_eq!(waits.len(), 1, "{:?}", r.updates);
    let ms = waits[0].retry_in_ms.unwrap_or_default();
    assert!((3_000..3_250).contains(&ms), "retry in {ms} ms");
    let err = waits[0].error.as_ref().expect("the failure being retried");
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert!(!waits[0].status.is_terminal());
}

/// A 429 whose `Retry-After` the page cannot read (absent, or not
/// exposed by CORS, or unreadable): the driver neither sends again at once
/// nor gives up at once; it waits about 1 s, then 2 s, then 4 s, and stops
/// after three retries with `rate_limited`, which it said before each wait.
#[test]
fn a_429_without_a_readable_retry_after_backs_off_then_gives_up() {
    for retry_after in [None, Some("soon"), Some("")] {
        let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 600_000);
        let limited = || {
            let r = res(
                429,
                r#"{"error_code":"RATE_LIMIT_EXCEEDED","message":"slow down"}"#,
            );
            match retry_after {
                Some(v) => r.with_header("Retry-After", v),
                None => r,
            }
        };
        let mut now = 0;
        let mut waits = Vec::new();
        let outcome = loop {
            match d.next(now) {
                Action::Send(req) => {
                    assert_eq!(req.kind, RequestKind::Submit);
                    now += LATENCY;
                    d.on_response(now, limited());
                }
                Action::Wait(ms) => {
                    waits.push(ms);
                    now += ms;
                }
                Action::Fail(e) => break e,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(waits.len(), 3, "{retry_after:?}: {waits:?}");
        for (ms, base) in waits.iter().zip([1_000u64, 2_000, 4_000]) {
            assert!(
                (base * 9 / 10..=base * 11 / 10).contains(ms),
                "{retry_after:?}: waited {ms} ms, not about {base} ms: {waits:?}"
            );
        }
        assert_eq!(outcome.code, ErrorCode::RateLimited);
        assert!(outcome.retryable);
        assert_eq!(d.stats().requests, 4, "1 + 3 retries");
        let announced: Vec<u64> = d.updates().iter().filter_map(|u| u.retry_in_ms).collect();
        assert_eq!(announced, waits, "each wait is announced");
    }
    // A status read is given more room, and its waits grow the same way, capped.
    let mut d = driver(
        ProviderId::Pixazo,
        vec![url_src("https://e.com/a.png")],
        600_000,
    );
    let r = run(&mut d, |req, _| {
        if req.kind == RequestKind::Submit {
            Reply::Res(res(202, &recorded("pixazo_submit.json")))
        } else {
            Reply::Res(res(429, "{}"))
        }
    });
    assert_eq!(r.outcome.expect_err("fails").code, ErrorCode::RateLimited);
    let reads: Vec<u64> = r
        .sent
        .iter()
        .filter(|(_, q)| q.kind == RequestKind::Status)
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(reads.len(), 6, "1 + 5 retries");
    let gaps: Vec<u64> = reads.windows(2).map(|w| w[1] - w[0] - LATENCY).collect();
    for (gap, base) in gaps.iter().zip([1_000u64, 2_000, 4_000, 8_000, 16_000]) {
        assert!((base * 9 / 10..=base * 11 / 10).contains(gap), "{gaps:?}");
    }
}

/// Pixazo's edit: the captured page's path answers 404, the other page's
/// path takes the job (sent once, on the route table the proxy forwards),
/// and the job is followed to its result.
#[test]
fn pixazo_edit_moves_to_its_other_path_after_a_404_submit() {
    let mut d = driver(
        ProviderId::PixazoEdit,
        vec![url_src("https://e.com/a.png")],
        120_000,
    );
    let mut l = None;
    let mut server = pixazo_server(&mut l);
    let r = run(&mut d, |req, now| {
        if req.kind == RequestKind::Submit && req.url.ends_with("/reve-image/v1/image-edit") {
            return Reply::Res(res(
                404,
                r#"{"error":"Not Found","message":"Resource not found"}"#,
            ));
        }
        server(req, now)
    });
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    let submits: Vec<&str> = r
        .sent
        .iter()
        .filter(|(_, q)| q.kind == RequestKind::Submit)
        .map(|(_, q)| q.url.as_str())
        .collect();
    assert_eq!(
        submits,
        [
            "https://gateway.pixazo.ai/reve-image/v1/image-edit",
            "https://gateway.pixazo.ai/reve-image/v1/reve-edit/generate"
        ]
    );
    assert_eq!(d.stats().retries, 0, "a move, not a retry");
}

#[test]
fn a_submitted_job_survives_a_round_trip_through_json() {
    let mut d = driver(
        ProviderId::Fal,
        vec![url_src("https://e.com/a.png")],
        60_000,
    );
    let Action::Send(submit) = d.next(0) else {
        panic!("a submit first")
    };
    assert_eq!(submit.kind, RequestKind::Submit);
    d.on_response(
        80,
        res(
            200,
            r#"{"request_id":"req-1","status_url":"https://queue.fal.run/fal-ai/reve/requests/req-1/status","response_url":"https://queue.fal.run/fal-ai/reve/requests/req-1","cancel_url":"https://queue.fal.run/fal-ai/reve/requests/req-1/cancel"}"#,
        ),
    );
    let text = d.job().to_json();
    assert!(!text.contains(KEY), "no key in {text}");
    let job = Job::from_json(&text).expect("reads back");
    assert_eq!(job.id, "req-1");
    assert_eq!(job.provider, ProviderId::Fal);
    assert_eq!(job.status_url, d.job().status_url);
    assert_eq!(job.result_url, d.job().result_url);
    assert_eq!(job.cancel_url, d.job().cancel_url);
    // Followed again, its first request reads the status where fal said.
    let mut again = Driver::resume(job, cfg(ProviderId::Fal), opts(60_000, 1), 0).expect("resumes");
    match again.next(0) {
        Action::Send(req) | Action::Stream { request: req, .. } => {
            assert!(
                req.url
                    .starts_with("https://queue.fal.run/fal-ai/reve/requests/req-1/status"),
                "{}",
                req.url
            )
        }
        other => panic!("expected a status read, got {other:?}"),
    }
    for bad in [
        "",
        "{}",
        r#"{"provider":"nope","id":"1"}"#,
        r#"{"provider":"fal"}"#,
        "[1,2",
    ] {
        assert!(Job::from_json(bad).is_none(), "{bad}");
    }
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let mut calls = 0;
    let mut d = driver(
        ProviderId::AimlApi,
        vec![url_src("https://e.com/a.png")],
        60_000,
    );
    let r = run(&mut d, |_, _| {
        calls += 1;
        if calls == 1 {
            Reply::Res(
                res(429, "{}")
                    .with_header("Retry-After", "Wed, 21 Oct 2015 07:28:10 GMT")
                    .with_header("Date", "Wed, 21 Oct 2015 07:28:00 GMT"),
            )
        } else {
            Reply::Res(res(201, &recorded("aimlapi_201.json")))
        }
    });
    assert!(r.outcome.is_ok());
    assert!(r.sent[1].0 - r.sent[0].0 >= 10_000);
}

#[test]
fn a_submit_is_never_retried_after_a_server_error() {
    for status in [500, 502, 503, 504] {
        let mut d = driver(ProviderId::Reve, vec![png_src("a.png")], 60_000);
        let r = run(&mut d, |_, _| {
            Reply::Res(res(status, r#"{"error_code":"X","message":"down"}"#))
        });
        let e = r.outcome.expect_err("fails");
        assert_eq!(e.code, ErrorCode::ProviderError);
        assert_eq!(
            r.sent.len(),
            1,
            "a submit after {status} must not be repeated (paid job)"
        );
    }
}

#[test]
fn a_submit_is_retried_on_429_a_few_times_only() {
    let mut d = driver(
        ProviderId::OneRouter,
        vec![url_src("https://e.com/a.png")],
        600_000,
    );
    let r = run(&mut d, |_, _| {
        Reply::Res(res(
            429,
            r#"{"error":{"code":"rate_limit","message":"slow"}}"#,
        ))
    });
    let e = r.outcome.expect_err("fails");
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert!(e.retryable);
    assert_eq!(r.sent.len(), 4, "1 + 3 retries");
}

/// fal's `X-Fal-Retryable: false` (its table entry's `retry_header`) stops
/// a retry the status alone would allow; another provider's answer carrying
/// fal's header is judged by its status only.
#[test]
fn a_providers_retry_header_can_forbid_a_retry_and_is_its_own() {
    let mut d = driver(
        ProviderId::Fal,
        vec![url_src("https://e.com/a.png")],
        60_000,
    );
    let r = run(&mut d, |_, _| {
        Reply::Res(res(429, "{}").with_header("X-Fal-Retryable", "false"))
    });
    let e = r.outcome.expect_err("fails");
    assert_eq!((e.code, e.retryable), (ErrorCode::RateLimited, false));
    assert_eq!(r.sent.len(), 1, "fal said not to retry");

    let mut d = driver(
        ProviderId::OneRouter,
        vec![url_src("https://e.com/a.png")],
        600_000,
    );
    let r = run(&mut d, |_, _| {
        Reply::Res(res(429, "{}").with_header("X-Fal-Retryable", "false"))
    });
    let e = r.outcome.expect_err("fails");
    assert_eq!((e.code, e.retryable), (ErrorCode::RateLimited, true));
    assert_eq!(
        r.sent.len(),
        4,
        "1 + 3 retries: fal's header is not OneRouter's"
    );
}

#[test]
fn a_submit_that_gets_no_answer_is_not_retried_and_replicate_says_proxy() {
    let mut d = driver(ProviderId::Replicate, vec![png_src("a.png")], 60_000);
    let r = run(&mut d, |_, _| Reply::Net("TypeError: Failed to fetch"));
    let e = r.outcome.expect_err("fails");
    assert_eq!(e.code, ErrorCode::Network);
    assert!(e.message.contains("proxyUrl"), "{}", e.message);
    assert_eq!(r.sent.len(), 1);
}

#[test]
fn status_reads_are_retried_on_503_and_network_failures() {
    let mut n = 0;
    let mut d = driver(
        ProviderId::Pixazo,
        vec![url_src("https://e.com/a.png")],
        120_000,
    );
    let r = run(&mut d, |req, now| {
        if req.kind == RequestKind::Submit {
            return Reply::Res(res(202, &recorded("pixazo_submit.json")));
        }
        n += 1;
        match n {
            1 => Reply::Res(res(503, "upstream down")),
            2 => Reply::Net("connection reset"),
            3 => Reply::Res(res(429, "{}").with_header("Retry-After", "1")),
            _ if now > 8_000 => Reply::Res(res(200, &recorded("pixazo_completed.json"))),
            _ => Reply::Res(res(200, r#"{"status":"PROCESSING"}"#)),
        }
    });
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    assert_eq!(d.stats().retries, 3);
}

#[test]
fn status_reads_give_up_after_repeated_failures() {
    let mut d = driver(
        ProviderId::Pixazo,
        vec![url_src("https://e.com/a.png")],
        600_000,
    );
    let r = run(&mut d, |req, _| {
        if req.kind == RequestKind::Submit {
            Reply::Res(res(202, &recorded("pixazo_submit.json")))
        } else {
            Reply::Res(res(502, "bad gateway"))
        }
    });
    let e = r.outcome.as_ref().expect_err("fails");
    assert_eq!((e.code, e.status), (ErrorCode::ProviderError, Some(502)));
    assert_eq!(count(&r, RequestKind::Status), 6, "1 + 5 retries");
}

#[test]
fn uploads_are_retried_but_file_records_are_not_after_5xx() {
    let c = cfg(ProviderId::InferenceSh);
    let files = r#"[{"uri":"https://cloud.inference.sh/u/f1.png","upload_url":"https://storage.example/put1"}]"#;
    let mut puts = 0;
    let mut d = Driver::start(
        &input("x", vec![png_src("a.png")]),
        c.clone(),
        opts(120_000, 1),
        0,
    )
    .expect("valid");
    let mut l = None;
    let mut inner = inference_server(true, &mut l);
    let r = run(&mut d, |req, now| match req.kind {
        RequestKind::Files => Reply::Res(res(200, files)),
        RequestKind::Upload => {
            assert_eq!(req.method, Method::Put);
            puts += 1;
            if puts == 1 {
                Reply::Res(HttpResponse::new(503, ""))
            } else {
                Reply::Res(HttpResponse::new(200, ""))
            }
        }
        _ => inner(req, now),
    });
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    assert_eq!(puts, 2);
    let run_req = &r
        .sent
        .iter()
        .find(|(_, q)| q.kind == RequestKind::Submit)
        .expect("run")
        .1;
    assert_eq!(
        body(run_req)["input"]["images"][0],
        "https://cloud.inference.sh/u/f1.png"
    );

    let mut d =
        Driver::start(&input("x", vec![png_src("a.png")]), c, opts(120_000, 1), 0).expect("valid");
    let r = run(&mut d, |_, _| {
        Reply::Res(res(500, r#"{"title":"Internal","status":500}"#))
    });
    assert_eq!(r.outcome.expect_err("fails").code, ErrorCode::ProviderError);
    assert_eq!(r.sent.len(), 1);
}

// --------------------------------------------------------------- deadline and cancel

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
        d.updates().last().map(|u| u.status),
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
        d.updates().last().map(|u| u.status),
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
