//! Nothing the user made is lost on a reload: the prompt and the options
//! live in sessionStorage, the key for the session only, or in localStorage
//! when "Remember on this device" is checked; a job the provider accepted
//! stays in sessionStorage until it ends, and a reload follows it again (it
//! may already be paid for); the board (bytes, names,
//! order), the result and the earlier results live in IndexedDB, under this tab session's
//! id (kept in sessionStorage), so that two tabs keep two boards. Only the
//! site persists (the widget never calls this module). Storage errors
//! (quota, private mode, no IndexedDB) are ignored: the app keeps working
//! from memory.

use std::rc::Rc;

use leptos::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::job::Job;
use reve_remix_core::provider::ModelId;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::{idb, page};
use crate::model::models::info_for;
use crate::model::models::{lane_key, sold_or_default};
use crate::model::{Compare, Options};
use crate::runner::{RunEvent, RunListener, Runner};
use crate::store::Store;

mod records;
use records::{finished_from, images_value, restore_images, restore_results, result_value};

const PROMPT: &str = "reve-remix.prompt";
const OPTIONS: &str = "reve-remix.options";
/// The "Proxy token": sessionStorage only, like a key not remembered.
const PROXY_TOKEN: &str = "reve-remix.proxy-token";
/// This tab session's id: the key of its IndexedDB records.
const SESSION: &str = "reve-remix.session";
/// Where the key is kept (sessionStorage, or localStorage when remembered).
pub const KEY: &str = "reve-remix.key";
/// The job in flight, as a [`PendingRun`] in JSON.
const JOB: &str = "reve-remix.job";

