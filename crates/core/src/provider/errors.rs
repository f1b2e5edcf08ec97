//! What a provider's failures mean: the shared mapping of HTTP statuses
//! and error bodies (whatever their shape) to [`RemixError`] codes, the
//! proxy's own refusals, network failures, and the job-level errors the
//! providers raise (failed, cancelled, content violation, malformed).

use crate::error::{ErrorCode, RemixError, has_sub, num};
use crate::http::HttpResponse;
use crate::job::Job;
use crate::json::{self, Value};

use super::{Config, Cors, PROXY_ERROR_HEADER, ProviderInfo};

/// `malformed_response` for a JSON answer that lacks what it should hold.
pub(crate) fn malformed(info: &ProviderInfo, res: &HttpResponse, what: &str) -> RemixError {
    RemixError::new(
        ErrorCode::MalformedResponse,
        [
            info.name,
            "'s answer (HTTP ",
            &num(res.status.into()),
            ") has no ",
            what,
            ".",
        ]
        .concat(),
    )
    .with_status(res.status)
    .with_provider(info.id)
}

/// The most useful human message in an error body, whatever its shape:
/// `{detail}`, fal's `{detail:[{loc,msg}]}`, `{error:{message}}`,
/// `{error, message}`, problem+json `{title, detail}`, `{message}`.
pub fn error_message(v: &Value) -> Option<String> {
    let v = match v.get("data") {
        Some(d @ Value::Object(_)) if v.get("error").is_none() && v.get("message").is_none() => d,
        _ => v,
    };
    let mut msg = String::new();
    if let Some(d) = v.str_at("detail") {
        if let Some(t) = v.str_at("title") {
            msg.push_str(t);
            msg.push_str(": ");
        }
        msg.push_str(d);
    } else if let Some(items) = v.get("detail").and_then(Value::as_array) {
        for item in items.iter().take(5) {
            if !msg.is_empty() {
                msg.push_str("; ");
            }
            if let Some(loc) = item.get("loc").and_then(Value::as_array) {
                let parts: Vec<String> = loc
                    .iter()
                    .filter_map(|p| {
                        p.as_str()
                            .map(str::to_string)
                            .or_else(|| p.as_u64().map(num))
                    })
                    .collect();
                if !parts.is_empty() {
                    msg.push_str(&parts.join("."));
                    msg.push_str(": ");
                }
            }
            msg.push_str(
                item.str_at("msg")
                    .or_else(|| item.str_at("message"))
                    .unwrap_or("invalid"),
            );
        }
    } else if let Some(items) = v.get("errors").and_then(Value::as_array) {
        // Runware: `{errors: [{code, message, parameter, …}]}`.
        for item in items.iter().take(5) {
            if let Some(m) = item.str_at("message").or_else(|| item.str_at("code")) {
                if !msg.is_empty() {
                    msg.push_str("; ");
                }
                msg.push_str(m);
                if let Some(code) = item.str_at("code").filter(|c| *c != m) {
                    msg.push_str(" (");
                    msg.push_str(code);
                    msg.push(')');
                }
            }
        }
    } else if let Some(m) = v.get("error").and_then(|e| e.str_at("message")) {
        msg.push_str(m);
    } else if let Some(e) = v.str_at("error") {
        msg.push_str(e);
        if let Some(m) = v.str_at("message").filter(|m| *m != e) {
            msg.push_str(": ");
            msg.push_str(m);
        }
    } else if let Some(m) = v
        .str_at("message")
        .or_else(|| v.str_at("title"))
        .or_else(|| v.str_at("error_code"))
    {
        msg.push_str(m);
    }
    if msg.is_empty() {
        return None;
    }
    if let Some(code) = v.str_at("error_code").filter(|c| !has_sub(&msg, c)) {
        msg.push_str(" (");
        msg.push_str(code);
        msg.push(')');
    }
    Some(truncate(msg, 400))
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// True if a provider's words say the content was refused by moderation,
/// however spelled (`content_violation`, `CONTENT_POLICY_VIOLATION`,
/// "moderation", "nsfw", …).
pub fn looks_like_violation(s: &str) -> bool {
    let s = s.to_ascii_lowercase().replace(['_', '-'], " ");
    [
        "content violation",
        "content policy",
        "moderation",
        "nsfw",
        "safety filter",
        "safety checker",
        "content checker",
        "policy violation",
    ]
    .iter()
    .any(|m| has_sub(&s, m))
}

/// True if a provider's words say the account has no money left, however
/// spelled (fal's 403 "User is locked. Reason: Exhausted balance",
/// `insufficient_quota`, "out of credits", …).
pub fn looks_like_no_credits(s: &str) -> bool {
    let s = s.to_ascii_lowercase().replace(['_', '-'], " ");
    [
        "exhausted balance",
        "balance exhausted",
        "budget exhausted",
        "insufficient credit",
        "insufficient balance",
        "insufficient funds",
        "insufficient quota",
        "out of credit",
        "not enough credit",
        "not enough balance",
        "no credits left",
    ]
    .iter()
    .any(|m| has_sub(&s, m))
}

fn error_codes(v: &Value) -> String {
    let mut all = String::new();
    for s in [
        v.str_at("error_code"),
        v.str_at("code"),
        v.str_at("type"),
        v.get("error").and_then(|e| e.str_at("code")),
        v.get("error").and_then(|e| e.str_at("type")),
    ]
    .into_iter()
    .flatten()
    {
        all.push_str(s);
        all.push(' ');
    }
    // fal's validation errors: `{detail: [{loc, msg, type}]}`, where a
    // moderation refusal is `type: "content_policy_violation"`.
    for item in v
        .get("detail")
        .and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .take(5)
    {
        if let Some(t) = item.str_at("type") {
            all.push_str(t);
            all.push(' ');
        }
    }
    all
}

/// The `content_violation` error.
pub(crate) fn violation(info: &ProviderInfo, detail: Option<&str>) -> RemixError {
    let mut msg = [info.name, " refused the request as a content violation"].concat();
    if let Some(d) = detail {
        msg.push_str(": ");
        msg.push_str(d);
    }
    end_sentence(&mut msg);
    msg.push_str(" Change the prompt or the images.");
    RemixError::new(ErrorCode::ContentViolation, msg).with_provider(info.id)
}

/// The error for a non-2xx answer, per the shared mapping: 401 (and 403
/// unless the provider says otherwise) → `unauthorized`; 402 →
/// `insufficient_credits`; 429 → `rate_limited` with `Retry-After`;
/// other 4xx → `provider_rejected`; 408 and 5xx → `provider_error`
/// (502/503/504 retryable); moderation, however spelled → `content_violation`.
/// The provider's [`ProviderInfo::retry_header`], when sent, decides
/// `retryable`.
pub fn http_error(info: &ProviderInfo, res: &HttpResponse) -> RemixError {
    if let Some(code) = res.header(PROXY_ERROR_HEADER) {
        return proxy_refusal(info, res, code.trim());
    }
    let body = json::parse(&res.body).ok();
    let said = body.as_ref().and_then(error_message);
    let codes = body.as_ref().map(error_codes).unwrap_or_default();
    let status = res.status;
    let violation_said =
        looks_like_violation(&codes) || said.as_deref().is_some_and(looks_like_violation);
    let code = if violation_said && (400..500).contains(&status) {
        ErrorCode::ContentViolation
    } else if status == 403
        && (looks_like_no_credits(&codes) || said.as_deref().is_some_and(looks_like_no_credits))
    {
        // A 403 that says the balance is gone (fal: "User is locked. Reason:
        // Exhausted balance") is about money, not the key.
        ErrorCode::InsufficientCredits
    } else {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => info.forbidden,
            402 => ErrorCode::InsufficientCredits,
            429 => ErrorCode::RateLimited,
            408 => ErrorCode::ProviderError,
            400..=499 => ErrorCode::ProviderRejected,
            _ => ErrorCode::ProviderError,
        }
    };
    let (what, advice) = match code {
        ErrorCode::Unauthorized => (" rejected the API key (HTTP ", "): check the key"),
        ErrorCode::InsufficientCredits => (
            " says the account is out of credits (HTTP ",
            "): add credits",
        ),
        ErrorCode::RateLimited => (" is rate limiting requests (HTTP ", "): wait and try again"),
        ErrorCode::ContentViolation => (" refused the request as a content violation (HTTP ", ")"),
        ErrorCode::ProviderRejected => (" rejected the request (HTTP ", ")"),
        _ => (" failed (HTTP ", ")"),
    };
    let mut msg = [info.name, what, &num(status.into()), advice].concat();
    match &said {
        Some(s) => {
            msg.push_str(": ");
            msg.push_str(s);
        }
        None => msg.push('.'),
    }
    let mut retryable = match code {
        ErrorCode::RateLimited => true,
        ErrorCode::ProviderError => matches!(status, 408 | 502 | 503 | 504),
        _ => false,
    };
    if let Some(v) = info.retry_header.and_then(|h| res.header(h)) {
        retryable = v.trim().eq_ignore_ascii_case("true");
    }
    let mut err = RemixError::new(code, msg)
        .with_status(status)
        .with_provider(info.id)
        .with_retryable(retryable);
    if let Some(secs) = res.retry_after_secs() {
        err = err.with_retry_after(secs);
    }
    let rid = body
        .as_ref()
        .and_then(|b| b.str_at("request_id").or_else(|| b.str_at("requestId")))
        .or_else(|| res.request_id_header());
    if let Some(rid) = rid {
        err = err.with_request_id(rid);
    }
    err
}

