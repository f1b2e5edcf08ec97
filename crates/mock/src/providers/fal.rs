//! fal: the queue API, `POST /fal/fal-ai/reve/remix` with `Authorization: Key <key>`.
//!
//! Submit answers `{status: "IN_QUEUE", request_id, status_url, response_url,
//! cancel_url, queue_position}`; the URLs drop the `/remix` subpath as fal's
//! do (`…/fal-ai/reve/requests/{id}/status`). `GET status_url[?logs=1]` →
//! `IN_QUEUE` (`queue_position`) / `IN_PROGRESS` (`logs` when asked) /
//! `COMPLETED` (with `error`, `error_type` when the run failed);
//! `GET status_url/stream[?logs=1]` is the same as server-sent events (one
//! `data:` event per change, carrying only new log lines, closed after
//! `COMPLETED`, as fal-js `streamStatus` reads it);
//! `GET response_url` → `{images: [{url, content_type, file_name, file_size,
//! width, height}], seed}`, or the run's error; `PUT cancel_url`.
//! Errors: 422 `{detail: [{loc, msg, type}]}`, others `{detail: "…"}`, all
//! with `X-Fal-Retryable`. Out of credits is 403 "User is locked. Reason:
//! Exhausted balance" (as fal words it; unverified). The result's
//! `error_type` for a cancelled request is unverified.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::{NewJob, results_routes, spec, start_job};

/// The most `image_urls` fal takes.
const MAX_IMAGES: usize = 6;
use crate::common::{self, ApiError, Invalid};
use crate::images::{self, Transports};
use crate::render::OutFormat;
use crate::scenario::{AuthError, AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

const PROVIDER: &str = "fal";
const PREFIX: &str = "/fal";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fal-ai/reve/remix", post(submit))
        .route("/fal-ai/reve/requests/{id}/status", get(status))
        .route(
            "/fal-ai/reve/requests/{id}/status/stream",
            get(status_stream),
        )
        .route("/fal-ai/reve/requests/{id}", get(result))
        .route("/fal-ai/reve/requests/{id}/cancel", put(cancel))
        .merge(results_routes())
        .fallback(|| async { error(ApiError::NotFound("Not Found".into())) })
}

/// A fal error answer, with `X-Fal-Retryable`.
pub fn error(e: ApiError) -> Response {
    let (status, body) = match e {
        ApiError::Auth(AuthError::Missing) => (
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Authentication is required to perform this action."}),
        ),
        ApiError::Auth(AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Invalid Authorization header; use 'Authorization: Key <FAL_KEY>'."}),
        ),
        ApiError::Auth(AuthError::Invalid) => (
            StatusCode::UNAUTHORIZED,
            json!({"detail": "No user found for Key ID and Secret"}),
        ),
        ApiError::Payment => (
            StatusCode::FORBIDDEN,
            json!({"detail": "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"detail": "Rate limit exceeded. Please retry later."}),
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"detail": "Internal Server Error"}),
        ),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, json!({"detail": m})),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            json!({"detail": "Request timed out"}),
        ),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, json!({"detail": m})),
        ApiError::Invalid(inv) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": [detail_item(&inv)]}),
        ),
    };
    // Rate limits and infrastructure errors may pass on a retry; a failed
    // run, bad input or bad credentials will not.
    let retryable = matches!(status.as_u16(), 429 | 502 | 503 | 504)
        || body["detail"] == "Internal Server Error";
    let res = common::json(status, &body);
    common::with_header(
        res,
        "x-fal-retryable",
        if retryable { "true" } else { "false" },
    )
}

/// `{loc: ["body", "image_urls", 2], msg, type}`
fn detail_item(inv: &Invalid) -> Value {
    let mut loc = vec![json!("body")];
    for part in inv.field.split('.').filter(|p| !p.is_empty()) {
        match part.split_once('[') {
            Some((name, idx)) => {
                loc.push(json!(name));
                if let Ok(i) = idx.trim_end_matches(']').parse::<u64>() {
                    loc.push(json!(i));
                }
            }
            None => loc.push(json!(part)),
        }
    }
    json!({"loc": loc, "msg": inv.message, "type": inv.kind.slug()})
}