/// `value` as JSON text: serde through the browser's own JSON (serde_json
/// adds 7.2 KB gzipped to the app for the same text, measured).
fn to_json<T: Serialize>(value: &T) -> Option<String> {
    let js = serde_wasm_bindgen::to_value(value).ok()?;
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

/// The JSON [`to_json`] wrote, as a JS value (`None` for text that is not
/// JSON). Read back field by field rather than by serde's `Deserialize`:
/// its error paths format floats (`Unexpected::Float`), which costs the
/// app 11.4 KB gzipped, measured.
fn parse_json(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok().filter(JsValue::is_object)
}

fn string_field(value: &JsValue, name: &str) -> String {
    field(value, name).as_string().unwrap_or_default()
}

/// The settings kept for the session (never the key: it has its own place).
#[derive(Default, Serialize)]
struct StoredSettings {
    provider: String,
    mock: bool,
    base_url: String,
    proxy_url: String,
    options: Options,
    /// The model picked on each provider, `[provider id, model id]`.
    models: Vec<[String; 2]>,
    /// The runs ticked under "Compare providers": `<provider id>` (its
    /// opening model, as earlier versions wrote) or `<provider id> <model id>`.
    compare: Vec<String>,
}

impl StoredSettings {
    fn read(text: &str) -> Option<Self> {
        let v = parse_json(text)?;
        let o = field(&v, "options");
        Some(Self {
            provider: string_field(&v, "provider"),
            mock: field(&v, "mock").as_bool().unwrap_or_default(),
            base_url: string_field(&v, "base_url"),
            proxy_url: string_field(&v, "proxy_url"),
            options: Options {
                aspect_ratio: string_field(&o, "aspect_ratio"),
                version: string_field(&o, "version"),
                test_time_scaling: string_field(&o, "test_time_scaling"),
                upscale_factor: string_field(&o, "upscale_factor"),
                remove_background: field(&o, "remove_background").as_bool().unwrap_or_default(),
                output_format: string_field(&o, "output_format"),
            },
            models: js_sys::Array::from(&field(&v, "models"))
                .iter()
                .filter_map(|pair| {
                    let pair = js_sys::Array::from(&pair);
                    Some([pair.get(0).as_string()?, pair.get(1).as_string()?])
                })
                .collect(),
            compare: js_sys::Array::from(&field(&v, "compare"))
                .iter()
                .filter_map(|id| id.as_string())
                .collect(),
        })
    }
}

/// A run the provider accepted and that has not ended: what a reload needs
/// to follow it again rather than pay for it twice.
#[derive(Serialize)]
struct PendingRun {
    /// When the run started (ms since the epoch), for its elapsed time.
    started_ms: u64,
    /// The job as the core writes it ([`Job::to_json`]), the package's `Job`.
    job: String,
    /// The prompt it ran with, shown beside its result.
    prompt: String,
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(store: Option<web_sys::Storage>, key: &str) -> Option<String> {
    store?.get_item(key).ok()?
}

fn set(store: Option<web_sys::Storage>, key: &str, value: &str) {
    if let Some(s) = store
        && s.set_item(key, value).is_err()
    {
        let _ = s.remove_item(key);
    }
}

fn remove(store: Option<web_sys::Storage>, key: &str) {
    if let Some(s) = store {
        let _ = s.remove_item(key);
    }
}

/// Remove the key from both storages (the "Forget" button).
pub fn forget_key() {
    remove(session(), KEY);
    remove(local(), KEY);
}

/// Load what sessionStorage kept into `store`. Call before [`keep`]
/// (which reads the board and the result back from IndexedDB).
pub fn restore(store: Store) {
    let settings = store.settings;
    settings.connection.update(|c| {
        if let Some(origin) = page::query_param("mock").filter(|o| !o.trim().is_empty()) {
            c.mock_origin = origin.trim().trim_end_matches('/').to_string();
        }
        if let Some(proxy) = page::query_param("proxy").filter(|p| !p.trim().is_empty()) {
            c.default_proxy = proxy.trim().to_string();
        }
    });
    if let Some(prompt) = get(session(), PROMPT) {
        store.board.update(|b| b.edit_prompt(prompt));
    }
    if let Some(text) = get(session(), OPTIONS) {
        restore_options(store, &text);
    }
    if let Some(keys) = get(local(), KEY).as_deref().and_then(keys_from) {
        settings.connection.update(|c| {
            c.keys = keys;
            c.remember_key = true;
        });
    } else if let Some(keys) = get(session(), KEY).as_deref().and_then(keys_from) {
        settings.connection.update(|c| c.keys = keys);
    }
    if let Some(token) = get(session(), PROXY_TOKEN) {
        settings.connection.update(|c| c.set_token(&token));
    }
}

/// The keys as kept: `{"<provider id>": "<key>", …}` (anything else, such
/// as an older version's bare key, is not read).
fn keys_from(text: &str) -> Option<Vec<(String, String)>> {
    let value = parse_json(text)?;
    let object: &js_sys::Object = value.dyn_ref()?;
    let keys: Vec<(String, String)> = js_sys::Object::entries(object)
        .iter()
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .filter(|(_, key)| !key.is_empty())
        .collect();
    (!keys.is_empty()).then_some(keys)
}

/// The keys as [`keys_from`] reads them.
fn keys_json(keys: &[(String, String)]) -> String {
    let object = js_sys::Object::new();
    for (id, key) in keys {
        set_field(&object, id, &JsValue::from_str(key));
    }
    js_sys::JSON::stringify(&object)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn restore_options(store: Store, text: &str) {
    // Settings kept by an older version, or edited by hand: start afresh.
    let Some(kept) = StoredSettings::read(text) else {
        return;
    };
    let settings = store.settings;
    if !kept.provider.is_empty() {
        settings.provider.set(kept.provider);
    }
    settings.connection.update(|c| {
        c.mock = kept.mock;
        c.base_url = kept.base_url;
        c.proxy_url = kept.proxy_url;
    });
    settings.options.set(kept.options);
    // Storage is a boundary: a provider or a model this version does not
    // know (an older or newer version wrote it, or a hand) is not picked;
    // the provider opens on its default model instead.
    let models: Vec<(String, ModelId)> = kept
        .models
        .iter()
        .filter_map(|[p, m]| Some((p.clone(), ModelId::parse(m)?)))
        .filter(|(p, m)| sold_or_default(p, Some(*m)) == *m)
        .collect();
    settings.models.set(models);
    let runs: Vec<(&str, ModelId)> = kept
        .compare
        .iter()
        .map(|run| match run.split_once(' ') {
            Some((p, m)) => (p, sold_or_default(p, ModelId::parse(m))),
            // An earlier version's tick: the model it ran, the table's
            // default (its card's job is kept under the same key).
            None => (run.as_str(), info_for(run).model.id),
        })
        .collect();
    if !runs.is_empty() {
        settings.compare.set(Compare::of(&runs));
    }
}

/// Keep storage in step with `store` from now on; first bring the board and
/// the result back from IndexedDB (asynchronously), and follow again a job
/// that was in flight when the page went away.
pub fn keep(store: Store) {
    keep_jobs(store);
    let (board, settings, results) = (store.board, store.settings, store.runner.results);
    // The prompt, the options and the key: small, written together.
    Effect::new(move |_| {
        board.with(|b| set(session(), PROMPT, b.prompt()));
        let o = settings.options.get();
        let c = settings.connection.get();
        let kept = StoredSettings {
            provider: settings.provider.get(),
            mock: c.mock,
            base_url: c.base_url.clone(),
            proxy_url: c.proxy_url.clone(),
            options: o,
            models: settings.models.with(|m| {
                m.iter()
                    .map(|(p, m)| [p.clone(), m.as_str().to_string()])
                    .collect()
            }),
            compare: settings
                .compare
                .with(|c| c.ticked().iter().map(|(p, m)| format!("{p} {m}")).collect()),
        };
        let text = to_json(&kept).unwrap_or_default();
        set(session(), OPTIONS, &text);
        match c.typed_token() {
            "" => remove(session(), PROXY_TOKEN),
            token => set(session(), PROXY_TOKEN, token),
        }
        let keys = c.keys;
        let key = keys_json(&keys);
        if keys.is_empty() {
            forget_key();
        } else if c.remember_key {
            set(local(), KEY, &key);
            set(session(), KEY, &key);
        } else {
            remove(local(), KEY);
            set(session(), KEY, &key);
        }
    });
    // The board and the result: IndexedDB, once its records are read back.
    let owner = Owner::current();
    leptos::task::spawn_local(async move {
        let Some(db) = idb::open().await else { return };
        let id = session_id();
        forget_old_sessions(&db, &id).await;
        let images_key = format!("{id}.images");
        let result_key = format!("{id}.result");
        let earlier_key = format!("{id}.earlier");
        if let Some(value) = idb::get(&db, &images_key).await {
            restore_images(store, &value);
        }
        let shown = idb::get(&db, &result_key)
            .await
            .and_then(|v| finished_from(&v));
        let earlier = idb::get(&db, &earlier_key).await.map(|value| {
            let records = js_sys::Array::from(&value);
            records.iter().filter_map(|v| finished_from(&v)).collect()
        });
        restore_results(store.runner, shown, earlier);
        for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
            let lane = lane_key(provider, model);
            let shown = idb::get(&db, &format!("{id}.lane.{lane}"))
                .await
                .and_then(|v| finished_from(&v));
            if shown.is_some() {
                restore_results(runner, shown, None);
            }
        }
        let Some(owner) = owner else { return };
        owner.with(|| {
            let images_db = db.clone();
            // Only when the images change, not with every letter of the prompt.
            let images = move || board.with(|b| b.images().to_vec());
            Effect::new(move |_| {
                if let Some(value) = Some(images_value(&images())) {
                    idb::put(&images_db, &images_key, &value);
                }
            });
            for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
                let lane_db = db.clone();
                let key = format!("{id}.lane.{}", lane_key(provider, model));
                Effect::new(move |_| {
                    match runner.results.try_with(|r| r.shown().map(result_value)) {
                        Some(Some(value)) => idb::put(&lane_db, &key, &value),
                        Some(None) => idb::delete(&lane_db, &key),
                        None => {}
                    }
                });
            }
            let result_db = db.clone();
            Effect::new(
                move |_| match results.try_with(|r| r.shown().map(result_value)) {
                    Some(Some(value)) => idb::put(&result_db, &result_key, &value),
                    Some(None) => idb::delete(&result_db, &result_key),
                    None => {}
                },
            );
            Effect::new(move |_| {
                let earlier = results.try_with(|r| {
                    r.earlier()
                        .iter()
                        .map(result_value)
                        .collect::<js_sys::Array>()
                });
                if let Some(value) = earlier {
                    idb::put(&db, &earlier_key, &value);
                }
            });
        });
    });
}

/// Keep the job of each run (the single one's, and each provider's in a
/// comparison) from the moment the provider accepts it until it ends, and
/// resume the ones a reload interrupted: each is followed again on its own
/// card, never submitted twice.
fn keep_jobs(store: Store) {
    keep_job_of(
        store.runner,
        JOB.to_string(),
        move |job, started, prompt| {
            store.resume(job, started, prompt);
        },
    );
    for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
        keep_job_of(
            runner,
            format!("{JOB}.{}", lane_key(provider, model)),
            move |job, started, prompt| {
                store.resume_lane(job, started, prompt);
            },
        );
    }
}

