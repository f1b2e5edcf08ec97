//! Pixazo: two provider ids on one gateway, header
//! `Ocp-Apim-Subscription-Key`.
//!
//! * `pixazo` (remix): `POST {base}/reve-image/v1/image-edit-remix` with
//!   `{prompt, reference_images: [https URLs], aspect_ratio?, version?}`.
//! * `pixazo-edit` (single-image edit): `POST {base}/reve-image/v1/image-edit`
//!   with `{image, prompt, version?}`, exactly one image.
//!
//! Both answer `{request_id, status: "QUEUED", polling_url}`; `GET
//! polling_url` (followed as returned) goes `QUEUED` → `PROCESSING` →
//! `COMPLETED` (`output.media_url[]`, `output.media_type`) / `FAILED` /
//! `ERROR` (a system error: not charged). Pixazo only takes public
//! https URLs: a local file is refused before any request. Its advice is
//! to poll every 5–10 s, hence a slower [`PollPolicy`]. No cancel.
//!
//! Paths: the captured www.pixazo.ai page (`/models/reve-image`, examples
//! of 2026-03/05) gives `image-edit-remix` and `image-edit`, which are
//! primary; another Pixazo page (`/models/image-editing/reve-edit-image-api`
//! and its pages.dev copy) gives `/reve-image/v1/reve-edit/generate` for
//! the edit, kept as [`EDIT_ALT_PATH`] (the edit's `fallback_submit`): a
//! 404 on the primary submit is sent once more there, with the same body.
//! A 404 submit was not accepted, so no job is paid twice.
//!
//! *Unverified*: CORS; `max_images` 4 for remix is from the page's
//! parameter table ("1-4 image URLs"); the alternate edit path and that it
//! takes the same body.

use super::flight::ProviderState;
use super::{
    AuthScheme, Config, Flight, ImageTransport, ModelInfo, PollPolicy, Provider, ProviderInfo,
    RemixInput, RemixOption, Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Job, JobStatus};
use crate::json::Value;

/// Pixazo's advice is 5–10 s between status reads: start at 2 s, ×1.5, at
/// most 8 s.
pub const POLL: PollPolicy = PollPolicy {
    first_ms: 2000,
    factor_percent: 150,
    max_ms: 8000,
};

/// Pixazo remix's table entry. `cors` is *unverified*.
/// Reve Remix on Pixazo.
const REMIX: ModelInfo = ModelInfo {
    slug: "reve-image/remix",
    submit: REMIX_PATH,
    options: &[RemixOption::AspectRatio, RemixOption::Version],
    ..super::REVE_REMIX
};

/// Reve's single-image edit on Pixazo, sold as Reve Remix with one image.
const EDIT: ModelInfo = ModelInfo {
    slug: "reve-image/edit",
    submit: EDIT_PATH,
    max_images: 1,
    aspect_ratios: &[],
    options: &[RemixOption::Version],
    ..super::REVE_REMIX
};

/// Pixazo's remix table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::Pixazo,
    name: "Pixazo",
    base_url: "https://gateway.pixazo.ai",
    model: REMIX,
    models: &[REMIX],
    transport: ImageTransport::Url,
    asynchronous: true,
    auth: AuthScheme::SubscriptionKey,
    poll: POLL,
    cors: super::Cors::Unknown,
    routes: &[Route::post(REMIX_PATH), Route::get("/v2/requests/status/*")],
    ..super::COMMON
};

/// Pixazo single-image edit's table entry. `cors` is *unverified*.
pub const EDIT_INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::PixazoEdit,
    name: "Pixazo (edit)",
    model: EDIT,
    models: &[EDIT],
    routes: &[
        Route::post(EDIT_PATH),
        Route::post(EDIT_ALT_PATH),
        Route::get("/v2/requests/status/*"),
    ],
    fallback_submit: Some(EDIT_ALT_PATH),
    ..INFO
};

/// The remix endpoint.
const REMIX_PATH: &str = "/reve-image/v1/image-edit-remix";
/// The single-image edit endpoint (the captured www.pixazo.ai page).
const EDIT_PATH: &str = "/reve-image/v1/image-edit";
/// *Unverified*: the edit endpoint another Pixazo page gives; tried once
/// when [`EDIT_PATH`] answers 404.
pub const EDIT_ALT_PATH: &str = "/reve-image/v1/reve-edit/generate";
/// Where status lives when the answer has no `polling_url`.
const STATUS_PATH: &str = "/v2/requests/status/";
/// The note added to a job that ended in `ERROR`.
const NOT_CHARGED: &str =
    " Pixazo reports a system error (status ERROR): you were not charged; try again.";

