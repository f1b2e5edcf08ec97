//! Fitting an image to a model's limits with the browser's own codecs
//! (wasm only): decode with `createImageBitmap`, resized as it decodes and
//! turned by its EXIF orientation; draw on an `OffscreenCanvas`; encode
//! with `convertToBlob`. What to ask for each time is the core's
//! (`reve_remix_core::image::fit`); this file only makes the calls. Both
//! are looked up on the global object, so it works in a page and in a
//! Worker; where they are missing (Node) it is `unsupported_environment`.

use std::sync::Arc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, ImageEncodeOptions, OffscreenCanvas};

use crate::js_values::set;
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::image::fit::{self, Attempt, Plan};
use reve_remix_core::image::{self, ImageFormat, ImageInfo, ImageLimits};

/// No limits: for reading what an image is before fitting it.
pub const UNLIMITED: ImageLimits = ImageLimits {
    max_bytes: usize::MAX,
    max_side: u32::MAX,
    max_pixels: u64::MAX,
};

/// What to fit to.
#[derive(Clone, Copy, Debug)]
pub struct FitOptions {
    /// Bytes (strictly under), longest side and pixels.
    pub limits: ImageLimits,
    /// The formats the model takes.
    pub formats: &'static [ImageFormat],
    /// The format to write (it must be in `formats`); `None`: chosen.
    pub format: Option<ImageFormat>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            limits: ImageLimits::REVE,
            formats: &ImageFormat::ALL,
            format: None,
        }
    }
}

/// A fitted image: the one given when it already fitted.
#[derive(Clone, Debug)]
pub struct Fitted {
    /// Its bytes, typed with their sniffed MIME type.
    pub blob: Blob,
    pub bytes: Arc<[u8]>,
    pub info: ImageInfo,
    /// False when the image came back as it was given.
    pub resized: bool,
    /// What was given.
    pub from: ImageInfo,
}

/// Fit `bytes` (the contents of `given`, when it came as a Blob) to
/// `opts`. An image that already fits comes back unchanged; one that does
/// not is re-encoded, smaller each time, until it does.
pub async fn fit_image(
    bytes: Arc<[u8]>,
    given: Option<&Blob>,
    name: Option<&str>,
    opts: &FitOptions,
) -> Result<Fitted, RemixError> {
    let from = image::inspect(&bytes, name, &UNLIMITED)?;
    let source = match given {
        Some(blob) if blob.type_() == from.format.mime() => blob.clone(),
        _ => blob_of(&bytes, from.format.mime())?,
    };
    if fit::fits(&from, &opts.limits, opts.formats) {
        return Ok(Fitted {
            blob: source,
            bytes,
            info: from,
            resized: false,
            from,
        });
    }
    let global = js_sys::global();
    let decode = Reflect::get(&global, &JsValue::from_str("createImageBitmap"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let has_canvas = Reflect::has(&global, &JsValue::from_str("OffscreenCanvas")).unwrap_or(false);
    let Some(decode) = decode.filter(|_| has_canvas) else {
        return Err(fit::unsupported_environment());
    };
    let alpha = fit::has_alpha(&bytes, from.format);
    let format = fit::choose_format(opts.format, alpha, opts.formats)?;
    let orientation = match from.format {
        ImageFormat::Jpeg => fit::exif_orientation(&bytes),
        _ => 1,
    };
    let (width, height) = fit::oriented(&from, orientation);
    let mut plan = Plan::new(width, height, opts.limits, format).sized_for(&from);
    let mut attempt = plan.attempt();
    loop {
        let out = encode(&decode, &source, &attempt)
            .await
            .map_err(|e| match e {
                Failed::Decode => fit::undecodable(name, from.format),
                Failed::Encode => fit::not_encoded(name),
            })?;
        if out.type_() != attempt.format.mime() {
            // The browser wrote PNG for a type it cannot write (WebP in older Safari).
            let next = fit::fallback(attempt.format, alpha, opts.formats)
                .ok_or_else(|| fit::not_encoded(name))?;
            attempt = plan.switch_format(next);
            continue;
        }
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let size = out.size() as usize;
        if plan.done(size) {
            let bytes: Arc<[u8]> = read_blob(&out).await?.into();
            let info = image::inspect(&bytes, name, &opts.limits)?;
            return Ok(Fitted {
                blob: out,
                bytes,
                info,
                resized: true,
                from,
            });
        }
        attempt = plan.next(size).ok_or_else(|| fit::still_too_large(name))?;
    }
}

/// Why an encode did not happen.
enum Failed {
    Decode,
    Encode,
}

/// One decode at the attempt's size and one encode in its format.
async fn encode(decode: &Function, source: &Blob, attempt: &Attempt) -> Result<Blob, Failed> {
    let options: JsValue = Object::new().into();
    set(&options, "resizeWidth", &JsValue::from(attempt.width));
    set(&options, "resizeHeight", &JsValue::from(attempt.height));
    set(&options, "resizeQuality", &JsValue::from_str("high"));
    set(
        &options,
        "imageOrientation",
        &JsValue::from_str("from-image"),
    );
    let decoding = decode
        .call2(&JsValue::UNDEFINED, source, &options)
        .map_err(|_| Failed::Decode)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(Promise::from(decoding))
        .await
        .map_err(|_| Failed::Decode)?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let canvas = OffscreenCanvas::new(w, h).map_err(|_| Failed::Encode)?;
    let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or(Failed::Encode)?
        .unchecked_into();
    if attempt.format == ImageFormat::Jpeg {
        // JPEG has no transparency: white behind, not black.
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    }
    let drawn = ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0);
    bitmap.close();
    drawn.map_err(|_| Failed::Decode)?;
    let encode = ImageEncodeOptions::new();
    encode.set_type(attempt.format.mime());
    if fit::is_lossy(attempt.format) {
        encode.set_quality(attempt.quality);
    }
    let encoding = canvas
        .convert_to_blob_with_options(&encode)
        .map_err(|_| Failed::Encode)?;
    Ok(JsFuture::from(encoding)
        .await
        .map_err(|_| Failed::Encode)?
        .unchecked_into())
}

/// A Blob of `bytes` typed `mime`.
pub fn blob_of(bytes: &[u8], mime: &str) -> Result<Blob, RemixError> {
    let bag = BlobPropertyBag::new();
    bag.set_type(mime);
    let parts = Array::of1(&Uint8Array::from(bytes));
    Blob::new_with_u8_array_sequence_and_options(&parts, &bag)
        .map_err(|_| RemixError::new(ErrorCode::UnsupportedEnvironment, "Blob is not available"))
}

/// The bytes of a Blob.
pub async fn read_blob(blob: &Blob) -> Result<Vec<u8>, RemixError> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| fit::not_encoded(None))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
