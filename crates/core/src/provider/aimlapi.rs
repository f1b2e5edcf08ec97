//! AI/ML API: `POST {base}/v1/images/generations`, Bearer, synchronous.
//!
//! Body `{model: "reve/remix-edit-image", prompt, image_urls: [URL or
//! data: URI], aspect_ratio?}` (its OpenAPI spec; `convert_base64_to_url`
//! is left at its default, `true`, so results come as URLs). The answer,
//! 200 or 201, is `{data: [{url, b64_json, content_violation?}], meta:
//! {usage: {credits_used}}}`. A 403 means out of credits here.
//!
//! *Unverified*: CORS.

use super::{Config, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, Route, Step};
use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::Job;

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
        _flight: &mut Flight,
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
        _flight: &mut Flight,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let v = super::success_json(&INFO, res)?;
        super::openai_images::answer(&INFO, job, res, &v)
    }
}
