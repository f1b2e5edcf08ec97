//! WaveSpeedAI: `POST /wavespeed/api/v3/{model}` with `Authorization: Bearer <key>`,
//! for two models:
//!
//! - `reve/2.1/remix`: `{prompt (≤ 4000, `<frame>N</frame>`), images (1–8,
//!   URL or data URI), aspect_ratio? (17 + `auto`), output_format?
//!   (jpeg|png|webp)}`. The field names are unsourced (see
//!   [`crate::reve21`]); the price page ($0.28 a run) names no fields.
//! - `reve/remix-fast` (Reve Remix v1, fast): `{prompt (≤ 2560,
//!   `<img>N</img>`), reference_images (1–4), aspect_ratio? (Reve's seven),
//!   output_format?}` (wavespeed.ai/docs/docs-api/reve/reve-remix-fast).
//!
//! Both take `enable_sync_mode` (hold the answer until the job ends, as the
//! `wavespeed` npm client asks) and `enable_base64_output` (read, not acted
//! on: outputs stay URLs). Every answer is `{code, message, data}`; `data` is
//! `{id, model, status: created|processing|completed|failed, urls: {get},
//! outputs, has_nsfw_contents, error, created_at, timings}`. A failed job
//! answers **HTTP 200** with `data.status: "failed"` and `data.error`.
//! Follow at `GET /wavespeed/api/v3/predictions/{id}/result` (what the npm
//! client polls) or `GET …/predictions/{id}` (the docs' `urls.get`).
//! Errors: `{code: <HTTP status>, message, data: null}` (unverified shape);
//! a 429 carries `Retry-After` like every mock-429 (WaveSpeedAI documents none).

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{NewJob, results_routes, spec, start_job, wait_for};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid};
use crate::faults;
use crate::images::{self, Transports};
use crate::render::OutFormat;
use crate::reve21;
use crate::scenario::{AuthError, AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

const PROVIDER: &str = "wavespeed";
/// Where `reve/remix-fast`'s jobs are kept (followed on the same paths).
const PROVIDER_FAST: &str = "wavespeed-fast";
const PREFIX: &str = "/wavespeed";
/// "up to four" reference images for `reve/remix-fast`.
const MAX_FAST_IMAGES: usize = 4;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v3/reve/2.1/remix", post(submit::<true>))
        .route("/api/v3/reve/remix-fast", post(submit::<false>))
        .route("/api/v3/predictions/{id}/result", get(fetch))
        .route("/api/v3/predictions/{id}", get(fetch))
        .merge(results_routes())
        .fallback(|| async { error(ApiError::NotFound("model or path not found".into())) })
}

/// `{code, message, data: null}` with the same HTTP status.
pub fn error(e: ApiError) -> Response {
    let (status, message) = match e {
        ApiError::Auth(AuthError::Missing) => (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: missing Authorization header".to_string(),
        ),
        ApiError::Auth(AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: use 'Authorization: Bearer <WAVESPEED_API_KEY>'".to_string(),
        ),
        ApiError::Auth(AuthError::Invalid) => (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: invalid API key".to_string(),
        ),
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient balance: top up your account to use the API".to_string(),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests".to_string(),
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error".to_string(),
        ),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        ApiError::Timeout => (StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout".to_string()),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
        ApiError::Invalid(inv) => {
            let field = if inv.field.is_empty() {
                "body".to_string()
            } else {
                inv.field.clone()
            };
            (StatusCode::BAD_REQUEST, format!("{field}: {}", inv.message))
        }
    };
    answer::json(
        status,
        &json!({"code": status.as_u16(), "message": message, "data": null}),
    )
}

