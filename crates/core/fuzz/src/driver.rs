//! One `Driver` for one provider, fed an arbitrary run: answers, network
//! errors, stream lines, clock jumps and cancels, in any order.

use arbitrary::{Result, Unstructured};
use reve_remix_core::driver::{Action, Driver, Event, RunOptions};
use reve_remix_core::http::{HttpRequest, HttpResponse, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::{Job, JobStatus};
use reve_remix_core::provider::{self, Config};

use super::provider::{HEADERS, check_outcome, input_for};
use super::{KEY, ids};

/// Answers the providers give, so that runs get past the first status
/// read: the recorded ones and the states each provider reports.
const BODIES: [&str; 24] = [
    include_str!("../../tests/recorded/fal_submit.json"),
    include_str!("../../tests/recorded/fal_result.json"),
    include_str!("../../tests/recorded/pixazo_submit.json"),
    include_str!("../../tests/recorded/pixazo_completed.json"),
    include_str!("../../tests/recorded/pixazo_error.json"),
    include_str!("../../tests/recorded/pixazo_402.json"),
    include_str!("../../tests/recorded/replicate_succeeded.json"),
    include_str!("../../tests/recorded/aimlapi_201.json"),
    r#"{"status":"IN_QUEUE","queue_position":3}"#,
    r#"{"status":"IN_PROGRESS","logs":[{"message":"step 1"}]}"#,
    r#"{"status":"COMPLETED"}"#,
    r#"{"images":[{"url":"https://v3.fal.media/files/x.png","content_type":"image/png"}]}"#,
    r#"{"id":"p1","status":"starting","urls":{"get":"https://api.replicate.com/v1/predictions/p1","cancel":"https://api.replicate.com/v1/predictions/p1/cancel"}}"#,
    r#"{"id":"p1","status":"processing"}"#,
    r#"{"id":"p1","status":"failed","error":"boom"}"#,
    r#"{"id":"p1","status":"canceled"}"#,
    r#"{"status":"PROCESSING"}"#,
    r#"{"id":"task_1","status":2}"#,
    r#"[{"upload_url":"https://storage.example/u1","uri":"https://cloud.inference.sh/u/1.png"}]"#,
    r#"{"data":{"id":"task_1","status":10,"output":{"image":{"uri":"https://cloud.inference.sh/o.png"}}}}"#,
    r#"{"image":"iVBORw0KGgo=","version":"reve-1","credits_used":3}"#,
    r#"{"error":{"message":"Insufficient credits"}}"#,
    r#"{"detail":"content policy violation"}"#,
    "",
];

/// Stream lines: fal's events, inference.sh's records, and noise.
const LINES: [&str; 10] = [
    r#"data: {"status":"IN_QUEUE","queue_position":1}"#,
    r#"data: {"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#,
    r#"data: {"status":"COMPLETED"}"#,
    "event: message",
    ": keep-alive",
    r#"{"type":"heartbeat"}"#,
    r#"{"event":"tasks","data":{"id":"task_1","status":7,"logs":"starting"}}"#,
    r#"{"data":{"id":"task_1","status":9}}"#,
    r#"{"data":{"id":"task_1","status":10,"output":{"image":{"uri":"https://cloud.inference.sh/o.png","content_type":"image/png"}}}}"#,
    r#"{"data":{"id":"task_1","status":11,"error":"failed"}}"#,
];

const STATUSES: [u16; 18] = [
    200, 201, 202, 204, 400, 401, 402, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504, 0,
];

/// Most consecutive actions without the clock moving: a longer run of
/// them is an endless loop (the longest real chain is inference.sh's six
/// uploads, two requests each, then the submit, plus a few retries).
pub const MAX_STILL: u32 = 64;
/// Most actions in one run, whatever it is fed: polling at the
/// smallest wait (0.5 s) for the longest deadline (10 min) is 1 200.
pub const MAX_ACTIONS: u32 = 4_000;

fn response(u: &mut Unstructured<'_>) -> Result<HttpResponse> {
    let status = if u.ratio(1, 8)? {
        u.arbitrary::<u16>()?
    } else {
        *u.choose(&STATUSES)?
    };
    let body: Vec<u8> = if u.ratio(1, 4)? {
        u.arbitrary::<&[u8]>()?.to_vec()
    } else {
        u.choose(&BODIES)?.as_bytes().to_vec()
    };
    let mut res = HttpResponse::new(status, body);
    for _ in 0..u.int_in_range(0..=2)? {
        let name = *u.choose(&HEADERS)?;
        let value = match u.int_in_range(0..=5)? {
            0 => "0".to_string(),
            1 => "2".to_string(),
            2 => "false".to_string(),
            3 => "Sun, 06 Nov 1994 08:49:37 GMT".to_string(),
            4 => u.arbitrary::<u32>()?.to_string(),
            _ => u.arbitrary::<String>()?,
        };
        res.headers.push((name.to_string(), value));
    }
    Ok(res)
}

fn line(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    Ok(if u.ratio(1, 4)? {
        u.arbitrary::<&[u8]>()?.to_vec()
    } else {
        u.choose(&LINES)?.as_bytes().to_vec()
    })
}

/// A run as the fuzzer tells it; the checks of [`driver`].
struct Run {
    id: ProviderId,
    d: Driver,
    now: u64,
    actions: u32,
    still: u32,
}

impl Run {
    /// One `next`, checked.
    fn next(&mut self) -> Action {
        self.actions += 1;
        assert!(
            self.actions <= MAX_ACTIONS,
            "{}: {} actions: an endless run",
            self.id,
            self.actions
        );
        let a = self.d.next(self.now);
        match &a {
            Action::Wait(ms) => {
                assert!(
                    self.now.saturating_add(*ms) <= self.d.deadline_ms(),
                    "{}: a wait past the deadline",
                    self.id
                );
                if *ms == 0 {
                    self.still += 1;
                } else {
                    self.still = 0;
                }
                self.now += ms;
            }
            Action::Send(_) | Action::Stream { .. } => self.still += 1,
            Action::Done(r) => check_outcome(self.id, &Ok(r.clone())),
            Action::Fail(e) => {
                assert!(!e.message.contains(KEY), "{}: the key in {e:?}", self.id);
                check_outcome(self.id, &Err(e.clone()));
            }
        }
        assert!(
            self.still <= MAX_STILL,
            "{}: {} actions without the clock moving: {:?}",
            self.id,
            self.still,
            self.d
        );
        for update in self.d.events().iter().filter_map(Event::update) {
            if let Some(e) = &update.error {
                assert!(!e.message.contains(KEY), "{}: key in {e:?}", self.id);
            }
            if update.status == JobStatus::Completed {
                assert!(update.result.is_some(), "{}: completed, no result", self.id);
            }
        }
        a
    }

    fn jump(&mut self, ms: u64) {
        if ms > 0 {
            self.now = self.now.saturating_add(ms);
            self.still = 0;
        }
    }

    /// Answer a plain request as the input says.
    fn answer(&mut self, u: &mut Unstructured<'_>, req: &HttpRequest) -> Result<()> {
        // A send after the end is the provider's cancel request at the
        // deadline: its answer changes nothing.
        let ended = self.d.outcome();
        if ended.is_some() {
            assert_eq!(
                req.kind,
                RequestKind::Cancel,
                "{}: sent after the end",
                self.id
            );
        }
        let latency = u64::from(u.arbitrary::<u16>()?);
        self.jump(latency);
        match u.int_in_range(0..=9)? {
            0 => {
                let message = if u.arbitrary()? {
                    KEY
                } else {
                    "connection reset"
                };
                self.d.on_network_error(self.now, message);
            }
            1 => {
                let jump = u64::from(u.arbitrary::<u32>()?);
                self.jump(jump);
                let res = response(u)?;
                self.d.on_response(self.now, res);
            }
            2 => {
                let cancel = self.d.cancel();
                if let Some(req) = cancel {
                    assert!(!self.d.job().id.is_empty(), "{}: {req:?}", self.id);
                }
                match (self.next(), ended) {
                    (Action::Fail(e), None) => {
                        assert_eq!(e.code, reve_remix_core::ErrorCode::Cancelled, "{e:?}")
                    }
                    (Action::Fail(e), Some(Err(before))) => assert_eq!(e, before),
                    (Action::Done(r), Some(Ok(before))) => assert_eq!(r, before),
                    (a, before) => panic!("{}: after cancel: {a:?}, ended {before:?}", self.id),
                }
            }
            _ => {
                let res = response(u)?;
                self.d.on_response(self.now, res);
            }
        }
        Ok(())
    }

    /// Follow a stream as the input says.
    fn follow(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=5)? {
            0 => self.d.on_network_error(self.now, "stream broke"),
            1 => {
                let res = response(u)?;
                self.d.on_response(self.now, res);
            }
            _ => {
                let mut open = true;
                for _ in 0..u.int_in_range(0..=8)? {
                    let gap = u64::from(u.arbitrary::<u16>()?);
                    self.jump(gap);
                    let l = line(u)?;
                    if !self.d.on_stream_line(self.now, &l) {
                        open = false;
                        break;
                    }
                }
                if open {
                    self.d.on_stream_end(self.now);
                }
            }
        }
        Ok(())
    }
}

