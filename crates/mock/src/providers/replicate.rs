//! Replicate: `POST /replicate/v1/models/reve/remix/predictions`, Bearer.
//!
//! Body `{input: {prompt, reference_images (1–4, URL or data URI),
//! aspect_ratio?, version?}}` → 201 prediction `{id, model, version, input,
//! logs, output, error, status: starting|processing|succeeded|failed|canceled,
//! created_at, started_at, completed_at, urls: {get, cancel, web}, metrics}`;
//! `output` is the result's URL once succeeded. `Prefer: wait[=N]` holds the
//! answer until the prediction finishes or N seconds (≤ 60, and ≤
//! `Config::wait_limit`) pass. `GET /replicate/v1/predictions/{id}`,
//! `POST /replicate/v1/predictions/{id}/cancel`. Errors `{title, detail,
//! status}` (422 adds `invalid_fields`): 401/402/404/422/429/5xx.
//!
//! Reve 2.1: `POST /replicate/v1/models/reve/reve-2.1/predictions`, input
//! `{prompt (≤ 4000, `<frame>N</frame>`), reference_images? (0–8; omitted, not
//! `null`: the API refuses an explicit null), aspect_ratio? (17 + `auto`)}`
//! (replicate.com/reve/reve-2.1 readme); its predictions follow and cancel
//! on the same `/v1/predictions/{id}` and show `model: "reve/reve-2.1"`.
//!
//! Real Replicate sends no CORS headers, so browsers need a proxy; the mock
//! does send them (like everything it serves), standing in for that proxy.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{NewJob, results_routes, spec, start_job};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid};
use crate::faults;
use crate::images::{self, Transports};
use crate::reve21;
use crate::scenario::{AuthError, AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

const PROVIDER: &str = "replicate";
/// Where Reve 2.1's predictions are kept (followed on the same paths).
const PROVIDER_21: &str = "replicate-2.1";
const PREFIX: &str = "/replicate";
const MAX_WAIT_SECS: u64 = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/models/reve/remix/predictions", post(create::<false>))
        .route("/v1/models/reve/reve-2.1/predictions", post(create::<true>))
        .route("/v1/predictions/{id}", get(fetch))
        .route("/v1/predictions/{id}/cancel", post(cancel))
        .merge(results_routes())
        .fallback(|| async {
            error(ApiError::NotFound(
                "The requested resource could not be found.".into(),
            ))
        })
}

pub fn error(e: ApiError) -> Response {
    let (status, title, detail) = match e {
        ApiError::Auth(AuthError::Missing | AuthError::Malformed) => {
            (StatusCode::UNAUTHORIZED, "Unauthenticated", "You did not pass an authentication token".to_string())
        }
        ApiError::Auth(AuthError::Invalid) => {
            (StatusCode::UNAUTHORIZED, "Unauthenticated", "You did not pass a valid authentication token".to_string())
        }
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient credit",
            "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit."
                .to_string(),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "Request was throttled",
            "Request was throttled. Your rate limit resets in ~2s.".to_string(),
        ),
        ApiError::Server => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error", "Internal server error".to_string()),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error", m),
        ApiError::Timeout => (StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout", "Timed out".to_string()),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
        ApiError::Invalid(inv) => {
            let field = if inv.field.is_empty() { "body".to_string() } else { inv.field.clone() };
            let body = json!({
                "title": "Input validation failed",
                "detail": format!("- {field}: {}", inv.message),
                "status": 422,
                "invalid_fields": [{ "type": inv.kind.slug(), "field": field, "description": inv.message }],
            });
            return answer::json(StatusCode::UNPROCESSABLE_ENTITY, &body);
        }
    };
    answer::json(
        status,
        &json!({ "title": title, "detail": detail, "status": status.as_u16() }),
    )
}

fn prediction(job: &Job, origin: &str, now: Instant) -> Value {
    let phase = job.phase(now);
    let (status, output, error) = match &phase {
        Phase::Queued { .. } => ("starting", Value::Null, Value::Null),
        Phase::Running { .. } => ("processing", Value::Null, Value::Null),
        Phase::Completed => (
            "succeeded",
            job.results
                .first()
                .map(|r| json!(r.url))
                .unwrap_or(Value::Null),
            Value::Null,
        ),
        Phase::Failed(m) | Phase::Violation(m) => ("failed", Value::Null, json!(m)),
        Phase::Cancelled => ("canceled", Value::Null, Value::Null),
    };
    let logs: String = job.logs(now).into_iter().map(|(m, _)| m + "\n").collect();
    let base = format!("{origin}{PREFIX}/v1/predictions/{}", job.id);
    let finished = job.finished_at(now);
    let mut p = json!({
        "id": job.id,
        "model": if job.provider == PROVIDER_21 { "reve/reve-2.1" } else { "reve/remix" },
        "version": "hidden",
        "input": job.input,
        "logs": logs,
        "output": output,
        "data_removed": false,
        "error": error,
        "status": status,
        "created_at": rfc3339(job.created_at),
        "started_at": job.started_at(now).map(rfc3339),
        "completed_at": finished.map(rfc3339),
        "urls": {
            "get": base,
            "cancel": format!("{base}/cancel"),
            "web": format!("https://replicate.com/p/{}", job.id),
        },
    });
    if phase == Phase::Completed {
        p["metrics"] = json!({ "predict_time": job.duration.as_secs_f64() * 0.7 });
    }
    p
}

