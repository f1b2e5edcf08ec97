//! OneRouter: `POST /onerouter/v1/images/edits`, synchronous.
//!
//! `Authorization: <key>` (raw, per the docs; `Bearer <key>` is accepted too
//! since that is unverified). Body (per `onerouter.openapi.json`): `{model:
//! "reve-remix-image-to-image", prompt, image_urls (1–4; URLs, data URIs
//! accepted: unverified), aspect_ratio?, n? (only 1), output_format?: "url" |
//! "b64_json"}` → 200 `{created, data: [{url | b64_json, revised_prompt}]}`.
//! Errors: `{error: {code, message, type, param}}` with 400/401/402/403
//! (moderation)/408/429/502/503; the `code`/`type` strings are unverified
//! (OpenAI-style).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use base64::Engine as _;
use serde_json::{Value, json};

use super::{draw, results_routes, spec, store};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid, Kind};
use crate::faults::{self, hang, sync_delay};
use crate::images::{self, Transports};
use crate::scenario::{AuthError, AuthStyle, Scenario};
use crate::state::{AppState, unix_secs};

const MODEL: &str = "reve-remix-image-to-image";
const PREFIX: &str = "/onerouter";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/images/edits", post(edits))
        .merge(results_routes())
        .fallback(|| async { error(ApiError::NotFound("Unknown endpoint".into())) })
}

fn body(code: &str, message: &str, kind: &str, param: Option<&str>) -> Value {
    json!({ "error": { "code": code, "message": message, "type": kind, "param": param } })
}

pub fn error(e: ApiError) -> Response {
    let (status, b) = match e {
        ApiError::Auth(AuthError::Missing) => (
            StatusCode::UNAUTHORIZED,
            body(
                "missing_api_key",
                "Missing API key in the Authorization header",
                "authentication_error",
                None,
            ),
        ),
        ApiError::Auth(_) => (
            StatusCode::UNAUTHORIZED,
            body(
                "invalid_api_key",
                "Invalid API key provided",
                "authentication_error",
                None,
            ),
        ),
        ApiError::Payment => (
            StatusCode::PAYMENT_REQUIRED,
            body(
                "insufficient_quota",
                "Insufficient balance: please top up your account",
                "insufficient_quota",
                None,
            ),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            body(
                "rate_limit_exceeded",
                "Rate limit exceeded; please retry later",
                "rate_limit_error",
                None,
            ),
        ),
        ApiError::Server => (
            StatusCode::SERVICE_UNAVAILABLE,
            body(
                "service_unavailable",
                "The service is temporarily unavailable",
                "server_error",
                None,
            ),
        ),
        ApiError::Failed(m) => (
            StatusCode::BAD_GATEWAY,
            body("upstream_error", &m, "upstream_error", None),
        ),
        ApiError::Timeout => (
            StatusCode::REQUEST_TIMEOUT,
            body(
                "timeout",
                "The request timed out waiting for the upstream model",
                "timeout_error",
                None,
            ),
        ),
        ApiError::NotFound(m) => (
            StatusCode::NOT_FOUND,
            body("not_found", &m, "invalid_request_error", None),
        ),
        ApiError::Invalid(inv) => {
            let code = match inv.kind {
                Kind::Json => "invalid_json",
                Kind::Missing => "missing_required_parameter",
                Kind::Image(_) => "invalid_image",
                _ => "invalid_parameter",
            };
            let param = inv.field.split('[').next().unwrap_or("").to_string();
            let param = (!param.is_empty()).then_some(param);
            (
                StatusCode::BAD_REQUEST,
                body(
                    code,
                    &inv.message,
                    "invalid_request_error",
                    param.as_deref(),
                ),
            )
        }
    };
    answer::json(status, &b)
}

async fn edits(State(state): State<AppState>, headers: HeaderMap, body_bytes: Bytes) -> Response {
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::RawOrBearer,
        &config,
        error,
        r#"{"created":1767225600,"data":[{"url":"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let checked = (|| {
        let obj = check::parse_object(&body_bytes)?;
        let model = check::req_str(&obj, "model")?;
        if model != MODEL {
            return Err(Invalid::new(
                "model",
                Kind::Enum,
                format!("model must be '{MODEL}', got '{model}'"),
            ));
        }
        let prompt = check::req_str(&obj, "prompt")?;
        let urls = check::str_array(&obj, "image_urls", 1, 4)?;
        check::check_prompt(prompt, urls.len(), "prompt")?;
        let aspect = check::check_aspect(&obj, "aspect_ratio")?;
        check::opt_int(&obj, "n", 1, 1)?;
        let b64 =
            check::check_enum(&obj, "output_format", &["url", "b64_json"])? == Some("b64_json");
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        let images = images::load_all(&state, "image_urls", &urls, t)?;
        Ok((spec(images, prompt, aspect), b64, prompt.to_string()))
    })();
    let (s, b64, prompt) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    tokio::time::sleep(sync_delay(&config, scenario)).await;
    match scenario {
        Scenario::Stuck => {
            hang(&config).await;
            return error(ApiError::Timeout);
        }
        Scenario::Fail => {
            return error(ApiError::Failed(
                "The upstream model failed to generate an image".into(),
            ));
        }
        Scenario::Violation => {
            let b = body(
                "content_policy_violation",
                "Your request was rejected by the moderation system: the prompt or images may violate the content policy",
                "moderation",
                Some("prompt"),
            );
            return answer::json(StatusCode::FORBIDDEN, &b);
        }
        _ => {}
    }
    let rendered = draw(s).await;
    let item = if b64 {
        json!({ "b64_json": base64::engine::general_purpose::STANDARD.encode(&rendered.bytes), "revised_prompt": prompt })
    } else {
        let id = state.uuid();
        let url = store(&state, &answer::origin(&headers), PREFIX, &id, &rendered).url;
        json!({ "url": url, "revised_prompt": prompt })
    };
    answer::json(
        StatusCode::OK,
        &json!({ "created": unix_secs(std::time::SystemTime::now()), "data": [item] }),
    )
}
