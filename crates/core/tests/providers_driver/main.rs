//! The driver's policy, run against simulated providers on a simulated
//! clock: request counts, detection delay, retries, deadline, cancel.
//! Run with `-- --nocapture` to see the 30 s simulation's numbers.
#![cfg(not(target_arch = "wasm32"))]

mod budget;
mod deadline;
mod events;
mod retries;

#[path = "../recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::RemixError;
use reve_remix_core::driver::{Action, Driver, RunOptions};
use reve_remix_core::driver::{Event, JobUpdate};
use reve_remix_core::http::{HttpRequest, HttpResponse, Method, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::{Job, JobStatus, RemixResult};
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
        updates.extend(updates_of(d));
    }
    panic!("the driver never finished");
}

/// The updates among what `d` said since it was last asked.
fn updates_of(d: &mut Driver) -> Vec<JobUpdate> {
    d.events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Update(u) => Some(u),
            Event::Accepted(_) => None,
        })
        .collect()
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
