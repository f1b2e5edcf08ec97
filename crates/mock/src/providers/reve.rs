//! Reve direct: `POST /reve/v1/image/remix`, synchronous.
//!
//! `Authorization: Bearer <key>`; body `{prompt, reference_images: [raw
//! base64], aspect_ratio?, version?, test_time_scaling? (1–5),
//! postprocessing?}`, no HEIF/HEIC references (Reve's own sniffer has
//! none); answers 200 `{image, version, content_violation,
//! request_id, credits_used, credits_remaining}`. Errors are `{error_code,
//! message, instance_id}` with an `x-reve-request-id` header (from reve-sdk's
//! client). The `error_code` strings are unverified: the SDK reads the field
//! but does not list its values.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use base64::Engine as _;
use serde_json::{Value, json};

use super::{draw, results_routes, spec};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid, Kind};
use crate::faults::{self, hang, sync_delay};
use crate::images::{self, RefImage, Transports};
use crate::judge::{Format, Problem};
use crate::scenario::{AuthError, AuthStyle, Scenario};
use crate::state::AppState;

const VERSIONS: [&str; 4] = [
    "latest",
    "latest-fast",
    "reve-remix@20250915",
    "reve-remix-fast@20251030",
];
const CREDITS_START: i64 = 10_000;
/// "Quality factor 1–5": Reve's SDK README and SKILL.md (0.1.0–0.1.9).
/// ComfyUI's Reve model says 1–15; the SDK is Reve's own word.
const MAX_TEST_TIME_SCALING: i64 = 5;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/image/remix", post(remix))
        .merge(results_routes())
        .fallback(|| async {
            error(ApiError::NotFound(
                "No such endpoint; Reve Remix is POST /v1/image/remix".into(),
            ))
        })
}

/// A Reve error answer.
pub fn error(e: ApiError) -> Response {
    let (status, code, message) = match e {
        ApiError::Auth(AuthError::Missing) => (
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "Missing Authorization header; send 'Authorization: Bearer <api token>'".to_string(),
        ),
        ApiError::Auth(AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "The Authorization header must be 'Bearer <api token>'".to_string(),
        ),
        ApiError::Auth(AuthError::Invalid) => (
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "The API token is invalid or has been revoked".to_string(),
        ),
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            "INSUFFICIENT_CREDITS",
            "Budget exhausted: add credits to your account to continue".to_string(),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "Rate limit exceeded; retry after the Retry-After delay".to_string(),
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "An internal error occurred; please retry".to_string(),
        ),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, "GENERATION_FAILED", m),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "TIMEOUT",
            "The generation timed out".to_string(),
        ),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "NOT_FOUND", m),
        ApiError::Invalid(inv) => invalid(inv),
    };
    static ERRORS: AtomicU64 = AtomicU64::new(1);
    let n = ERRORS.fetch_add(1, Ordering::Relaxed);
    let instance = format!("inst-{:012x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16);
    let res = answer::json(
        status,
        &json!({ "error_code": code, "message": message, "instance_id": instance }),
    );
    answer::with_header(res, "x-reve-request-id", &instance)
}

fn invalid(inv: Invalid) -> (StatusCode, &'static str, String) {
    let code = match inv.kind {
        Kind::Json => "INVALID_JSON",
        Kind::Missing => "MISSING_REQUIRED_PARAMETER",
        Kind::TooLong if inv.field == "prompt" => "PROMPT_TOO_LONG",
        Kind::Image(_) | Kind::NotFound => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_REFERENCE_IMAGE",
                inv.message,
            );
        }
        _ => "INVALID_PARAMETER_VALUE",
    };
    (StatusCode::BAD_REQUEST, code, inv.message)
}

struct Parsed {
    prompt: String,
    images: Vec<RefImage>,
    aspect: Option<String>,
    version: String,
    tts: i64,
    transparent: bool,
}

