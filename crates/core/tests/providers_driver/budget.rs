//! The 30 s budget: a queued job followed within it, its updates, jitter.

use super::*;

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