/// The error for a refusal of the proxy itself (its `x-remix-proxy-error`
/// code, DESIGN.md's "The proxy"): the proxy's own words, which name the
/// setting to change, under the code a caller already handles.
fn proxy_refusal(info: &ProviderInfo, res: &HttpResponse, code: &str) -> RemixError {
    let (error_code, retryable, fallback) = match code {
        "no_key" => (
            ErrorCode::MissingApiKey,
            false,
            "the proxy has no key for this provider: set it where the proxy runs",
        ),
        "origin_not_allowed" => (
            ErrorCode::Unauthorized,
            false,
            "the proxy does not take requests from this page: add its origin with --allow-origin",
        ),
        "rate_limited" => (
            ErrorCode::RateLimited,
            true,
            "the proxy is rate limiting this address: wait and try again",
        ),
        "upstream_unreachable" => (
            ErrorCode::Network,
            true,
            "the proxy could not reach the provider",
        ),
        "upstream_timeout" => (
            ErrorCode::ProviderError,
            true,
            "the provider did not answer the proxy in time",
        ),
        "body_too_large" => (
            ErrorCode::ProviderRejected,
            false,
            "the request is larger than the proxy takes (--max-body)",
        ),
        "budget_exhausted" => (
            ErrorCode::RateLimited,
            false,
            "the proxy's daily budget is spent; it resets at midnight UTC",
        ),
        "client_quota_exhausted" => (
            ErrorCode::RateLimited,
            false,
            "this client's remixes for today through the proxy are used; more at midnight UTC",
        ),
        "token_missing" | "token_invalid" => (
            ErrorCode::Unauthorized,
            false,
            "the proxy needs a valid token (proxyToken): ask the site's backend for a new one",
        ),
        "state_unreadable" => (
            ErrorCode::ProviderError,
            false,
            "the proxy cannot read its state file; its owner must fix it",
        ),
        _ => (
            ErrorCode::ProviderRejected,
            false,
            "the proxy refused to forward this request",
        ),
    };
    let said = json::parse(&res.body).ok().and_then(|b| {
        b.get("error")
            .and_then(|e| e.str_at("message"))
            .map(str::to_string)
    });
    let mut msg = [
        "The proxy refused the ",
        info.name,
        " request (",
        code,
        "): ",
    ]
    .concat();
    msg.push_str(said.as_deref().map_or(fallback, |s| truncate_str(s, 400)));
    end_sentence(&mut msg);
    let mut err = RemixError::new(error_code, msg)
        .with_status(res.status)
        .with_provider(info.id)
        .with_retryable(retryable);
    if let Some(secs) = res.retry_after_secs() {
        err = err.with_retry_after(secs);
    }
    err
}

