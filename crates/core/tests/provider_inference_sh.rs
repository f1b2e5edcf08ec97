//! inference.sh: local files uploaded first (POST /files, PUT to the
//! presigned URL), the run, task status by number or name (polled or as
//! NDJSON), the task's output, and its envelopes and problem+json errors.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::http::{Body, HttpResponse, Method, RequestKind};
use reve_remix_core::id::{ModelId, ProviderId};
use reve_remix_core::job::{Job, JobStatus};
use reve_remix_core::provider::{self, Config, Provider, Step};
use serde_json::json;

fn inference() -> &'static dyn Provider {
    provider::provider(ProviderId::InferenceSh)
}

/// A job for task `task_abc123`, as a status read finds it.
fn task() -> Followed {
    let mut j = Job::new(ProviderId::InferenceSh, ModelId::ReveRemix);
    j.id = "task_abc123".into();
    j.into()
}

#[test]
fn inference_sh_run_body_with_urls_and_plain_index_prompt() {
    let mut i = input(
        "the woman from <img>0</img> driving the car from <img>1</img>",
        vec![
            url_src("https://e.com/w.png"),
            url_src("https://e.com/c.png"),
        ],
    );
    i.aspect_ratio = Some("3:2".into());
    i.version = Some("latest".into());
    i.test_time_scaling = Some(5);
    i.upscale_factor = Some(4);
    i.remove_background = Some(true);
    let (_, _, req) = start(&i, &cfg(ProviderId::InferenceSh));
    assert_eq!(req.url, "https://api.inference.sh/apps/run");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.kind, RequestKind::Submit);
    let b = body(&req);
    assert_eq!(b["app"], "reve/remix");
    assert_eq!(
        b["input"]["prompt"],
        "the woman from 0 driving the car from 1"
    );
    assert_eq!(
        b["input"],
        json!({"prompt": "the woman from 0 driving the car from 1", "images": ["https://e.com/w.png", "https://e.com/c.png"],
            "aspect_ratio": "3:2", "version": "latest", "test_time_scaling": 5, "upscale_factor": 4, "remove_background": true})
    );
}

/// A local file and a URL: the job after its file records are created,
/// with the PUT of the file's bytes it asks for next.
fn files_created() -> (&'static dyn Provider, Followed, Config, Step) {
    let c = cfg(ProviderId::InferenceSh);
    let i = input(
        "<img>0</img> with <img>1</img>",
        vec![png_src("cat.png"), url_src("https://e.com/b.png")],
    );
    let (p, mut job, _) = start(&i, &c);
    // The answer may come wrapped as {data: [...]}.
    let files = json!({"data": [{"id": "f1", "uri": "https://cloud.inference.sh/u/f1/cat.png",
        "upload_url": "https://storage.example/presigned?sig=abc", "content_type": "image/png"}]});
    let step = feed(
        p,
        &mut job,
        &c,
        RequestKind::Files,
        res(200, &files.to_string()),
    )
    .expect("files");
    (p, job, c, step)
}

#[test]
fn inference_sh_first_asks_for_an_upload_slot_per_local_file() {
    let c = cfg(ProviderId::InferenceSh);
    let i = input(
        "<img>0</img> with <img>1</img>",
        vec![png_src("cat.png"), url_src("https://e.com/b.png")],
    );
    let (_, _, req) = start(&i, &c);
    assert_eq!(
        (req.method, req.url.as_str(), req.kind),
        (
            Method::Post,
            "https://api.inference.sh/files",
            RequestKind::Files
        )
    );
    assert_eq!(
        body(&req),
        json!({"files": [{"uri": "", "filename": "cat.png", "content_type": "image/png", "size": png_1x1().len()}]})
    );
}

#[test]
fn inference_sh_puts_the_bytes_to_the_presigned_url_without_the_key() {
    let (_, _, _, step) = files_created();
    let Step::Send(put) = step else {
        panic!("upload next")
    };
    assert_eq!(
        (put.method, put.url.as_str(), put.kind),
        (
            Method::Put,
            "https://storage.example/presigned?sig=abc",
            RequestKind::Upload
        )
    );
    assert!(
        put.header("Authorization").is_none(),
        "no key on a presigned URL"
    );
    assert_eq!(
        put.body,
        Body::Bytes {
            content_type: "image/png".into(),
            data: png_1x1()
        }
    );
}

/// The job once every file is uploaded, with its run request.
fn uploaded() -> (&'static dyn Provider, Followed, Config, Step) {
    let (p, mut job, c, _) = files_created();
    let step = feed(
        p,
        &mut job,
        &c,
        RequestKind::Upload,
        HttpResponse::new(200, ""),
    )
    .expect("put");
    (p, job, c, step)
}

#[test]
fn inference_sh_runs_with_the_uploaded_uris_and_the_urls() {
    let (_, _, _, step) = uploaded();
    let Step::Send(run) = step else {
        panic!("run next")
    };
    assert_eq!(run.url, "https://api.inference.sh/apps/run");
    let b = body(&run);
    assert_eq!(
        b["input"]["images"],
        json!([
            "https://cloud.inference.sh/u/f1/cat.png",
            "https://e.com/b.png"
        ])
    );
    assert_eq!(b["input"]["prompt"], "0 with 1");
}

