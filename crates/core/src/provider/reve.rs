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

use super::{Config, ImageTransport, Provider, ProviderInfo, RemixInput, RemixOption, Step};
use crate::error::RemixError;
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind};
use crate::image::ImageInfo;
use crate::job::Job;
use crate::json::JsonWriter;

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
        let size: usize = input
            .images
            .iter()
            .map(|i| match i {
                super::ImageSource::Bytes { data, .. } => data.len() * 4 / 3 + 8,
                super::ImageSource::Url(u) => u.len() + 8,
            })
            .sum();
        let mut w = JsonWriter::with_capacity(size + input.prompt.len() + 256);
        w.begin_object();
        w.key("prompt")
            .string(&super::prompt_for(&INFO, &input.prompt));
        w.key("reference_images").begin_array();
        for (src, found) in input.images.iter().zip(images) {
            super::write_image(&mut w, INFO.transport, src, found.as_ref());
        }
        w.end_array();
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
        let req = super::request(
            cfg,
            &INFO,
            RequestKind::Submit,
            Method::Post,
            super::endpoint(cfg, &INFO, "/v1/image/remix"),
        )
        .with_header("Accept", "application/json")
        .with_json(w.finish());
        Ok((Job::new(INFO.id), req))
    }

    fn on_response(
        &self,
        job: &mut Job,
        _cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError> {
        if !res.is_success() {
            return Err(super::http_error(&INFO, res));
        }
        let v = super::parse_json(&INFO, res)?;
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
        let credits = v.get("credits_used").and_then(|c| c.as_f64());
        let img = super::image_from_base64(image);
        Ok(Step::Done(super::result(&INFO, job, vec![img], credits)))
    }

    fn poll(&self, _job: &Job, _cfg: &Config) -> Option<HttpRequest> {
        None
    }

    fn cancel(&self, _job: &Job, _cfg: &Config) -> Option<HttpRequest> {
        None
    }
}
