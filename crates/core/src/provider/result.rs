//! Reading a provider's answers: the JSON body (or the error it stands
//! for), envelopes, and the result images however a provider gives them
//! (a URL, a data URL, raw base64, somewhere inside an undocumented
//! output).

use crate::error::{ErrorCode, RemixError, num};
use crate::http::HttpResponse;
use crate::job::{Cost, Job, RemixResult, ResultImage};
use crate::json::{self, Value};

use super::{ProviderInfo, http_error};

/// The body as JSON; `malformed_response` if it is not.
pub(crate) fn parse_json(info: &ProviderInfo, res: &HttpResponse) -> Result<Value, RemixError> {
    json::parse(&res.body).map_err(|e| {
        RemixError::new(
            ErrorCode::MalformedResponse,
            [
                info.name,
                " answered with something that is not JSON (HTTP ",
                &num(res.status.into()),
                ", ",
                e.reason,
                " at byte ",
                &num(e.offset as u64),
                ").",
            ]
            .concat(),
        )
        .with_status(res.status)
        .with_provider(info.id)
        .with_retryable(true)
    })
}

/// A 2xx answer's JSON; otherwise the provider's error (see [`http_error`]).
pub(crate) fn success_json(info: &ProviderInfo, res: &HttpResponse) -> Result<Value, RemixError> {
    if !res.is_success() {
        return Err(http_error(info, res));
    }
    parse_json(info, res)
}

/// `{success, data, error}`; a bare body is returned as is.
pub(crate) fn unwrap_data(v: &Value) -> &Value {
    match v.get("data") {
        Some(d)
            if !d.is_null()
                && (v.get("success").is_some() || v.as_object().is_some_and(|m| m.len() <= 3)) =>
        {
            d
        }
        _ => v,
    }
}

/// The MIME type of an image from the first characters of its base64.
fn mime_from_base64(b64: &str) -> &'static str {
    if b64.starts_with("/9j/") {
        "image/jpeg"
    } else if b64.starts_with("UklGR") {
        "image/webp"
    } else {
        "image/png"
    }
}

/// A result image given as base64 (or already as a data URL).
pub(crate) fn image_from_base64(b64: &str) -> ResultImage {
    let b64 = b64.trim();
    if b64.starts_with("data:") {
        return image_from_url(b64, None);
    }
    let mime = mime_from_base64(b64);
    ResultImage {
        url: None,
        data_url: Some(["data:", mime, ";base64,", b64].concat()),
        mime: Some(mime.to_string()),
    }
}

/// A result image given as a URL (a `data:` URL goes to `data_url`).
pub(crate) fn image_from_url(url: &str, mime: Option<&str>) -> ResultImage {
    let mime = mime.filter(|m| m.starts_with("image/")).map(str::to_string);
    if let Some(after) = url.strip_prefix("data:") {
        let m = mime.or_else(|| {
            after
                .split([';', ','])
                .next()
                .filter(|m| !m.is_empty())
                .map(str::to_string)
        });
        ResultImage {
            url: None,
            data_url: Some(url.to_string()),
            mime: m,
        }
    } else {
        ResultImage {
            url: Some(url.to_string()),
            data_url: None,
            mime,
        }
    }
}

/// A result image given as an output string: a URL, a data URL, or bare
/// base64 (Atlas Cloud's `enable_base64_output`).
pub(crate) fn image_from_output(out: &str) -> ResultImage {
    let t = out.trim();
    let has = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if has("http://") || has("https://") || has("data:") {
        image_from_url(t, None)
    } else {
        image_from_base64(t)
    }
}

/// The unit the providers that report a cost count in.
pub(crate) const CREDITS: &str = "credits";
/// The unit of a cost reported in US dollars (Runware's `cost`).
pub(crate) const USD: &str = "usd";

/// A finished job's result.
pub(crate) fn result(
    info: &ProviderInfo,
    job: &Job,
    images: Vec<ResultImage>,
    cost: Option<Cost>,
) -> RemixResult {
    RemixResult {
        images,
        job_id: Some(job.id.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| job.request_id.clone()),
        provider: info.id,
        model: job.model,
        credits_used: cost
            .as_ref()
            .filter(|c| c.unit == CREDITS)
            .map(|c| c.amount),
        cost,
    }
}

/// The first http(s) or data URL anywhere inside `v` (depth-first, keys in
/// order), for outputs whose exact shape is not documented.
pub(crate) fn first_url(v: &Value) -> Option<&str> {
    match v {
        Value::String(s)
            if s.starts_with("https://") || s.starts_with("http://") || s.starts_with("data:") =>
        {
            Some(s)
        }
        Value::Array(items) => items.iter().find_map(first_url),
        Value::Object(members) => {
            // Prefer the usual keys before scanning everything.
            for key in ["uri", "url", "image", "images", "media_url", "output"] {
                if let Some(u) = v.get(key).and_then(first_url) {
                    return Some(u);
                }
            }
            members.iter().find_map(|(_, m)| first_url(m))
        }
        _ => None,
    }
}
