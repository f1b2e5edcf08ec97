//! Reve's own API: `POST {base}/v1/image/remix`, synchronous.
//!
//! Body `{prompt, reference_images: [raw base64], aspect_ratio?, version?,
//! test_time_scaling?, postprocessing?: [{process:"upscale",
//! upscale_factor}, {process:"remove_background"}]}`; the answer holds the
//! image as base64. A content violation is a **200** with
//! `content_violation: true`, thrown as `content_violation`.
//! Reve takes no image URLs: a URL reference is `invalid_option`.
//!
//! *Unverified*: whether Reve answers browsers' CORS requests (`cors`).

use super::{Config, ImageTransport, Provider, ProviderInfo, RemixInput, RemixOption, Route, Step};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse};
use crate::image::ImageInfo;
use crate::job::{Cost, Job};
use crate::json::Value;

/// Reve's table entry. `cors` is *unverified* (undocumented).
pub const INFO: ProviderInfo = ProviderInfo {
    id: "reve",
    name: "Reve",
    base_url: "https://api.reve.com",
    max_images: 6,
    transport: ImageTransport::Base64,
    options: &[
        RemixOption::AspectRatio,
        RemixOption::Version,
        RemixOption::TestTimeScaling,
        RemixOption::UpscaleFactor,
        RemixOption::RemoveBackground,
    ],
    test_time_scaling: Some((1, 15)),
    cors: super::Cors::Unknown,
    routes: &[Route::post("/v1/image/remix")],
    ..super::COMMON
};

/// Reve's own API.
#[derive(Clone, Copy, Debug)]
pub struct Reve;

impl Provider for Reve {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn submit(
        &self,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
    ) -> Result<(Job, HttpRequest), RemixError> {
        let mut w = super::body_writer(input);
        w.begin_object();
        super::write_prompt_and_images(&mut w, &INFO, input, images, "reference_images");
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
        let req = super::json_submit(cfg, &INFO, "/v1/image/remix", w.finish());
        Ok((Job::new(INFO.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
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
        )))
    }
}

/// Credits used and left, from the body, or from the `x-reve-credits-*`
/// headers when the body does not say.
fn cost(v: &Value, res: &HttpResponse) -> Option<Cost> {
    let read = |key: &str, header: &str| {
        v.get(key)
            .and_then(Value::as_f64)
            .or_else(|| res.header(header).and_then(|h| h.trim().parse().ok()))
    };
    Some(Cost {
        amount: read("credits_used", "x-reve-credits-used")?,
        unit: super::CREDITS,
        remaining: read("credits_remaining", "x-reve-credits-remaining"),
    })
}
