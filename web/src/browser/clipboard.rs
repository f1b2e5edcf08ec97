//! The clipboard: an image written as PNG (the image type every browser's
//! clipboard takes; other formats are re-encoded by the browser through the
//! package's fitting, `reve_remix::fit`, the one canvas code we have).

/// Start writing the image `bytes` to the clipboard as PNG. The PNG is
/// handed over as a promise, at once, so that the click still counts as the
/// user's gesture (Safari requires it) while the browser re-encodes.
#[cfg(target_arch = "wasm32")]
pub fn write_png(bytes: std::sync::Arc<[u8]>) -> Option<js_sys::Promise> {
    use reve_remix::fit::{FitOptions, UNLIMITED};
    use reve_remix_core::image::ImageFormat;
    use wasm_bindgen::JsValue;

    let clipboard = web_sys::window()?.navigator().clipboard();
    let png = wasm_bindgen_futures::future_to_promise(async move {
        // No limits but the format: a PNG comes back as it is, anything
        // else is re-encoded at its own size.
        let as_png = FitOptions {
            limits: UNLIMITED,
            formats: &[ImageFormat::Png],
            format: Some(ImageFormat::Png),
        };
        let fitted = crate::lazy::fit_image(bytes, None, as_png)
            .await
            .map_err(|e| JsValue::from_str(&e.message))?;
        Ok(fitted.blob.into())
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
