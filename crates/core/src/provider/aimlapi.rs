//! AI/ML API: `POST {base}/v1/images/generations`, Bearer, synchronous.
//!
//! Body `{model: "reve/remix-edit-image", prompt, image_urls: [URL or
//! data: URI], aspect_ratio?}` (its OpenAPI spec; `convert_base64_to_url`
//! is left at its default, `true`, so results come as URLs). The answer,
//! 200 or 201, is `{data: [{url, b64_json, content_violation?}], meta:
//! {usage: {credits_used}}}`. A 403 means out of credits here.
//!
//! *Unverified*: CORS.

use super::{Config, Provider, ProviderInfo, RemixInput, Step};
use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::image::ImageInfo;
use crate::job::Job;
use crate::json::{JsonWriter, Value};

/// AI/ML API's table entry. `cors` is *unverified*.
pub const INFO: ProviderInfo = ProviderInfo {
    id: "aimlapi",
    name: "AI/ML API",
    base_url: "https://api.aimlapi.com",
    forbidden: ErrorCode::InsufficientCredits,
    cors: super::Cors::Unknown,
    ..super::COMMON
};

/// AI/ML API.
#[derive(Clone, Copy, Debug)]
pub struct AimlApi;

/// Read an OpenAI-style `{data: [{url, b64_json, content_violation?}]}`
/// image answer (AI/ML API and OneRouter).
pub(crate) fn images_answer(
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
    let credits = v
        .get_path(&["meta", "usage", "credits_used"])
        .and_then(Value::as_f64);
    Ok(Step::Done(super::result(info, job, images, credits)))
}

impl Provider for AimlApi {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn submit(
        &self,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
    ) -> Result<(Job, HttpRequest), RemixError> {
        let mut w = JsonWriter::new();
        w.begin_object()
            .key("model")
            .string("reve/remix-edit-image");
        w.key("prompt")
            .string(&super::prompt_for(&INFO, &input.prompt));
        w.key("image_urls").begin_array();
        for (src, found) in input.images.iter().zip(images) {
            super::write_image(&mut w, INFO.transport, src, found.as_ref());
        }
        w.end_array();
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
        w.end_object();
        let url = super::endpoint(cfg, &INFO, "/v1/images/generations");
        let req = super::request(cfg, &INFO, RequestKind::Submit, Method::Post, url)
            .with_header("Accept", "application/json")
            .with_json(w.finish());
        Ok((Job::new(INFO.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        if !res.is_success() {
            return Err(super::http_error(&INFO, res));
        }
        let v = super::parse_json(&INFO, res)?;
        images_answer(&INFO, job, res, &v)
    }

    fn poll(&self, _job: &Job, _cfg: &Config) -> Option<HttpRequest> {
        None
    }

    fn cancel(&self, _job: &Job, _cfg: &Config) -> Option<HttpRequest> {
        None
    }
}
