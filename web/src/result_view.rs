//! The finished remix: the image ("Remix result"), "Download" with a file
//! name that says what and when, "Use as reference" (back onto the board),
//! and the run's details. A newer result does not lose it: it moves to
//! "Earlier results", from where it can be shown or downloaded again.

use leptos::prelude::*;

use crate::copy;
use crate::dyn_view::{click, flag, text};
use crate::model::format;
use crate::state::{AppState, Finished};

/// The result panel (hidden until a run finishes).
#[component]
pub fn ResultView(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let field = move |f: fn(&Finished) -> String| {
        text(move || state.result.with(|r| r.as_ref().map(f).unwrap_or_default()))
    };
    let use_as_reference = move || {
        let Some(done) = state.result.get_untracked() else {
            return;
        };
        state.begin_adding();
        match &done.bytes {
            Some(bytes) => {
                state.add_bytes(&done.file_name, bytes.to_vec());
            }
            None => {
                state.add_url(&done.src);
            }
        }
    };
    let copied = RwSignal::new(String::new());
    let details = text(move || {
        state
            .result
            .with(|r| r.as_ref().map(details).unwrap_or_default())
    });
    let earlier = move || {
        state.earlier.with(|e| {
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
                                on:click=click(move || state.show_earlier(i))
                            >
                                <img src=d.src.clone() alt="" />
                            </button>
                            <a
                                href=d.src.clone()
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
            hidden=flag(move || state.result.with(Option::is_none))
        >
            <h2 id="result-title">"Result"</h2>
            <img class="result-image" src=field(|d| d.src.clone()) alt="Remix result" />
            <div class="result-actions">
                <a class="button primary" href=field(|d| d.src.clone()) download=field(|d| d.file_name.clone())>
                    "Download"
                </a>
                <button type="button" on:click=click(use_as_reference)>
                    "Use as reference"
                </button>
                <button
                    type="button"
                    hidden=flag(move || state.result.with(|r| r.as_ref().is_none_or(|r| r.bytes.is_none())))
                    on:click=click(move || copy::copy_result(state, copied))
                >
                    "Copy image"
                </button>
                <span class="copied" aria-live="polite">{text(move || copied.get())}</span>
            </div>
            <p class="details">{details}</p>
            <p class="used-prompt" hidden=flag(move || state.result.with(|r| r.as_ref().is_none_or(|r| r.prompt.is_empty())))>
                "From the prompt: " <q>{field(|d| d.prompt.clone())}</q>
            </p>
            <div class="earlier" hidden=flag(move || state.earlier.with(Vec::is_empty))>
                <h3 id="earlier-title">"Earlier results"</h3>
                <ul aria-labelledby="earlier-title">{earlier}</ul>
            </div>
        </section>
    }
}

/// `fal · 2.1 s · 3 credits · job 1234`.
fn details(d: &Finished) -> String {
    let mut s = format!("{} · {}", d.provider, format::duration(d.elapsed_ms));
    if let Some(c) = d.credits {
        s.push_str(&format!(" · {} credits", format::credits(c)));
    }
    if let Some(id) = &d.job_id {
        s.push_str(&format!(" · job {id}"));
    }
    s
}
