//! inference.sh: `POST /inference-sh/apps/run` with `Authorization: Bearer <key>`.
//!
//! Body `{app: "reve/remix", input: {prompt, images: [uri], aspect_ratio?,
//! version?, test_time_scaling? (1–5), upscale_factor? (2–4),
//! remove_background?}}` → a task `{id, status: <number>, app, input, output,
//! error, created_at, updated_at, session_id}`. Task status numbers (newest
//! numbering, from sdk-js): 1 received, 2 queued, 3 dispatched, 4 preparing,
//! 5 serving, 6 setting_up, 7 running, 9 uploading (not done!), 10 completed,
//! 11 failed, 12 cancelled. `GET /tasks/{id}/status` → `{id, status,
//! updated_at}`; `GET /tasks/{id}` → the full task, `output: {image: {uri,
//! content_type, filename, size}}` when done (the output field's shape is
//! unverified); `POST /tasks/{id}/cancel`; `GET /tasks/{id}/stream` →
//! NDJSON (`{"type":"heartbeat"}` lines, partial updates `{data, fields}`,
//! the final `{data: task}`, then the stream closes).
//!
//! Envelopes: answers are `{data: …}` by default; `?envelope=bare` or the
//! key `mock-bare` answers the bare object, `?envelope=legacy` or the key
//! `mock-legacy` the old `{success, data, error}` envelope. Errors are RFC
//! 9457 `application/problem+json` `{type, title, status, detail}` (type
//! URIs are the mock's own), or `{success: false, error: {code, message}}`
//! in the legacy envelope.
//!
//! Uploads follow sdk-js `files.ts`: `POST /inference-sh/files {files:
//! [{filename, content_type, size?}]}` → `{data: [{id, uri, upload_url,
//! filename, content_type, size, created_at}]}` (the request shape is the
//! SDK's; the record's fields beyond `id`, `uri` and `upload_url` are
//! unverified), then `PUT upload_url` with the raw bytes (no auth: it is
//! "presigned"); `GET uri` returns them. Task images must be such uris,
//! uploaded, or https URLs (accepted without fetching).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Map, Value, json};

use super::{NewJob, results_routes, spec, start_job};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid, Kind};
use crate::faults;
use crate::images::{self, Transports};
use crate::scenario::{AuthError, AuthStyle, Scenario, authenticate};
use crate::state::{AppState, FileRecord, Job, Phase, Upload, rfc3339};

mod files;
mod stream;
use files::{create_files, download, upload};
use stream::stream;

const PROVIDER: &str = "inference-sh";
const PREFIX: &str = "/inference-sh";
const APP: &str = "reve/remix";

/// Status numbers of the newest numbering.
pub mod status {
    pub const RECEIVED: u8 = 1;
    pub const QUEUED: u8 = 2;
    pub const DISPATCHED: u8 = 3;
    pub const PREPARING: u8 = 4;
    pub const SERVING: u8 = 5;
    pub const SETTING_UP: u8 = 6;
    pub const RUNNING: u8 = 7;
    pub const UPLOADING: u8 = 9;
    pub const COMPLETED: u8 = 10;
    pub const FAILED: u8 = 11;
    pub const CANCELLED: u8 = 12;
}

/// When (as a fraction of the job's time) each non-terminal status begins.
const STEPS: [(f64, u8); 8] = [
    (0.0, status::RECEIVED),
    (0.05, status::QUEUED),
    (0.2, status::DISPATCHED),
    (0.3, status::PREPARING),
    (0.4, status::SERVING),
    (0.45, status::SETTING_UP),
    (0.5, status::RUNNING),
    (0.85, status::UPLOADING),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps/run", post(run))
        .route("/files", post(create_files))
        .route("/uploads/{id}", put(upload))
        .route("/cdn/{id}/{name}", get(download))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/status", get(task_status))
        .route("/tasks/{id}/cancel", post(cancel))
        .route("/tasks/{id}/stream", get(stream))
        .merge(results_routes())
        .fallback(|| async {
            error(
                Envelope::Data,
                ApiError::NotFound("No such endpoint".into()),
            )
        })
}

/// How answers are wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// `{data: …}`, the default.
    Data,
    /// The object itself.
    Bare,
    /// `{success, data, error}`.
    Legacy,
}

