//! fal: the queue API, `Authorization: Key <key>`, for two apps:
//! `POST /fal/fal-ai/reve/remix` (Reve Remix, v1) and `POST /fal/reve/2.1/remix`
//! (Reve 2.1: no `fal-ai/` prefix; `image_urls` 1–8 as URLs or data URIs,
//! `<frame>N</frame>` in a prompt of up to 4000 characters, `aspect_ratio`
//! one of [`crate::reve21::ASPECT_RATIOS`] or `auto`, `num_images` 1–4,
//! `output_format` png|jpeg|webp, `sync_mode`; fal's `reve/2.1` llms.txt,
//! the remix page's enums read from the 2.1 edit page: unverified). Each
//! app follows its own queue URLs (`…/reve/2.1/requests/{id}/status`) and
//! knows only its own requests.
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

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::{NewJob, results_routes, spec, start_job};
use crate::answer::{self, ApiError};
use crate::check::{self, Invalid};
use crate::faults;
use crate::images::{self, Transports};
use crate::render::OutFormat;
use crate::reve21;
use crate::scenario::{AuthError, AuthStyle};
use crate::state::AppState;

mod queue;

/// The most `image_urls` fal's v1 remix takes ("between 1 and 6 images").
const MAX_IMAGES: usize = 6;
const PREFIX: &str = "/fal";

/// One of fal's Reve apps: where its requests are kept, and the path its
/// queue URLs live under (the app's id without its subpath, as fal's are).
#[derive(Clone, Copy, Debug)]
pub struct App {
    pub store: &'static str,
    pub base: &'static str,
}

/// `fal-ai/reve/remix`
pub const V1: App = App {
    store: "fal",
    base: "fal-ai/reve",
};
/// `reve/2.1/remix`
pub const V21: App = App {
    store: "fal-2.1",
    base: "reve/2.1",
};

fn app<const IS_V21: bool>() -> App {
    if IS_V21 { V21 } else { V1 }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fal-ai/reve/remix", post(submit::<false>))
        .route("/reve/2.1/remix", post(submit::<true>))
        .route(
            "/fal-ai/reve/requests/{id}/status",
            get(queue::status::<false>),
        )
        .route(
            "/fal-ai/reve/requests/{id}/status/stream",
            get(queue::status_stream::<false>),
        )
        .route("/fal-ai/reve/requests/{id}", get(queue::result::<false>))
        .route(
            "/fal-ai/reve/requests/{id}/cancel",
            put(queue::cancel::<false>),
        )
        .route("/reve/2.1/requests/{id}/status", get(queue::status::<true>))
        .route(
            "/reve/2.1/requests/{id}/status/stream",
            get(queue::status_stream::<true>),
        )
        .route("/reve/2.1/requests/{id}", get(queue::result::<true>))
        .route("/reve/2.1/requests/{id}/cancel", put(queue::cancel::<true>))
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
    let res = answer::json(status, &body);
    answer::with_header(
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

async fn submit<const IS_V21: bool>(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = app::<IS_V21>();
    let config = state.config().clone();
    let scenario = match faults::admit(
        &headers,
        AuthStyle::FalKey,
        &config,
        error,
        r#"{"status":"IN_QUEUE","request_id":"0b9a"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let obj = match check::parse_object(&body) {
        Ok(o) => o,
        Err(inv) => return error(ApiError::Invalid(inv)),
    };
    let checked = (|| {
        let prompt = check::req_str(&obj, "prompt")?;
        // "between 1 and 6 images (inclusive)": fal's client types,
        // `@fal-ai/client` 1.8.0–1.9.5 `ReveRemixInput` (2025-12-17 on).
        // Reve 2.1: "1–8 images", `<frame>N</frame>`, 4000 characters.
        let max = if IS_V21 {
            reve21::MAX_REFERENCES
        } else {
            MAX_IMAGES
        };
        let urls = check::str_array(&obj, "image_urls", 1, max)?;
        let aspect = if IS_V21 {
            reve21::check_prompt(prompt, urls.len(), "prompt", reve21::MAX_PROMPT_CHARS)?;
            reve21::check_aspect(&obj, "aspect_ratio")?
        } else {
            check::check_prompt(prompt, urls.len(), "prompt")?;
            check::check_aspect(&obj, "aspect_ratio")?
        };
        let copies = check::opt_int(&obj, "num_images", 1, 4)?.unwrap_or(1);
        let format = match check::check_enum(&obj, "output_format", &["png", "jpeg", "webp"])? {
            Some("jpeg") => OutFormat::Jpeg,
            Some("webp") => OutFormat::Webp,
            _ => OutFormat::Png,
        };
        check::opt_bool(&obj, "sync_mode")?;
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
    let origin = answer::origin(&headers);
    let id = state.uuid();
    let job = start_job(
        &state,
        NewJob {
            provider: app.store,
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
    let mut body = urls(app, &origin, &job.id);
    body["status"] = json!("IN_QUEUE");
    body["queue_position"] = json!(crate::state::QUEUE_LENGTH - 1);
    answer::json(StatusCode::OK, &body)
}

fn urls(app: App, origin: &str, id: &str) -> Value {
    let base = format!("{origin}{PREFIX}/{}/requests/{id}", app.base);
    json!({
        "request_id": id,
        "response_url": base,
        "status_url": format!("{base}/status"),
        "cancel_url": format!("{base}/cancel"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Kind;

    #[test]
    fn loc_paths() {
        let inv = Invalid::new("image_urls[2]", Kind::Encoding, "x");
        assert_eq!(detail_item(&inv)["loc"], json!(["body", "image_urls", 2]));
    }
}
