//! Each provider's requests and response handling, from the captured pages
//! and specs in /work/shared/providers (copies in tests/recorded).
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::RemixError;
use reve_remix_core::http::{Body, HttpRequest, HttpResponse, Method, RequestKind};
use reve_remix_core::job::{Job, JobStatus};
use reve_remix_core::provider::{self, Config, Provider, Step};
use serde_json::json;

fn start(
    input: &reve_remix_core::provider::RemixInput,
    cfg: &Config,
) -> (&'static dyn Provider, Job, HttpRequest) {
    provider::start(input, cfg).expect("valid input")
}

fn start_err(input: &reve_remix_core::provider::RemixInput, cfg: &Config) -> RemixError {
    match provider::start(input, cfg) {
        Ok(_) => panic!("should be rejected"),
        Err(e) => e,
    }
}

fn feed(
    p: &dyn Provider,
    job: &mut Job,
    cfg: &Config,
    kind: RequestKind,
    r: HttpResponse,
) -> Result<Step, RemixError> {
    job.phase = kind;
    p.on_response(job, cfg, &r)
}

fn feed_err(
    p: &dyn Provider,
    job: &mut Job,
    cfg: &Config,
    kind: RequestKind,
    r: HttpResponse,
) -> RemixError {
    feed(p, job, cfg, kind, r).expect_err("should be an error")
}

fn assert_no_key(s: &str) {
    assert!(!s.contains(KEY), "the key leaked into: {s}");
}

// ------------------------------------------------------------------ table

#[test]
fn table_lists_every_provider_once_and_lookup_agrees() {
    let ids: Vec<&str> = provider::providers().iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [
            "reve",
            "fal",
            "inference-sh",
            "aimlapi",
            "onerouter",
            "pixazo",
            "pixazo-edit",
            "replicate"
        ]
    );
    for info in provider::providers() {
        assert_eq!(provider::provider(info.id).expect("known").info(), info);
        assert!(info.base_url.starts_with("https://"));
        assert_eq!(info.prompt_max_chars, 2560);
    }
    let e = provider::provider("midjourney").err().expect("unknown");
    assert_eq!(e.code, ErrorCode::UnknownProvider);
    assert!(e.message.contains("reve"));
    let maxes: Vec<usize> = provider::providers().iter().map(|p| p.max_images).collect();
    assert_eq!(maxes, [6, 4, 6, 4, 4, 4, 1, 4]);
    assert_eq!(
        provider::provider("replicate").expect("r").info().cors,
        provider::Cors::No
    );
    assert_eq!(
        provider::provider("fal").expect("f").info().cors,
        provider::Cors::Yes
    );
}

// ------------------------------------------------------------------ validation

#[test]
fn validation_happens_before_any_request() {
    let one = || vec![png_src("a.png")];
    // Missing key, but not with a proxy.
    let mut c = cfg("reve");
    c.api_key = None;
    assert_eq!(
        start_err(&input("x", one()), &c).code,
        ErrorCode::MissingApiKey
    );
    c.proxy_url = Some("https://proxy.example/remix".into());
    assert!(provider::start(&input("x", one()), &c).is_ok());
    // Prompt and images.
    assert_eq!(
        start_err(&input("   ", one()), &cfg("reve")).code,
        ErrorCode::EmptyPrompt
    );
    assert_eq!(
        start_err(&input("x", vec![]), &cfg("reve")).code,
        ErrorCode::NoImages
    );
    let long = "a".repeat(2561);
    assert_eq!(
        start_err(&input(&long, one()), &cfg("reve")).code,
        ErrorCode::PromptTooLong
    );
    let five: Vec<_> = (0..5)
        .map(|i| url_src(&format!("https://e.com/{i}.png")))
        .collect();
    let e = start_err(&input("x", five), &cfg("fal"));
    assert_eq!(e.code, ErrorCode::TooManyImages);
    assert!(
        e.message.contains("fal") && e.message.contains('4'),
        "{}",
        e.message
    );
    let seven: Vec<_> = (0..7).map(|_| png_src("a.png")).collect();
    let e = start_err(&input("x", seven), &cfg("reve"));
    assert!(
        e.message.contains("Reve") && e.message.contains('6'),
        "{}",
        e.message
    );
    // Image bytes are inspected with the provider's limits.
    let bad = reve_remix_core::provider::ImageSource::Bytes {
        data: b"GIF89a....".as_slice().into(),
        name: Some("x.gif".into()),
    };
    assert!(
        start_err(&input("x", vec![bad]), &cfg("fal"))
            .code
            .is_image()
    );
    let empty = reve_remix_core::provider::ImageSource::Bytes {
        data: Vec::new().into(),
        name: None,
    };
    assert_eq!(
        start_err(&input("x", vec![empty]), &cfg("fal")).code,
        ErrorCode::EmptyImage
    );
    // A reference to an image that is not there.
    assert_eq!(
        start_err(&input("<img>3</img>", one()), &cfg("reve")).code,
        ErrorCode::UnknownReference
    );
}