#[test]
fn inference_sh_reads_the_run_answer_bare_wrapped_or_in_the_old_envelope() {
    let (p, job, c, _) = uploaded();
    for answer in [
        r#"{"id":"task_1","status":1}"#,
        r#"{"data":{"id":"task_1","status":"received"}}"#,
        r#"{"success":true,"data":{"id":"task_1","status":2},"error":null}"#,
        // The envelope its docs describe (2026-10-11) and its newer SDKs read.
        r#"{"data":{"id":"task_1","status":1},"messages":[]}"#,
        r#"{"data":{"id":"task_1","status":2},"messages":[{"type":"info","text":"queued"}]}"#,
    ] {
        let mut j = job.clone();
        assert_eq!(
            feed(p, &mut j, &c, RequestKind::Submit, res(200, answer)).expect(answer),
            Step::Poll
        );
        assert_eq!((j.id.as_str(), j.status), ("task_1", JobStatus::Queued));
    }
    let e = feed_err(
        p,
        &mut job.clone(),
        &c,
        RequestKind::Submit,
        res(
            200,
            r#"{"success":false,"error":{"code":"invalid_input","message":"images: too many"}}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(e.message.contains("images: too many"));
}

#[test]
fn inference_sh_follows_the_task_by_its_id() {
    let c = cfg(ProviderId::InferenceSh);
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, r#"{"id":"task_abc123","status":1}"#),
    )
    .expect("ok");
    assert_eq!(
        p.poll(&job, &c).expect("p").url,
        "https://api.inference.sh/tasks/task_abc123/status"
    );
    let s = p.stream(&job, &c).expect("s");
    assert_eq!(
        (s.url.as_str(), s.header("Accept")),
        (
            "https://api.inference.sh/tasks/task_abc123/stream",
            Some("application/x-ndjson")
        )
    );
    let cancel = p.cancel(&job, &c).expect("c");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Post,
            "https://api.inference.sh/tasks/task_abc123/cancel"
        )
    );
}

#[test]
fn status_numbers_and_names_below_10_are_not_done_9_included() {
    let (p, c, mut job) = (inference(), cfg(ProviderId::InferenceSh), task());
    // 9 = uploading: not done.
    for (st, want) in [
        ("2", JobStatus::Queued),
        ("7", JobStatus::Running),
        ("9", JobStatus::Running),
        ("\"uploading\"", JobStatus::Running),
        ("\"setting_up\"", JobStatus::Running),
    ] {
        let r = res(
            200,
            &format!(r#"{{"id":"task_abc123","status":{st},"updated_at":"2025-01-01T00:00:00Z"}}"#),
        );
        assert_eq!(
            feed(p, &mut job, &c, RequestKind::Status, r).expect(st),
            Step::Poll,
            "{st}"
        );
        assert_eq!(job.status, want, "{st}");
    }
}

#[test]
fn status_10_fetches_the_full_task_for_its_output() {
    let (p, c, mut job) = (inference(), cfg(ProviderId::InferenceSh), task());
    for st in ["10", "\"completed\""] {
        let r = res(
            200,
            &format!(r#"{{"data":{{"id":"task_abc123","status":{st}}}}}"#),
        );
        let Step::Send(get) = feed(p, &mut job, &c, RequestKind::Status, r).expect(st) else {
            panic!("fetch task")
        };
        assert_eq!(
            (get.url.as_str(), get.kind),
            (
                "https://api.inference.sh/tasks/task_abc123",
                RequestKind::Result
            )
        );
    }
}

#[test]
fn the_output_image_is_a_file_object_or_a_url() {
    let (p, c) = (inference(), cfg(ProviderId::InferenceSh));
    let full = r#"{"id":"task_abc123","status":10,"output":{"image":{"uri":"https://cloud.inference.sh/u/o.png","content_type":"image/png"}}}"#;
    let Step::Done(r) =
        feed(p, &mut task(), &c, RequestKind::Result, res(200, full)).expect("full")
    else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cloud.inference.sh/u/o.png")
    );
    let full = r#"{"id":"task_abc123","status":10,"output":{"image":"https://cloud.inference.sh/u/p.png"}}"#;
    let Step::Done(r) = feed(p, &mut task(), &c, RequestKind::Result, res(200, full)).expect("str")
    else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cloud.inference.sh/u/p.png")
    );
}

