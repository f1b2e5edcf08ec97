//! `fitImage`: an image fitted to a model's limits by the browser's codecs
//! ([`crate::fit`]), from JS.

use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{Thrown, image_info_to_js};
use crate::fit::{FitOptions, fit_image as fit_bytes};
use crate::js_read::{get, opt_number, opt_string, opt_u32, wrong_type};
use crate::js_values::set;
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::image::fit;
use reve_remix_core::provider;

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
    super::promise(async move { fit_js(&image, &options).await.map_err(Thrown::into_js) })
}

async fn fit_js(image: &JsValue, opts: &JsValue) -> Result<JsValue, Thrown> {
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
