//! "Copy image": the result shown onto the clipboard (see
//! `browser/clipboard.rs`), and a few seconds of saying how it went.

use std::time::Duration;

use leptos::prelude::*;

use crate::browser::clipboard;
use crate::state::AppState;

/// Copy the result shown; `said` gets what happened, for a few seconds.
pub fn copy_result(state: AppState, said: RwSignal<String>) {
    let Some(bytes) = state
        .result
        .with_untracked(|r| r.as_ref().and_then(|r| r.bytes.clone()))
    else {
        return;
    };
    let writing = clipboard::write_png(bytes);
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