#[test]
fn unsupported_and_out_of_range_options_are_invalid_option() {
    let base = || input("x", vec![url_src("https://e.com/a.png")]);
    let mut i = base();
    i.test_time_scaling = Some(2);
    let e = start_err(&i, &cfg("fal"));
    assert_eq!(e.code, ErrorCode::InvalidOption);
    assert!(
        e.message.contains("testTimeScaling") && e.message.contains("fal"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("reve") && e.message.contains("inference-sh"),
        "{}",
        e.message
    );
    // Ranges per provider.
    let mut i = input("x", vec![png_src("a.png")]);
    i.test_time_scaling = Some(15);
    assert!(provider::start(&i, &cfg("reve")).is_ok());
    i.test_time_scaling = Some(16);
    assert_eq!(start_err(&i, &cfg("reve")).code, ErrorCode::InvalidOption);
    let mut i = base();
    i.test_time_scaling = Some(6);
    assert_eq!(
        start_err(&i, &cfg("inference-sh")).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.upscale_factor = Some(5);
    assert_eq!(
        start_err(&i, &cfg("inference-sh")).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.aspect_ratio = Some("5:4".into());
    let e = start_err(&i, &cfg("fal"));
    assert!(e.code == ErrorCode::InvalidOption && e.message.contains("16:9"));
    let mut i = base();
    i.output_format = Some("gif".into());
    assert_eq!(start_err(&i, &cfg("fal")).code, ErrorCode::InvalidOption);
    let mut i = base();
    i.output_format = Some("png".into());
    assert_eq!(
        start_err(&i, &cfg("aimlapi")).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.remove_background = Some(true);
    assert_eq!(
        start_err(&i, &cfg("replicate")).code,
        ErrorCode::InvalidOption
    );
    i.remove_background = Some(false); // the default: harmless anywhere
    assert!(provider::start(&i, &cfg("replicate")).is_ok());
    let mut i = base();
    i.aspect_ratio = Some("1:1".into());
    assert_eq!(
        start_err(&i, &cfg("pixazo-edit")).code,
        ErrorCode::InvalidOption
    );
}

// ------------------------------------------------------------------ routing

#[test]
fn base_url_replaces_the_origin_and_keeps_its_path_prefix() {
    for (base, want) in [
        (
            "http://127.0.0.1:8787/reve",
            "http://127.0.0.1:8787/reve/v1/image/remix",
        ),
        (
            "http://127.0.0.1:8787/reve/",
            "http://127.0.0.1:8787/reve/v1/image/remix",
        ),
    ] {
        let mut c = cfg("reve");
        c.base_url = Some(base.into());
        let (_, _, req) = start(&input("x", vec![png_src("a.png")]), &c);
        assert_eq!(req.url, want);
    }
    let mut c = cfg("fal");
    c.base_url = Some("http://127.0.0.1:8787/fal".into());
    let (p, mut job, req) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    assert_eq!(req.url, "http://127.0.0.1:8787/fal/fal-ai/reve/remix");
    // URLs the provider returns are followed exactly as returned.
    let answer = json!({"request_id": "r1", "status_url": "http://127.0.0.1:8787/fal/q/r1/status",
        "response_url": "http://127.0.0.1:8787/fal/q/r1", "cancel_url": "http://127.0.0.1:8787/fal/q/r1/cancel"});
    feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &answer.to_string()),
    )
    .expect("submitted");
    assert_eq!(
        p.poll(&job, &c).expect("poll").url,
        "http://127.0.0.1:8787/fal/q/r1/status?logs=1"
    );
    assert_eq!(
        p.cancel(&job, &c).expect("cancel").url,
        "http://127.0.0.1:8787/fal/q/r1/cancel"
    );
}

#[test]
fn proxy_gets_every_request_with_the_target_header_and_no_key() {
    let proxy = "https://proxy.example/remix";
    for info in provider::providers() {
        let mut c = cfg(info.id);
        c.proxy_url = Some(proxy.into());
        let img = if info.id.starts_with("pixazo") {
            url_src("https://e.com/a.png")
        } else {
            png_src("a.png")
        };
        let (p, _job, req) = start(&input("x", vec![img]), &c);
        assert_eq!(req.url, proxy, "{}", info.id);
        let target = req.header("x-remix-target-url").expect("target header");
        assert!(target.starts_with(info.base_url), "{target}");
        assert_eq!(req.header("x-remix-provider"), Some(info.id));
        assert!(
            req.header("authorization").is_none()
                && req.header("ocp-apim-subscription-key").is_none()
        );
        assert_no_key(&format!("{req:?}"));
        let _ = p;
    }
    // Status reads too.
    let mut c = cfg("replicate");
    c.proxy_url = Some(proxy.into());
    let mut job = Job::new("replicate");
    job.id = "p1".into();
    let req = provider::provider("replicate")
        .expect("r")
        .poll(&job, &c)
        .expect("poll");
    assert_eq!(req.url, proxy);
    assert_eq!(
        req.header("x-remix-target-url"),
        Some("https://api.replicate.com/v1/predictions/p1")
    );
    assert!(req.header("authorization").is_none());
}

#[test]
fn debug_output_never_shows_the_key() {
    for info in provider::providers() {
        let img = if info.id.starts_with("pixazo") {
            url_src("https://e.com/a.png")
        } else {
            png_src("a.png")
        };
        let c = cfg(info.id);
        let (_, job, req) = start(&input("x", vec![img]), &c);
        let dbg = format!("{req:?} {c:?} {job:?}");
        assert_no_key(&dbg);
        assert!(dbg.contains("***"));
        // ...while the request does carry it.
        let auth = req.header(info.auth.header()).expect("auth header");
        assert!(auth.contains(KEY));
    }
}

// ------------------------------------------------------------------ Reve

#[test]
fn reve_request_is_raw_base64_with_postprocessing() {
    let png = png_1x1();
    let mut i = input("Put <img>0</img> on a beach", vec![png_src("cat.png")]);
    i.aspect_ratio = Some("16:9".into());
    i.version = Some("latest".into());
    i.test_time_scaling = Some(3);
    i.upscale_factor = Some(2);
    i.remove_background = Some(true);
    let (_, _, req) = start(&i, &cfg("reve"));
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://api.reve.com/v1/image/remix");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body.content_type(), Some("application/json"));
    assert_eq!(
        body(&req),
        json!({
            "prompt": "Put <img>0</img> on a beach",
            "reference_images": [b64(&png)],
            "aspect_ratio": "16:9",
            "version": "latest",
            "test_time_scaling": 3,
            "postprocessing": [{"process": "upscale", "upscale_factor": 2}, {"process": "remove_background"}]
        })
    );
    // Minimal input: no optional keys at all.
    let (_, _, req) = start(&input("x", vec![png_src("a.png")]), &cfg("reve"));
    assert_eq!(
        body(&req),
        json!({"prompt": "x", "reference_images": [b64(&png)]})
    );
    // Reve takes no URLs.
    let e = start_err(
        &input("x", vec![url_src("https://e.com/a.png")]),
        &cfg("reve"),
    );
    assert_eq!(e.code, ErrorCode::InvalidOption);
}

#[test]
fn reve_answers_map_to_results_and_errors() {
    let c = cfg("reve");
    let (p, mut job, _) = start(&input("x", vec![png_src("a.png")]), &c);
    let png_b64 = b64(&png_1x1());
    let ok = json!({"image": png_b64, "version": "reve-remix@20250915", "content_violation": false,
        "request_id": "rsid-1", "credits_used": 30, "credits_remaining": 970});
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &ok.to_string()),
    )
    .expect("ok") else {
        panic!("synchronous provider must finish at once")
    };
    assert_eq!(r.provider, "reve");
    assert_eq!(r.job_id.as_deref(), Some("rsid-1"));
    assert_eq!(r.credits_used, Some(30.0));
    assert_eq!(
        r.images[0].data_url.as_deref(),
        Some(format!("data:image/png;base64,{png_b64}").as_str())
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));

    let cv = json!({"image": png_b64, "content_violation": true, "request_id": "rsid-2"});
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &cv.to_string()),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    assert_eq!(e.request_id.as_deref(), Some("rsid-2"));

    let cases = [
        (400, ErrorCode::ProviderRejected, false),
        (401, ErrorCode::Unauthorized, false),
        (402, ErrorCode::InsufficientCredits, false),
        (422, ErrorCode::ProviderRejected, false),
        (429, ErrorCode::RateLimited, true),
        (500, ErrorCode::ProviderError, false),
        (503, ErrorCode::ProviderError, true),
    ];
    for (status, code, retryable) in cases {
        let b = json!({"error_code": "SOME_CODE", "message": format!("message {status}")});
        let r = res(status, &b.to_string())
            .with_header("Retry-After", "5")
            .with_header("x-request-id", "req-9");
        let e = feed_err(p, &mut job, &c, RequestKind::Submit, r);
        assert_eq!(
            (e.code, e.retryable, e.status),
            (code, retryable, Some(status)),
            "{status}"
        );
        assert!(
            e.message.contains(&format!("message {status}")),
            "{}",
            e.message
        );
        assert_eq!(e.provider, Some("reve"));
        assert_eq!(e.request_id.as_deref(), Some("req-9"));
        assert_no_key(&e.message);
        if status == 429 {
            assert_eq!(e.retry_after_secs, Some(5));
        }
        if status == 401 {
            assert!(e.message.contains("check the key"), "{}", e.message);
        }
    }
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            r#"{"error_code":"CONTENT_POLICY_VIOLATION","message":"no"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, "<html>oops</html>"),
    );
    assert_eq!(e.code, ErrorCode::MalformedResponse);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, r#"{"version":"x"}"#),
    );
    assert_eq!(e.code, ErrorCode::MalformedResponse);
}