fn validate(state: &AppState, body: &[u8]) -> Result<Parsed, Invalid> {
    let obj = check::parse_object(body)?;
    let prompt = check::req_str(&obj, "prompt")?;
    let refs = check::str_array(&obj, "reference_images", 1, 6)?;
    check::check_prompt(prompt, refs.len(), "prompt")?;
    let aspect = check::check_aspect(&obj, "aspect_ratio")?;
    let version = check::check_enum(&obj, "version", &VERSIONS)?.unwrap_or("latest");
    let tts = check::opt_int(&obj, "test_time_scaling", 1, MAX_TEST_TIME_SCALING)?.unwrap_or(1);
    let mut transparent = false;
    match obj.get("postprocessing") {
        None | Some(Value::Null) => {}
        Some(Value::Array(steps)) => {
            for (i, step) in steps.iter().enumerate() {
                let field = format!("postprocessing[{i}]");
                let Value::Object(step) = step else {
                    return Err(Invalid::new(
                        field.clone(),
                        Kind::Type,
                        format!("{field} must be an object"),
                    ));
                };
                match check::req_str(step, "process").map_err(|e| Invalid {
                    field: format!("{field}.process"),
                    ..e
                })? {
                    "upscale" => {
                        if check::opt_int(step, "upscale_factor", 2, 4)?.is_none() {
                            return Err(Invalid::new(
                                format!("{field}.upscale_factor"),
                                Kind::Missing,
                                "upscale needs upscale_factor 2, 3 or 4",
                            ));
                        }
                    }
                    "remove_background" => transparent = true,
                    other => {
                        return Err(Invalid::new(
                            format!("{field}.process"),
                            Kind::Enum,
                            format!(
                                "unknown postprocessing '{other}'; use 'upscale' or 'remove_background'"
                            ),
                        ));
                    }
                }
            }
        }
        Some(_) => {
            return Err(Invalid::new(
                "postprocessing",
                Kind::Type,
                "postprocessing must be an array",
            ));
        }
    }
    let transports = Transports {
        raw_base64: true,
        ..Default::default()
    };
    let images = images::load_all(state, "reference_images", &refs, transports)?;
    refuse_heif(&images)?;
    Ok(Parsed {
        prompt: prompt.to_string(),
        images,
        aspect: aspect.map(str::to_string),
        version: match version {
            "latest" => "reve-remix@20250915",
            "latest-fast" => "reve-remix-fast@20251030",
            v => v,
        }
        .to_string(),
        tts,
        transparent,
    })
}

/// Reve's own sniffer (reve-sdk `examples/nodes/src/lib/imageSniff.ts`)
/// takes PNG, JPEG, GIF, WebP, TIFF and AVIF, "only the formats Reve's API
/// documents as supported input": no HEIF, which the other providers take.
fn refuse_heif(images: &[RefImage]) -> Result<(), Invalid> {
    for (i, img) in images.iter().enumerate() {
        if let RefImage::Bytes {
            format: Format::Heif,
            ..
        } = img
        {
            let field = format!("reference_images[{i}]");
            return Err(Invalid::new(
                field.clone(),
                Kind::Image(Problem::Unsupported),
                format!(
                    "{field} is a HEIF/HEIC image, which Reve does not take; send PNG, JPEG, WebP or AVIF"
                ),
            ));
        }
    }
    Ok(())
}

async fn remix(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::Bearer,
        &config,
        error,
        r#"{"image":"iVBORw0KGgoAAAANSUhEUgAAAgAAAAIACAYAAAD0eNT6AAAgAElEQVR4nO"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let parsed = match validate(&state, &body) {
        Ok(p) => p,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let request_id = format!("rsid-{}", state.short_id(24));
    tokio::time::sleep(sync_delay(&config, scenario)).await;
    let credits_used = 30 * parsed.tts;
    match scenario {
        Scenario::Stuck => {
            hang(&config).await;
            return error(ApiError::Timeout);
        }
        Scenario::Fail => {
            return error(ApiError::Failed(
                "The generation failed; please try again".into(),
            ));
        }
        Scenario::Violation => {
            let res = answer::json(
                StatusCode::OK,
                &json!({
                    "version": parsed.version,
                    "content_violation": true,
                    "request_id": request_id,
                    "credits_used": 0,
                    "credits_remaining": CREDITS_START,
                }),
            );
            return answer::with_header(res, "x-reve-request-id", &request_id);
        }
        _ => {}
    }
    let mut s = spec(parsed.images, &parsed.prompt, parsed.aspect.as_deref());
    s.transparent = parsed.transparent;
    let rendered = draw(s).await;
    let image = base64::engine::general_purpose::STANDARD.encode(&rendered.bytes);
    let res = answer::json(
        StatusCode::OK,
        &json!({
            "image": image,
            "version": parsed.version,
            "content_violation": false,
            "request_id": request_id,
            "credits_used": credits_used,
            "credits_remaining": CREDITS_START - credits_used,
        }),
    );
    answer::with_header(res, "x-reve-request-id", &request_id)
}
