//! Images through the browser's own codecs: decode with `createImageBitmap`
//! (resized as it decodes), draw on an `OffscreenCanvas`, encode with
//! `convertToBlob`. No codec is compiled into the app.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

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
