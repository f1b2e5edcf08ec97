//! The OpenAI-style image answer AI/ML API and OneRouter share:
//! `{data: [{url, b64_json, content_violation?, request_id?}], meta:
//! {usage: {credits_used | tokens_used}}}`. One reader, so neither
//! provider's module reaches into the other's.

use super::{ProviderInfo, Step};
use crate::error::RemixError;
use crate::http::HttpResponse;
use crate::job::{Cost, Job};
use crate::json::Value;

/// Read the answer of `info`'s provider: the job's request id, a content
/// violation, the images (URLs or base64) and the credits used.
pub(crate) fn answer(
    info: &ProviderInfo,
    job: &mut Job,
    res: &HttpResponse,
    v: &Value,
) -> Result<Step, RemixError> {
    let items = v.get("data").and_then(Value::as_array).unwrap_or(&[]);
    if let Some(id) = items
        .first()
        .and_then(|i| i.str_at("request_id"))
        .or_else(|| res.request_id_header())
    {
        job.request_id = Some(id.to_string());
    }
    if items
        .iter()
        .any(|i| i.get("content_violation").and_then(Value::as_bool) == Some(true))
    {
        return Err(super::violation(info, None).with_status(res.status));
    }
    let images: Vec<_> = items
        .iter()
        .filter_map(|i| {
            i.str_at("url")
                .map(|u| super::image_from_url(u, None))
                .or_else(|| i.str_at("b64_json").map(super::image_from_base64))
        })
        .collect();
    if images.is_empty() {
        return Err(super::malformed(info, res, "image url or b64_json"));
    }
    // Older answers call the same figure `tokens_used`.
    let usage = v.get_path(&["meta", "usage"]);
    let cost = usage
        .and_then(|u| u.get("credits_used").or_else(|| u.get("tokens_used")))
        .and_then(Value::as_f64)
        .map(|amount| Cost {
            amount,
            unit: super::CREDITS,
            remaining: None,
        });
    Ok(Step::Done(super::result(info, job, images, cost)?))
}