#[test]
fn status_11_is_job_failed_and_12_cancelled() {
    let (p, c) = (inference(), cfg(ProviderId::InferenceSh));
    let e = feed_err(
        p,
        &mut task(),
        &c,
        RequestKind::Result,
        res(
            200,
            r#"{"id":"task_abc123","status":11,"error":"CUDA out of memory"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(e.message.contains("CUDA out of memory"));
    assert_eq!(e.request_id.as_deref(), Some("task_abc123"));
    let e = feed_err(
        p,
        &mut task(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":"cancelled"}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
    let e = feed_err(
        p,
        &mut task(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":12}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
}

/// Status 13 (`rejected`, inference.sh's Python SDK 0.34.0+) ends the job
/// as a failure: no more status reads, and the message says what to do.
#[test]
fn status_13_rejected_is_a_terminal_failure() {
    let (p, c) = (inference(), cfg(ProviderId::InferenceSh));
    for answer in [
        r#"{"id":"task_abc123","status":13,"error":"input rejected"}"#,
        r#"{"data":{"id":"task_abc123","status":"rejected","error":"input rejected"},"messages":[]}"#,
    ] {
        let e = feed_err(p, &mut task(), &c, RequestKind::Status, res(200, answer));
        assert_eq!(e.code, ErrorCode::JobFailed, "{answer}");
        assert!(
            e.message.contains("input rejected") && e.message.contains("rejected the task"),
            "{}",
            e.message
        );
        assert!(e.message.contains("try again"), "{}", e.message);
    }
    assert_eq!(
        provider::inference_sh::parse_status(&reve_remix_core::json::parse(b"13").expect("n")),
        Some(JobStatus::Failed)
    );
}

/// `X-API-Version: 2` on every request to the API, as its SDKs sent it;
/// never on the presigned upload, which goes to storage.
#[test]
fn every_api_request_says_x_api_version_2_but_the_upload_does_not() {
    let (p, mut job, c) = {
        let c = cfg(ProviderId::InferenceSh);
        let (p, job, files) = start(&input("<img>0</img>", vec![png_src("cat.png")]), &c);
        assert_eq!(files.header("X-API-Version"), Some("2"), "POST /files");
        (p, job, c)
    };
    let Step::Send(put) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Files,
        res(
            200,
            r#"{"data":[{"uri":"https://cloud.inference.sh/u/f1/cat.png","upload_url":"https://storage.example/put?sig=1"}],"messages":[]}"#,
        ),
    )
    .expect("files") else {
        panic!("upload next")
    };
    assert_eq!(put.header("X-API-Version"), None, "the presigned PUT");
    let Step::Send(run) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Upload,
        HttpResponse::new(200, ""),
    )
    .expect("put") else {
        panic!("run next")
    };
    assert_eq!(run.header("X-API-Version"), Some("2"), "POST /apps/run");
    let t = task();
    for (what, req) in [
        ("status", p.poll(&t, &c)),
        ("stream", p.stream(&t, &c)),
        ("cancel", p.cancel(&t, &c)),
    ] {
        let req = req.expect(what);
        assert_eq!(req.header("X-API-Version"), Some("2"), "{what}");
    }
    let Step::Send(full) = feed(
        p,
        &mut task(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":10}"#),
    )
    .expect("full task") else {
        panic!("the full task next")
    };
    assert_eq!(full.header("X-API-Version"), Some("2"), "GET /tasks/{{id}}");
}

#[test]
fn a_failed_status_without_a_reason_fetches_the_task_for_it() {
    let s = feed(
        inference(),
        &mut task(),
        &cfg(ProviderId::InferenceSh),
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":11}"#),
    )
    .expect("fetch");
    assert!(matches!(s, Step::Send(r) if r.kind == RequestKind::Result));
}

#[test]
fn the_ndjson_stream_skips_heartbeats_and_deltas_and_ends_with_the_output() {
    let (p, c) = (inference(), cfg(ProviderId::InferenceSh));
    // Heartbeats, wrapped records, deltas, 9, then 10 with output.
    let mut j = task();
    j.flight.phase = RequestKind::Stream;
    let mut last = None;
    for line in recorded("inference_stream.ndjson").lines() {
        last = p
            .on_stream_line(&mut j.job, &mut j.flight, &c, line.as_bytes())
            .expect(line);
        if line.contains("\"status\":9") {
            assert_eq!(
                (last.clone(), j.status),
                (None, JobStatus::Running),
                "9 is not done"
            );
        }
    }
    let Some(Step::Done(r)) = last else {
        panic!("stream ends the job: {last:?}")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cloud.inference.sh/u/abc/output.png")
    );
}

#[test]
fn problem_json_errors_map_to_codes_with_title_and_detail() {
    let (p, c) = (inference(), cfg(ProviderId::InferenceSh));
    // RFC 9457 problem+json.
    let prob = HttpResponse::new(400, br#"{"type":"https://inference.sh/problems/validation","title":"Invalid input","status":400,"detail":"prompt is required"}"#.to_vec())
        .with_header("content-type", "application/problem+json");
    let e = feed_err(p, &mut task(), &c, RequestKind::Submit, prob);
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(
        e.message.contains("Invalid input: prompt is required"),
        "{}",
        e.message
    );
    let e = feed_err(
        p,
        &mut task(),
        &c,
        RequestKind::Submit,
        res(
            401,
            r#"{"title":"Unauthorized","status":401,"detail":"invalid api key"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::Unauthorized);
    let e = feed_err(
        p,
        &mut task(),
        &c,
        RequestKind::Submit,
        res(402, r#"{"title":"Payment Required","status":402}"#),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
}
