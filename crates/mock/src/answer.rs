//! Answering: the errors every provider must be able to say, JSON
//! responses, and the origin the client called us on (for the URLs we hand
//! back).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::check::Invalid;
use crate::scenario::AuthError;

/// The errors every provider must be able to say, in its own shape.
#[derive(Clone, Debug)]
pub enum ApiError {
    Auth(AuthError),
    Payment,
    RateLimited,
    Server,
    /// The job failed (synchronous providers).
    Failed(String),
    /// A synchronous call gave up (`mock-stuck`).
    Timeout,
    NotFound(String),
    Invalid(Invalid),
}

/// A JSON answer.
pub fn json(status: StatusCode, value: &Value) -> Response {
    json_typed(status, value, "application/json")
}

/// A JSON answer with its own content type (e.g. `application/problem+json`).
pub fn json_typed(status: StatusCode, value: &Value, content_type: &'static str) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// Add a header (value must be a valid header value, else it is skipped).
pub fn with_header(mut res: Response, name: &'static str, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().insert(name, v);
    }
    res
}

/// `http://<Host>` as the client called us, for the URLs we return.
pub fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let safe = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:-[]_".contains(&b));
    format!("http://{}", if safe { host } else { "127.0.0.1" })
}