// ------------------------------------------------------------------ fal

#[test]
fn fal_request_uses_key_scheme_and_data_urls() {
    let png = png_1x1();
    let mut i = input(
        "<img>0</img> and <img>1</img>",
        vec![png_src("a.png"), url_src("https://e.com/b.jpg")],
    );
    i.aspect_ratio = Some("1:1".into());
    i.output_format = Some("webp".into());
    let (_, _, req) = start(&i, &cfg("fal"));
    assert_eq!(req.url, "https://queue.fal.run/fal-ai/reve/remix");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Key {KEY}").as_str())
    );
    assert_eq!(
        body(&req),
        json!({"prompt": "<img>0</img> and <img>1</img>",
            "image_urls": [format!("data:image/png;base64,{}", b64(&png)), "https://e.com/b.jpg"],
            "aspect_ratio": "1:1", "output_format": "webp"})
    );
    // The MIME type of a data URL is the sniffed one, never the name's.
    let jpg = reve_remix_core::provider::ImageSource::Bytes {
        data: jpeg().into(),
        name: Some("photo.png".into()),
    };
    let (_, _, req) = start(&input("x", vec![jpg]), &cfg("fal"));
    assert!(
        body(&req)["image_urls"][0]
            .as_str()
            .expect("s")
            .starts_with("data:image/jpeg;base64,/9j/")
    );
}

