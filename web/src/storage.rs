//! Nothing the user made is lost on a reload: the prompt, the options and
//! the board live in sessionStorage (the board only while it fits: images
//! are best effort), the key for the session only, or in localStorage when
//! "Remember on this device" is checked. Storage errors (quota, private
//! mode) are ignored: the app keeps working from memory.

use leptos::prelude::*;
use reve_remix::image::encode_base64;

use crate::browser;
use crate::state::{AppState, Options, Source};

const PROMPT: &str = "reve-remix.prompt";
const OPTIONS: &str = "reve-remix.options";
const IMAGES: &str = "reve-remix.images";
/// Where the key is kept (sessionStorage, or localStorage when remembered).
pub const KEY: &str = "reve-remix.key";

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

/// Load what an earlier visit left, into `state`. Call before [`persist`].
pub fn restore(state: AppState) {
    if let Some(origin) = browser::query_param("mock").filter(|o| !o.trim().is_empty()) {
        state
            .mock_origin
            .set(origin.trim().trim_end_matches('/').to_string());
    }
    if let Some(prompt) = get(session(), PROMPT) {
        state.prompt.set(prompt);
    }
    if let Some(text) = get(session(), OPTIONS) {
        restore_options(state, &text);
    }
    if let Some(key) = get(local(), KEY) {
        state.api_key.set(key);
        state.remember_key.set(true);
    } else if let Some(key) = get(session(), KEY) {
        state.api_key.set(key);
    }
    if let Some(text) = get(session(), IMAGES) {
        for line in text.lines() {
            let mut parts = line.splitn(3, '\t');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("b"), Some(name), Some(b64)) => {
                    if let Some(bytes) = browser::decode_base64(b64) {
                        state.add_bytes(name, bytes);
                    }
                }
                (Some("u"), Some(url), _) => {
                    state.add_url(url);
                }
                _ => {}
            }
        }
        // A restored board never shows the alert of a former visit.
        state.rejected.set(Vec::new());
    }
}

fn restore_options(state: AppState, text: &str) {
    let mut o = Options::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.to_string();
        match k {
            "provider" => state.provider.set(v),
            "mock" => state.use_mock.set(v == "1"),
            "base" => state.base_url.set(v),
            "aspect" => o.aspect_ratio = v,
            "version" => o.version = v,
            "tts" => o.test_time_scaling = v,
            "upscale" => o.upscale_factor = v,
            "bg" => o.remove_background = v == "1",
            "format" => o.output_format = v,
            _ => {}
        }
    }
    state.options.set(o);
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r', '\t'], " ")
}

/// Keep storage in step with `state` from now on.
pub fn persist(state: AppState) {
    // The prompt, the options and the key: small, written together.
    Effect::new(move |_| {
        state.prompt.with(|p| set(session(), PROMPT, p));
        let o = state.options.get();
        let flag = |b: bool| if b { "1" } else { "0" };
        let text = format!(
            "provider={}\nmock={}\nbase={}\naspect={}\nversion={}\ntts={}\nupscale={}\nbg={}\nformat={}\n",
            one_line(&state.provider.get()),
            flag(state.use_mock.get()),
            one_line(&state.base_url.get()),
            one_line(&o.aspect_ratio),
            one_line(&o.version),
            one_line(&o.test_time_scaling),
            one_line(&o.upscale_factor),
            flag(o.remove_background),
            one_line(&o.output_format),
        );
        set(session(), OPTIONS, &text);
        let key = state.api_key.get();
        if key.is_empty() {
            forget_key();
        } else if state.remember_key.get() {
            set(local(), KEY, &key);
            set(session(), KEY, &key);
        } else {
            remove(local(), KEY);
            set(session(), KEY, &key);
        }
    });
    Effect::new(move |_| {
        let text = state.images.with(|v| {
            let mut text = String::new();
            for img in v {
                match &img.source {
                    Source::Bytes(bytes) => {
                        text.push_str("b\t");
                        text.push_str(&one_line(&img.name));
                        text.push('\t');
                        text.push_str(&encode_base64(bytes));
                    }
                    Source::Url(url) => {
                        text.push_str("u\t");
                        text.push_str(&one_line(url));
                    }
                }
                text.push('\n');
            }
            text
        });
        set(session(), IMAGES, &text);
    });
}
