//! The board and the results in IndexedDB, under this tab session's id: read
//! back once at the start, then written whenever they change. The records
//! are JS objects rather than JSON text so that image bytes are stored as
//! they are (a `Uint8Array`), not as base64.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::storage::{self, Shelf};
use crate::browser::{blob, idb, page};
use crate::model::models::lane_key;
use crate::model::saved::{SavedImage, SavedResult, is_stale, run_of, session_id};
use crate::model::{Finished, Phase, Results, Source};
use crate::runner::Runner;
use crate::store::Store;

/// This tab session's id: the key of its IndexedDB records.
const SESSION: &str = "reve-remix.session";

/// Bring the board and the results back from IndexedDB, then keep them
/// there (asynchronously: IndexedDB answers later).
pub(super) fn keep(store: Store) {
    let (board, results) = (store.board, store.runner.results);
    let owner = Owner::current();
    leptos::task::spawn_local(async move {
        let Some(db) = idb::open().await else { return };
        let id = this_session();
        forget_old_sessions(&db, &id).await;
        let images_key = format!("{id}.images");
        let result_key = format!("{id}.result");
        let earlier_key = format!("{id}.earlier");
        if let Some(value) = idb::get(&db, &images_key).await {
            let accepts = store.settings.get_untracked().accepts();
            let images = images_from(&value);
            board.update(|b| SavedImage::restore(images, b, &accepts));
        }
        let shown = idb::get(&db, &result_key).await.and_then(|v| finished(&v));
        let earlier = idb::get(&db, &earlier_key).await.map(|value| {
            let records = js_sys::Array::from(&value);
            records.iter().filter_map(|v| finished(&v)).collect()
        });
        restore_results(store.runner, shown, earlier);
        for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
            let lane = lane_key(provider, model);
            let shown = idb::get(&db, &format!("{id}.lane.{lane}"))
                .await
                .and_then(|v| finished(&v));
            if shown.is_some() {
                restore_results(runner, shown, None);
            }
        }
        let Some(owner) = owner else { return };
        owner.with(|| {
            let images_db = db.clone();
            Effect::new(move |_| {
                let value = board.with(|b| images_value(&SavedImage::of(b)));
                idb::put(&images_db, &images_key, &value);
            });
            for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
                let key = format!("{id}.lane.{}", lane_key(provider, model));
                keep_shown(db.clone(), key, runner.results);
            }
            keep_shown(db.clone(), result_key, results);
            Effect::new(move |_| {
                let earlier = results.try_with(|r| {
                    r.earlier()
                        .iter()
                        .map(|done| result_value(&SavedResult::of(done)))
                        .collect::<js_sys::Array>()
                });
                if let Some(value) = earlier {
                    idb::put(&db, &earlier_key, &value);
                }
            });
        });
    });
}

/// Keep the result `results` shows under `key` (none: the record removed).
fn keep_shown(db: web_sys::IdbDatabase, key: String, results: RwSignal<Results>) {
    Effect::new(move |_| {
        match results.try_with(|r| r.shown().map(|done| result_value(&SavedResult::of(done)))) {
            Some(Some(value)) => idb::put(&db, &key, &value),
            Some(None) => idb::delete(&db, &key),
            None => {}
        }
    });
}

/// Show the results read back on `runner`.
fn restore_results(runner: Runner, shown: Option<Finished>, earlier: Option<Vec<Finished>>) {
    // The status line says where the result came from, as before the reload
    // (unless a resumed job is already running).
    if let Some(run) = shown.as_ref().and_then(run_of)
        && runner.run.with_untracked(|r| r.phase == Phase::Idle)
    {
        runner.run.set(run);
    }
    runner.results.update(|r| {
        let shown = shown.or_else(|| r.shown().cloned());
        let earlier = earlier.unwrap_or_else(|| r.earlier().to_vec());
        *r = Results::restored(shown, earlier);
    });
}

