//! The board and the results as IndexedDB records, and back.

use leptos::prelude::*;
use reve_remix_core::image::sniff_format;
use reve_remix_core::provider;
use wasm_bindgen::{JsCast, JsValue};

use super::{bytes_field, field, set_field};
use crate::browser::blob;
use crate::model::{Finished, ImageUrl, Phase, RefImage, Results, Run, Source};
use crate::runner::Runner;
use crate::store::Store;

/// The board as a record: `[{name, bytes: Uint8Array, shrunk_from?} | {name, url}]`,
/// in order.
pub(super) fn images_value(images: &[RefImage]) -> JsValue {
    let list = js_sys::Array::new();
    for img in images {
        let entry = js_sys::Object::new();
        set_field(&entry, "name", &JsValue::from_str(&img.name));
        match &img.source {
            Source::Bytes(bytes) => {
                set_field(&entry, "bytes", &js_sys::Uint8Array::from(&bytes[..]))
            }
            Source::Url(url) => set_field(&entry, "url", &JsValue::from_str(url)),
        }
        if let Some(n) = img.shrunk_from {
            set_field(&entry, "shrunk_from", &JsValue::from(n as f64));
        }
        list.push(&entry);
    }
    list.into()
}

pub(super) fn restore_images(store: Store, value: &JsValue) {
    let Ok(list) = value.clone().dyn_into::<js_sys::Array>() else {
        return;
    };
    let accepts = store.settings.get_untracked().accepts();
    store.board.update(|b| {
        for entry in list.iter() {
            let name = field(&entry, "name").as_string().unwrap_or_default();
            if let Some(bytes) = bytes_field(&entry, "bytes") {
                let shrunk = field(&entry, "shrunk_from").as_f64();
                if b.add_bytes(&name, bytes, &accepts)
                    && let Some(n) = shrunk.filter(|n| n.is_finite() && *n > 0.0)
                {
                    b.last_shrunk_from(n as usize);
                }
            } else if let Some(url) = field(&entry, "url").as_string() {
                b.add_url(&url, &accepts);
            }
        }
        // A restored board never shows the alert of a former visit.
        b.dismiss_rejections();
    });
}

/// The result as a record: its bytes when the page had them (an object URL
/// does not outlive the page), else its URL; and what the result view shows.
pub(super) fn result_value(done: &Finished) -> JsValue {
    let entry = js_sys::Object::new();
    match &done.bytes {
        Some(bytes) => set_field(&entry, "bytes", &js_sys::Uint8Array::from(&bytes[..])),
        None => set_field(&entry, "src", &JsValue::from_str(done.src.as_str())),
    }
    set_field(&entry, "file_name", &JsValue::from_str(&done.file_name));
    set_field(&entry, "prompt", &JsValue::from_str(&done.prompt));
    set_field(&entry, "provider", &JsValue::from_str(done.provider));
    set_field(&entry, "elapsed_ms", &JsValue::from_f64(done.elapsed_ms));
    if let Some(c) = done.credits {
        set_field(&entry, "credits", &JsValue::from_f64(c));
    }
    if let Some(id) = &done.job_id {
        set_field(&entry, "job_id", &JsValue::from_str(id));
    }
    entry.into()
}

pub(super) fn restore_results(
    runner: Runner,
    shown: Option<Finished>,
    earlier: Option<Vec<Finished>>,
) {
    // The status line says where the result came from, as before the reload
    // (unless a resumed job is already running).
    if let Some(done) = &shown
        && runner.run.with_untracked(|r| r.phase == Phase::Idle)
        && !done.provider.is_empty()
    {
        let mut run = Run::start(done.provider, 0.0);
        run.end(Phase::Completed, done.elapsed_ms, String::new());
        runner.run.set(run);
    }
    runner.results.update(|r| {
        let shown = shown.or_else(|| r.shown().cloned());
        let earlier = earlier.unwrap_or_else(|| r.earlier().to_vec());
        *r = Results::restored(shown, earlier);
    });
}

/// A result back from its record (see [`result_value`]).
pub(super) fn finished_from(value: &JsValue) -> Option<Finished> {
    let bytes = bytes_field(value, "bytes");
    let src = match &bytes {
        Some(b) => {
            let mime = sniff_format(b).map_or("image/png", |f| f.mime());
            blob::image_url(b, mime)
        }
        // An object URL died with its page.
        None => ImageUrl::new(
            field(value, "src")
                .as_string()
                .filter(|s| !s.starts_with("blob:"))
                .unwrap_or_default(),
        ),
    };
    if src.is_empty() {
        return None;
    }
    let name = field(value, "provider").as_string().unwrap_or_default();
    let provider = provider::providers()
        .iter()
        .find(|p| p.name == name)
        .map_or("", |p| p.name);
    Some(Finished {
        src,
        bytes: bytes.map(Into::into),
        file_name: field(value, "file_name").as_string().unwrap_or_default(),
        prompt: field(value, "prompt").as_string().unwrap_or_default(),
        provider,
        elapsed_ms: field(value, "elapsed_ms").as_f64().unwrap_or(0.0),
        credits: field(value, "credits").as_f64(),
        job_id: field(value, "job_id").as_string(),
    })
}
