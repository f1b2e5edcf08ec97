//! fal's queue: `POST {base}/fal-ai/reve/remix` (Reve Remix) or
//! `POST {base}/reve/2.1/remix` (Reve 2.1), with `Authorization: Key`.
//!
//! The submit answers `{request_id, status_url, response_url, cancel_url}`;
//! those URLs are followed exactly as returned (they drop the `/remix`
//! subpath). Status (`?logs=1`, as fal-js asks) is `IN_QUEUE` with
//! `queue_position`, `IN_PROGRESS` with `logs: [{message}]`, then
//! `COMPLETED`; the result (`GET response_url`) is `{images: [{url,
//! content_type, width, height}]}`. Cancel is `PUT cancel_url`.
//! Status is followed on fal's server-sent-event stream
//! (`{status_url}/stream`, as fal-js `streamStatus` builds it), with
//! polling as the fallback. Header `X-Fal-Retryable` overrides whether a
//! failure is retryable ([`INFO`]`.retry_header`, read by the generic error
//! mapping and the driver).

use super::{
    AuthScheme, Config, Cors, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption,
    Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Job, JobStatus};
use crate::json::{self, Value};

/// Reve Remix on fal. fal's own client types (`@fal-ai/client` 1.8.0,
/// 2025-12-17, to 1.9.5, `endpoints.d.ts` `ReveRemixInput.image_urls`):
/// "between 1 and 6 images (inclusive)". Older ones (1.7.x) and fal's
/// llms.txt said 1-4; the client's own types win. Its "less than 10 MB" per
/// image is not taken: the product keeps 1.5 MB for every provider.
const REMIX: ModelInfo = ModelInfo {
    slug: "fal-ai/reve/remix",
    submit: "/fal-ai/reve/remix",
    max_images: 6,
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: OUTPUT_FORMATS,
    ..super::REVE_REMIX
};

/// Reve 2.1 on fal (`reve/2.1/remix`, fal.ai/models/reve/2.1/remix/llms.txt:
/// `image_urls` 1–8, `<frame>N</frame>` "the Nth entry in `image_urls`").
/// Note the app id has no `fal-ai/` owner.
const REVE_2_1: ModelInfo = ModelInfo {
    slug: "reve/2.1/remix",
    submit: "/reve/2.1/remix",
    options: &[RemixOption::AspectRatio, RemixOption::OutputFormat],
    output_formats: OUTPUT_FORMATS,
    ..super::REVE_2_1
};

const OUTPUT_FORMATS: &[&str] = &["png", "jpeg", "webp"];

/// fal's table entry (CORS documented).
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::Fal,
    name: "fal",
    base_url: "https://queue.fal.run",
    model: REMIX,
    models: &[REMIX, REVE_2_1],
    asynchronous: true,
    auth: AuthScheme::Key,
    cors: Cors::Yes,
    // `X-Fal-Retryable` says whether a failed request may be sent again:
    // `false` stops even a 429 or a 503 being retried, and the error's
    // `retryable` follows the header either way.
    retry_header: Some("x-fal-retryable"),
    // The status, stream, result and cancel URLs fal returns drop the
    // `/remix` subpath (fal-js `queue.ts`), for either app.
    routes: &[
        Route::post("/fal-ai/reve/remix"),
        Route::get("/fal-ai/reve/requests/*/status"),
        Route::get("/fal-ai/reve/requests/*/status/stream"),
        Route::get("/fal-ai/reve/requests/*"),
        Route::put("/fal-ai/reve/requests/*/cancel"),
        Route::post("/reve/2.1/remix"),
        Route::get("/reve/2.1/requests/*/status"),
        Route::get("/reve/2.1/requests/*/status/stream"),
        Route::get("/reve/2.1/requests/*"),
        Route::put("/reve/2.1/requests/*/cancel"),
    ],
    ..super::COMMON
};

/// Where a job's request URLs live when fal's answer lacks them: fal builds
/// them from owner/alias without the `/remix` subpath (fal-js `queue.ts`),
/// so `/fal-ai/reve/remix` → `/fal-ai/reve/requests/`.
fn requests_path(job: &Job) -> String {
    let submit = INFO
        .for_model(job.model)
        .map_or(REMIX.submit, |i| i.model.submit);
    let app = submit.rsplit_once('/').map_or(submit, |(app, _)| app);
    [app, "/requests/"].concat()
}

/// fal.
#[derive(Clone, Copy, Debug)]
pub struct Fal;

fn with_query(url: &str, q: &str) -> String {
    let sep = if url.contains('?') { "&" } else { "?" };
    [url, sep, q].concat()
}

fn status_url(job: &Job, cfg: &Config) -> String {
    job.status_url.clone().unwrap_or_else(|| {
        [
            super::endpoint(cfg, &INFO, &requests_path(job)).as_str(),
            &job.id,
            "/status",
        ]
        .concat()
    })
}