/// This tab session's id, kept in sessionStorage. Without sessionStorage
/// every load is a new session (nothing comes back).
fn this_session() -> String {
    if let Some(id) = storage::get(Shelf::Session, SESSION).filter(|id| !id.is_empty()) {
        return id;
    }
    let id = session_id(page::now_ms(), (js_sys::Math::random() * 1e9) as u32);
    storage::set(Shelf::Session, SESSION, &id);
    id
}

/// Remove the records of other tab sessions started more than a week ago.
async fn forget_old_sessions(db: &web_sys::IdbDatabase, id: &str) {
    let now = page::now_ms();
    for key in idb::keys(db).await {
        if is_stale(&key, id, now) {
            idb::delete(db, &key);
        }
    }
}

/// The board as a record: `[{name, bytes: Uint8Array, shrunk_from?} | {name, url}]`,
/// in order.
fn images_value(images: &[SavedImage]) -> JsValue {
    let list = js_sys::Array::new();
    for img in images {
        let entry = js_sys::Object::new();
        set_field(&entry, "name", &JsValue::from_str(&img.name));
        set_source(&entry, &img.source, "url");
        if let Some(n) = img.shrunk_from {
            set_field(&entry, "shrunk_from", &JsValue::from(n as f64));
        }
        list.push(&entry);
    }
    list.into()
}

/// The board back from [`images_value`]'s record (what is not a tile is skipped).
fn images_from(value: &JsValue) -> Vec<SavedImage> {
    let Some(list) = value.dyn_ref::<js_sys::Array>() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|entry| {
            Some(SavedImage {
                name: field(&entry, "name").as_string().unwrap_or_default(),
                source: source(&entry, "url")?,
                shrunk_from: field(&entry, "shrunk_from")
                    .as_f64()
                    .filter(|n| n.is_finite() && *n > 0.0)
                    .map(|n| n as usize),
            })
        })
        .collect()
}

/// A result as a record: `{bytes | src, file_name, prompt, provider,
/// elapsed_ms, credits?, job_id?}`.
fn result_value(done: &SavedResult) -> JsValue {
    let entry = js_sys::Object::new();
    set_source(&entry, &done.image, "src");
    set_field(&entry, "file_name", &JsValue::from_str(&done.file_name));
    set_field(&entry, "prompt", &JsValue::from_str(&done.prompt));
    set_field(&entry, "provider", &JsValue::from_str(&done.provider));
    set_field(&entry, "elapsed_ms", &JsValue::from_f64(done.elapsed_ms));
    if let Some(c) = done.credits {
        set_field(&entry, "credits", &JsValue::from_f64(c));
    }
    if let Some(id) = &done.job_id {
        set_field(&entry, "job_id", &JsValue::from_str(id));
    }
    entry.into()
}

/// A result back from [`result_value`]'s record, shown again (`None` when
/// there is nothing to show).
fn finished(value: &JsValue) -> Option<Finished> {
    let text = |name| field(value, name).as_string().unwrap_or_default();
    SavedResult {
        image: source(value, "src").unwrap_or(Source::Url(String::new())),
        file_name: text("file_name"),
        prompt: text("prompt"),
        provider: text("provider"),
        elapsed_ms: field(value, "elapsed_ms").as_f64().unwrap_or(0.0),
        credits: field(value, "credits").as_f64(),
        job_id: field(value, "job_id").as_string(),
    }
    .finished(blob::image_url)
}

/// Bytes as `bytes`, an address as `url_field`.
fn set_source(entry: &js_sys::Object, source: &Source, url_field: &str) {
    match source {
        Source::Bytes(bytes) => set_field(entry, "bytes", &js_sys::Uint8Array::from(&bytes[..])),
        Source::Url(url) => set_field(entry, url_field, &JsValue::from_str(url)),
    }
}

/// What [`set_source`] wrote.
fn source(entry: &JsValue, url_field: &str) -> Option<Source> {
    match field(entry, "bytes").dyn_into::<js_sys::Uint8Array>() {
        Ok(bytes) => Some(Source::Bytes(bytes.to_vec().into())),
        Err(_) => field(entry, url_field).as_string().map(Source::Url),
    }
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn set_field(object: &js_sys::Object, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(name), value);
}
