//! Runware: one endpoint, `POST {base}/v1`, whose body is a JSON array of
//! tasks, with `Authorization: Bearer` (runware.ai/docs/platform:
//! authentication, errors, task-polling; Reve 2.1's schema at
//! runware.ai/docs/models/reve-2-1/schema.json, read 2026-12-06).
//!
//! The submit is one `imageInference` task with `deliveryMethod: "async"`:
//! `{taskType, taskUUID, model: "reve:2@1", positivePrompt, inputs:
//! {referenceImages: [data URI or URL]}, outputType: "URL", numberResults:
//! 1, includeCost: true}`. The client picks the `taskUUID` (a UUID v4 from
//! [`Config::nonce`]); it is the job's id. The answer acknowledges the task;
//! the job is then read with `[{taskType: "getResponse", taskUUID}]` on the
//! same endpoint until an item says `status: "success"` with `imageURL`
//! and `cost` (US dollars), or `"error"`. Errors are `{errors: [{code,
//! message, parameter, taskUUID}]}`, scoped per task, on any HTTP status.
//!
//! Runware also speaks a WebSocket API (what `@runware/sdk-js` uses); a
//! browser page needs no socket for one job, so the client speaks HTTP.
//!
//! *Unverified*: the shape of each `inputs.referenceImages` item (plain
//! strings are sent; Runware's general docs take a URL, data URI, base64
//! or an uploaded UUID), and whether browsers may call it (`cors`). There
//! is no aspect-ratio string: Runware sizes an image by `width`/`height`,
//! and the pixel sizes of Reve 2.1's presets are not published, so the
//! option is not offered here.

use super::{Config, Flight, ModelInfo, Provider, ProviderInfo, RemixInput, Route, Step};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::id::ProviderId;
use crate::image::ImageInfo;
use crate::job::{Cost, Job, JobStatus};
use crate::json::{JsonWriter, Value};

/// Reve 2.1 on Runware (AIR `reve:2@1`, from $0.20 per image).
const REVE_2_1: ModelInfo = ModelInfo {
    slug: "reve:2@1",
    submit: PATH,
    aspect_ratios: &[],
    options: &[],
    ..super::REVE_2_1
};

const PATH: &str = "/v1";

/// Runware's table entry.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::Runware,
    name: "Runware",
    base_url: "https://api.runware.ai",
    model: REVE_2_1,
    models: &[REVE_2_1],
    asynchronous: true,
    routes: &[Route::post(PATH)],
    // One path takes both the submit and `getResponse`.
    submit_marker: Some("\"imageInference\""),
    ..super::COMMON
};

/// Runware.
#[derive(Clone, Copy, Debug)]
pub struct Runware;

/// A UUID v4 drawn from `seed` (splitmix64): Runware's `taskUUID`.
pub fn task_uuid(seed: u64) -> String {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&next().to_be_bytes());
    bytes[8..].copy_from_slice(&next().to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

impl Provider for Runware {
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
        let uuid = task_uuid(cfg.nonce);
        let mut w = super::body_writer(input);
        w.begin_array().begin_object();
        w.key("taskType").string("imageInference");
        w.key("taskUUID").string(&uuid);
        w.key("model").string(info.model.slug);
        w.key("positivePrompt")
            .string(&super::prompt_for(info, &input.prompt));
        w.key("inputs")
            .begin_object()
            .key("referenceImages")
            .begin_array();
        for (src, found) in input.images.iter().zip(images) {
            super::write_image(&mut w, info.transport, src, found.as_ref());
        }
        w.end_array().end_object();
        w.key("outputType").string("URL");
        w.key("numberResults").uint(1);
        w.key("includeCost").bool(true);
        w.key("deliveryMethod").string("async");
        w.end_object().end_array();
        let req = super::json_submit(cfg, info, PATH, w.finish());
        let mut job = Job::new(info.id, info.model.id);
        job.id = uuid;
        Ok((job, req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        _flight: &mut Flight,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        let v = super::success_json(&INFO, res)?;
        if v.get("errors")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
        {
            let msg = super::error_message(&v);
            return Err(super::job_failed(&INFO, job, msg.as_deref(), ""));
        }
        let items = v.get("data").and_then(Value::as_array).unwrap_or(&[]);
        let mine = items
            .iter()
            .filter(|i| i.str_at("taskUUID").is_none_or(|u| u == job.id));
        let mut images = Vec::new();
        let mut cost = None;
        for item in mine {
            match item.str_at("status") {
                Some("error") | Some("failed") => {
                    let msg = super::error_message(item)
                        .or_else(|| item.str_at("status").map(str::to_string));
                    return Err(super::job_failed(&INFO, job, msg.as_deref(), ""));
                }
                Some("processing") => job.status = JobStatus::Running,
                _ => {}
            }
            if let Some(url) = item.str_at("imageURL") {
                images.push(super::image_from_url(url, None));
                cost = item.get("cost").and_then(Value::as_f64).map(|amount| Cost {
                    amount,
                    unit: super::USD,
                    remaining: None,
                });
            }
        }
        if item_says_nsfw(items) {
            return Err(super::violation(&INFO, None).with_request_id(job.id.clone()));
        }
        if !images.is_empty() {
            return Ok(Step::Done(super::result(&INFO, job, images, cost)?));
        }
        Ok(Step::Poll)
    }

    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let mut w = JsonWriter::new();
        w.begin_array()
            .begin_object()
            .key("taskType")
            .string("getResponse")
            .key("taskUUID")
            .string(&job.id)
            .end_object()
            .end_array();
        Some(
            super::request(
                cfg,
                &INFO,
                RequestKind::Status,
                Method::Post,
                super::endpoint(cfg, &INFO, PATH),
            )
            .with_header("Accept", "application/json")
            .with_json(w.finish()),
        )
    }
}

/// True when Runware flagged an item as NSFW (`NSFWContent: true`).
fn item_says_nsfw(items: &[Value]) -> bool {
    items.iter().any(|i| {
        i.get("NSFWContent").and_then(Value::as_bool) == Some(true)
            && i.str_at("imageURL").is_none()
    })
}
