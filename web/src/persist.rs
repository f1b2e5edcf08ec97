//! Nothing the user made is lost on a reload: the prompt and the options
//! live in sessionStorage, the key for the session only, or in localStorage
//! when "Remember on this device" is checked; a job the provider accepted
//! stays in sessionStorage until it ends, and a reload follows it again (it
//! may already be paid for); the board (bytes, names, order), the result
//! and the earlier results live in IndexedDB, under this tab session's id
//! (kept in sessionStorage), so that two tabs keep two boards. Only the
//! site persists (the widget never calls this module). Storage errors
//! (quota, private mode, no IndexedDB) are ignored: the app keeps working
//! from memory.
//!
//! Only the effects are here: when to read and write. What is kept, and
//! how it reads back, is `model::saved`; the storages themselves are in
//! `browser/`. The jobs to follow again are handed back to the caller,
//! which owns the runs.

use leptos::prelude::*;

use crate::browser::page;
use crate::browser::storage::{self, Shelf};
use crate::model::saved::{Keys, StoredSettings, keys_from, keys_from_json, keys_text};
use crate::store::Store;

mod jobs;
mod records;

pub use jobs::Resume;

const PROMPT: &str = "reve-remix.prompt";
const OPTIONS: &str = "reve-remix.options";
/// The "Proxy token": sessionStorage only, like a key not remembered.
const PROXY_TOKEN: &str = "reve-remix.proxy-token";
/// Where the key is kept (sessionStorage, or localStorage when remembered).
const KEY: &str = "reve-remix.key";

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
    if let Some(prompt) = storage::get(Shelf::Session, PROMPT) {
        store.board.update(|b| b.edit_prompt(prompt));
    }
    // Settings kept by an earlier version are read by `keep`; edited by
    // hand, or garbage: start afresh.
    restore_kept(store, StoredSettings::read, keys_from);
    if let Some(token) = storage::get(Shelf::Session, PROXY_TOKEN) {
        settings.connection.update(|c| c.set_token(&token));
    }
}

/// The settings and the keys as `read` and `read_keys` read them: the
/// keys from localStorage (remembered) or else from sessionStorage.
fn restore_kept(
    store: Store,
    read: fn(&str) -> Option<StoredSettings>,
    read_keys: fn(&str) -> Option<Keys>,
) {
    if let Some(kept) = storage::get(Shelf::Session, OPTIONS).and_then(|t| read(&t)) {
        restore_settings(store, kept);
    }
    let kept_keys = |shelf| storage::get(shelf, KEY).as_deref().and_then(read_keys);
    let connection = store.settings.connection;
    if let Some(keys) = kept_keys(Shelf::Local) {
        connection.update(|c| {
            c.keys = keys;
            c.remember_key = true;
        });
    } else if let Some(keys) = kept_keys(Shelf::Session) {
        connection.update(|c| c.keys = keys);
    }
}

fn restore_settings(store: Store, kept: StoredSettings) {
    let settings = store.settings;
    let (models, compare) = (kept.models(), kept.compare());
    if !kept.provider.is_empty() {
        settings.provider.set(kept.provider);
    }
    settings.connection.update(|c| {
        c.mock = kept.mock;
        c.base_url = kept.base_url;
        c.proxy_url = kept.proxy_url;
    });
    settings.options.set(kept.options);
    settings.models.set(models);
    if let Some(compare) = compare {
        settings.compare.set(compare);
    }
}

/// Keep sessionStorage in step with `store` from now on. Returns the jobs
/// that were in flight when the page went away, for the caller to follow
/// again. The board and the results are [`keep_records`]'.
pub fn keep(store: Store) -> Vec<Resume> {
    // What an earlier version kept as JSON comes back here, once, and is
    // kept as lines from now on: the first screen has no JSON reader.
    restore_kept(store, StoredSettings::read_json, keys_from_json);
    let resume = jobs::keep(store);
    keep_settings(store);
    resume
}

/// Bring the board and the results back from IndexedDB (asynchronously),
/// then keep them there.
pub fn keep_records(store: Store) {
    records::keep(store);
}

/// The prompt, the options and the key: small, written together.
fn keep_settings(store: Store) {
    let (board, settings) = (store.board, store.settings);
    Effect::new(move |_| {
        board.with(|b| storage::set(Shelf::Session, PROMPT, b.prompt()));
        let picked = settings.get();
        let kept = settings.compare.with(|c| StoredSettings::of(&picked, c));
        storage::set(Shelf::Session, OPTIONS, &kept.to_text());
        let c = picked.connection;
        match c.typed_token() {
            "" => storage::remove(Shelf::Session, PROXY_TOKEN),
            token => storage::set(Shelf::Session, PROXY_TOKEN, token),
        }
        if c.keys.is_empty() {
            storage::remove(Shelf::Session, KEY);
            storage::remove(Shelf::Local, KEY);
            return;
        }
        let keys = keys_text(&c.keys);
        if c.remember_key {
            storage::set(Shelf::Local, KEY, &keys);
        } else {
            storage::remove(Shelf::Local, KEY);
        }
        storage::set(Shelf::Session, KEY, &keys);
    });
}
