//! Reve's own API: `POST {base}/v1/image/remix`, synchronous.
//!
//! Body `{prompt, reference_images: [raw base64], aspect_ratio?, version?,
//! test_time_scaling?, postprocessing?: [{process:"upscale",
//! upscale_factor}, {process:"remove_background"}]}`; the answer holds the
//! image as base64. A content violation is a **200** with
//! `content_violation: true`, thrown as `content_violation`.
//! Reve takes no image URLs: a URL reference is `invalid_option`.
//!
//! References are written `<img>N</img>` (Reve's SDK 0.1.9; its older
//! releases wrote `<ref>N</ref>`), kept in [`INFO`]`.reference_syntax`.
//! HEIF/HEIC references are refused before any request: Reve's own
//! sniffer does not take them.
//!
//! *Unverified*: whether Reve answers browsers' CORS requests (`cors`), and
//! the `test_time_scaling` range (1–5 by its SDK, 1–15 by ComfyUI's node).

use super::{
    Config, Flight, ImageTransport, ModelInfo, Provider, ProviderInfo, RemixInput, RemixOption,
    Route, Step,
};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse};
use crate::id::ProviderId;
use crate::image::{ImageFormat, ImageInfo};
use crate::job::{Cost, Job};
use crate::json::Value;
use crate::prompt::ReferenceSyntax;

/// Reve Remix on Reve's own API. `test_time_scaling` is *unverified*.
const REMIX: ModelInfo = ModelInfo {
    max_images: 6,
    // `<img>N</img>`, decided by Reve's own SDK at its newest: `reve` 0.1.9
    // on PyPI (`python/reve/v1/image.py`, 2026-07-16, the `remix`
    // docstring, and `python/examples/remix_image.py` @d3dac360) writes
    // `<img>0</img>`. Its earlier releases (0.1.0–0.1.8, `SKILL.md`,
    // `examples/remix_image.py` @ddb442f) wrote `<ref>0</ref>`; the SDK
    // changed to the tag every other provider and ComfyUI's Reve node use,
    // so the newest SDK wins. Here so a change is one line.
    reference_syntax: ReferenceSyntax::ImgTag,
    // Reve's own sniffer (`reve-sdk` `examples/nodes/src/lib/imageSniff.ts`
    // @9c794cc: PNG, JPEG, GIF, WebP, TIFF, AVIF, "only the formats Reve's
    // API documents as supported input") has no HEIF: a HEIC reference is
    // refused before any request, naming the providers that take it.
    formats: FORMATS,
    options: &[
        RemixOption::AspectRatio,
        RemixOption::Version,
        RemixOption::TestTimeScaling,
        RemixOption::UpscaleFactor,
        RemixOption::RemoveBackground,
    ],
    // *Unverified*: Reve's SDK (README and `SKILL.md`, 0.1.0–0.1.9) says
    // "Quality factor 1–5"; ComfyUI's Reve model (`apis/reve.py`) allows
    // 1–15 but its widget stops at 5, and inference.sh's page says 1–5.
    // The SDK wins: 1–5 (the server may take up to 15).
    test_time_scaling: Some((1, 5)),
    slug: "reve-remix",
    submit: "/v1/image/remix",
    ..super::REVE_REMIX
};

/// What was reported of Reve's own API, and by whom: shown where Reve is
/// picked. No notice from Reve itself was found.
pub const NOTICE: &str = "Reve's public API was reported to wind down on 2026-08-14 \
(ComfyUI PR #15331, 2026-08-05; Comfy's docs, PR #1624, 2026-09-07: \"the provider discontinued \
the Reve service\"; pixeltable PR #1516). Requests to it may be refused: Reve 2.1 is sold by fal, \
Replicate, Runware, Atlas Cloud and WaveSpeedAI.";

/// Reve's table entry. `cors` is *unverified*.
pub const INFO: ProviderInfo = ProviderInfo {
    id: ProviderId::Reve,
    name: "Reve",
    base_url: "https://api.reve.com",
    model: REMIX,
    models: &[REMIX],
    notice: Some(NOTICE),
    transport: ImageTransport::Base64,
    cors: super::Cors::Unknown,
    routes: &[Route::post("/v1/image/remix")],
    ..super::COMMON
};

/// What Reve takes of the five formats: all but HEIF (see [`INFO`]).
pub const FORMATS: &[ImageFormat] = &[
    ImageFormat::Png,
    ImageFormat::Jpeg,
    ImageFormat::Webp,
    ImageFormat::Avif,
];

/// Reve's own API.
#[derive(Clone, Copy, Debug)]
pub struct Reve;

impl Provider for Reve {
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
        super::write_prompt_and_images(&mut w, info, input, images, "reference_images");
        super::opt_str(&mut w, "aspect_ratio", input.aspect_ratio.as_ref());
        super::opt_str(&mut w, "version", input.version.as_ref());
        if let Some(t) = input.test_time_scaling {
            w.key("test_time_scaling").uint(u64::from(t));
        }
        let bg = input.remove_background == Some(true);
        if input.upscale_factor.is_some() || bg {
            w.key("postprocessing").begin_array();
            if let Some(f) = input.upscale_factor {
                w.begin_object()
                    .key("process")
                    .string("upscale")
                    .key("upscale_factor")
                    .uint(u64::from(f))
                    .end_object();
            }
            if bg {
                w.begin_object()
                    .key("process")
                    .string("remove_background")
                    .end_object();
            }
            w.end_array();
        }
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
        if let Some(id) = v.str_at("request_id").or_else(|| res.request_id_header()) {
            job.request_id = Some(id.to_string());
            job.id = id.to_string();
        }
        if v.get("content_violation").and_then(|c| c.as_bool()) == Some(true) {
            let mut e = super::violation(&INFO, None).with_status(res.status);
            if let Some(id) = &job.request_id {
                e = e.with_request_id(id.clone());
            }
            return Err(e);
        }
        let image = v
            .str_at("image")
            .ok_or_else(|| super::malformed(&INFO, res, "image"))?;
        let img = super::image_from_base64(image);
        Ok(Step::Done(super::result(
            &INFO,
            job,
            vec![img],
            cost(&v, res),
        )?))
    }
}

/// Credits used and left, from the body, or from the `x-reve-credits-*`
/// headers when the body does not say.
fn cost(v: &Value, res: &HttpResponse) -> Option<Cost> {
    let read = |key: &str, header: &str| {
        v.get(key)
            .and_then(Value::as_f64)
            // The JSON reader's number parser: `str::parse::<f64>` would
            // add its own (+12.5 KB gzipped, measured) to the package.
            .or_else(|| {
                res.header(header)
                    .and_then(|h| crate::json::parse(h.trim().as_bytes()).ok())
                    .and_then(|n| n.as_f64())
            })
    };
    Some(Cost {
        amount: read("credits_used", "x-reve-credits-used")?,
        unit: super::CREDITS,
        remaining: read("credits_remaining", "x-reve-credits-remaining"),
    })
}
