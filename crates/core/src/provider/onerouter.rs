//! OneRouter: `POST {base}/v1/images/edits`, synchronous.
//!
//! Body `{model: "reve-remix-image-to-image", prompt, image_urls,
//! aspect_ratio?, n: 1, output_format?: "url" | "b64_json"}` (its OpenAPI
//! spec); the answer is `{data: [{url, b64_json, revised_prompt}],
//! created}`; errors `{error: {code, message, type, param}}`, a 403 being
//! a moderation refusal.
//!
//! *Unverified* (all in [`INFO`]): the key goes raw in `Authorization`
//! (the docs' example; `Bearer` is not confirmed), whether `data:` URIs are
//! accepted in `image_urls` (the spec says "URLs"), and CORS.

use super::{
    AuthScheme, Config, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption, Route,
    Step,
};
use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::Job;

/// OneRouter's table entry. *Unverified*: `auth` (raw key, per the docs;
/// switch to `AuthScheme::Bearer` here if it turns out otherwise),
/// `transport` (data URIs accepted?), `cors`.
/// Reve Remix on OneRouter (`reve-remix-image-to-image`).
const REMIX: ModelInfo = ModelInfo {
    slug: "reve-remix-image-to-image",
    submit: "/v1/images/edits",
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: &["url", "b64_json"],
    ..super::REVE_REMIX
};

/// OneRouter's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::OneRouter,
    name: "OneRouter",
    base_url: "https://image.onerouter.pro",
    model: REMIX,
    models: &[REMIX],
    auth: AuthScheme::Raw,
    forbidden: ErrorCode::ContentViolation,
    transport: super::ImageTransport::DataUrl,
    cors: super::Cors::Unknown,
    routes: &[Route::post("/v1/images/edits")],
    ..super::COMMON
};

/// OneRouter.
#[derive(Clone, Copy, Debug)]
pub struct OneRouter;

impl Provider for OneRouter {
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
        w.key("n").uint(1);
        super::opt_str(&mut w, "output_format", input.output_format.as_ref());
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
