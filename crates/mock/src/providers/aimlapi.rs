//! AI/ML API: `POST /aimlapi/v1/images/generations`, synchronous, Bearer.
//!
//! Body (per `aimlapi.openapi.json`): `{model: "reve/remix-edit-image",
//! prompt (≤ 2560), image_urls (1–4, URL or base64 data URI), aspect_ratio?
//! (default 3:2), convert_base64_to_url? (default true)}` → 201 `{data:
//! [{url, b64_json, request_id, content_violation}], meta: {usage:
//! {credits_used}}}` (`url` when converting to URL, else `b64_json`).
//! Errors: 400 "Body validation error", 401, 403 out of credits, 429. The
//! error body `{statusCode, message, error, meta}` is NestJS-style and
//! unverified. A content violation is reported as the captured sample
//! shows it: 201 with `content_violation: true` and neither url nor b64_json.

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
use crate::check::{self, Invalid};
use crate::faults::{self, hang, sync_delay};
use crate::images::{self, Transports};
use crate::scenario::{AuthError, AuthStyle, Scenario};
use crate::state::AppState;

const MODEL: &str = "reve/remix-edit-image";
const PREFIX: &str = "/aimlapi";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/images/generations", post(generate))
        .merge(results_routes())
        .fallback(|| async { error(ApiError::NotFound("Cannot find the requested route".into())) })
}

pub fn error(e: ApiError) -> Response {
    let (status, message, meta) = match e {
        ApiError::Auth(AuthError::Missing | AuthError::Malformed) => (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: provide 'Authorization: Bearer <YOUR_AIMLAPI_KEY>'".to_string(),
            None,
        ),
        ApiError::Auth(AuthError::Invalid) => (
            StatusCode::UNAUTHORIZED,
            "Invalid API key".to_string(),
            None,
        ),
        ApiError::Payment => (
            StatusCode::FORBIDDEN,
            "You are out of credits. Top up your balance to continue using the API.".to_string(),
            None,
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests".to_string(),
            None,
        ),
        ApiError::Server => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error".to_string(),
            None,
        ),
        ApiError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m, None),
        ApiError::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "Generation timed out".to_string(),
            None,
        ),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m, None),
        ApiError::Invalid(inv) => (
            StatusCode::BAD_REQUEST,
            "Body validation error".to_string(),
            Some(
                json!([{ "path": path(&inv.field), "message": inv.message, "code": inv.kind.slug() }]),
            ),
        ),
    };
    let mut body = json!({
        "statusCode": status.as_u16(),
        "message": message,
        "error": status.canonical_reason().unwrap_or("Error"),
    });
    if let Some(meta) = meta {
        body["meta"] = meta;
    }
    answer::json(status, &body)
}

/// `image_urls[2]` → `["image_urls", 2]`
fn path(field: &str) -> Value {
    match field.split_once('[') {
        Some((name, idx)) => match idx.trim_end_matches(']').parse::<u64>() {
            Ok(i) => json!([name, i]),
            Err(_) => json!([name]),
        },
        None if field.is_empty() => json!([]),
        None => json!([field]),
    }
}

async fn generate(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::Bearer,
        &config,
        error,
        r#"{"data":[{"url":"https://cdn.aimlapi.com/generations/"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let checked = (|| {
        let obj = check::parse_object(&body)?;
        let model = check::req_str(&obj, "model")?;
        if model != MODEL {
            return Err(Invalid::new(
                "model",
                check::Kind::Enum,
                format!("model must be '{MODEL}', got '{model}'"),
            ));
        }
        let prompt = check::req_str(&obj, "prompt")?;
        let urls = check::str_array(&obj, "image_urls", 1, 4)?;
        check::check_prompt(prompt, urls.len(), "prompt")?;
        let aspect = check::check_aspect(&obj, "aspect_ratio")?.unwrap_or("3:2");
        let to_url = check::opt_bool(&obj, "convert_base64_to_url")?.unwrap_or(true);
        let t = Transports {
            data_uri: true,
            url: true,
            ..Default::default()
        };
        let images = images::load_all(&state, "image_urls", &urls, t)?;
        Ok((spec(images, prompt, Some(aspect)), to_url))
    })();
    let (s, to_url) = match checked {
        Ok(v) => v,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    tokio::time::sleep(sync_delay(&config, scenario)).await;
    let request_id = format!("rsid-{}", state.short_id(32));
    match scenario {
        Scenario::Stuck => {
            hang(&config).await;
            return error(ApiError::Timeout);
        }
        Scenario::Fail => {
            return error(ApiError::Failed(
                "Generation failed: the model returned an error".into(),
            ));
        }
        Scenario::Violation => {
            let body = json!({
                "data": [{ "url": null, "b64_json": null, "request_id": request_id, "content_violation": true }],
                "meta": { "usage": { "credits_used": 0 } },
            });
            return answer::json(StatusCode::CREATED, &body);
        }
        _ => {}
    }
    let rendered = draw(s).await;
    let (url, b64) = if to_url {
        let id = state.uuid();
        (
            json!(store(&state, &answer::origin(&headers), PREFIX, &id, &rendered).url),
            Value::Null,
        )
    } else {
        (
            Value::Null,
            json!(base64::engine::general_purpose::STANDARD.encode(&rendered.bytes)),
        )
    };
    let body = json!({
        "data": [{ "url": url, "b64_json": b64, "request_id": request_id, "content_violation": false }],
        "meta": { "usage": { "credits_used": 210_000 } },
    });
    answer::json(StatusCode::CREATED, &body)
}
