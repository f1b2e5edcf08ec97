//! Pixazo: `POST /pixazo/reve-image/v1/image-edit-remix` (remix, provider id
//! `pixazo`) and `POST /pixazo/reve-image/v1/image-edit` (single-image edit,
//! provider id `pixazo-edit`), header `Ocp-Apim-Subscription-Key`.
//!
//! Remix `{prompt, reference_images (1–4 HTTPS URLs), aspect_ratio?,
//! version? ("latest" | "reve-remix@20250915")}`; edit `{image (HTTPS URL),
//! prompt, version? ("latest" | "reve-edit@20250915")}` → 202 `{request_id,
//! status: "QUEUED", polling_url}`; `GET polling_url`
//! (`/pixazo/v2/requests/status/{id}`, key required) → `{request_id, status:
//! QUEUED|PROCESSING|COMPLETED|FAILED|ERROR, model_id, error, output:
//! {media_url: [url], media_type}, created_at, updated_at, completed_at}`.
//! Errors `{error, message}` (gateway auth errors carry `statusCode` too, as
//! Azure API Management does). Only public HTTPS URLs are images here; as a
//! mock convenience `http://127.0.0.1…`/`localhost` URLs pass as well. The
//! same routes are also served under `/pixazo-edit/…`. The edit is also
//! served at `/reve-image/v1/reve-edit/generate`, the path another Pixazo
//! page gives; `Config::pixazo_edit_paths` can withhold either path (404).

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::{NewJob, results_routes, spec, start_job};
use crate::PixazoEditPaths;
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid, Kind};
use crate::faults;
use crate::images::{self, Transports};
use crate::render::Spec;
use crate::scenario::{AuthError, AuthStyle, authenticate};
use crate::state::{AppState, Job, Phase, rfc3339};

const PROVIDER: &str = "pixazo";
const MODEL_ID: &str = "reve-image-generation";

/// The routes, for the prefix they are mounted under (`/pixazo` or `/pixazo-edit`).
pub fn routes(prefix: &'static str) -> Router<AppState> {
    Router::new()
        .route(
            "/reve-image/v1/image-edit-remix",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| submit(s, h, b, prefix, false)),
        )
        .route(
            "/reve-image/v1/image-edit",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| {
                edit(s, h, b, prefix, EditPath::Captured)
            }),
        )
        .route(
            "/reve-image/v1/reve-edit/generate",
            post(move |s: State<AppState>, h: HeaderMap, b: Bytes| {
                edit(s, h, b, prefix, EditPath::Alternate)
            }),
        )
        .route("/v2/requests/status/{id}", get(status))
        .merge(results_routes())
        .fallback(|| async { error(ApiError::NotFound("Resource not found".into())) })
}

pub fn error(e: ApiError) -> Response {
    let (status, err, message) = match e {
        ApiError::Auth(AuthError::Missing) => {
            let body = json!({
                "statusCode": 401,
                "error": "Unauthorized",
                "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
            });
            return answer::json(StatusCode::UNAUTHORIZED, &body);
        }
        ApiError::Auth(_) => {
            let body = json!({
                "statusCode": 401,
                "error": "Unauthorized",
                "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
            });
            return answer::json(StatusCode::UNAUTHORIZED, &body);
        }
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient Balance",
            "Your wallet does not have enough balance.".to_string(),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests",
            "Rate limit is exceeded. Try again later.".to_string(),
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            "Something went wrong; please try again.".to_string(),
        ),
        ApiError::Failed(m) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            m,
        ),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "Gateway Timeout",
            "The request timed out".to_string(),
        ),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "Not Found", m),
        ApiError::Invalid(inv) => (StatusCode::BAD_REQUEST, "Bad Request", inv.message),
    };
    answer::json(status, &json!({ "error": err, "message": message }))
}

