//! Atlas Cloud: `POST /atlascloud/api/v1/model/generateImage` with
//! `Authorization: Bearer <key>`, model `reve-ai/reve-2.1/remix`.
//!
//! Body, flat as Atlas's own ComfyUI node and its predictions docs send it:
//! `{model, prompt (≤ 2560, `<frame>N</frame>`), images (1–6, URL or data
//! URI or raw base64), aspect_ratio? (`auto` + Reve 2.1's 17), resolution?,
//! remove_background?, output_format? (png|jpeg|webp), enable_base64_output?,
//! enable_sync_mode?}`. Atlas's model pages show another reading,
//! `{model, input: {prompt, …}}`: its docs disagree with themselves, so the
//! mock accepts both (the fields are then read from `input`).
//!
//! Answers are `{code, msg, data}`: submit `data: {id, model, status:
//! "processing", created_at, …}`; `GET /atlascloud/api/v1/model/prediction/{id}`
//! → `data.status` `processing` | `completed` | `failed`, the image at
//! `data.outputs[0]`. A failed job answers **HTTP 200** with `data.status:
//! "failed"`, `data.error` and `data.error_code` (1039: moderation; the
//! code for other failures is unverified). Errors: `{code: <HTTP status>,
//! msg, request_id, data: null}` and an `X-Request-ID` header; Atlas states
//! it sends **no `Retry-After`**, so its mock-429 has none either.

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::{NewJob, results_routes, spec, start_job, wait_for};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid, Kind};
use crate::faults;
use crate::images::{self, Transports};
use crate::render::OutFormat;
use crate::reve21;
use crate::scenario::{AuthError, AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

const PROVIDER: &str = "atlascloud";
const PREFIX: &str = "/atlascloud";
/// The one model served.
pub const MODEL: &str = "reve-ai/reve-2.1/remix";
/// "one to six" images (Atlas's node: `images` maxItems 6).
const MAX_IMAGES: usize = 6;
/// Atlas's own limit for this model (its node and family page), not Reve's 4000.
const MAX_PROMPT_CHARS: usize = 2560;
/// `error_code` of a moderation failure (Atlas's errors page).
const MODERATION: u32 = 1039;
/// `error_code` of any other failed job (unverified).
const GENERATION_FAILED: u32 = 1000;

/// Numbers the `request_id`s of error answers.
static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/model/generateImage", post(submit))
        .route("/api/v1/model/prediction/{id}", get(fetch))
        .merge(results_routes())
        // Atlas answers 401 for a wrong path too; the mock says 404.
        .fallback(|| async { error(ApiError::NotFound("Not Found".into())) })
}

pub fn error(e: ApiError) -> Response {
    let (status, msg) = match e {
        ApiError::Auth(AuthError::Missing | AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: provide 'Authorization: Bearer <ATLASCLOUD_API_KEY>'".to_string(),
        ),
        ApiError::Auth(AuthError::Invalid) => {
            (StatusCode::UNAUTHORIZED, "Invalid API key".to_string())
        }
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient balance, please recharge".to_string(),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests, please slow down".to_string(),
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error".to_string(),
        ),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "Sync wait exceeded; poll the prediction".to_string(),
        ),
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
    let n = REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let request_id = format!("req_{:016x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let res = answer::json(
        status,
        &json!({"code": status.as_u16(), "msg": msg, "request_id": request_id, "data": null}),
    );
    answer::with_header(res, "x-request-id", &request_id)
}

fn data(job: &Job, now: Instant) -> Value {
    let (status, outputs, error, code) = match job.phase(now) {
        Phase::Queued { .. } | Phase::Running { .. } => ("processing", Value::Null, None, None),
        Phase::Completed => (
            "completed",
            Value::Array(job.results.iter().map(|r| json!(r.url)).collect()),
            None,
            None,
        ),
        Phase::Failed(m) => ("failed", Value::Null, Some(m), Some(GENERATION_FAILED)),
        Phase::Violation(m) => ("failed", Value::Null, Some(m), Some(MODERATION)),
        Phase::Cancelled => (
            "failed",
            Value::Null,
            Some("cancelled".into()),
            Some(GENERATION_FAILED),
        ),
    };
    json!({
        "id": job.id,
        "model": MODEL,
        "status": status,
        "outputs": outputs,
        "error": error,
        "error_code": code,
        "created_at": rfc3339(job.created_at),
        "completed_at": job.finished_at(now).map(rfc3339),
    })
}

