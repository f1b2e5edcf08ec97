//! "Copy image": the result shown onto the clipboard, as PNG (the image
//! type every browser's clipboard takes; other formats are re-encoded by
//! the browser, see `canvas.rs`).

use std::time::Duration;

use leptos::prelude::*;

use crate::state::AppState;

/// Copy the result shown; `said` gets what happened, for a few seconds.
pub fn copy_result(state: AppState, said: RwSignal<String>) {
    let Some(bytes) = state
        .result
        .with_untracked(|r| r.as_ref().and_then(|r| r.bytes.clone()))
    else {
        return;
    };
    let writing = write(bytes);
    leptos::task::spawn_local(async move {
        let copied = match writing {
            Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            None => false,
        };
        let message = if copied {
            "Copied to the clipboard."
        } else {
            "This browser would not copy the image here; use Download."
        };
        said.set(message.to_string());
        set_timeout(
            move || {
                let _ = said.try_set(String::new());
            },
            Duration::from_secs(4),
        );
    });
}

/// Start writing `bytes` to the clipboard. The PNG is handed over as a
/// promise, at once, so that the click still counts as the user's gesture
/// (Safari requires it) while the browser re-encodes.
#[cfg(target_arch = "wasm32")]
fn write(bytes: std::sync::Arc<[u8]>) -> Option<js_sys::Promise> {
    use crate::canvas;
    use reve_remix_core::image::sniff_format;
    use wasm_bindgen::JsValue;

    let clipboard = web_sys::window()?.navigator().clipboard();
    let png = wasm_bindgen_futures::future_to_promise(async move {
        let failed = || JsValue::from_str("the image could not be read");
        let mime = sniff_format(&bytes).map_or("image/png", |f| f.mime());
        let blob = crate::browser::blob(&bytes, mime).ok_or_else(failed)?;
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

#[cfg(not(target_arch = "wasm32"))]
fn write(_bytes: std::sync::Arc<[u8]>) -> Option<js_sys::Promise> {
    None
}
