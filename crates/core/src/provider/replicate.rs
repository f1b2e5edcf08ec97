//! Replicate: `POST {base}/v1/models/reve/remix/predictions` (Reve Remix)
//! or `…/reve/reve-2.1/predictions` (Reve 2.1), Bearer.
//!
//! Body `{input: {prompt, reference_images: [URL or data: URI],
//! aspect_ratio?, version?}}`, sent with `Prefer: wait` so the answer
//! usually holds the finished prediction (Replicate holds the request up
//! to 60 s). A prediction goes `starting` → `processing` → `succeeded` /
//! `failed` / `canceled`; it is re-read at `urls.get` (as returned, else
//! `{base}/v1/predictions/{id}`) and cancelled with `POST urls.cancel`.
//! `output` is a URL or a list of them. Errors are `{detail}`.
//!
//! Replicate does not answer CORS from browsers ([`INFO`]`.cors` is
//! `No`): a call that fails like a CORS block gets a `network` error
//! saying to use `proxyUrl` (see [`super::network_error`]).

use super::{
    Config, Cors, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption, Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Job, JobStatus};
use crate::json::Value;

/// Reve Remix on Replicate (`reve/remix`).
const REMIX: ModelInfo = ModelInfo {
    slug: "reve/remix",
    submit: "/v1/models/reve/remix/predictions",
    options: &[RemixOption::AspectRatio, RemixOption::Version],
    ..super::REVE_REMIX
};

/// Reve 2.1 on Replicate (`reve/reve-2.1`, replicate.com/reve/reve-2.1:
/// `reference_images` up to 8, `<frame>N</frame>`, `aspect_ratio` with
/// `auto`). "Uses Reve's v2 API": there is no `version` input.
const REVE_2_1: ModelInfo = ModelInfo {
    slug: "reve/reve-2.1",
    submit: "/v1/models/reve/reve-2.1/predictions",
    ..super::REVE_2_1
};

/// Replicate's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::Replicate,
    name: "Replicate",
    base_url: "https://api.replicate.com",
    model: REMIX,
    models: &[REMIX, REVE_2_1],
    asynchronous: true,
    cors: Cors::No,
    routes: &[
        Route::post("/v1/models/reve/remix/predictions"),
        Route::post("/v1/models/reve/reve-2.1/predictions"),
        Route::get("/v1/predictions/*"),
        Route::post("/v1/predictions/*/cancel"),
    ],
    ..super::COMMON
};

/// Replicate.
#[derive(Clone, Copy, Debug)]
pub struct Replicate;

impl Provider for Replicate {
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
        w.begin_object().key("input").begin_object();
        super::write_prompt_and_images(&mut w, info, input, images, "reference_images");
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
        super::opt_str(&mut w, "version", input.version.as_ref());
        w.end_object().end_object();
        let req = super::json_submit(cfg, info, info.model.submit, w.finish())
            .with_header("Prefer", "wait");
        Ok((Job::new(info.id, info.model.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let v = super::success_json(&INFO, res)?;
        if let Some(id) = v.str_at("id") {
            job.id = id.to_string();
        } else if job.id.is_empty() {
            return Err(super::malformed(&INFO, res, "prediction id"));
        }
        if let Some(u) = v.get("urls").and_then(|u| u.str_at("get")) {
            job.status_url = Some(u.to_string());
        }
        if let Some(u) = v.get("urls").and_then(|u| u.str_at("cancel")) {
            job.cancel_url = Some(u.to_string());
        }
        if let Some(id) = res.request_id_header() {
            job.request_id = Some(id.to_string());
        }
        if let Some(logs) = v.str_at("logs") {
            flight.logs = logs
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
        }
        match v.str_at("status").unwrap_or("") {
            "starting" => job.status = JobStatus::Queued,
            "processing" => job.status = JobStatus::Running,
            "succeeded" => {
                let out = v.field("output");
                let urls: Vec<&str> = match out {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => super::first_url(out).into_iter().collect(),
                };
                if urls.is_empty() {
                    return Err(super::malformed(&INFO, res, "output"));
                }
                let images = urls
                    .into_iter()
                    .map(|u| super::image_from_url(u, None))
                    .collect();
                return Ok(Step::Done(super::result(&INFO, job, images, None)?));
            }
            "failed" => {
                let detail = v
                    .str_at("error")
                    .map(str::to_string)
                    .or_else(|| v.get("error").and_then(super::error_message));
                return Err(super::job_failed(&INFO, job, detail.as_deref(), ""));
            }
            "canceled" | "cancelled" => return Err(super::job_cancelled(&INFO, job)),
            _ => {}
        }
        Ok(Step::Poll)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = job.status_url.clone().unwrap_or_else(|| {
            [
                super::endpoint(cfg, &INFO, "/v1/predictions/").as_str(),
                &job.id,
            ]
            .concat()
        });
        Some(
            super::request(cfg, &INFO, RequestKind::Status, Method::Get, url)
                .with_header("Accept", "application/json"),
        )
    }

    fn cancel(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = job.cancel_url.clone().unwrap_or_else(|| {
            [
                super::endpoint(cfg, &INFO, "/v1/predictions/").as_str(),
                &job.id,
                "/cancel",
            ]
            .concat()
        });
        Some(super::request(
            cfg,
            &INFO,
            RequestKind::Cancel,
            Method::Post,
            url,
        ))
    }
}