fn envelope(q: &HashMap<String, String>, scenario: Option<Scenario>) -> Envelope {
    match q.get("envelope").map(String::as_str) {
        Some("bare") => return Envelope::Bare,
        Some("legacy") => return Envelope::Legacy,
        Some("data") => return Envelope::Data,
        _ => {}
    }
    match scenario {
        Some(Scenario::EnvelopeBare) => Envelope::Bare,
        Some(Scenario::EnvelopeLegacy) => Envelope::Legacy,
        _ => Envelope::Data,
    }
}

/// The envelope for a request whose auth may have failed.
fn envelope_of(headers: &HeaderMap, q: &HashMap<String, String>) -> Envelope {
    envelope(q, authenticate(headers, AuthStyle::Bearer).ok())
}

fn ok(env: Envelope, status: StatusCode, value: Value) -> Response {
    let body = match env {
        Envelope::Data => json!({ "data": value }),
        Envelope::Bare => value,
        Envelope::Legacy => json!({ "success": true, "data": value, "error": null }),
    };
    answer::json(status, &body)
}

/// An inference.sh error, problem+json (or the legacy envelope).
pub fn error(env: Envelope, e: ApiError) -> Response {
    let (status, slug, title, detail, errors) = match e {
        ApiError::Auth(AuthError::Missing) => (
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "Missing API key: send 'Authorization: Bearer <key>'".to_string(),
            None,
        ),
        ApiError::Auth(AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "The Authorization header must be 'Bearer <key>'".to_string(),
            None,
        ),
        ApiError::Auth(AuthError::Invalid) => (
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "Invalid API key".to_string(),
            None,
        ),
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "insufficient-credits",
            "Payment Required",
            "Insufficient credits: top up your balance to run this app".to_string(),
            None,
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too Many Requests",
            "Rate limit exceeded; retry after the Retry-After delay".to_string(),
            None,
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal Server Error",
            "An unexpected error occurred".to_string(),
            None,
        ),
        ApiError::Failed(m) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal Server Error",
            m,
            None,
        ),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            "Gateway Timeout",
            "Timed out".to_string(),
            None,
        ),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "not-found", "Not Found", m, None),
        ApiError::Invalid(inv) => {
            let status = if inv.kind == Kind::Json {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let title = if inv.kind == Kind::Json {
                "Bad Request"
            } else {
                "Validation Failed"
            };
            let errors =
                json!([{ "field": inv.field, "message": inv.message, "code": inv.kind.slug() }]);
            (status, "validation", title, inv.message, Some(errors))
        }
    };
    if env == Envelope::Legacy {
        let body = json!({
            "success": false,
            "data": null,
            "error": { "code": slug.replace('-', "_"), "message": detail },
        });
        return answer::json(status, &body);
    }
    let mut body = json!({
        "type": format!("https://api.inference.sh/problems/{slug}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(errors) = errors {
        body["errors"] = errors;
    }
    answer::json_typed(status, &body, "application/problem+json")
}

fn status_of(job: &Job, now: Instant) -> (u8, SystemTime) {
    match job.phase(now) {
        Phase::Cancelled => (status::CANCELLED, job.cancelled.unwrap_or(job.created_at)),
        Phase::Completed => (status::COMPLETED, job.created_at + job.duration),
        Phase::Failed(_) | Phase::Violation(_) => (status::FAILED, job.created_at + job.duration),
        _ => {
            let f = job.fraction(now);
            let (at, s) = STEPS
                .iter()
                .rev()
                .find(|(at, _)| *at <= f)
                .copied()
                .unwrap_or(STEPS[0]);
            (s, job.created_at + job.duration.mul_f64(at))
        }
    }
}

fn task_json(job: &Job, now: Instant) -> Value {
    let (status, updated) = status_of(job, now);
    let phase = job.phase(now);
    let output = match (&phase, job.results.first()) {
        (Phase::Completed, Some(r)) => json!({
            "image": { "uri": r.url, "content_type": r.mime, "filename": "remix.png", "size": r.size },
        }),
        _ => Value::Null,
    };
    let error = match phase {
        Phase::Failed(m) | Phase::Violation(m) => m,
        _ => String::new(),
    };
    json!({
        "id": job.id,
        "app": APP,
        "status": status,
        "input": job.input,
        "output": output,
        "error": error,
        "session_id": null,
        "created_at": rfc3339(job.created_at),
        "updated_at": rfc3339(updated),
    })
}

async fn run(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let config = state.config().clone();
    // The scenarios admit answers never choose an envelope of their own.
    let admitted = faults::admit(
        &headers,
        AuthStyle::Bearer,
        &config,
        |e| error(envelope(&q, None), e),
        r#"{"data":{"id":"tsk_"#,
    );
    let scenario = match admitted {
        Ok(s) => s,
        Err(res) => return res,
    };
    let env = envelope(&q, Some(scenario));
    let obj = match check::parse_object(&body) {
        Ok(o) => o,
        Err(inv) => return error(env, ApiError::Invalid(inv)),
    };
    match check::req_str(&obj, "app") {
        Ok(app) if app == APP || app.starts_with("reve/remix@") => {}
        Ok(app) => return error(env, ApiError::NotFound(format!("App '{app}' not found"))),
        Err(inv) => return error(env, ApiError::Invalid(inv)),
    }
    let input = match check::object(&obj, "input") {
        Ok(i) => i,
        Err(inv) => return error(env, ApiError::Invalid(inv)),
    };
    let s = match validate(&state, input) {
        Ok(s) => s,
        Err(inv) => return error(env, ApiError::Invalid(inv)),
    };
    let origin = answer::origin(&headers);
    let job = start_job(
        &state,
        NewJob {
            provider: PROVIDER,
            id: state.short_id(26),
            prefix: PREFIX,
            origin: &origin,
            scenario,
            input: Value::Object(input.clone()),
            spec: s,
            copies: 1,
            violation_message: "content policy violation: the prompt or images were flagged by the safety checker",
            failure_message: "task failed: the app exited with an error while generating the image",
        },
    )
    .await;
    ok(env, StatusCode::OK, task_json(&job, Instant::now()))
}

fn validate(state: &AppState, input: &Map<String, Value>) -> Result<crate::render::Spec, Invalid> {
    let within = |e: Invalid| Invalid {
        field: format!("input.{}", e.field),
        ..e
    };
    let prompt = check::req_str(input, "prompt").map_err(within)?;
    let refs = check::str_array(input, "images", 1, 6).map_err(within)?;
    check::check_prompt(prompt, refs.len(), "prompt").map_err(within)?;
    let aspect = check::check_aspect(input, "aspect_ratio").map_err(within)?;
    check::opt_str(input, "version").map_err(within)?;
    check::opt_int(input, "test_time_scaling", 1, 5).map_err(within)?;
    check::opt_int(input, "upscale_factor", 2, 4).map_err(within)?;
    let transparent = check::opt_bool(input, "remove_background")
        .map_err(within)?
        .unwrap_or(false);
    let t = Transports {
        uploads: true,
        ..Default::default()
    };
    let images = images::load_all(state, "input.images", &refs, t)?;
    let mut s = spec(images, prompt, aspect);
    s.transparent = transparent;
    Ok(s)
}

// Reason: the error is the finished answer, handed straight back by the handler.
#[allow(clippy::result_large_err)]
fn find(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    id: &str,
) -> Result<(Job, Envelope), Response> {
    let env = envelope_of(headers, q);
    authenticate(headers, AuthStyle::Bearer).map_err(|e| error(env, ApiError::Auth(e)))?;
    let job = state
        .job(PROVIDER, id)
        .ok_or_else(|| error(env, ApiError::NotFound(format!("Task {id} not found"))))?;
    Ok((job, env))
}

async fn task(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Path(id): Path<String>,
) -> Response {
    match find(&state, &headers, &q, &id) {
        Ok((job, env)) => ok(env, StatusCode::OK, task_json(&job, Instant::now())),
        Err(res) => res,
    }
}

async fn task_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Path(id): Path<String>,
) -> Response {
    match find(&state, &headers, &q, &id) {
        Ok((job, env)) => {
            let (status, updated) = status_of(&job, Instant::now());
            ok(
                env,
                StatusCode::OK,
                json!({"id": job.id, "status": status, "updated_at": rfc3339(updated)}),
            )
        }
        Err(res) => res,
    }
}

async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Path(id): Path<String>,
) -> Response {
    if let Err(res) = find(&state, &headers, &q, &id) {
        return res;
    }
    let env = envelope_of(&headers, &q);
    match state.cancel_job(PROVIDER, &id) {
        Some((job, true)) => ok(env, StatusCode::OK, task_json(&job, Instant::now())),
        Some((_, false)) => {
            let mut res = error(
                env,
                ApiError::Failed(format!("Task {id} has already finished")),
            );
            *res.status_mut() = StatusCode::CONFLICT;
            res
        }
        None => error(env, ApiError::NotFound(format!("Task {id} not found"))),
    }
}