/// `Prefer: wait` → 60 s, `wait=N` → N s (1..=60), else no wait.
fn prefer_wait(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get("prefer")?.to_str().ok()?;
    v.split([',', ';']).map(str::trim).find_map(|p| {
        if p.eq_ignore_ascii_case("wait") {
            Some(Duration::from_secs(MAX_WAIT_SECS))
        } else {
            let n = p.strip_prefix("wait=")?.trim().parse::<u64>().ok()?;
            Some(Duration::from_secs(n.clamp(1, MAX_WAIT_SECS)))
        }
    })
}

async fn create<const V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::Bearer,
        &config,
        error,
        r#"{"id":"q9w8e7r6t5","model":"reve/remix","#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let checked = (|| {
        let obj = check::parse_object(&body)?;
        let input = check::object(&obj, "input")?;
        let within = |e: Invalid| Invalid {
            field: format!("input.{}", e.field),
            ..e
        };
        let prompt = check::req_str(input, "prompt").map_err(within)?;
        let (refs, aspect) = if V21 {
            if input.get("reference_images") == Some(&Value::Null) {
                return Err(within(Invalid::new(
                    "reference_images",
                    crate::check::Kind::Type,
                    "reference_images: None is not of type 'array'",
                )));
            }
            let refs = reve21::opt_str_array(input, "reference_images", reve21::MAX_REFERENCES)
                .map_err(within)?;
            reve21::check_prompt(prompt, refs.len(), "prompt", reve21::MAX_PROMPT_CHARS)
                .map_err(within)?;
            (
                refs,
                reve21::check_aspect(input, "aspect_ratio").map_err(within)?,
            )
        } else {
            let refs = check::str_array(input, "reference_images", 1, 4).map_err(within)?;
            check::check_prompt(prompt, refs.len(), "prompt").map_err(within)?;
            let aspect = check::check_aspect(input, "aspect_ratio").map_err(within)?;
            check::opt_str(input, "version").map_err(within)?;
            (refs, aspect)
        };
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        let images = images::load_all(&state, "input.reference_images", &refs, t)?;
        Ok((spec(images, prompt, aspect), input.clone()))
    })();
    let (s, input) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let origin = answer::origin(&headers);
    let job = start_job(
        &state,
        NewJob {
            provider: if V21 { PROVIDER_21 } else { PROVIDER },
            id: state.short_id(26),
            prefix: PREFIX,
            origin: &origin,
            scenario,
            input: Value::Object(input),
            spec: s,
            copies: 1,
            violation_message: "NSFW content detected. Try running it again, or try a different prompt.",
            failure_message: "Prediction failed: the model raised an error while generating the image.",
        },
    )
    .await;
    let mut job = job;
    if let Some(wait) = prefer_wait(&headers) {
        let wait = wait.min(config.wait_limit);
        let deadline = Instant::now() + wait;
        let tick = (job.duration / 50).clamp(Duration::from_millis(10), Duration::from_millis(200));
        while Instant::now() < deadline {
            match state.job(job.provider, &job.id) {
                Some(j) if j.phase(Instant::now()).is_terminal() => {
                    job = j;
                    break;
                }
                Some(j) => job = j,
                None => break,
            }
            tokio::time::sleep(tick.min(deadline.saturating_duration_since(Instant::now()))).await;
        }
    }
    answer::json(
        StatusCode::CREATED,
        &prediction(&job, &origin, Instant::now()),
    )
}

async fn fetch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::Bearer) {
        return error(ApiError::Auth(e));
    }
    let job = state
        .job(PROVIDER, &id)
        .or_else(|| state.job(PROVIDER_21, &id));
    shown(&headers, job)
}

async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::Bearer) {
        return error(ApiError::Auth(e));
    }
    shown(
        &headers,
        state
            .cancel_job(PROVIDER, &id)
            .or_else(|| state.cancel_job(PROVIDER_21, &id))
            .map(|(job, _)| job),
    )
}

/// The prediction as Replicate shows it, or Replicate's 404.
fn shown(headers: &HeaderMap, job: Option<Job>) -> Response {
    match job {
        Some(job) => answer::json(
            StatusCode::OK,
            &prediction(&job, &answer::origin(headers), Instant::now()),
        ),
        None => error(ApiError::NotFound(
            "The requested resource could not be found.".into(),
        )),
    }
}
