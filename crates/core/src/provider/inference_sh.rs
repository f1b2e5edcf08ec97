//! inference.sh: `POST {base}/apps/run` with `{app: "reve/remix", input}`.
//!
//! Local images are uploaded first, as the SDKs do (inference-sh/sdk-js
//! `src/api/files.ts`): `POST {base}/files` with `{files: [{uri: "",
//! filename, content_type, size}]}` answers one record per file with an
//! `upload_url` (presigned: `PUT` the bytes there, no key) and the `uri`
//! to put in `input.images`. URLs pass through. The prompt's
//! `<img>N</img>` references become plain `N` (the app's own doc).
//!
//! The task is followed on `GET /tasks/{id}/stream` (NDJSON, `Accept:
//! application/x-ndjson`; records possibly wrapped as `{event?, data}`,
//! heartbeats skipped), falling back to `GET /tasks/{id}/status` polling
//! and `GET /tasks/{id}` for the full task. Cancel: `POST
//! /tasks/{id}/cancel`. Bodies come bare, wrapped as `{data}`, or as the
//! older `{success, data, error}` envelope; errors may be RFC 9457
//! problem+json.
//!
//! Status numbers (sdk-js, newest numbering): 0 unknown, 1 received,
//! 2 queued, 3 dispatched, 4 preparing, 5 serving, 6 setting_up,
//! 7 running, 8 cancelling, 9 uploading (**not** done), 10 completed,
//! 11 failed, 12 cancelled, 13 rejected (a failure: terminal, Python SDK
//! 0.34.0+); the lowercase names are accepted too. Every request to the
//! API carries `X-API-Version: 2` ([`API_VERSION`]).
//!
//! *Unverified*: the field of the app's output that holds the image
//! ([`OUTPUT_KEYS`]), and CORS.

use super::flight::{ProviderState, Uploads};
use super::{
    Config, Flight, ImageSource, ImageTransport, ModelInfo, Provider, ProviderInfo, RemixInput,
    RemixOption, Route, Step,
};
use crate::error::{ErrorCode, RemixError};
use crate::http::{Body, HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Job, JobStatus};
use crate::json::{self, JsonWriter, Value};
use crate::prompt::ReferenceSyntax;

/// Reve Remix on inference.sh (app `reve/remix`).
const REMIX: ModelInfo = ModelInfo {
    slug: "reve/remix",
    submit: "/apps/run",
    max_images: 6,
    reference_syntax: ReferenceSyntax::PlainIndex,
    options: &[
        RemixOption::AspectRatio,
        RemixOption::Version,
        RemixOption::TestTimeScaling,
        RemixOption::UpscaleFactor,
        RemixOption::RemoveBackground,
    ],
    test_time_scaling: Some((1, 5)),
    ..super::REVE_REMIX
};

/// inference.sh's table entry. `cors` is *unverified*.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::InferenceSh,
    name: "inference.sh",
    base_url: "https://api.inference.sh",
    model: REMIX,
    models: &[REMIX],
    transport: ImageTransport::Upload,
    asynchronous: true,
    cors: super::Cors::Unknown,
    // The presigned `upload_url` is not here: it is sent directly, as
    // inference.sh's own SDK does (`putToSignedUrl`), never with the key.
    routes: &[
        Route::post("/files"),
        Route::post("/apps/run"),
        Route::get("/tasks/*"),
        Route::get("/tasks/*/status"),
        Route::get("/tasks/*/stream"),
        Route::post("/tasks/*/cancel"),
    ],
    ..super::COMMON
};

/// The app id.
const APP: &str = "reve/remix";
/// Sent as `X-API-Version` on every request to the API (not on presigned
/// uploads): "v2 only: bare DTOs", as inference.sh's SDKs sent it (Python
/// `inferencesh` 0.7.12, 2026-07-14; sdk-js, June 2026). Later SDKs
/// (Python 0.7.25+, 2026-08-28; sdk-js 0.6.54, 2026-09-23) dropped it and
/// read the `{data, messages}` envelope its docs (2026-10-11) describe;
/// every shape is read whichever answers, so the header is harmless.
pub const API_VERSION: &str = "2";

