//! Retries: Retry-After, back-off, what is retried and what never is.

use super::*;

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
        let announced: Vec<u64> = updates_of(&mut d)
            .iter()
            .filter_map(|u| u.retry_in_ms)
            .collect();
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
