//! WaveSpeedAI: `POST {base}/api/v3/{model}` with `Authorization: Bearer`
//! (wavespeed.ai/docs, what-are-predictions and shared/submit-response;
//! the `wavespeed` npm client 0.3.2, read 2026-12-06).
//!
//! The submit answers `{code, message, data: {id, model, status, urls:
//! {get}, outputs, has_nsfw_contents, error, created_at}}`; the prediction
//! is read at `data.urls.get` as returned, else at
//! `{base}/api/v3/predictions/{id}/result` (what WaveSpeedAI's own client
//! reads). Status goes `created` → `processing` → `completed` (images in
//! `data.outputs[]`) or `failed`, and a failed job is **HTTP 200** with
//! `data.status: "failed"` and `data.error` ([`super::prediction`]). No
//! cancel is documented. A 429 carries no documented `Retry-After`.
//!
//! *Unverified*: Reve 2.1's image field. No WaveSpeedAI page or client
//! read names it; earlier notes said its docs page calls it `images`, and
//! that is what is sent ([`REVE_2_1_IMAGES`]). Also whether browsers may
//! call it (`cors`).

use super::{
    Config, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption, Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::{ModelId, ProviderId};
use crate::image::{ImageFormat, ImageInfo};
use crate::job::Job;

/// The field Reve 2.1's references go in. *Unverified* (see the module doc).
pub const REVE_2_1_IMAGES: &str = "images";

const OUTPUT_FORMATS: &[&str] = &["jpeg", "png", "webp"];

/// Reve 2.1 on WaveSpeedAI (`reve/2.1/remix`, wavespeed.ai/models/reve/2.1/remix).
const REVE_2_1: ModelInfo = ModelInfo {
    slug: "reve/2.1/remix",
    submit: "/api/v3/reve/2.1/remix",
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: OUTPUT_FORMATS,
    ..super::REVE_2_1
};

/// Reve Remix Fast on WaveSpeedAI (`reve/remix-fast`,
/// wavespeed.ai/docs/docs-api/reve/reve-remix-fast): `reference_images`
/// "up to four" PNG, JPEG or WebP.
const REMIX_FAST: ModelInfo = ModelInfo {
    id: ModelId::ReveRemixFast,
    slug: "reve/remix-fast",
    submit: "/api/v3/reve/remix-fast",
    max_images: 4,
    formats: &[ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp],
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: OUTPUT_FORMATS,
    ..super::REVE_REMIX
};

/// WaveSpeedAI's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::WaveSpeed,
    name: "WaveSpeedAI",
    base_url: "https://api.wavespeed.ai",
    model: REVE_2_1,
    models: &[REVE_2_1, REMIX_FAST],
    asynchronous: true,
    routes: &[
        Route::post("/api/v3/reve/2.1/remix"),
        Route::post("/api/v3/reve/remix-fast"),
        Route::get("/api/v3/predictions/*"),
        Route::get("/api/v3/predictions/*/result"),
    ],
    ..super::COMMON
};

/// WaveSpeedAI.
#[derive(Clone, Copy, Debug)]
pub struct WaveSpeed;

impl Provider for WaveSpeed {
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
        let images_key = if info.model.id == ModelId::Reve21 {
            REVE_2_1_IMAGES
        } else {
            "reference_images"
        };
        let mut w = super::body_writer(input);
        w.begin_object();
        super::write_prompt_and_images(&mut w, info, input, images, images_key);
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
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
        super::prediction::step(&INFO, job, res, &v)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = job.status_url.clone().unwrap_or_else(|| {
            [
                super::endpoint(cfg, &INFO, "/api/v3/predictions/").as_str(),
                &job.id,
                "/result",
            ]
            .concat()
        });
        Some(
            super::request(cfg, &INFO, RequestKind::Status, Method::Get, url)
                .with_header("Accept", "application/json"),
        )
    }
}
