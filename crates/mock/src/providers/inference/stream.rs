//! inference.sh's task stream, as sdk-js reads it: NDJSON lines of the
//! task, heartbeats while nothing moves, partial updates as the status
//! moves, the final task, then close.

use super::*;

/// Heartbeats, partial updates as the status moves, the final task, close.
pub(super) async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Path(id): Path<String>,
) -> Response {
    let (job, env) = match find(&state, &headers, &q, &id) {
        Ok(v) => v,
        Err(res) => return res,
    };
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("text/event-stream") && !accept.contains("application/x-ndjson") {
        let mut res = error(
            env,
            ApiError::Failed(
                "This endpoint streams NDJSON: send 'Accept: application/x-ndjson'".into(),
            ),
        );
        *res.status_mut() = StatusCode::NOT_ACCEPTABLE;
        return res;
    }
    let tick = (job.duration / 20).clamp(Duration::from_millis(20), Duration::from_millis(500));
    let limit = state.config().hang_limit.max(job.duration * 2);
    let started = Instant::now();

    struct S {
        state: AppState,
        id: String,
        last: Option<u8>,
        quiet_ticks: u32,
        first: bool,
        done: bool,
    }
    let init = S {
        state,
        id,
        last: None,
        quiet_ticks: 0,
        first: true,
        done: false,
    };
    let lines = futures_util::stream::unfold(init, move |mut s| async move {
        if s.done {
            return None;
        }
        let line = |v: Value| -> Result<Bytes, std::io::Error> {
            let mut b = serde_json::to_vec(&v).unwrap_or_default();
            b.push(b'\n');
            Ok(Bytes::from(b))
        };
        if s.first {
            // The task as it is now, then a heartbeat.
            s.first = false;
            let job = s.state.job(PROVIDER, &s.id)?;
            let now = Instant::now();
            s.last = Some(status_of(&job, now).0);
            if job.phase(now).is_terminal() {
                s.done = true;
            }
            return Some((line(json!({"data": task_json(&job, now)})), s));
        }
        loop {
            if s.quiet_ticks == 0 && s.last.is_some() && !s.done {
                s.quiet_ticks = 1;
                return Some((line(json!({"type": "heartbeat"})), s));
            }
            tokio::time::sleep(tick).await;
            let job = s.state.job(PROVIDER, &s.id)?;
            let now = Instant::now();
            let (status, updated) = status_of(&job, now);
            if job.phase(now).is_terminal() {
                s.done = true;
                return Some((line(json!({"data": task_json(&job, now)})), s));
            }
            if started.elapsed() > limit {
                return None;
            }
            if Some(status) != s.last {
                s.last = Some(status);
                s.quiet_ticks = 1;
                let partial = json!({"id": s.id, "status": status, "updated_at": rfc3339(updated)});
                return Some((
                    line(json!({"data": partial, "fields": ["status", "updated_at"]})),
                    s,
                ));
            }
            s.quiet_ticks += 1;
            if s.quiet_ticks >= 5 {
                s.quiet_ticks = 0;
            }
        }
    });
    let mut res = Response::new(Body::from_stream(lines));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}