/// Keep `runner`'s job in flight under `key`, and resume the one kept there.
fn keep_job_of(runner: Runner, key: String, resume: impl Fn(Job, f64, String)) {
    let run = runner.run;
    let slot = key.clone();
    let listener: RunListener = Rc::new(move |event| match event {
        RunEvent::Submitted(job) => {
            let (started, prompt) = run.with_untracked(|r| (r.started_ms as u64, r.prompt.clone()));
            let pending = PendingRun {
                started_ms: started,
                job: job.to_json(),
                prompt,
            };
            if let Some(text) = to_json(&pending) {
                set(session(), &slot, &text);
            }
        }
        RunEvent::Complete(_) => remove(session(), &slot),
        // Offline for a while: the next visit looks at the job again.
        RunEvent::Error(e) if e.code != ErrorCode::Network => remove(session(), &slot),
        _ => {}
    });
    runner.listen(Some(listener));
    runner.keep_jobs();
    let Some(text) = get(session(), &key) else {
        return;
    };
    let pending = parse_json(&text).and_then(|v| {
        Some(PendingRun {
            started_ms: field(&v, "started_ms").as_f64()? as u64,
            job: field(&v, "job").as_string()?,
            prompt: string_field(&v, "prompt"),
        })
    });
    match pending.and_then(|p| Some((Job::from_json(&p.job)?, p))) {
        Some((job, p)) => resume(job, p.started_ms as f64, p.prompt),
        None => remove(session(), &key),
    }
}