/// The note on a task that ended `rejected` (status 13).
const REJECTED: &str = " inference.sh rejected the task before running it: check the prompt, images and options, then try again.";

/// A request to inference.sh's API: the key, and [`API_VERSION`].
fn api(cfg: &Config, kind: RequestKind, method: Method, url: String) -> HttpRequest {
    super::request(cfg, &INFO, kind, method, url).with_header("X-API-Version", API_VERSION)
}

/// *Unverified*: keys of the task's `output` tried first for the result
/// image (the page says `image: string(file)`); any URL in `output` is
/// used otherwise.
pub const OUTPUT_KEYS: &[&str] = &["image", "images", "output"];

/// inference.sh.
#[derive(Clone, Copy, Debug)]
pub struct InferenceSh;

/// A task status, number or name, normalised.
pub fn parse_status(v: &Value) -> Option<JobStatus> {
    if let Some(n) = v.as_u64() {
        return Some(match n {
            0..=3 => JobStatus::Queued,
            10 => JobStatus::Completed,
            // 13: rejected (Python SDK 0.34.0+, 2026-10-23): terminal.
            11 | 13 => JobStatus::Failed,
            12 => JobStatus::Cancelled,
            _ => JobStatus::Running,
        });
    }
    Some(match v.as_str()? {
        "unknown" | "received" | "queued" | "dispatched" => JobStatus::Queued,
        "completed" => JobStatus::Completed,
        "failed" | "rejected" => JobStatus::Failed,
        "cancelled" | "canceled" => JobStatus::Cancelled,
        _ => JobStatus::Running,
    })
}

fn task_url(cfg: &Config, job: &Job, tail: &str) -> String {
    [
        super::endpoint(cfg, &INFO, "/tasks/").as_str(),
        &job.id,
        tail,
    ]
    .concat()
}

fn run_request(cfg: &Config, input: &RemixInput, uris: &[Option<String>]) -> HttpRequest {
    let mut w = JsonWriter::new();
    w.begin_object()
        .key("app")
        .string(APP)
        .key("input")
        .begin_object();
    w.key("prompt")
        .string(&super::prompt_for(&INFO, &input.prompt));
    w.key("images").begin_array();
    for (src, uri) in input.images.iter().zip(uris) {
        match (src, uri) {
            (_, Some(u)) => w.string(u),
            (ImageSource::Url(u), None) => w.string(u.trim()),
            (ImageSource::Bytes { .. }, None) => w.null(),
        };
    }
    w.end_array();
    super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
    super::opt_str(&mut w, "version", input.version.as_ref());
    if let Some(t) = input.test_time_scaling {
        w.key("test_time_scaling").uint(u64::from(t));
    }
    if let Some(f) = input.upscale_factor {
        w.key("upscale_factor").uint(u64::from(f));
    }
    if input.remove_background == Some(true) {
        w.key("remove_background").bool(true);
    }
    w.end_object().end_object();
    super::json_submit(cfg, &INFO, "/apps/run", w.finish())
        .with_header("X-API-Version", API_VERSION)
}

fn upload_request(up: &Uploads) -> Option<HttpRequest> {
    let (i, url) = up.targets.get(up.next)?;
    let ImageSource::Bytes { data, .. } = up.input.images.get(*i)? else {
        return None;
    };
    // Straight to the storage, even with a proxy: the URL carries its own
    // signature and no key, and inference.sh's SDK sends it the same way.
    let mut req = HttpRequest::new(RequestKind::Upload, Method::Put, url.clone());
    req.body = Body::Bytes {
        content_type: up.mimes[*i]
            .unwrap_or("application/octet-stream")
            .to_string(),
        data: data.to_vec(),
    };
    Some(req)
}

/// An old-envelope failure (`{success: false, error}`) in a 2xx answer.
fn envelope_error(v: &Value, res: &HttpResponse) -> Option<RemixError> {
    if v.get("success").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    let msg = super::error_message(v).unwrap_or_else(|| "request failed".to_string());
    let code = if super::looks_like_violation(&msg) {
        ErrorCode::ContentViolation
    } else {
        ErrorCode::ProviderRejected
    };
    Some(
        RemixError::new(
            code,
            ["inference.sh rejected the request: ", msg.as_str()].concat(),
        )
        .with_status(res.status)
        .with_provider(INFO.id),
    )
}

