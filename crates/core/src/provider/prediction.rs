//! The "prediction" protocol Atlas Cloud and WaveSpeedAI share: the submit
//! answers an envelope `{code, message|msg, data: {id, status, outputs,
//! error, urls?}}`; the prediction is read again until its `status` is
//! terminal; a failed job answers **HTTP 200** with `status: "failed"` and
//! `error`, so the status, not the HTTP code, says how it ended.

use super::{ProviderInfo, Step};
use crate::error::RemixError;
use crate::http::HttpResponse;
use crate::job::{Job, JobStatus};
use crate::json::Value;

/// Read a submit or status answer whose body is `v` (the envelope).
pub(crate) fn step(
    info: &ProviderInfo,
    job: &mut Job,
    res: &HttpResponse,
    v: &Value,
) -> Result<Step, RemixError> {
    let data = match v.get("data") {
        Some(d @ Value::Object(_)) => d,
        _ => v,
    };
    if let Some(id) = data.str_at("id").or_else(|| v.str_at("id")) {
        job.id = id.to_string();
    } else if job.id.is_empty() {
        return Err(super::malformed(info, res, "data.id"));
    }
    if let Some(url) = data.get("urls").and_then(|u| u.str_at("get")) {
        job.status_url = Some(url.to_string());
    }
    if let Some(id) = res.request_id_header().or_else(|| v.str_at("request_id")) {
        job.request_id = Some(id.to_string());
    }
    match data.str_at("status").unwrap_or("") {
        "created" | "queued" | "pending" | "starting" => job.status = JobStatus::Queued,
        "processing" | "running" | "in_progress" => job.status = JobStatus::Running,
        "completed" | "succeeded" | "success" => {
            let images: Vec<_> = data
                .get("outputs")
                .and_then(Value::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(Value::as_str)
                .map(super::image_from_output)
                .collect();
            if images.is_empty() {
                return Err(super::malformed(info, res, "data.outputs"));
            }
            return Ok(Step::Done(super::result(info, job, images, None)?));
        }
        "failed" | "timeout" | "deleted" | "error" => {
            let detail = data
                .str_at("error")
                .map(str::to_string)
                .or_else(|| data.get("error").and_then(super::error_message));
            return Err(super::job_failed(info, job, detail.as_deref(), ""));
        }
        "cancelled" | "canceled" => return Err(super::job_cancelled(info, job)),
        _ => {}
    }
    if data
        .get("has_nsfw_contents")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|b| b.as_bool() == Some(true)))
    {
        return Err(super::violation(info, None).with_request_id(job.id.clone()));
    }
    Ok(Step::Poll)
}
