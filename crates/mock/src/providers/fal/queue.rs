//! fal's queue, after the submit: status (plain and as server-sent
//! events), result and cancel, for each of fal's Reve apps ([`App`]).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, app, error, urls};
use crate::answer::{self, ApiError};
use crate::scenario::{AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

// Reason: the error is the finished answer, handed straight back by the handler.
#[allow(clippy::result_large_err)]
fn find(app: App, state: &AppState, headers: &HeaderMap, id: &str) -> Result<Job, Response> {
    authenticate(headers, AuthStyle::FalKey).map_err(|e| error(ApiError::Auth(e)))?;
    state
        .job(app.store, id)
        .ok_or_else(|| error(ApiError::NotFound(format!("Request {id} not found"))))
}

fn status_body(app: App, job: &Job, origin: &str, now: Instant, logs: Option<Vec<Value>>) -> Value {
    let mut body = urls(app, origin, &job.id);
    let logs = logs.map(Value::Array).unwrap_or(Value::Null);
    match job.phase(now) {
        Phase::Queued { position } => {
            body["status"] = json!("IN_QUEUE");
            body["queue_position"] = json!(position);
        }
        Phase::Running { .. } => {
            body["status"] = json!("IN_PROGRESS");
            body["logs"] = logs;
        }
        phase => {
            body["status"] = json!("COMPLETED");
            body["logs"] = logs;
            body["metrics"] = json!({"inference_time": job.duration.as_secs_f64() * 0.7});
            match phase {
                Phase::Failed(m) => {
                    body["error"] = json!(m);
                    body["error_type"] = json!("internal_server_error");
                }
                Phase::Violation(m) => {
                    body["error"] = json!(m);
                    body["error_type"] = json!("content_policy_violation");
                }
                Phase::Cancelled => {
                    body["error"] = json!("Request was cancelled");
                    body["error_type"] = json!("request_cancelled");
                }
                _ => {}
            }
        }
    }
    body
}

fn log_items(job: &Job, now: Instant) -> Vec<Value> {
    job.logs(now)
        .into_iter()
        .map(|(m, t)| json!({"message": m, "level": "INFO", "source": "user", "timestamp": rfc3339(t)}))
        .collect()
}

fn wants_logs(q: &HashMap<String, String>) -> bool {
    q.get("logs").is_some_and(|v| v == "1" || v == "true")
}

pub async fn status<const V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let app = app::<V21>();
    let job = match find(app, &state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    let now = Instant::now();
    let logs = wants_logs(&q).then(|| log_items(&job, now));
    answer::json(
        StatusCode::OK,
        &status_body(app, &job, &answer::origin(&headers), now, logs),
    )
}

/// Server-sent events: a `data:` event per change, then close after `COMPLETED`.
pub async fn status_stream<const V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let app = app::<V21>();
    let job = match find(app, &state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    let origin = answer::origin(&headers);
    let want_logs = wants_logs(&q);
    let tick = (job.duration / 20).clamp(Duration::from_millis(20), Duration::from_millis(500));
    let limit = state.config().hang_limit.max(job.duration * 2);
    let started = Instant::now();
    // (state, id, last event key, logs sent, done)
    let init = (state, id, String::new(), 0usize, false);
    let events = futures_util::stream::unfold(init, move |(state, id, last, sent, done)| {
        let origin = origin.clone();
        async move {
            if done {
                return None;
            }
            let mut first = last.is_empty();
            loop {
                if !first {
                    tokio::time::sleep(tick).await;
                }
                first = false;
                let job = state.job(app.store, &id)?;
                let now = Instant::now();
                let all_logs = log_items(&job, now);
                let body = status_body(app, &job, &origin, now, None);
                let key = format!(
                    "{}{}{}",
                    body["status"],
                    body["queue_position"],
                    all_logs.len()
                );
                let terminal = job.phase(now).is_terminal();
                // A job that ran wholly between two ticks (a short job on a
                // loaded machine) still passed through IN_PROGRESS, and fal
                // reports every state it passes through: so does the mock.
                if terminal && body["status"] == "COMPLETED" && !last.contains("IN_PROGRESS") {
                    let mut running = body.clone();
                    running["status"] = Value::from("IN_PROGRESS");
                    if want_logs {
                        running["logs"] =
                            Value::Array(all_logs.get(sent..).unwrap_or(&[]).to_vec());
                    }
                    let event = format!("data: {running}\n\n");
                    return Some((
                        Ok::<_, std::io::Error>(Bytes::from(event)),
                        (
                            state,
                            id,
                            "\"IN_PROGRESS\"".to_string(),
                            all_logs.len(),
                            false,
                        ),
                    ));
                }
                if key != last || terminal {
                    let mut body = body;
                    if want_logs && body["status"] != "IN_QUEUE" {
                        body["logs"] = Value::Array(all_logs.get(sent..).unwrap_or(&[]).to_vec());
                    }
                    let event = format!("data: {body}\n\n");
                    let n = all_logs.len();
                    return Some((
                        Ok::<_, std::io::Error>(Bytes::from(event)),
                        (state, id, key, n, terminal),
                    ));
                }
                if started.elapsed() > limit {
                    return None;
                }
            }
        }
    });
    let mut res = Response::new(Body::from_stream(events));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

pub async fn result<const V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let app = app::<V21>();
    let job = match find(app, &state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    match job.phase(Instant::now()) {
        Phase::Queued { .. } | Phase::Running { .. } => {
            let res = answer::json(
                StatusCode::BAD_REQUEST,
                &json!({"detail": "Request is still in progress"}),
            );
            answer::with_header(res, "x-fal-retryable", "false")
        }
        Phase::Completed => {
            let images: Vec<Value> = job
                .results
                .iter()
                .map(|r| {
                    json!({
                        "url": r.url,
                        "content_type": r.mime,
                        "file_name": r.url.rsplit('/').next().unwrap_or("result.png"),
                        "file_size": r.size,
                        "width": r.width,
                        "height": r.height,
                    })
                })
                .collect();
            // fal names the request in a header too; fal's own client
            // reads the result's `requestId` from it.
            let res = answer::json(StatusCode::OK, &json!({"images": images, "seed": 42}));
            answer::with_header(res, "x-fal-request-id", &id)
        }
        Phase::Violation(m) => {
            let detail = json!([{
                "loc": ["body", "prompt"],
                "msg": m,
                "type": "content_policy_violation",
                "url": "https://docs.fal.ai/errors#content_policy_violation",
            }]);
            let res = answer::json(StatusCode::UNPROCESSABLE_ENTITY, &json!({"detail": detail}));
            answer::with_header(res, "x-fal-retryable", "false")
        }
        Phase::Failed(m) => error(ApiError::Failed(m)),
        Phase::Cancelled => {
            let res = answer::json(
                StatusCode::BAD_REQUEST,
                &json!({"detail": "Request was cancelled"}),
            );
            answer::with_header(res, "x-fal-retryable", "false")
        }
    }
}

pub async fn cancel<const V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::FalKey) {
        return error(ApiError::Auth(e));
    }
    match state.cancel_job(app::<V21>().store, &id) {
        None => error(ApiError::NotFound(format!("Request {id} not found"))),
        Some((_, true)) => answer::json(
            StatusCode::ACCEPTED,
            &json!({"status": "CANCELLATION_REQUESTED"}),
        ),
        Some((_, false)) => answer::json(
            StatusCode::BAD_REQUEST,
            &json!({"status": "ALREADY_COMPLETED"}),
        ),
    }
}