async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let config = state.config().clone();
    let scenario = match common::admit(
        &headers,
        AuthStyle::FalKey,
        &config,
        error,
        r#"{"status":"IN_QUEUE","request_id":"0b9a"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let obj = match common::parse_object(&body) {
        Ok(o) => o,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let checked = (|| {
        let prompt = common::req_str(&obj, "prompt")?;
        // "between 1 and 6 images (inclusive)": fal's client types,
        // `@fal-ai/client` 1.8.0–1.9.5 `ReveRemixInput` (2025-12-17 on).
        let urls = common::str_array(&obj, "image_urls", 1, MAX_IMAGES)?;
        common::check_prompt(prompt, urls.len(), "prompt")?;
        let aspect = common::check_aspect(&obj, "aspect_ratio")?;
        let copies = common::opt_int(&obj, "num_images", 1, 4)?.unwrap_or(1);
        let format = match common::check_enum(&obj, "output_format", &["png", "jpeg", "webp"])? {
            Some("jpeg") => OutFormat::Jpeg,
            Some("webp") => OutFormat::Webp,
            _ => OutFormat::Png,
        };
        common::opt_bool(&obj, "sync_mode")?;
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        let images = images::load_all(&state, "image_urls", &urls, t)?;
        let mut s = spec(images, prompt, aspect);
        s.format = format;
        Ok::<_, Invalid>((s, copies as usize))
    })();
    let (s, copies) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let origin = common::origin(&headers);
    let id = state.uuid();
    let job = start_job(
        &state,
        NewJob {
            provider: PROVIDER,
            id,
            prefix: PREFIX,
            origin: &origin,
            scenario,
            input: Value::Object(obj.clone()),
            spec: s,
            copies,
            violation_message: "The content could not be processed because it contained material flagged by a content checker.",
            failure_message: "The model failed to generate an image.",
        },
    )
    .await;
    let mut body = urls(&origin, &job.id);
    body["status"] = json!("IN_QUEUE");
    body["queue_position"] = json!(crate::state::QUEUE_LENGTH - 1);
    common::json(StatusCode::OK, &body)
}

fn urls(origin: &str, id: &str) -> Value {
    let base = format!("{origin}{PREFIX}/fal-ai/reve/requests/{id}");
    json!({
        "request_id": id,
        "response_url": base,
        "status_url": format!("{base}/status"),
        "cancel_url": format!("{base}/cancel"),
    })
}

// Reason: the error is the finished answer, handed straight back by the handler.
#[allow(clippy::result_large_err)]
fn find(state: &AppState, headers: &HeaderMap, id: &str) -> Result<Job, Response> {
    authenticate(headers, AuthStyle::FalKey).map_err(|e| error(ApiError::Auth(e)))?;
    state
        .job(PROVIDER, id)
        .ok_or_else(|| error(ApiError::NotFound(format!("Request {id} not found"))))
}

fn status_body(job: &Job, origin: &str, now: Instant, logs: Option<Vec<Value>>) -> Value {
    let mut body = urls(origin, &job.id);
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

async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let job = match find(&state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    let now = Instant::now();
    let logs = wants_logs(&q).then(|| log_items(&job, now));
    common::json(
        StatusCode::OK,
        &status_body(&job, &common::origin(&headers), now, logs),
    )
}

/// Server-sent events: a `data:` event per change, then close after `COMPLETED`.
async fn status_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let job = match find(&state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    let origin = common::origin(&headers);
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
                let job = state.job(PROVIDER, &id)?;
                let now = Instant::now();
                let all_logs = log_items(&job, now);
                let body = status_body(&job, &origin, now, None);
                let key = format!(
                    "{}{}{}",
                    body["status"],
                    body["queue_position"],
                    all_logs.len()
                );
                let terminal = job.phase(now).is_terminal();
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

async fn result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let job = match find(&state, &headers, &id) {
        Ok(j) => j,
        Err(res) => return res,
    };
    match job.phase(Instant::now()) {
        Phase::Queued { .. } | Phase::Running { .. } => {
            let res = common::json(
                StatusCode::BAD_REQUEST,
                &json!({"detail": "Request is still in progress"}),
            );
            common::with_header(res, "x-fal-retryable", "false")
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
            let res = common::json(StatusCode::OK, &json!({"images": images, "seed": 42}));
            common::with_header(res, "x-fal-request-id", &id)
        }
        Phase::Violation(m) => {
            let detail = json!([{
                "loc": ["body", "prompt"],
                "msg": m,
                "type": "content_policy_violation",
                "url": "https://docs.fal.ai/errors#content_policy_violation",
            }]);
            let res = common::json(StatusCode::UNPROCESSABLE_ENTITY, &json!({"detail": detail}));
            common::with_header(res, "x-fal-retryable", "false")
        }
        Phase::Failed(m) => error(ApiError::Failed(m)),
        Phase::Cancelled => {
            let res = common::json(
                StatusCode::BAD_REQUEST,
                &json!({"detail": "Request was cancelled"}),
            );
            common::with_header(res, "x-fal-retryable", "false")
        }
    }
}

async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::FalKey) {
        return error(ApiError::Auth(e));
    }
    match state.cancel_job(PROVIDER, &id) {
        None => error(ApiError::NotFound(format!("Request {id} not found"))),
        Some((_, true)) => common::json(
            StatusCode::ACCEPTED,
            &json!({"status": "CANCELLATION_REQUESTED"}),
        ),
        Some((_, false)) => common::json(
            StatusCode::BAD_REQUEST,
            &json!({"status": "ALREADY_COMPLETED"}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Kind;

    #[test]
    fn loc_paths() {
        let inv = Invalid::new("image_urls[2]", Kind::Encoding, "x");
        assert_eq!(detail_item(&inv)["loc"], json!(["body", "image_urls", 2]));
    }
}