impl Fal {
    fn result_request(job: &Job, cfg: &Config) -> HttpRequest {
        let url = job.result_url.clone().unwrap_or_else(|| {
            [
                super::endpoint(cfg, &INFO, &requests_path(job)).as_str(),
                &job.id,
            ]
            .concat()
        });
        super::request(cfg, &INFO, RequestKind::Result, Method::Get, url)
            .with_header("Accept", "application/json")
    }

    /// Read a status record (from a poll or the stream).
    fn on_status(
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        v: &Value,
        append_logs: bool,
    ) -> Result<Option<Step>, RemixError> {
        if let Some(url) = v.str_at("response_url") {
            job.result_url = Some(url.to_string());
        }
        if let Some(logs) = v.get("logs").and_then(Value::as_array) {
            if !append_logs {
                flight.logs.clear();
            }
            flight.logs.extend(
                logs.iter()
                    .filter_map(|l| l.str_at("message").map(str::to_string)),
            );
        }
        match v.str_at("status").unwrap_or("") {
            "IN_QUEUE" => {
                job.status = JobStatus::Queued;
                job.queue_position = v
                    .get("queue_position")
                    .and_then(Value::as_u64)
                    .map(|n| n.min(u64::from(u32::MAX)) as u32);
            }
            "IN_PROGRESS" => {
                job.status = JobStatus::Running;
                job.queue_position = None;
            }
            "COMPLETED" => {
                job.queue_position = None;
                if let Some(e) = v.str_at("error") {
                    // fal says what kind of failure in `error_type`; a
                    // moderation refusal (`content_policy_violation`) may
                    // come with words that do not say so themselves.
                    if v.str_at("error_type")
                        .is_some_and(super::looks_like_violation)
                    {
                        return Err(
                            super::violation(&INFO, Some(e)).with_request_id(job.id.clone())
                        );
                    }
                    return Err(super::job_failed(&INFO, job, Some(e), ""));
                }
                job.status = JobStatus::Running;
                return Ok(Some(Step::Send(Self::result_request(job, cfg))));
            }
            _ => {}
        }
        Ok(None)
    }
}

impl Provider for Fal {
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
        w.begin_object();
        super::write_prompt_and_images(&mut w, info, input, images, "image_urls");
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
        cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let v = super::success_json(&INFO, res)?;
        match flight.phase {
            RequestKind::Submit => {
                let id = v
                    .str_at("request_id")
                    .ok_or_else(|| super::malformed(&INFO, res, "request_id"))?;
                job.id = id.to_string();
                job.request_id = Some(id.to_string());
                job.status_url = v.str_at("status_url").map(str::to_string);
                job.result_url = v.str_at("response_url").map(str::to_string);
                job.cancel_url = v.str_at("cancel_url").map(str::to_string);
                job.queue_position = v
                    .get("queue_position")
                    .and_then(Value::as_u64)
                    .map(|n| n.min(99_999) as u32);
                Ok(Step::Poll)
            }
            RequestKind::Result => {
                let images: Vec<_> = v
                    .get("images")
                    .and_then(Value::as_array)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|i| {
                        i.str_at("url")
                            .map(|u| super::image_from_url(u, i.str_at("content_type")))
                    })
                    .collect();
                if images.is_empty() {
                    if let Some(msg) = super::error_message(&v) {
                        return Err(super::job_failed(&INFO, job, Some(&msg), ""));
                    }
                    return Err(super::malformed(&INFO, res, "images"));
                }
                Ok(Step::Done(super::result(&INFO, job, images, None)?))
            }
            _ => Ok(Self::on_status(job, flight, cfg, &v, false)?.unwrap_or(Step::Poll)),
        }
    }

    fn on_stream_line(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        line: &[u8],
    ) -> Result<Option<Step>, RemixError> {
        // Server-sent events: only `data:` lines carry JSON.
        let Some(data) = line.strip_prefix(b"data:") else {
            return Ok(None);
        };
        match json::parse(data) {
            Ok(v) => Self::on_status(job, flight, cfg, &v, true),
            Err(_) => Ok(None),
        }
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = with_query(&status_url(job, cfg), "logs=1");
        Some(
            super::request(cfg, &INFO, RequestKind::Status, Method::Get, url)
                .with_header("Accept", "application/json"),
        )
    }

    fn stream(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = status_url(job, cfg);
        let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        let mut s = [path.trim_end_matches('/'), "/stream?logs=1"].concat();
        if !query.is_empty() {
            s.push('&');
            s.push_str(query);
        }
        Some(
            super::request(cfg, &INFO, RequestKind::Stream, Method::Get, s)
                .with_header("Accept", "text/event-stream"),
        )
    }

    fn cancel(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let url = job.cancel_url.clone().unwrap_or_else(|| {
            [
                super::endpoint(cfg, &INFO, &requests_path(job)).as_str(),
                &job.id,
                "/cancel",
            ]
            .concat()
        });
        Some(super::request(
            cfg,
            &INFO,
            RequestKind::Cancel,
            Method::Put,
            url,
        ))
    }
}