/// Input: byte 0 picks the provider, then the run options and whether it
/// starts from a submit or resumes a kept job, then one event per action
/// for as long as the input lasts. Checks: never a panic; never more than
/// [`MAX_ACTIONS`], nor [`MAX_STILL`] in a row without the clock moving;
/// no wait past the deadline; `Done` always with an image; no key in any
/// error; and once the input is spent and the clock is past the deadline,
/// the run ends (`Done` or `Fail`) within two actions: the provider's
/// cancel request at most, then the end.
pub fn driver(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let id = *u.choose(&ids())?;
    let cfg = Config::new(id, KEY);
    let opts = RunOptions {
        timeout_ms: if u.arbitrary()? {
            u.int_in_range(0..=600_000)?
        } else {
            reve_remix_core::driver::DEFAULT_TIMEOUT_MS
        },
        seed: u.arbitrary()?,
    };
    let d = if u.ratio(1, 4)? {
        let mut job = Job::new(id, provider::info(id).model.id);
        job.id = "job-1".to_string();
        Driver::resume(job, cfg, opts, 0).expect("a known provider resumes")
    } else {
        Driver::start(&input_for(id), cfg, opts, 0).expect("a valid input starts")
    };
    let mut r = Run {
        id,
        d,
        now: 0,
        actions: 0,
        still: 0,
    };
    let mut ended = false;
    while !u.is_empty() {
        match r.next() {
            Action::Done(_) | Action::Fail(_) => {
                ended = true;
                break;
            }
            Action::Wait(_) => {
                if u.ratio(1, 16)? {
                    let jump = u64::from(u.arbitrary::<u32>()?);
                    r.jump(jump);
                }
            }
            Action::Send(req) => {
                // A run may stop reporting answers (a transport that
                // lost one): then only the deadline moves it on.
                if u.ratio(1, 32)? {
                    continue;
                }
                r.answer(u, &req)?
            }
            Action::Stream { .. } => r.follow(u)?,
        }
    }
    // Whatever came before, past the deadline the run ends.
    let deadline = r.d.deadline_ms();
    r.now = r.now.max(deadline);
    let mut cancels = 0;
    while !ended {
        match r.next() {
            Action::Done(_) | Action::Fail(_) => ended = true,
            Action::Send(req) => {
                cancels += 1;
                assert!(cancels <= 1, "{id}: past the deadline, sends {req:?}");
            }
            a => panic!("{id}: past the deadline, asks {a:?}"),
        }
    }
    assert!(r.d.outcome().is_some(), "{id}: ended without an outcome");
    Ok(())
}
