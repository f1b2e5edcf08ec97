//! `fitImage` and `RunOptions.fit`: the JS side of [`crate::fit`].

use js_sys::{Array, Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::read::{ClientSettings, get, opt_number, opt_string, opt_u32, wrong_type};
use super::{Op, Thrown, image_info_to_js, spawn};
use crate::fit::{FitOptions, UNLIMITED, fit_image as fit_bytes};
use crate::js_values::{set, update_to_js};
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::image::{self, fit};
use reve_remix_core::job::{JobStatus, JobUpdate};
use reve_remix_core::provider::{self, ImageSource, RemixInput};

/// Fit an image to a model's limits: one that already fits comes back
/// as it is (`resized: false`); one that does not is decoded by the
/// browser (EXIF orientation applied) and re-encoded smaller until it
/// fits, keeping its aspect ratio and transparency. Needs
/// `createImageBitmap` and `OffscreenCanvas` (a page or a Worker): in
/// Node it throws `unsupported_environment`; an image the browser cannot
/// decode (HEIC in Chromium) throws `undecodable_image`.
#[wasm_bindgen(js_name = fitImage, unchecked_return_type = "Promise<FitResult>")]
pub fn fit_image(
    #[wasm_bindgen(unchecked_param_type = "Blob | Uint8Array | ArrayBuffer")] image: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "FitOptions")] options: JsValue,
) -> Promise {
    spawn(Op::Fit, ClientSettings::default(), image, options)
}

pub(super) async fn fit_js(image: &JsValue, opts: &JsValue) -> Result<JsValue, Thrown> {
    let options = options_from_js(opts)?;
    let blob = image.dyn_ref::<web_sys::Blob>();
    let bytes = if let Some(blob) = blob {
        let buffer = JsFuture::from(blob.array_buffer())
            .await
            .map_err(Thrown::Js)?;
        Uint8Array::new(&buffer).to_vec()
    } else if let Some(bytes) = image.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else if image.is_instance_of::<js_sys::ArrayBuffer>() {
        Uint8Array::new(image).to_vec()
    } else {
        return Err(
            wrong_type("fitImage's image", "a Blob, a Uint8Array or an ArrayBuffer").into(),
        );
    };
    let name = get(image, "name").as_string();
    let fitted = fit_bytes(bytes.into(), blob, name.as_deref(), &options).await?;
    let out: JsValue = Object::new().into();
    set(&out, "blob", &fitted.blob);
    set(&out, "info", &image_info_to_js(&fitted.info));
    set(&out, "resized", &JsValue::from_bool(fitted.resized));
    set(&out, "from", &image_info_to_js(&fitted.from));
    Ok(out)
}

/// `{ maxBytes?, maxSide?, format?, provider?, model? }`: the provider's
/// model gives the limits and formats (Reve's limits and any format
/// without one); `maxBytes` and `maxSide` replace its limits.
fn options_from_js(v: &JsValue) -> Result<FitOptions, RemixError> {
    let mut opts = FitOptions::default();
    let model = match opt_string(v, "model", "model")? {
        Some(m) => Some(provider::parse_model(&m)?),
        None => None,
    };
    if let Some(id) = opt_string(v, "provider", "provider")? {
        let info = provider::offer(provider::info(provider::parse_provider(&id)?), model)?;
        opts.limits = info.limits;
        opts.formats = info.model.formats;
    } else if model.is_some() {
        return Err(RemixError::new(
            ErrorCode::InvalidOption,
            "model needs provider: { provider: \"fal\", model: \"reve-2.1\" }",
        ));
    }
    if let Some(n) = opt_number(v, "maxBytes")? {
        if n < 1.0 {
            return Err(wrong_type("maxBytes", "a number of bytes above 0"));
        }
        opts.limits.max_bytes = n as usize;
    }
    if let Some(n) = opt_u32(v, "maxSide")? {
        if n == 0 {
            return Err(wrong_type("maxSide", "a number of pixels above 0"));
        }
        opts.limits.max_side = n;
    }
    if let Some(f) = opt_string(v, "format", "format")? {
        opts.format = Some(fit::parse_format(&f)?);
    }
    Ok(opts)
}

/// `RunOptions.fit`: fit every image given as bytes that is over the
/// model's limits (or in a format it does not take), then tell `onUpdate`
/// `{ status: "queued", fitted: [{ index, from, to }] }` before the submit.
/// Images that are not images at all are left for the usual checks.
pub(super) async fn fit_input(
    settings: &ClientSettings,
    input: &mut RemixInput,
    on_update: Option<&Function>,
) -> Result<(), Thrown> {
    let info = provider::offer(provider::info(settings.cfg.provider), settings.cfg.model)?;
    let opts = FitOptions {
        limits: info.limits,
        formats: info.model.formats,
        format: None,
    };
    let fitted = Array::new();
    for (i, img) in input.images.iter_mut().enumerate() {
        let ImageSource::Bytes { data, name } = img else {
            continue;
        };
        match image::inspect(data, None, &UNLIMITED) {
            Ok(from) if !fit::fits(&from, &opts.limits, opts.formats) => {}
            _ => continue,
        }
        let out = fit_bytes(data.clone(), None, name.as_deref(), &opts).await?;
        let entry: JsValue = Object::new().into();
        set(&entry, "index", &JsValue::from(i as u32));
        set(&entry, "from", &JsValue::from(out.from.bytes as f64));
        set(&entry, "to", &JsValue::from(out.info.bytes as f64));
        fitted.push(&entry);
        *data = out.bytes;
    }
    if let Some(f) = on_update.filter(|_| fitted.length() > 0) {
        let update = update_to_js(&JobUpdate {
            status: JobStatus::Queued,
            queue_position: None,
            logs: Vec::new(),
            result: None,
            error: None,
            retry_in_ms: None,
        });
        set(&update, "fitted", &fitted);
        // A throwing callback must not stop the run.
        let _ = f.call1(&JsValue::UNDEFINED, &update);
    }
    Ok(())
}
