//! Atlas Cloud: `POST {base}/api/v1/model/generateImage` with
//! `Authorization: Bearer` (atlascloud.ai/docs/en/predictions; Atlas's own
//! ComfyUI node and client, `AtlasCloudAI/atlascloud_comfyui`
//! `nodes/image/reve_21_remix.py` @0a918a83 and `client/atlas_client.py`
//! @4a4bf64d, read 2026-12-06).
//!
//! Body, flat: `{model: "reve-ai/reve-2.1/remix", prompt, images: [URL or
//! data URI], aspect_ratio?, output_format?}`. The answer's envelope is
//! `{code, msg, data: {id, status, outputs, error}}`; the prediction is
//! read at `{base}/api/v1/model/prediction/{id}` until `completed` (or
//! `succeeded`), the image in `data.outputs[0]`. A failed job answers
//! **HTTP 200** with `data.status: "failed"` ([`super::prediction`]).
//!
//! Where Atlas Cloud's pages disagree, the reading taken and why:
//! - **Flat body, not `{model, input: {…}}`.** The docs page and Atlas's
//!   own client send it flat; the nested form is a generic snippet on the
//!   model pages. Likewise the id is read from `data.id`, then a top-level
//!   `id` as that snippet shows.
//! - **`images`** is the references' field (Atlas's node; no page names
//!   another).
//! - **A prompt of 2,560 characters and 6 references**, from the node and
//!   the family page (a third party's 4,000 is not taken).
//! - **A status read answering 400 or 404 means "not yet"**: Atlas's client
//!   keeps polling through them for the first seconds after a submit, as a
//!   new prediction may not be readable yet. The run's deadline bounds it.
//!
//! *Unverified*: whether browsers may call it (`cors`).

use super::{
    Config, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption, Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::Job;

/// Reve 2.1 on Atlas Cloud (`reve-ai/reve-2.1/remix`, $0.24).
const REVE_2_1: ModelInfo = ModelInfo {
    slug: "reve-ai/reve-2.1/remix",
    submit: SUBMIT_PATH,
    max_images: 6,
    prompt_max_chars: crate::prompt::MAX_PROMPT_CHARS,
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: &["png", "jpeg", "webp"],
    ..super::REVE_2_1
};

const SUBMIT_PATH: &str = "/api/v1/model/generateImage";
const PREDICTION_PATH: &str = "/api/v1/model/prediction/";

/// Atlas Cloud's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::AtlasCloud,
    name: "Atlas Cloud",
    base_url: "https://api.atlascloud.ai",
    model: REVE_2_1,
    models: &[REVE_2_1],
    asynchronous: true,
    routes: &[
        Route::post(SUBMIT_PATH),
        Route::get("/api/v1/model/prediction/*"),
    ],
    ..super::COMMON
};

/// Atlas Cloud.
#[derive(Clone, Copy, Debug)]
pub struct AtlasCloud;

impl Provider for AtlasCloud {
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
        super::write_prompt_and_images(&mut w, info, input, images, "images");
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
        super::opt_str(&mut w, "output_format", input.output_format.as_ref());
        w.end_object();
        let req = super::json_submit(cfg, info, info.model.submit, w.finish());
        Ok((Job::new(info.id, info.model.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        if flight.phase == RequestKind::Status && matches!(res.status, 400 | 404) {
            return Ok(Step::Poll);
        }
        let v = super::success_json(&INFO, res)?;
        super::prediction::step(&INFO, job, res, &v)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = [
            super::endpoint(cfg, &INFO, PREDICTION_PATH).as_str(),
            &job.id,
        ]
        .concat();
        Some(
            super::request(cfg, &INFO, RequestKind::Status, Method::Get, url)
                .with_header("Accept", "application/json"),
        )
    }
}
