//! AI/ML API: `POST {base}/v1/images/generations`, Bearer, synchronous.
//!
//! Body `{model: "reve/remix-edit-image", prompt, image_urls: [URL or
//! data: URI], aspect_ratio?}` (its OpenAPI spec; `convert_base64_to_url`
//! is left at its default, `true`, so results come as URLs). The answer,
//! 200 or 201, is `{data: [{url, b64_json, content_violation?}], meta:
//! {usage: {credits_used}}}`. A 403 means out of credits here.
//!
//! *Unverified*: CORS.

use super::{Config, ModelInfo, Provider, ProviderInfo, RemixInput, Route, Step};
use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Cost, Job};
use crate::json::Value;

/// AI/ML API's table entry. `cors` is *unverified*.
/// Reve Remix on AI/ML API (`reve/remix-edit-image`).
const REMIX: ModelInfo = ModelInfo {
    slug: "reve/remix-edit-image",
    submit: "/v1/images/generations",
    ..super::REVE_REMIX
};

/// AI/ML API's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::AimlApi,
    name: "AI/ML API",
    base_url: "https://api.aimlapi.com",
    model: REMIX,
    models: &[REMIX],
    forbidden: ErrorCode::InsufficientCredits,
    cors: super::Cors::Unknown,
    routes: &[Route::post("/v1/images/generations")],
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

impl Provider for AimlApi {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn submit(
        &self,
        info: &ProviderInfo,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
    ) -> Result<(Job, HttpRequest), RemixError> {
        let mut w = super::body_writer(input);
        w.begin_object().key("model").string(info.model.slug);
        super::write_prompt_and_images(&mut w, info, input, images, "image_urls");
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
        w.end_object();
        let req = super::json_submit(cfg, info, info.model.submit, w.finish());
        Ok((Job::new(info.id, info.model.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let v = super::success_json(&INFO, res)?;
        images_answer(&INFO, job, res, &v)
    }
}
