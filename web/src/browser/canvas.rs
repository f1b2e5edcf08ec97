//! Images through the browser's own codecs: decode with `createImageBitmap`
//! (resized as it decodes), draw on an `OffscreenCanvas`, encode with
//! `convertToBlob`. No codec is compiled into the app.

use reve_remix_core::image::{ImageFormat, ImageLimits};
use reve_remix_core::provider::ProviderInfo;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::blob;
use crate::model::shrink::{ATTEMPTS, QUALITY, next_scale, target_size};

/// Why an image could not be re-encoded.
#[derive(Debug, PartialEq, Eq)]
pub enum CanvasError {
    /// The browser cannot decode it (HEIC in Chromium, a broken file).
    Decode,
    /// No canvas, or the browser would not encode.
    Encode,
}

/// Decode `image` at `size` (`w`, `h`; `None`: its own) and encode it as
/// `mime` (`quality` 0–1 for the lossy formats; white behind a JPEG, which
/// has no transparency). The blob's type says what was written: a browser
/// that cannot write `mime` writes PNG.
pub async fn reencode(
    image: &web_sys::Blob,
    size: Option<(u32, u32)>,
    mime: &str,
    quality: f64,
) -> Result<web_sys::Blob, CanvasError> {
    let window = web_sys::window().ok_or(CanvasError::Encode)?;
    let options = web_sys::ImageBitmapOptions::new();
    if let Some((w, h)) = size {
        options.set_resize_width(w);
        options.set_resize_height(h);
        options.set_resize_quality(web_sys::ResizeQuality::High);
    }
    let decoding = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(image, &options)
        .map_err(|_| CanvasError::Decode)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(decoding)
        .await
        .map_err(|_| CanvasError::Decode)?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let canvas = web_sys::OffscreenCanvas::new(w, h).map_err(|_| CanvasError::Encode)?;
    let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or(CanvasError::Encode)?
        .unchecked_into();
    if mime == "image/jpeg" {
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    }
    let drawn =
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w.into(), h.into());
    bitmap.close();
    drawn.map_err(|_| CanvasError::Decode)?;
    let encode = web_sys::ImageEncodeOptions::new();
    encode.set_type(mime);
    encode.set_quality(quality);
    let encoding = canvas
        .convert_to_blob_with_options(&encode)
        .map_err(|_| CanvasError::Encode)?;
    Ok(JsFuture::from(encoding)
        .await
        .map_err(|_| CanvasError::Encode)?
        .unchecked_into())
}

/// "Shrink and add": re-encode `bytes` (an image over `provider`'s limits)
/// as WebP (when the provider takes it and the browser can write it) or
/// JPEG, scaling down until it is under the limits. The format written and
/// the bytes, or why the browser could not.
pub async fn shrink(
    name: &str,
    bytes: &[u8],
    provider: &ProviderInfo,
) -> Result<(ImageFormat, Vec<u8>), String> {
    let limits = &provider.limits;
    let unlimited = ImageLimits {
        max_bytes: usize::MAX,
        max_side: u32::MAX,
        max_pixels: u64::MAX,
    };
    let info =
        reve_remix_core::image::inspect(bytes, Some(name), &unlimited).map_err(|e| e.message)?;
    let cannot_decode = || {
        format!(
            "this browser cannot decode {} images; convert it to JPEG, then add it again.",
            info.format.label()
        )
    };
    let blob = blob::blob(bytes, info.format.mime()).ok_or_else(cannot_decode)?;
    let mut format = if provider.model.formats.contains(&ImageFormat::Webp) {
        ImageFormat::Webp
    } else {
        ImageFormat::Jpeg
    };
    let mut scale = 1.0;
    for _ in 0..ATTEMPTS {
        let (w, h) = target_size(info.width, info.height, limits, scale);
        let encoded = reencode(&blob, Some((w, h)), format.mime(), QUALITY)
            .await
            .map_err(|e| match e {
                CanvasError::Decode => cannot_decode(),
                CanvasError::Encode => "the browser would not encode it.".to_string(),
            })?;
        if encoded.type_() != format.mime() {
            // A browser that cannot write WebP hands back PNG: use JPEG.
            format = ImageFormat::Jpeg;
            continue;
        }
        let out = blob::read_blob(&encoded)
            .await
            .ok_or("the shrunk image could not be read")?;
        if out.len() < limits.max_bytes {
            return Ok((format, out));
        }
        scale = next_scale(scale, out.len(), limits.max_bytes);
    }
    Err("it stays too large even much smaller; crop it or export a smaller copy.".to_string())
}
