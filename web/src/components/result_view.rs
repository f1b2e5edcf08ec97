//! The finished remix: the image ("Remix result"), "Download" with a file
//! name that says what and when, "Use as reference" (back onto the board),
//! and the run's details. A newer result does not lose it: it moves to
//! "Earlier results", from where it can be shown or downloaded again.

use std::time::Duration;

use leptos::prelude::*;

use super::dyn_view::{Handler, click, flag, text};
use crate::browser::clipboard;
use crate::model::{Finished, Results, format};

/// Copy `bytes` (the result shown) as PNG; `said` tells how it went, for a few seconds.
fn copy_image(bytes: std::sync::Arc<[u8]>, said: RwSignal<String>) {
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

/// The result panel (hidden until a run finishes).
#[component]
pub fn ResultView(
    /// The result shown and the earlier ones; showing an earlier one again
    /// swaps it with the one shown.
    results: RwSignal<Results>,
    /// "Use as reference": put this result on the board.
    on_use: Handler<Finished>,
) -> impl IntoView {
    // Hidden with no result, or when `f` says so of the one shown.
    let hide =
        move |f: fn(&Finished) -> bool| flag(move || results.with(|r| r.shown().is_none_or(f)));
    let field = move |f: fn(&Finished) -> String| {
        text(move || results.with(|r| r.shown().map(f).unwrap_or_default()))
    };
    let use_as_reference = move || {
        if let Some(done) = results.with_untracked(|r| r.shown().cloned()) {
            on_use(done);
        }
    };
    let copied = RwSignal::new(String::new());
    let copy = move || {
        if let Some(bytes) = results.with_untracked(|r| r.shown().and_then(|d| d.bytes.clone())) {
            copy_image(bytes, copied);
        }
    };
    let earlier = move || {
        results.with(|r| {
            let e = r.earlier();
            e.iter()
                .enumerate()
                .map(|(i, d)| {
                    let n = i + 1;
                    view! {
                        <li>
                            <button
                                type="button"
                                aria-label=format!("Show earlier result {n}")
                                title=d.prompt.clone()
                                on:click=click(move || results.update(|r| r.show_earlier(i)))
                            >
                                <img src=d.src.as_str().to_string() alt="" />
                            </button>
                            <a
                                href=d.src.as_str().to_string()
                                download=d.file_name.clone()
                                aria-label=format!("Download earlier result {n}")
                            >
                                "Download"
                            </a>
                            <span class="small">{format!("{} · {}", d.provider, format::duration(d.elapsed_ms))}</span>
                            <span class="small used-prompt">{d.prompt.clone()}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section
            class="panel result"
            aria-labelledby="result-title"
            hidden=hide(|_| false)
        >
            <h2 id="result-title">"Result"</h2>
            <img class="result-image" src=field(|d| d.src.as_str().to_string()) alt="Remix result" />
            <div class="result-actions">
                <a class="button primary" href=field(|d| d.src.as_str().to_string()) download=field(|d| d.file_name.clone())>
                    "Download"
                </a>
                <button type="button" on:click=click(use_as_reference)>
                    "Use as reference"
                </button>
                <button
                    type="button"
                    hidden=hide(|d| d.bytes.is_none())
                    on:click=click(copy)
                >
                    "Copy image"
                </button>
                <span class="copied" aria-live="polite">{text(move || copied.get())}</span>
            </div>
            <p class="details">{field(Finished::details)}</p>
            <p class="used-prompt" hidden=hide(|d| d.prompt.is_empty())>
                "From the prompt: " <q>{field(|d| d.prompt.clone())}</q>
            </p>
            <div class="earlier" hidden=flag(move || results.with(|r| r.earlier().is_empty()))>
                <h3 id="earlier-title">"Earlier results"</h3>
                <ul aria-labelledby="earlier-title">{earlier}</ul>
            </div>
        </section>
    }
}
