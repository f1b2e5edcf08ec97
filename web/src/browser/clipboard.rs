//! The clipboard: an image written as PNG (the image type every browser's
//! clipboard takes; other formats are re-encoded by the browser, see
//! `canvas.rs`).

/// Start writing the image `bytes` to the clipboard as PNG. The PNG is
/// handed over as a promise, at once, so that the click still counts as the
/// user's gesture (Safari requires it) while the browser re-encodes.
#[cfg(target_arch = "wasm32")]
pub fn write_png(bytes: std::sync::Arc<[u8]>) -> Option<js_sys::Promise> {
    use reve_remix_core::image::sniff_format;
    use wasm_bindgen::JsValue;

    use super::{blob, canvas};

    let clipboard = web_sys::window()?.navigator().clipboard();
    let png = wasm_bindgen_futures::future_to_promise(async move {
        let failed = || JsValue::from_str("the image could not be read");
        let mime = sniff_format(&bytes).map_or("image/png", |f| f.mime());
        let blob = blob::blob(&bytes, mime).ok_or_else(failed)?;
        if mime == "image/png" {
            return Ok(blob.into());
        }
        let png = canvas::reencode(&blob, None, "image/png", 1.0)
            .await
            .map_err(|_| failed())?;
        Ok(png.into())
    });
    let record = js_sys::Object::new();
    js_sys::Reflect::set(&record, &JsValue::from_str("image/png"), &png).ok()?;
    let item = web_sys::ClipboardItem::new_with_record_from_str_to_blob_promise(&record).ok()?;
    Some(clipboard.write(&js_sys::Array::of1(&item)))
}

/// No clipboard outside a browser.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_png(_bytes: std::sync::Arc<[u8]>) -> Option<js_sys::Promise> {
    None
}