/// How long the records of a tab session that never came back are kept.
const STALE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// This tab session's id (`<ms since the epoch>-<random>`), kept in
/// sessionStorage: it keys the session's IndexedDB records. Without
/// sessionStorage every load is a new session (nothing comes back).
fn session_id() -> String {
    if let Some(id) = get(session(), SESSION).filter(|id| !id.is_empty()) {
        return id;
    }
    let id = format!(
        "{}-{}",
        page::now_ms() as u64,
        (js_sys::Math::random() * 1e9) as u32
    );
    set(session(), SESSION, &id);
    id
}

/// Remove the records of other tab sessions started more than a week ago
/// (closed tabs: sessionStorage is gone, their records would stay forever).
async fn forget_old_sessions(db: &web_sys::IdbDatabase, id: &str) {
    let now = page::now_ms();
    for key in idb::keys(db).await {
        let started = key
            .split(['-', '.'])
            .next()
            .and_then(|t| t.parse::<u64>().ok());
        let mine = key.split('.').next() == Some(id);
        if !mine && started.is_none_or(|t| now - t as f64 > STALE_MS) {
            idb::delete(db, &key);
        }
    }
}

pub(crate) fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn set_field(object: &js_sys::Object, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(name), value);
}

pub(crate) fn bytes_field(value: &JsValue, name: &str) -> Option<Vec<u8>> {
    field(value, name)
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|a| a.to_vec())
}
