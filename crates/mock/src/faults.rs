//! The faults a test asks for by its key (`mock-429`, `mock-slow`,
//! `mock-malformed`, `mock-drop`, `mock-hang`, …): how long a job or a
//! synchronous answer takes, the early refusals, malformed JSON, a
//! dropped connection, a hang.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::answer::{ApiError, with_header};
use crate::scenario::{AuthStyle, Scenario, authenticate};

/// How long synchronous providers take; `mock-slow` multiplies it.
pub fn sync_delay(config: &crate::Config, scenario: Scenario) -> Duration {
    scale(config, config.job_duration / 4, scenario)
}

/// A queued job's duration for this scenario.
pub fn job_duration(config: &crate::Config, scenario: Scenario) -> Duration {
    scale(config, config.job_duration, scenario)
}

fn scale(config: &crate::Config, d: Duration, scenario: Scenario) -> Duration {
    if scenario == Scenario::Slow {
        d * config.slow_factor.max(1)
    } else {
        d
    }
}

/// The start of every submit handler: the key's check, then the faults
/// that answer before the body is read ([`early_fault`]). `error` words them
/// the provider's way; `Err` is the answer to send at once.
#[allow(
    clippy::result_large_err,
    reason = "the answer is sent at once, once per request: boxing it buys nothing"
)]
pub fn admit(
    headers: &HeaderMap,
    style: AuthStyle,
    config: &crate::Config,
    error: impl Fn(ApiError) -> Response,
    partial: &str,
) -> Result<Scenario, Response> {
    let scenario = authenticate(headers, style).map_err(|e| error(ApiError::Auth(e)))?;
    match early_fault(scenario, config, &error, partial) {
        Some(res) => Err(res),
        None => Ok(scenario),
    }
}

/// The answers that do not depend on the request body: rate limit, server
/// error, payment, malformed JSON and the dropped connection. `error` words
/// the first three the provider's way; `partial` is the start of the JSON
/// the provider would have sent (for `mock-drop`).
fn early_fault(
    scenario: Scenario,
    config: &crate::Config,
    error: impl Fn(ApiError) -> Response,
    partial: &str,
) -> Option<Response> {
    match scenario {
        Scenario::RateLimited | Scenario::RateLimitedUnexposed => {
            let mut res = with_header(
                error(ApiError::RateLimited),
                "retry-after",
                &config.retry_after_secs.to_string(),
            );
            if scenario == Scenario::RateLimitedUnexposed {
                res.extensions_mut().insert(crate::Unexposed);
            }
            Some(res)
        }
        Scenario::ServerError => Some(error(ApiError::Server)),
        Scenario::PaymentRequired => Some(error(ApiError::Payment)),
        Scenario::Malformed => Some(malformed(partial)),
        Scenario::Drop => Some(dropped(partial)),
        _ => None,
    }
}

/// 200 with a body that is not JSON: the provider's JSON, cut short.
pub fn malformed(partial: &str) -> Response {
    let mut body = partial.to_string();
    body.push_str("<html><body>502 Bad Gateway</body></html>");
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// 200, headers and the first bytes of the body, then the connection is
/// dropped (the body stream fails, so hyper aborts it mid-chunk).
pub fn dropped(partial: &str) -> Response {
    let first = axum::body::Bytes::from(partial.to_string());
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let first = first.clone();
        async move {
            match step {
                0 => Some((Ok(first), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "mock-drop",
                        )),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    let mut res = Response::new(Body::from_stream(stream));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// Wait out `mock-stuck` on a synchronous call (capped by `Config::hang_limit`).
pub async fn hang(config: &crate::Config) {
    tokio::time::sleep(config.hang_limit).await;
}
