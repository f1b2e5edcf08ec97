//! Runware: one endpoint, `/runware/v1`, for both of its APIs.
//!
//! - **REST**: `POST /runware/v1` with a JSON **array of tasks**; the key in
//!   `Authorization: Bearer <key>`, or in an `{"taskType":
//!   "authentication", "apiKey"}` task first in the array.
//! - **WebSocket**: the same path with `Upgrade: websocket`, spoken as
//!   `@runware/sdk-js` 1.3.2 speaks it ([`ws`]).
//!
//! Task `imageInference` with `model: "reve:2@1"` (Reve 2.1; schema.json
//! `x-air-id`): `taskUUID` (a UUID), `positivePrompt` (≤ 4000,
//! `<frame>N</frame>`), `inputs.referenceImages` (0–8: URL, data URI or raw
//! base64), `width`/`height` (no aspect-ratio string on Runware),
//! `outputType` URL|dataURI|base64Data, `outputFormat` JPG|PNG|WEBP,
//! `outputQuality` 20–99, `numberResults`, `includeCost`, `deliveryMethod`
//! sync|async, `webhookURL` (read, never called). A top-level
//! `referenceImages` (where the SDK's own option puts it) is refused as
//! `unsupportedParameter`, as is any key Runware's schema does not list.
//! Answers `{data: [{taskType, taskUUID, imageUUID, imageURL | imageDataURI
//! | imageBase64Data, seed, NSFWContent, cost?}]}`, one item per image;
//! async answers an acknowledgement `{taskType, taskUUID}`, then
//! `{"taskType":"getResponse","taskUUID"}` answers items with `status`
//! `processing` | `success`, or an error with `status: "error"`.
//! Errors: `{errors: [{code, message, parameter, type, taskType, taskUUID,
//! documentation}]}`; the codes besides `invalidApiKey` and
//! `unsupportedParameter`, and the HTTP statuses, are unverified.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::results_routes;
use crate::answer::{self, ApiError};
use crate::check::Kind;
use crate::faults;
use crate::scenario::{AuthError, AuthStyle};
use crate::state::AppState;

mod task;
mod ws;

pub use task::TaskError;

const PREFIX: &str = "/runware";
/// Where Runware's errors are explained.
const DOCS: &str = "https://runware.ai/docs/platform/errors";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1", get(upgrade).post(rest))
        .merge(results_routes())
        .fallback(|| async {
            let e = TaskError::new(StatusCode::NOT_FOUND, "notFound", "Not Found");
            errors(&[e])
        })
}

async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    up: WebSocketUpgrade,
) -> Response {
    let origin = answer::origin(&headers);
    up.on_upgrade(move |socket| ws::serve(socket, state, origin))
}

/// `{errors: [...]}`, with the first error's HTTP status.
pub fn errors(list: &[TaskError]) -> Response {
    let status = list
        .first()
        .map(|e| e.status)
        .unwrap_or(StatusCode::BAD_REQUEST);
    answer::json(
        status,
        &json!({"errors": list.iter().map(TaskError::to_json).collect::<Vec<_>>()}),
    )
}

/// The shared errors, in Runware's words (codes unverified but `invalidApiKey`).
pub fn api_error(e: ApiError) -> TaskError {
    match e {
        ApiError::Auth(AuthError::Missing) => TaskError::new(
            StatusCode::UNAUTHORIZED,
            "missingApiKey",
            "No API key: send 'Authorization: Bearer <key>' or an authentication task first.",
        ),
        ApiError::Auth(AuthError::Malformed) => TaskError::new(
            StatusCode::UNAUTHORIZED,
            "invalidApiKey",
            "Invalid API key format. Use 'Authorization: Bearer <key>'.",
        ),
        ApiError::Auth(AuthError::Invalid) => TaskError::new(
            StatusCode::UNAUTHORIZED,
            "invalidApiKey",
            "Invalid API key. Get one at https://my.runware.ai/keys",
        ),
        ApiError::Payment => TaskError::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficientCredits",
            "Insufficient credits to run this task. Top up at https://my.runware.ai/wallet",
        ),
        ApiError::RateLimited => TaskError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rateLimitExceeded",
            "Too many requests. Slow down and retry.",
        ),
        ApiError::Server => TaskError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            "Internal server error.",
        ),
        ApiError::Failed(m) => {
            TaskError::new(StatusCode::INTERNAL_SERVER_ERROR, "inferenceFailed", &m)
        }
        ApiError::Timeout => TaskError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeoutProvider",
            "The task timed out.",
        ),
        ApiError::NotFound(m) => TaskError::new(StatusCode::NOT_FOUND, "notFound", &m),
        ApiError::Invalid(inv) => {
            let code = match inv.kind {
                Kind::Missing => "missingParameter",
                Kind::Json => "invalidJson",
                _ => "invalidParameter",
            };
            let mut e = TaskError::new(StatusCode::BAD_REQUEST, code, &inv.message);
            if !inv.field.is_empty() {
                e.parameter = Some(inv.field);
            }
            e
        }
    }
}

/// The key from `Authorization: Bearer`, else from a first
/// `authentication` task, as a header the shared checks read.
fn key_headers(headers: &HeaderMap, tasks: &[Value]) -> HeaderMap {
    let mut h = headers.clone();
    if h.get("authorization").is_none()
        && let Some(key) = tasks
            .first()
            .filter(|t| t["taskType"] == "authentication")
            .and_then(|t| t["apiKey"].as_str())
        && let Ok(v) = HeaderValue::from_str(&format!("Bearer {key}"))
    {
        h.insert("authorization", v);
    }
    h
}

async fn rest(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let tasks = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(a)) => a,
        Ok(_) => {
            let mut e = api_error(ApiError::Invalid(crate::check::Invalid::new(
                "",
                Kind::Json,
                "The request body must be a JSON array of tasks.",
            )));
            e.code = "invalidJson";
            return errors(&[e]);
        }
        Err(err) => {
            return errors(&[api_error(ApiError::Invalid(crate::check::Invalid::new(
                "",
                Kind::Json,
                format!("The request body is not valid JSON: {err}"),
            )))]);
        }
    };
    let config = state.config().clone();
    let auth = key_headers(&headers, &tasks);
    let scenario = match faults::admit(
        &auth,
        AuthStyle::Bearer,
        &config,
        |e| errors(&[api_error(e)]),
        r#"{"data":[{"taskType":"imageInference","taskUUID":"#,
    ) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let origin = answer::origin(&headers);
    let mut data = Vec::new();
    let mut errs = Vec::new();
    for t in tasks.iter().filter(|t| t["taskType"] != "authentication") {
        match task::run(&state, &origin, scenario, t).await {
            Ok(items) => data.extend(items),
            Err(e) => errs.push(e),
        }
    }
    if data.is_empty() && !errs.is_empty() {
        return errors(&errs);
    }
    let mut body = json!({ "data": data });
    if !errs.is_empty() {
        body["errors"] = Value::Array(errs.iter().map(TaskError::to_json).collect());
    }
    answer::json(StatusCode::OK, &body)
}