#[test]
fn fal_follows_returned_urls_through_queue_progress_and_result() {
    let c = cfg("fal");
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let step = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &recorded("fal_submit.json")),
    )
    .expect("ok");
    assert_eq!(step, Step::Poll);
    assert_eq!(job.id, "764cabcf-b745-4b3e-ae38-1200304cf45b");
    assert_eq!(job.queue_position, Some(2));
    // Returned URLs (no /remix) are used as they are.
    let poll = p.poll(&job, &c).expect("poll");
    assert_eq!(
        poll.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status?logs=1"
    );
    assert_eq!(poll.method, Method::Get);
    assert_eq!(
        poll.header("Authorization"),
        Some(format!("Key {KEY}").as_str())
    );
    let stream = p.stream(&job, &c).expect("stream");
    assert_eq!(
        stream.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status/stream?logs=1"
    );
    assert_eq!(stream.kind, RequestKind::Stream);
    let cancel = p.cancel(&job, &c).expect("cancel");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Put,
            "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel"
        )
    );

    let q = res(
        202,
        r#"{"status":"IN_QUEUE","queue_position":1,"response_url":"https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b"}"#,
    );
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, q).expect("q"),
        Step::Poll
    );
    assert_eq!(
        (job.status, job.queue_position),
        (JobStatus::Queued, Some(1))
    );
    let run = res(
        202,
        r#"{"status":"IN_PROGRESS","logs":[{"message":"loading","level":"INFO"},{"message":"step 1"}]}"#,
    );
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, run).expect("r"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    assert_eq!(job.logs, ["loading", "step 1"]);
    let done = res(200, r#"{"status":"COMPLETED","logs":[]}"#);
    let Step::Send(get) = feed(p, &mut job, &c, RequestKind::Status, done).expect("c") else {
        panic!("result fetch")
    };
    assert_eq!(
        get.url,
        "https://queue.fal.run/fal-ai/reve/requests/764cabcf-b745-4b3e-ae38-1200304cf45b"
    );
    assert_eq!(get.kind, RequestKind::Result);
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(200, &recorded("fal_result.json")),
    )
    .expect("d") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://v3.fal.media/files/rabbit/abc123_remix.png")
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
    assert_eq!(
        r.job_id.as_deref(),
        Some("764cabcf-b745-4b3e-ae38-1200304cf45b")
    );
}

#[test]
fn fal_stream_lines_and_errors() {
    let c = cfg("fal");
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &recorded("fal_submit.json")),
    )
    .expect("ok");
    job.phase = RequestKind::Stream;
    assert_eq!(
        p.on_stream_line(&mut job, &c, b": keep-alive")
            .expect("comment"),
        None
    );
    assert_eq!(
        p.on_stream_line(&mut job, &c, b"event: message")
            .expect("event"),
        None
    );
    let l = br#"data: {"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#;
    assert_eq!(p.on_stream_line(&mut job, &c, l).expect("line"), None);
    let l = br#"data: {"status":"IN_PROGRESS","logs":[{"message":"b"}]}"#;
    p.on_stream_line(&mut job, &c, l).expect("line");
    assert_eq!(job.logs, ["a", "b"], "stream logs accumulate");
    let l = br#"data: {"status":"COMPLETED"}"#;
    assert!(
        matches!(p.on_stream_line(&mut job, &c, l).expect("done"), Some(Step::Send(r)) if r.kind == RequestKind::Result)
    );

    let detail = r#"{"detail":[{"loc":["body","image_urls"],"msg":"field required","type":"value_error.missing"}]}"#;
    let e = feed_err(p, &mut job, &c, RequestKind::Submit, res(422, detail));
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(
        e.message.contains("body.image_urls: field required"),
        "{}",
        e.message
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(503, "{}").with_header("X-Fal-Retryable", "false"),
    );
    assert!(!e.retryable);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(500, "{}").with_header("X-Fal-Retryable", "true"),
    );
    assert!(e.retryable);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, r#"{"detail":"Forbidden"}"#),
    );
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