/// The prediction's `data`.
fn data(job: &Job, origin: &str, now: Instant) -> Value {
    let phase = job.phase(now);
    let (status, outputs, error, nsfw) = match &phase {
        Phase::Queued { .. } => ("created", json!([]), "", false),
        Phase::Running { .. } => ("processing", json!([]), "", false),
        Phase::Completed => (
            "completed",
            Value::Array(job.results.iter().map(|r| json!(r.url)).collect()),
            "",
            false,
        ),
        Phase::Failed(m) => ("failed", json!([]), m.as_str(), false),
        Phase::Violation(m) => ("failed", json!([]), m.as_str(), true),
        Phase::Cancelled => ("failed", json!([]), "cancelled", false),
    };
    let inference_ms = job
        .finished_at(now)
        .map(|_| (job.duration.as_secs_f64() * 700.0) as u64);
    json!({
        "id": job.id,
        "model": if job.provider == PROVIDER_FAST { "reve/remix-fast" } else { "reve/2.1/remix" },
        "status": status,
        "urls": { "get": format!("{origin}{PREFIX}/api/v3/predictions/{}", job.id) },
        "outputs": outputs,
        "has_nsfw_contents": if status == "completed" { json!([false]) } else if nsfw { json!([true]) } else { json!([]) },
        "error": error,
        "created_at": rfc3339(job.created_at),
        "timings": { "inference": inference_ms },
    })
}

fn envelope(data: Value) -> Response {
    answer::json(
        StatusCode::OK,
        &json!({"code": 200, "message": "success", "data": data}),
    )
}

async fn submit<const V21: bool>(
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
        r#"{"code":200,"message":"success","data":{"id":"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let checked = (|| {
        let obj = check::parse_object(&body)?;
        let prompt = check::req_str(&obj, "prompt")?;
        let (field, refs, aspect) = if V21 {
            let refs = check::str_array(&obj, "images", 1, reve21::MAX_REFERENCES)?;
            reve21::check_prompt(prompt, refs.len(), "prompt", reve21::MAX_PROMPT_CHARS)?;
            ("images", refs, reve21::check_aspect(&obj, "aspect_ratio")?)
        } else {
            let refs = check::str_array(&obj, "reference_images", 1, MAX_FAST_IMAGES)?;
            check::check_prompt(prompt, refs.len(), "prompt")?;
            (
                "reference_images",
                refs,
                check::check_aspect(&obj, "aspect_ratio")?,
            )
        };
        let format = match check::check_enum(&obj, "output_format", &["jpeg", "png", "webp"])? {
            Some("jpeg") => OutFormat::Jpeg,
            Some("webp") => OutFormat::Webp,
            _ => OutFormat::Png,
        };
        let sync = check::opt_bool(&obj, "enable_sync_mode")?.unwrap_or(false);
        check::opt_bool(&obj, "enable_base64_output")?;
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        let images = images::load_all(&state, field, &refs, t)?;
        let mut s = spec(images, prompt, aspect);
        s.format = format;
        Ok::<_, Invalid>((s, obj, sync))
    })();
    let (s, input, sync) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let origin = answer::origin(&headers);
    let job = start_job(
        &state,
        NewJob {
            provider: if V21 { PROVIDER } else { PROVIDER_FAST },
            id: state.short_id(24),
            prefix: PREFIX,
            origin: &origin,
            scenario,
            input: Value::Object(input),
            spec: s,
            copies: 1,
            violation_message: "The generated content was flagged as potentially sensitive (NSFW). Please try a different prompt.",
            failure_message: "Prediction failed: the model could not generate an image.",
        },
    )
    .await;
    if !sync {
        return envelope(data(&job, &origin, Instant::now()));
    }
    let job = wait_for(&state, job, config.hang_limit).await;
    let mut d = data(&job, &origin, Instant::now());
    if !job.phase(Instant::now()).is_terminal() {
        d["status"] = json!("processing");
        d["error"] = json!("Sync mode timed out; poll urls.get for the result");
    }
    envelope(d)
}

async fn fetch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::Bearer) {
        return error(ApiError::Auth(e));
    }
    match state
        .job(PROVIDER, &id)
        .or_else(|| state.job(PROVIDER_FAST, &id))
    {
        Some(job) => envelope(data(&job, &answer::origin(&headers), Instant::now())),
        None => error(ApiError::NotFound(format!("prediction {id} not found"))),
    }
}