fn output_image(task: &Value) -> Option<crate::job::ResultImage> {
    let out = task.get("output")?;
    let url = OUTPUT_KEYS
        .iter()
        .find_map(|k| out.get(k).and_then(super::first_url))
        .or_else(|| super::first_url(out))?;
    let mime = out.get("image").and_then(|i| i.str_at("content_type"));
    Some(super::image_from_url(url, mime))
}

impl InferenceSh {
    /// Read a task record (run answer, status, full task or stream line).
    fn on_task(
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        task: &Value,
        full: bool,
    ) -> Result<Option<Step>, RemixError> {
        if let Some(id) = task.str_at("id").filter(|_| job.id.is_empty()) {
            job.id = id.to_string();
        }
        if let Some(img) = output_image(task) {
            flight.output = Some(img);
        }
        let Some(status) = task.get("status").and_then(parse_status) else {
            return Ok(None);
        };
        match status {
            JobStatus::Completed => {
                if let Some(img) = flight.output.clone() {
                    return Ok(Some(Step::Done(super::result(
                        &INFO,
                        job,
                        vec![img],
                        None,
                    )?)));
                }
                if full {
                    return Err(RemixError::new(
                        ErrorCode::MalformedResponse,
                        "inference.sh says the task completed but its output has no image URL.",
                    )
                    .with_provider(INFO.id)
                    .with_request_id(job.id.clone()));
                }
                job.status = JobStatus::Running;
                let req = api(
                    cfg,
                    RequestKind::Result,
                    Method::Get,
                    task_url(cfg, job, ""),
                );
                Ok(Some(Step::Send(
                    req.with_header("Accept", "application/json"),
                )))
            }
            JobStatus::Failed => {
                let detail = task
                    .str_at("error")
                    .map(str::to_string)
                    .or_else(|| task.get("error").and_then(super::error_message));
                if detail.is_none() && !full {
                    // The full task says why.
                    let req = api(
                        cfg,
                        RequestKind::Result,
                        Method::Get,
                        task_url(cfg, job, ""),
                    );
                    return Ok(Some(Step::Send(
                        req.with_header("Accept", "application/json"),
                    )));
                }
                let status = task.get("status");
                let rejected = status.and_then(Value::as_u64) == Some(13)
                    || status.and_then(Value::as_str) == Some("rejected");
                let note = if rejected { REJECTED } else { "" };
                Err(super::job_failed(&INFO, job, detail.as_deref(), note))
            }
            JobStatus::Cancelled => Err(super::job_cancelled(&INFO, job)),
            s => {
                job.status = s;
                Ok(None)
            }
        }
    }
}

