//! `RunOptions.fit`: the client fits its input with [`crate::fit`] (`fitImage` itself is in [`crate::checks`]).

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

use super::Thrown;
use super::read::ClientSettings;
use crate::fit::{FitOptions, UNLIMITED, fit_image as fit_bytes};
use crate::js_values::{set, update_to_js};
use reve_remix_core::driver::JobUpdate;
use reve_remix_core::image::{self, fit};
use reve_remix_core::job::JobStatus;
use reve_remix_core::provider::{self, ImageSource, RemixInput};

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
    use js_sys::Uint8Array;
    use wasm_bindgen_futures::JsFuture;
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