/// The mock's `mock-violation` on fal: the status says COMPLETED with an
/// `error` whose words do not name moderation but whose `error_type` does,
/// and the result then answers 422 with a `content_policy_violation` detail.
/// Both are `content_violation`, however the words go.
#[test]
fn fal_content_policy_failures_are_content_violations() {
    let c = cfg("fal");
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &recorded("fal_submit.json")),
    )
    .expect("ok");
    let words = "The content could not be processed because it contained material flagged by a content checker.";
    let status = json!({"status": "COMPLETED", "logs": [], "error": words,
        "error_type": "content_policy_violation"})
    .to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &status));
    assert_eq!(e.code, ErrorCode::ContentViolation, "{e:?}");
    assert!(e.message.contains(words), "{}", e.message);
    assert!(!e.message.contains(".."), "{}", e.message);
    assert_eq!(
        e.request_id.as_deref(),
        Some("764cabcf-b745-4b3e-ae38-1200304cf45b")
    );

    // Whatever the words: the type says it.
    let terse = json!({"status": "COMPLETED", "error": "Request failed",
        "error_type": "content_policy_violation"})
    .to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &terse));
    assert_eq!(e.code, ErrorCode::ContentViolation, "{}", e.message);

    // The same over the event stream.
    job.phase = RequestKind::Stream;
    let line = ["data: ", &status].concat();
    let e = p
        .on_stream_line(&mut job, &c, line.as_bytes())
        .expect_err("violation");
    assert_eq!(e.code, ErrorCode::ContentViolation);

    // A plain failure stays job_failed, and is not read as moderation.
    let failed = json!({"status": "COMPLETED", "error": "The model failed to generate an image.",
        "error_type": "internal_server_error"})
    .to_string();
    let e = feed_err(p, &mut job, &c, RequestKind::Status, res(200, &failed));
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(
        e.message.ends_with("generate an image."),
        "one full stop: {}",
        e.message
    );

    // The result of such a request: 422 with a typed detail.
    let detail = json!({"detail": [{"loc": ["body", "prompt"], "msg": words,
        "type": "content_policy_violation", "url": "https://docs.fal.ai/errors#content_policy_violation"}]})
    .to_string();
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Result,
        res(422, &detail).with_header("X-Fal-Retryable", "false"),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    assert_eq!(e.status, Some(422));
    assert!(!e.retryable);
    assert!(
        e.message.contains("flagged by a content checker"),
        "{}",
        e.message
    );
}

/// The mock's `mock-402` on fal: 403 "User is locked. Reason: Exhausted
/// balance": the account is out of money, not the key wrong.
#[test]
fn a_403_that_says_the_balance_is_gone_is_insufficient_credits() {
    let c = cfg("fal");
    let (p, mut job, _) = start(&input("x", vec![url_src("https://e.com/a.png")]), &c);
    let locked = r#"{"detail":"User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}"#;
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, locked).with_header("X-Fal-Retryable", "false"),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits, "{}", e.message);
    assert_eq!(e.status, Some(403));
    assert!(!e.retryable);
    assert!(e.message.contains("Exhausted balance"), "{}", e.message);
    assert_no_key(&e.message);

    // Other wordings, and other providers whose 403 otherwise means the key.
    for (provider, body) in [
        ("fal", r#"{"detail":"Insufficient credits"}"#),
        (
            "replicate",
            r#"{"title":"Forbidden","detail":"You are out of credits."}"#,
        ),
        (
            "pixazo",
            r#"{"error":"insufficient_balance","message":"Top up."}"#,
        ),
        (
            "onerouter",
            r#"{"error":{"code":"insufficient_quota","message":"Quota exceeded"}}"#,
        ),
    ] {
        let c = cfg(provider);
        let p = provider::provider(provider).expect("known");
        let mut job = Job::new(p.info().id);
        let e = feed_err(p, &mut job, &c, RequestKind::Submit, res(403, body));
        assert_eq!(
            e.code,
            ErrorCode::InsufficientCredits,
            "{provider}: {}",
            e.message
        );
    }
    // A 403 that says nothing about money keeps the provider's meaning.
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, r#"{"detail":"Forbidden"}"#),
    );
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

// ------------------------------------------------------------------ inference.sh

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
    let (_, _, req) = start(&i, &cfg("inference-sh"));
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