impl Provider for InferenceSh {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn submit(
        &self,
        info: &ProviderInfo,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
        flight: &mut Flight,
    ) -> Result<(Job, HttpRequest), RemixError> {
        let job = Job::new(info.id, info.model.id);
        let local: Vec<usize> = (0..input.images.len())
            .filter(|&i| matches!(input.images[i], ImageSource::Bytes { .. }))
            .collect();
        if local.is_empty() {
            return Ok((
                job,
                run_request(cfg, input, &vec![None; input.images.len()]),
            ));
        }
        let mut w = JsonWriter::new();
        w.begin_object().key("files").begin_array();
        let mut mimes = vec![None; input.images.len()];
        for &i in &local {
            let mime = images
                .get(i)
                .copied()
                .flatten()
                .map_or("application/octet-stream", |f| f.format.mime());
            mimes[i] = Some(mime);
            let ImageSource::Bytes { data, name } = &input.images[i] else {
                continue;
            };
            let fallback = ["reference-", &crate::error::num(i as u64)].concat();
            w.begin_object().key("uri").string("");
            w.key("filename")
                .string(name.as_deref().unwrap_or(&fallback));
            w.key("content_type")
                .string(mime)
                .key("size")
                .uint(data.len() as u64)
                .end_object();
        }
        w.end_array().end_object();
        flight.kept = ProviderState::Uploads(Box::new(Uploads {
            input: input.clone(),
            mimes,
            uris: vec![None; input.images.len()],
            targets: Vec::new(),
            next: 0,
        }));
        let req = api(
            cfg,
            RequestKind::Files,
            Method::Post,
            super::endpoint(cfg, &INFO, "/files"),
        )
        .with_header("Accept", "application/json")
        .with_json(w.finish());
        Ok((job, req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        if !res.is_success() {
            return Err(super::http_error(&INFO, res));
        }
        if flight.phase == RequestKind::Upload {
            let up = flight
                .kept
                .uploads_mut()
                .ok_or_else(|| super::malformed(&INFO, res, "upload in progress"))?;
            up.next += 1;
            if let Some(req) = upload_request(up) {
                return Ok(Step::Send(req));
            }
            let req = run_request(cfg, &up.input, &up.uris);
            flight.kept.clear();
            return Ok(Step::Send(req));
        }
        let v = super::parse_json(&INFO, res)?;
        if let Some(e) = envelope_error(&v, res) {
            return Err(e);
        }
        let body = super::unwrap_data(&v);
        match flight.phase {
            RequestKind::Files => {
                let records = body
                    .as_array()
                    .or_else(|| body.get("files").and_then(Value::as_array))
                    .unwrap_or(&[]);
                let up = flight
                    .kept
                    .uploads_mut()
                    .ok_or_else(|| super::malformed(&INFO, res, "upload in progress"))?;
                let local: Vec<usize> = (0..up.input.images.len())
                    .filter(|&i| up.mimes[i].is_some())
                    .collect();
                if records.len() < local.len() {
                    return Err(super::malformed(&INFO, res, "upload_url for every file"));
                }
                for (&i, rec) in local.iter().zip(records) {
                    let (Some(uri), Some(url)) = (rec.str_at("uri"), rec.str_at("upload_url"))
                    else {
                        return Err(super::malformed(&INFO, res, "uri and upload_url"));
                    };
                    up.uris[i] = Some(uri.to_string());
                    up.targets.push((i, url.to_string()));
                }
                up.next = 0;
                upload_request(up)
                    .map(Step::Send)
                    .ok_or_else(|| super::malformed(&INFO, res, "upload_url"))
            }
            RequestKind::Submit => {
                if body.str_at("id").is_none() {
                    return Err(super::malformed(&INFO, res, "task id"));
                }
                Ok(Self::on_task(job, flight, cfg, body, false)?.unwrap_or(Step::Poll))
            }
            RequestKind::Result => {
                Ok(Self::on_task(job, flight, cfg, body, true)?.unwrap_or(Step::Poll))
            }
            _ => Ok(Self::on_task(job, flight, cfg, body, false)?.unwrap_or(Step::Poll)),
        }
    }

    fn on_stream_line(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        line: &[u8],
    ) -> Result<Option<Step>, RemixError> {
        let line = line.strip_prefix(b"data:").unwrap_or(line);
        let Ok(v) = json::parse(line) else {
            return Ok(None);
        };
        if v.str_at("type") == Some("heartbeat") || v.str_at("event") == Some("delta") {
            return Ok(None);
        }
        let record = match v.get("data") {
            Some(d) if !d.is_null() => d,
            _ => &v,
        };
        Self::on_task(job, flight, cfg, record, false)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let req = api(
            cfg,
            RequestKind::Status,
            Method::Get,
            task_url(cfg, job, "/status"),
        );
        Some(req.with_header("Accept", "application/json"))
    }

    fn stream(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let req = api(
            cfg,
            RequestKind::Stream,
            Method::Get,
            task_url(cfg, job, "/stream"),
        );
        Some(req.with_header("Accept", "application/x-ndjson"))
    }

    fn cancel(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        Some(api(
            cfg,
            RequestKind::Cancel,
            Method::Post,
            task_url(cfg, job, "/cancel"),
        ))
    }
}
