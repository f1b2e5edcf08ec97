//! What a run sends: the core's `RemixInput` and `Config`, built from the
//! state. Options the chosen provider does not take are left out, so
//! switching providers never turns a stale choice into an error.

use leptos::prelude::*;
use reve_remix_core::http::Secret;
use reve_remix_core::provider::{Config, ImageSource, RemixInput, RemixOption};

use crate::state::{AppState, Source};

/// The key the mock accepts when the "API key" field is empty.
pub const MOCK_KEY: &str = "mock";

/// The input of a run (not tracked).
pub fn input(state: AppState) -> RemixInput {
    let info = state.info_untracked();
    let options = state.options.get_untracked();
    let images = state.images.with_untracked(|v| {
        v.iter()
            .map(|img| match &img.source {
                // The same bytes, shared: nothing is copied per check or run.
                Source::Bytes(bytes) => ImageSource::Bytes {
                    data: bytes.clone(),
                    name: Some(img.name.clone()),
                },
                Source::Url(url) => ImageSource::Url(url.clone()),
            })
            .collect()
    });
    let set = |opt: RemixOption, value: &str| {
        let value = value.trim();
        (info.supports(opt) && !value.is_empty()).then(|| value.to_string())
    };
    RemixInput {
        prompt: state.prompt.get_untracked(),
        images,
        aspect_ratio: set(RemixOption::AspectRatio, &options.aspect_ratio)
            .filter(|a| info.aspect_ratios.contains(&a.as_str())),
        version: set(RemixOption::Version, &options.version),
        test_time_scaling: set(RemixOption::TestTimeScaling, &options.test_time_scaling)
            .and_then(|t| t.parse().ok()),
        upscale_factor: set(RemixOption::UpscaleFactor, &options.upscale_factor)
            .and_then(|u| u.parse().ok()),
        remove_background: (info.supports(RemixOption::RemoveBackground)
            && options.remove_background)
            .then_some(true),
        output_format: set(RemixOption::OutputFormat, &options.output_format)
            .filter(|f| info.output_formats.contains(&f.as_str())),
    }
}

/// The base URL requests go to (tracked): the field when filled, else the
/// mock's path for this provider in mock mode, else the provider's own.
pub fn effective_base_url(state: AppState) -> String {
    let typed = state.base_url.get();
    let typed = typed.trim();
    if !typed.is_empty() {
        return typed.to_string();
    }
    default_base_url(state)
}

/// What the "Base URL" field stands for when empty (tracked).
pub fn default_base_url(state: AppState) -> String {
    let info = state.info();
    if state.use_mock.get() {
        let origin = state.mock_origin.get();
        format!("{}/{}", origin.trim_end_matches('/'), info.id)
    } else {
        info.base_url.to_string()
    }
}

/// The key a run sends (tracked): the field, or [`MOCK_KEY`] in mock mode.
pub fn effective_key(state: AppState) -> Option<String> {
    let key = state.api_key.get();
    let key = key.trim();
    if !key.is_empty() {
        Some(key.to_string())
    } else if state.use_mock.get() {
        Some(MOCK_KEY.to_string())
    } else {
        None
    }
}

/// The connection of a run (not tracked). Through a proxy the page sends
/// no key at all: the proxy adds its own.
pub fn config(state: AppState) -> Config {
    untrack(|| {
        let proxy_url = Some(state.proxy_url.get())
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        Config {
            provider: state.provider.get(),
            api_key: effective_key(state)
                .filter(|_| proxy_url.is_none())
                .map(Secret::new),
            base_url: Some(effective_base_url(state)),
            proxy_url,
        }
    })
}