#[test]
fn inference_sh_uploads_local_files_first() {
    let c = cfg("inference-sh");
    let png = png_1x1();
    let i = input(
        "<img>0</img> with <img>1</img>",
        vec![png_src("cat.png"), url_src("https://e.com/b.png")],
    );
    let (p, mut job, req) = start(&i, &c);
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
        json!({"files": [{"uri": "", "filename": "cat.png", "content_type": "image/png", "size": png.len()}]})
    );
    // The answer may come wrapped as {data: [...]}.
    let files = json!({"data": [{"id": "f1", "uri": "https://cloud.inference.sh/u/f1/cat.png",
        "upload_url": "https://storage.example/presigned?sig=abc", "content_type": "image/png"}]});
    let Step::Send(put) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Files,
        res(200, &files.to_string()),
    )
    .expect("files") else {
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
            data: png.clone()
        }
    );
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
    // Envelope variants of the run answer.
    for answer in [
        r#"{"id":"task_1","status":1}"#,
        r#"{"data":{"id":"task_1","status":"received"}}"#,
        r#"{"success":true,"data":{"id":"task_1","status":2},"error":null}"#,
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
fn inference_sh_statuses_streams_and_problem_json() {
    let c = cfg("inference-sh");
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
    // 10 = completed: fetch the full task for its output.
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
    let full = r#"{"id":"task_abc123","status":10,"output":{"image":{"uri":"https://cloud.inference.sh/u/o.png","content_type":"image/png"}}}"#;
    let Step::Done(r) = feed(p, &mut job, &c, RequestKind::Result, res(200, full)).expect("full")
    else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cloud.inference.sh/u/o.png")
    );
    let full = r#"{"id":"task_abc123","status":10,"output":{"image":"https://cloud.inference.sh/u/p.png"}}"#;
    let fresh = || {
        let mut j = Job::new("inference-sh");
        j.id = "task_abc123".into();
        j
    };
    let Step::Done(r) =
        feed(p, &mut fresh(), &c, RequestKind::Result, res(200, full)).expect("str")
    else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cloud.inference.sh/u/p.png")
    );
    // 11 failed, 12 cancelled.
    let e = feed_err(
        p,
        &mut fresh(),
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
        &mut fresh(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":"cancelled"}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
    let e = feed_err(
        p,
        &mut fresh(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":12}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
    // A failed status without a reason fetches the task for it.
    let s = feed(
        p,
        &mut fresh(),
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"task_abc123","status":11}"#),
    )
    .expect("fetch");
    assert!(matches!(s, Step::Send(r) if r.kind == RequestKind::Result));

    // NDJSON stream: heartbeats, wrapped records, deltas, 9, then 10 with output.
    let mut j = fresh();
    j.phase = RequestKind::Stream;
    let mut last = None;
    for line in recorded("inference_stream.ndjson").lines() {
        last = p.on_stream_line(&mut j, &c, line.as_bytes()).expect(line);
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

    // RFC 9457 problem+json.
    let prob = HttpResponse::new(400, br#"{"type":"https://inference.sh/problems/validation","title":"Invalid input","status":400,"detail":"prompt is required"}"#.to_vec())
        .with_header("content-type", "application/problem+json");
    let e = feed_err(p, &mut fresh(), &c, RequestKind::Submit, prob);
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(
        e.message.contains("Invalid input: prompt is required"),
        "{}",
        e.message
    );
    let e = feed_err(
        p,
        &mut fresh(),
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
        &mut fresh(),
        &c,
        RequestKind::Submit,
        res(402, r#"{"title":"Payment Required","status":402}"#),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
}

// ------------------------------------------------------------------ AI/ML API

#[test]
fn aimlapi_request_and_answers() {
    let png = png_1x1();
    let mut i = input(
        "Add a crown to <img>0</img>",
        vec![
            png_src("t.png"),
            url_src(
                "https://raw.githubusercontent.com/aimlapi/api-docs/main/reference-files/t-rex.png",
            ),
        ],
    );
    i.aspect_ratio = Some("4:3".into());
    let c = cfg("aimlapi");
    let (p, mut job, req) = start(&i, &c);
    assert_eq!(req.url, "https://api.aimlapi.com/v1/images/generations");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        body(&req),
        json!({"model": "reve/remix-edit-image", "prompt": "Add a crown to <img>0</img>",
            "image_urls": [format!("data:image/png;base64,{}", b64(&png)), "https://raw.githubusercontent.com/aimlapi/api-docs/main/reference-files/t-rex.png"],
            "aspect_ratio": "4:3"})
    );
    // 201 with the documented example.
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(201, &recorded("aimlapi_201.json")),
    )
    .expect("201") else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .url
            .as_deref()
            .expect("url")
            .starts_with("https://cdn.aimlapi.com/generations/")
    );
    assert_eq!(r.credits_used, Some(210_000.0));
    assert_eq!(
        job.request_id.as_deref(),
        Some("rsid-17c1ade740057a36b9711c72bbf4d63f")
    );
    // b64 results.
    let b = json!({"data": [{"url": null, "b64_json": b64(&png)}]}).to_string();
    let Step::Done(r) = feed(p, &mut job, &c, RequestKind::Submit, res(200, &b)).expect("b64")
    else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .data_url
            .as_deref()
            .expect("d")
            .starts_with("data:image/png;base64,iVBOR")
    );
    let cv = r#"{"data":[{"url":null,"b64_json":null,"content_violation":true}]}"#;
    assert_eq!(
        feed_err(p, &mut job, &c, RequestKind::Submit, res(201, cv)).code,
        ErrorCode::ContentViolation
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            r#"{"message":"Body validation error","statusCode":400}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert!(e.message.contains("Body validation error"));
    assert_eq!(
        feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(401, r#"{"message":"Unauthorized"}"#)
        )
        .code,
        ErrorCode::Unauthorized
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(403, r#"{"message":"You've run out of credits"}"#),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
    assert_eq!(
        feed_err(p, &mut job, &c, RequestKind::Submit, res(429, "{}")).code,
        ErrorCode::RateLimited
    );
}

// ------------------------------------------------------------------ OneRouter

#[test]
fn onerouter_sends_the_raw_key_and_maps_moderation() {
    let mut i = input("x", vec![url_src("https://e.com/a.png")]);
    i.output_format = Some("b64_json".into());
    i.aspect_ratio = Some("9:16".into());
    let c = cfg("onerouter");
    let (p, mut job, req) = start(&i, &c);
    assert_eq!(req.url, "https://image.onerouter.pro/v1/images/edits");
    assert_eq!(req.header("Authorization"), Some(KEY), "raw key, no Bearer");
    assert_eq!(
        body(&req),
        json!({"model": "reve-remix-image-to-image", "prompt": "x", "image_urls": ["https://e.com/a.png"],
            "aspect_ratio": "9:16", "n": 1, "output_format": "b64_json"})
    );
    let ok = json!({"data": [{"url": "https://cdn.onerouter.pro/x.png", "b64_json": "", "revised_prompt": ""}], "created": 1_700_000_000});
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(200, &ok.to_string()),
    )
    .expect("ok") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://cdn.onerouter.pro/x.png")
    );
    let err = |code: &str, msg: &str| {
        json!({"error": {"code": code, "message": msg, "type": "invalid_request_error", "param": null}}).to_string()
    };
    let cases = [
        (400, ErrorCode::ProviderRejected, false),
        (401, ErrorCode::Unauthorized, false),
        (402, ErrorCode::InsufficientCredits, false),
        (403, ErrorCode::ContentViolation, false),
        (408, ErrorCode::ProviderError, true),
        (429, ErrorCode::RateLimited, true),
        (502, ErrorCode::ProviderError, true),
        (503, ErrorCode::ProviderError, true),
    ];
    for (status, code, retryable) in cases {
        let e = feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(status, &err("some_code", &format!("said {status}"))),
        );
        assert_eq!((e.code, e.retryable), (code, retryable), "{status}");
        assert!(e.message.contains(&format!("said {status}")));
    }
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(
            400,
            &err(
                "moderation_blocked",
                "Your request was rejected by the safety system",
            ),
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
}

// ------------------------------------------------------------------ Pixazo

#[test]
fn pixazo_refuses_local_files_and_plain_http_before_any_request() {
    for id in ["pixazo", "pixazo-edit"] {
        let e = start_err(&input("x", vec![png_src("cat.png")]), &cfg(id));
        assert_eq!(e.code, ErrorCode::InvalidOption);
        assert!(e.message.contains("public https URL"), "{}", e.message);
        let e = start_err(&input("x", vec![url_src("http://e.com/a.png")]), &cfg(id));
        assert_eq!(e.code, ErrorCode::InvalidOption);
        assert!(e.message.contains("https"), "{}", e.message);
    }
    let two = vec![
        url_src("https://e.com/a.png"),
        url_src("https://e.com/b.png"),
    ];
    assert_eq!(
        start_err(&input("x", two), &cfg("pixazo-edit")).code,
        ErrorCode::TooManyImages
    );
}

#[test]
fn pixazo_requests_polling_and_outcomes() {
    let c = cfg("pixazo");
    let mut i = input(
        "A beautiful sunset over mountains with vibrant colors",
        vec![url_src("https://example.com/city-photo.jpg")],
    );
    i.aspect_ratio = Some("16:9".into());
    let (p, mut job, req) = start(&i, &c);
    assert_eq!(
        req.url,
        "https://gateway.pixazo.ai/reve-image/v1/image-edit-remix"
    );
    assert_eq!(req.header("Ocp-Apim-Subscription-Key"), Some(KEY));
    assert_eq!(req.header("Cache-Control"), Some("no-cache"));
    assert!(req.header("Authorization").is_none());
    assert_eq!(
        body(&req),
        json!({"prompt": "A beautiful sunset over mountains with vibrant colors",
            "reference_images": ["https://example.com/city-photo.jpg"], "aspect_ratio": "16:9"})
    );
    assert_eq!(
        feed(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(202, &recorded("pixazo_submit.json"))
        )
        .expect("s"),
        Step::Poll
    );
    let poll = p.poll(&job, &c).expect("poll");
    assert_eq!(
        poll.url,
        "https://gateway.pixazo.ai/v2/requests/status/reve-image_019dxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    );
    assert_eq!(poll.header("Ocp-Apim-Subscription-Key"), Some(KEY));
    assert!(p.cancel(&job, &c).is_none());
    let processing =
        r#"{"request_id":"reve-image_019d","status":"PROCESSING","output":null,"error":null}"#;
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Status, res(200, processing)).expect("p"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, &recorded("pixazo_completed.json")),
    )
    .expect("c") else {
        panic!("done")
    };
    assert!(
        r.images[0]
            .url
            .as_deref()
            .expect("u")
            .ends_with("/output.png")
    );
    assert_eq!(r.images[0].mime.as_deref(), Some("image/png"));
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, &recorded("pixazo_error.json")),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(
        e.message.contains("not charged") && e.message.contains("Description of the error"),
        "{}",
        e.message
    );
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"status":"FAILED","error":"bad image"}"#),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    assert!(!e.message.contains("not charged"));
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(402, &recorded("pixazo_402.json")),
    );
    assert_eq!(e.code, ErrorCode::InsufficientCredits);
    assert!(
        e.message
            .contains("Insufficient Balance: Your wallet does not have enough balance."),
        "{}",
        e.message
    );
    for (s, code) in [
        (400, ErrorCode::ProviderRejected),
        (401, ErrorCode::Unauthorized),
        (403, ErrorCode::Unauthorized),
        (429, ErrorCode::RateLimited),
        (500, ErrorCode::ProviderError),
    ] {
        assert_eq!(
            feed_err(
                p,
                &mut job,
                &c,
                RequestKind::Submit,
                res(s, r#"{"error":"E","message":"M"}"#)
            )
            .code,
            code,
            "{s}"
        );
    }

    // The single-image edit endpoint.
    let c = cfg("pixazo-edit");
    let mut i = input(
        "Add \"HELLO WORLD\" text",
        vec![url_src("https://example.com/photo.jpg")],
    );
    i.version = Some("reve-edit@20250915".into());
    let (_, _, req) = start(&i, &c);
    assert_eq!(
        req.url,
        "https://gateway.pixazo.ai/reve-image/v1/image-edit"
    );
    assert_eq!(
        body(&req),
        json!({"image": "https://example.com/photo.jpg", "prompt": "Add \"HELLO WORLD\" text", "version": "reve-edit@20250915"})
    );
}