/// The submit to `path`, as both paths take it.
fn submit_request(cfg: &Config, info: &ProviderInfo, path: &str, body: Vec<u8>) -> HttpRequest {
    super::json_submit(cfg, info, path, body).with_header("Cache-Control", "no-cache")
}

/// Pixazo remix (`edit: false`) or single-image edit (`edit: true`).
#[derive(Clone, Copy, Debug)]
pub struct Pixazo {
    /// The single-image edit endpoint.
    pub edit: bool,
}

impl Pixazo {
    fn table(&self) -> &'static ProviderInfo {
        if self.edit { &EDIT_INFO } else { &INFO }
    }
}

impl Provider for Pixazo {
    fn info(&self) -> &'static ProviderInfo {
        self.table()
    }

    fn submit(
        &self,
        info: &ProviderInfo,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
        flight: &mut Flight,
    ) -> Result<(Job, HttpRequest), RemixError> {
        let mut w = super::body_writer(input);
        w.begin_object();
        let path = if self.edit {
            if let Some(src) = input.images.first() {
                w.key("image");
                super::write_image(
                    &mut w,
                    info.transport,
                    src,
                    images.first().and_then(Option::as_ref),
                );
            }
            w.key("prompt")
                .string(&super::prompt_for(info, &input.prompt));
            EDIT_PATH
        } else {
            super::write_prompt_and_images(&mut w, info, input, images, "reference_images");
            super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
            REMIX_PATH
        };
        super::opt_str(&mut w, "version", input.version.as_ref());
        w.end_object();
        let body = w.finish();
        let job = Job::new(info.id, info.model.id);
        if let Some(alt) = info.fallback_submit {
            // The submit to the table's `fallback_submit`, kept on the job
            // until the first submit is answered.
            flight.kept =
                ProviderState::Fallback(Box::new(submit_request(cfg, info, alt, body.clone())));
        }
        Ok((job, submit_request(cfg, info, path, body)))
    }

    fn on_response(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let info = self.table();
        if flight.phase == RequestKind::Submit {
            // The alternate path once, on a 404 only; never after.
            let fallback = match flight.kept.take() {
                ProviderState::Fallback(req) => Some(*req),
                _ => None,
            };
            if let (404, Some(req)) = (res.status, fallback) {
                return Ok(Step::Send(req));
            }
        }
        let v = super::success_json(info, res)?;
        if flight.phase == RequestKind::Submit {
            let id = v
                .str_at("request_id")
                .ok_or_else(|| super::malformed(info, res, "request_id"))?;
            job.id = id.to_string();
            job.status_url = v.str_at("polling_url").map(str::to_string);
        }
        match v.str_at("status").unwrap_or("") {
            "QUEUED" => job.status = JobStatus::Queued,
            "PROCESSING" => job.status = JobStatus::Running,
            "COMPLETED" => {
                let mime = v
                    .get_path(&["output", "media_type"])
                    .and_then(Value::as_str);
                let urls = v.get_path(&["output", "media_url"]);
                let list: Vec<&str> = match urls {
                    Some(Value::String(s)) => vec![s.as_str()],
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                if list.is_empty() {
                    return Err(super::malformed(info, res, "output.media_url"));
                }
                let images = list
                    .into_iter()
                    .map(|u| super::image_from_url(u, mime))
                    .collect();
                return Ok(Step::Done(super::result(info, job, images, None)?));
            }
            "FAILED" => return Err(super::job_failed(info, job, v.str_at("error"), "")),
            "ERROR" => return Err(super::job_failed(info, job, v.str_at("error"), NOT_CHARGED)),
            _ => {}
        }
        Ok(Step::Poll)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let info = self.table();
        let url = job.status_url.clone().unwrap_or_else(|| {
            [super::endpoint(cfg, info, STATUS_PATH).as_str(), &job.id].concat()
        });
        Some(
            super::request(cfg, info, RequestKind::Status, Method::Get, url)
                .with_header("Accept", "application/json")
                .with_header("Cache-Control", "no-cache"),
        )
    }
}
