//! `fitImage` and `RunOptions.fit`: the JS side of [`crate::fit`].

use js_sys::{Array, Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::read::{ClientSettings, get, opt_number, opt_string, opt_u32, wrong_type};
use super::{Op, Thrown, spawn};
use crate::checks::image_info_to_js;
use crate::fit::{FitOptions, UNLIMITED, fit_image as fit_bytes};
use crate::js_values::{set, update_to_js};
use reve_remix_core::driver::JobUpdate;
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::image::{self, fit};
use reve_remix_core::job::JobStatus;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::read_blob;
    use js_sys::Reflect;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const MOCK: Option<&str> = option_env!("REVE_REMIX_TEST_MOCK");

    fn field(v: &JsValue, k: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(k)).expect("property")
    }

    /// A 1500 × 1500 PNG of noise: about 6 MB, far over 1.5 MB.
    async fn big_png() -> Vec<u8> {
        let canvas = web_sys::OffscreenCanvas::new(1500, 1500).expect("canvas");
        let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .expect("2d")
            .unchecked_into();
        let mut seed: u32 = 7;
        let px: Vec<u8> = (0..1500 * 1500 * 4)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                (seed | 1) as u8
            })
            .collect();
        let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&px),
            1500,
            1500,
        )
        .expect("pixels");
        ctx.put_image_data(&data, 0.0, 0.0).expect("put");
        let blob = JsFuture::from(canvas.convert_to_blob().expect("encode"))
            .await
            .expect("encoded");
        read_blob(&blob.unchecked_into()).await.expect("bytes")
    }

    #[wasm_bindgen_test]
    async fn run_with_fit_submits_fitted_images_and_says_so_first() {
        let mock = MOCK.expect("run through `cargo xtask test`, which starts the mock");
        let config: JsValue = Object::new().into();
        set(&config, "provider", &"reve".into());
        set(&config, "apiKey", &"test-key".into());
        set(&config, "baseUrl", &[mock, "/reve"].concat().into());
        let client = super::super::RemixClient::new(config).expect("a client");
        let png = big_png().await;
        assert!(png.len() > 1_500_000, "{}", png.len());
        let input: JsValue = Object::new().into();
        set(&input, "prompt", &"<img>0</img> at dusk".into());
        set(&input, "images", &Array::of1(&Uint8Array::from(&png[..])));
        // Without fit it is refused, before any request.
        let refused = JsFuture::from(client.run(input.clone(), JsValue::UNDEFINED))
            .await
            .expect_err("too large");
        assert_eq!(
            field(&refused, "code").as_string().as_deref(),
            Some("image_too_large")
        );
        let seen = Array::new();
        let sink = seen.clone();
        let on_update = Closure::<dyn FnMut(JsValue)>::new(move |u: JsValue| {
            sink.push(&u);
        });
        let opts: JsValue = Object::new().into();
        set(&opts, "fit", &JsValue::TRUE);
        set(&opts, "onUpdate", on_update.as_ref());
        let result = JsFuture::from(client.run(input, opts))
            .await
            .expect("the fitted image through the mock");
        assert_eq!(
            field(&result, "provider").as_string().as_deref(),
            Some("reve")
        );
        let first = seen.get(0);
        assert_eq!(
            field(&first, "status").as_string().as_deref(),
            Some("queued")
        );
        let fitted = Array::from(&field(&first, "fitted"));
        assert_eq!(fitted.length(), 1);
        let entry = fitted.get(0);
        assert_eq!(field(&entry, "index").as_f64(), Some(0.0));
        assert_eq!(field(&entry, "from").as_f64(), Some(png.len() as f64));
        assert!(
            field(&entry, "to")
                .as_f64()
                .is_some_and(|to| to < 1_500_000.0)
        );
        assert!((1..seen.length()).all(|i| field(&seen.get(i), "fitted").is_undefined()));
    }
}
