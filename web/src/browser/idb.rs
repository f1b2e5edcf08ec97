//! A small IndexedDB helper: one database, one object store of records by
//! string key. Every call fails quietly (`None`, or nothing written) when
//! IndexedDB is missing, blocked (private mode) or full: callers keep
//! working from memory.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode};

const DB: &str = "reve-remix";
const STORE: &str = "records";

/// The request's result once it succeeds (`Err` if it fails).
async fn done(request: &IdbRequest) -> Option<JsValue> {
    let request = request.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move || {
            let value = ok.result().unwrap_or(JsValue::UNDEFINED);
            let _ = resolve.call1(&JsValue::NULL, &value);
        });
        let on_error = Closure::once_into_js(move |e: web_sys::Event| {
            // Handled here: no "uncaught" report, the caller gets `None`.
            e.prevent_default();
            let _ = reject.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.ok()
}

/// Open the app's database (created on first use).
pub async fn open() -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request = factory.open_with_u32(DB, 1).ok()?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    done(&request).await?.dyn_into().ok()
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Option<IdbObjectStore> {
    db.transaction_with_str_and_mode(STORE, mode)
        .ok()?
        .object_store(STORE)
        .ok()
}

/// The record under `key`, if there is one.
pub async fn get(db: &IdbDatabase, key: &str) -> Option<JsValue> {
    let request = store(db, IdbTransactionMode::Readonly)?
        .get(&JsValue::from_str(key))
        .ok()?;
    done(&request).await.filter(|v| !v.is_undefined())
}

/// Every key of the store.
pub async fn keys(db: &IdbDatabase) -> Vec<String> {
    let Some(request) = store(db, IdbTransactionMode::Readonly).and_then(|s| s.get_all_keys().ok())
    else {
        return Vec::new();
    };
    done(&request)
        .await
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        .map(|a| a.iter().filter_map(|k| k.as_string()).collect())
        .unwrap_or_default()
}

/// Write `value` under `key`, replacing what was there. Writes run in the
/// order they are made; a failed one (quota) is dropped.
pub fn put(db: &IdbDatabase, key: &str, value: &JsValue) {
    if let Some(s) = store(db, IdbTransactionMode::Readwrite)
        && let Ok(request) = s.put_with_key(value, &JsValue::from_str(key))
    {
        ignore_errors(&request);
    }
}

/// Remove the record under `key`.
pub fn delete(db: &IdbDatabase, key: &str) {
    if let Some(s) = store(db, IdbTransactionMode::Readwrite)
        && let Ok(request) = s.delete(&JsValue::from_str(key))
    {
        ignore_errors(&request);
    }
}

fn ignore_errors(request: &IdbRequest) {
    let on_error = Closure::once_into_js(|e: web_sys::Event| e.prevent_default());
    request.set_onerror(Some(on_error.unchecked_ref()));
}