fn envelope(data: Value) -> Response {
    answer::json(
        StatusCode::OK,
        &json!({"code": 200, "msg": "success", "data": data}),
    )
}

/// The fields, flat or under `input` (both readings of Atlas's docs).
fn fields(obj: &Map<String, Value>) -> Result<(&Map<String, Value>, &'static str), Invalid> {
    match obj.get("input") {
        Some(Value::Object(m)) => Ok((m, "input.")),
        Some(_) => Err(Invalid::new("input", Kind::Type, "input must be an object")),
        None => Ok((obj, "")),
    }
}

async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let config = state.config().clone();
    let admitted = faults::admit(
        &headers,
        AuthStyle::Bearer,
        &config,
        error,
        r#"{"code":200,"msg":"success","data":{"id":"#,
    );
    let scenario = match admitted {
        Ok(s) => s,
        Err(mut res) => {
            // "No Retry-After or X-RateLimit-* headers are sent."
            res.headers_mut().remove("retry-after");
            return res;
        }
    };
    let checked = (|| {
        let obj = check::parse_object(&body)?;
        let model = check::req_str(&obj, "model")?;
        if model != MODEL {
            return Err(Invalid::new(
                "model",
                Kind::Enum,
                format!("model '{model}' not found (this mock serves {MODEL})"),
            ));
        }
        let (f, at) = fields(&obj)?;
        let within = |e: Invalid| Invalid {
            field: format!("{at}{}", e.field),
            ..e
        };
        let prompt = check::req_str(f, "prompt").map_err(within)?;
        let refs = check::str_array(f, "images", 1, MAX_IMAGES).map_err(within)?;
        reve21::check_prompt(prompt, refs.len(), "prompt", MAX_PROMPT_CHARS).map_err(within)?;
        let aspect = reve21::check_aspect(f, "aspect_ratio").map_err(within)?;
        check::opt_str(f, "resolution").map_err(within)?;
        check::opt_bool(f, "remove_background").map_err(within)?;
        check::opt_bool(f, "enable_base64_output").map_err(within)?;
        let sync = check::opt_bool(f, "enable_sync_mode")
            .map_err(within)?
            .unwrap_or(false);
        let format = match check::check_enum(f, "output_format", &["png", "jpeg", "webp"])
            .map_err(within)?
        {
            Some("jpeg") => OutFormat::Jpeg,
            Some("webp") => OutFormat::Webp,
            _ => OutFormat::Png,
        };
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        // Raw base64 too ("URLs or base64"): tried when the string is neither.
        let images = refs
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let field = format!("{at}images[{i}]");
                let raw = !v.starts_with("data:") && !v.contains("://");
                let t = Transports {
                    raw_base64: raw,
                    ..t
                };
                images::load(&state, &field, v, t)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut s = spec(images, prompt, aspect);
        s.format = format;
        Ok((s, f.clone(), sync))
    })();
    let (s, input, sync) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let origin = answer::origin(&headers);
    let job = start_job(
        &state,
        NewJob {
            provider: PROVIDER,
            id: state.short_id(24),
            prefix: PREFIX,
            origin: &origin,
            scenario,
            input: Value::Object(input),
            spec: s,
            copies: 1,
            violation_message: "Content moderation: the request or its result was flagged and blocked.",
            failure_message: "Generation failed: the upstream model returned an error.",
        },
    )
    .await;
    let job = if sync {
        wait_for(&state, job, config.hang_limit).await
    } else {
        job
    };
    envelope(data(&job, Instant::now()))
}

async fn fetch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::Bearer) {
        return error(ApiError::Auth(e));
    }
    match state.job(PROVIDER, &id) {
        Some(job) => envelope(data(&job, Instant::now())),
        None => error(ApiError::NotFound(format!("prediction {id} not found"))),
    }
}