fn validate(state: &AppState, obj: &Map<String, Value>, edit: bool) -> Result<Spec, Invalid> {
    let t = Transports {
        url: true,
        ..Default::default()
    };
    let prompt = check::req_str(obj, "prompt")?;
    if edit {
        let image = match obj.get("image") {
            None | Some(Value::Null) => {
                return Err(Invalid::new("image", Kind::Missing, "image is required"));
            }
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Array(a)) if a.len() > 1 => {
                return Err(Invalid::new(
                    "image",
                    Kind::TooMany,
                    format!(
                        "image-edit takes exactly 1 image (an HTTPS URL), got {}",
                        a.len()
                    ),
                ));
            }
            Some(_) => {
                return Err(Invalid::new(
                    "image",
                    Kind::Type,
                    "image must be an HTTPS image URL (a string)",
                ));
            }
        };
        check::check_prompt(prompt, 1, "prompt")?;
        check::check_enum(obj, "version", &["latest", "reve-edit@20250915"])?;
        let img = images::load(state, "image", image, t)?;
        Ok(spec(vec![img], prompt, None))
    } else {
        let refs = check::str_array(obj, "reference_images", 1, 4)?;
        check::check_prompt(prompt, refs.len(), "prompt")?;
        let aspect = check::check_aspect(obj, "aspect_ratio")?;
        check::check_enum(obj, "version", &["latest", "reve-remix@20250915"])?;
        check::opt_str(obj, "webhook")?;
        let images = images::load_all(state, "reference_images", &refs, t)?;
        Ok(spec(images, prompt, aspect))
    }
}

/// The edit's two paths (see [`PixazoEditPaths`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum EditPath {
    Captured,
    Alternate,
}

/// The single-image edit on one of its paths, or 404 (as an unknown path
/// answers) when the mock's switch does not serve that one.
async fn edit(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
    prefix: &'static str,
    path: EditPath,
) -> Response {
    let served = match state.config().pixazo_edit_paths {
        PixazoEditPaths::Both => true,
        PixazoEditPaths::CapturedOnly => path == EditPath::Captured,
        PixazoEditPaths::AlternateOnly => path == EditPath::Alternate,
    };
    if !served {
        return error(ApiError::NotFound("Resource not found".into()));
    }
    submit(state, headers, body, prefix, true).await
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
    prefix: &'static str,
    edit: bool,
) -> Response {
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::ApimKey,
        &config,
        error,
        r#"{"request_id":"reve-image_019d"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let obj = match check::parse_object(&body) {
        Ok(o) => o,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let s = match validate(&state, &obj, edit) {
        Ok(s) => s,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let origin = answer::origin(&headers);
    let job = start_job(
        &state,
        NewJob {
            provider: PROVIDER,
            id: format!("reve-image_{}", state.uuid()),
            prefix,
            origin: &origin,
            scenario,
            input: Value::Object(obj),
            spec: s,
            copies: 1,
            violation_message: "Content policy violation: the request was flagged by the safety system",
            failure_message: "Generation failed: the model returned an error",
        },
    )
    .await;
    let body = json!({
        "request_id": job.id,
        "status": "QUEUED",
        "polling_url": format!("{origin}{prefix}/v2/requests/status/{}", job.id),
    });
    answer::json(StatusCode::ACCEPTED, &body)
}

fn status_json(job: &Job, now: Instant) -> Value {
    let phase = job.phase(now);
    let (status, error, output) = match &phase {
        Phase::Queued { .. } => ("QUEUED", Value::Null, Value::Null),
        Phase::Running { .. } => ("PROCESSING", Value::Null, Value::Null),
        Phase::Completed => {
            let urls: Vec<&str> = job.results.iter().map(|r| r.url.as_str()).collect();
            let mime = job.results.first().map(|r| r.mime).unwrap_or("image/png");
            (
                "COMPLETED",
                Value::Null,
                json!({ "media_url": urls, "media_type": mime }),
            )
        }
        Phase::Failed(m) | Phase::Violation(m) => ("FAILED", json!(m), Value::Null),
        Phase::Cancelled => ("ERROR", json!("The request was cancelled"), Value::Null),
    };
    let updated = job
        .finished_at(now)
        .or_else(|| job.started_at(now))
        .unwrap_or(job.created_at);
    json!({
        "request_id": job.id,
        "status": status,
        "model_id": MODEL_ID,
        "error": error,
        "output": output,
        "created_at": rfc3339(job.created_at),
        "updated_at": rfc3339(updated),
        "completed_at": job.finished_at(now).map(rfc3339),
    })
}

async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authenticate(&headers, AuthStyle::ApimKey) {
        return error(ApiError::Auth(e));
    }
    match state.job(PROVIDER, &id) {
        Some(job) => answer::json(StatusCode::OK, &status_json(&job, Instant::now())),
        None => error(ApiError::NotFound(format!("Request '{id}' not found"))),
    }
}