// ------------------------------------------------------------------ Replicate

#[test]
fn replicate_prefers_wait_and_reads_predictions() {
    let png = png_1x1();
    let mut i = input("<img>0</img> as a watercolor", vec![png_src("a.png")]);
    i.version = Some("latest".into());
    let c = cfg("replicate");
    let (p, mut job, req) = start(&i, &c);
    assert_eq!(
        req.url,
        "https://api.replicate.com/v1/models/reve/remix/predictions"
    );
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("Prefer"), Some("wait"));
    assert_eq!(
        body(&req),
        json!({"input": {"prompt": "<img>0</img> as a watercolor",
            "reference_images": [format!("data:image/png;base64,{}", b64(&png))], "version": "latest"}})
    );
    let Step::Done(r) = feed(
        p,
        &mut job,
        &c,
        RequestKind::Submit,
        res(201, &recorded("replicate_succeeded.json")),
    )
    .expect("ok") else {
        panic!("done")
    };
    assert_eq!(
        r.images[0].url.as_deref(),
        Some("https://replicate.delivery/xezq/abc/output.webp")
    );
    assert_eq!(job.logs, ["Using seed: 1", "Generating..."]);

    let mut job = Job::new("replicate");
    job.phase = RequestKind::Submit;
    let starting = r#"{"id":"p9","status":"starting","output":null,"urls":{"get":"https://api.replicate.com/v1/predictions/p9","cancel":"https://api.replicate.com/v1/predictions/p9/cancel"}}"#;
    assert_eq!(
        feed(p, &mut job, &c, RequestKind::Submit, res(201, starting)).expect("s"),
        Step::Poll
    );
    assert_eq!((job.id.as_str(), job.status), ("p9", JobStatus::Queued));
    assert_eq!(
        p.poll(&job, &c).expect("p").url,
        "https://api.replicate.com/v1/predictions/p9"
    );
    let cancel = p.cancel(&job, &c).expect("c");
    assert_eq!(
        (cancel.method, cancel.url.as_str()),
        (
            Method::Post,
            "https://api.replicate.com/v1/predictions/p9/cancel"
        )
    );
    assert_eq!(
        feed(
            p,
            &mut job,
            &c,
            RequestKind::Status,
            res(200, r#"{"id":"p9","status":"processing"}"#)
        )
        .expect("p"),
        Step::Poll
    );
    assert_eq!(job.status, JobStatus::Running);
    let arr = r#"{"id":"p9","status":"succeeded","output":["https://replicate.delivery/a.png"]}"#;
    assert!(matches!(
        feed(p, &mut job, &c, RequestKind::Status, res(200, arr)).expect("a"),
        Step::Done(_)
    ));
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(
            200,
            r#"{"id":"p9","status":"failed","error":"NSFW content detected"}"#,
        ),
    );
    assert_eq!(e.code, ErrorCode::ContentViolation);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"p9","status":"failed","error":"boom"}"#),
    );
    assert_eq!(e.code, ErrorCode::JobFailed);
    let e = feed_err(
        p,
        &mut job,
        &c,
        RequestKind::Status,
        res(200, r#"{"id":"p9","status":"canceled"}"#),
    );
    assert_eq!(e.code, ErrorCode::Cancelled);
    for (s, code) in [
        (401, ErrorCode::Unauthorized),
        (402, ErrorCode::InsufficientCredits),
        (422, ErrorCode::ProviderRejected),
        (429, ErrorCode::RateLimited),
    ] {
        let e = feed_err(
            p,
            &mut job,
            &c,
            RequestKind::Submit,
            res(s, r#"{"detail":"Invalid input: prompt"}"#),
        );
        assert_eq!(e.code, code);
        assert!(e.message.contains("Invalid input: prompt"));
    }
}

#[test]
fn a_cors_like_failure_on_replicate_says_to_use_a_proxy() {
    let info = provider::provider("replicate").expect("r").info();
    let e = provider::network_error(info, &cfg("replicate"), "TypeError: Failed to fetch");
    assert_eq!(e.code, ErrorCode::Network);
    assert!(
        e.message.contains("proxyUrl") && e.message.contains("CORS") && e.message.contains("mock"),
        "{}",
        e.message
    );
    let mut c = cfg("replicate");
    c.proxy_url = Some("https://proxy.example".into());
    let e = provider::network_error(info, &c, "TypeError: Failed to fetch");
    assert!(!e.message.contains("CORS"), "{}", e.message);
    let fal = provider::provider("fal").expect("f").info();
    assert!(
        !provider::network_error(fal, &cfg("fal"), "x")
            .message
            .contains("CORS")
    );
}