fn truncate_str(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// End `msg` with a full stop, unless a provider's words already did.
fn end_sentence(msg: &mut String) {
    if !msg.ends_with(['.', '!', '?']) {
        msg.push('.');
    }
}

/// The `job_failed` error for a job the provider reports as failed.
pub(crate) fn job_failed(
    info: &ProviderInfo,
    job: &Job,
    detail: Option<&str>,
    note: &str,
) -> RemixError {
    if let Some(d) = detail.filter(|d| looks_like_violation(d)) {
        return violation(info, Some(d)).with_request_id(job.id.clone());
    }
    let mut msg = ["The ", info.name, " job failed"].concat();
    if let Some(d) = detail.filter(|d| !d.trim().is_empty()) {
        msg.push_str(": ");
        msg.push_str(&truncate(d.into(), 400));
    }
    end_sentence(&mut msg);
    msg.push_str(note);
    RemixError::new(ErrorCode::JobFailed, msg)
        .with_provider(info.id)
        .with_request_id(job.id.clone())
}

/// The `cancelled` error for a job the provider reports as cancelled.
pub(crate) fn job_cancelled(info: &ProviderInfo, job: &Job) -> RemixError {
    RemixError::new(
        ErrorCode::Cancelled,
        ["The ", info.name, " job was cancelled."].concat(),
    )
    .with_provider(info.id)
    .with_request_id(job.id.clone())
}

/// The `network` error for a request that got no response. A browser
/// reports a CORS block the same way (a `TypeError`, no status), so for a
/// provider that does not answer CORS (Replicate) the message says to use
/// `proxyUrl`, or a `baseUrl` that answers CORS such as the mock.
pub fn network_error(info: &ProviderInfo, cfg: &Config, detail: &str) -> RemixError {
    let mut msg = ["Could not reach ", info.name].concat();
    let detail = detail.trim();
    if !detail.is_empty() {
        msg.push_str(" (");
        msg.push_str(&truncate(detail.into(), 200));
        msg.push(')');
    }
    let direct = cfg.proxy().is_none();
    let own_base = cfg
        .base_url
        .as_deref()
        .is_some_and(|b| !b.trim().is_empty());
    match info.cors {
        Cors::No if direct && !own_base => {
            msg.push_str(". ");
            msg.push_str(info.name);
            msg.push_str(" does not answer browsers' CORS requests: set proxyUrl to a proxy that forwards to it (and adds the key), or a baseUrl that answers CORS such as the mock.");
        }
        Cors::No | Cors::Unknown if direct => {
            msg.push_str(". Check the connection; if it works, a browser may be blocking the call (CORS): try proxyUrl.")
        }
        _ if !direct => msg.push_str(
            " through the proxy. Check that the proxy runs at its Proxy URL and that it allows this page's origin (--allow-origin).",
        ),
        _ => msg.push_str(". Check the connection."),
    }
    RemixError::new(ErrorCode::Network, msg).with_provider(info.id)
}
