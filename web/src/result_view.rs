//! The finished remix: the image ("Remix result"), "Download" with a file
//! name that says what and when, "Use as reference" (back onto the board),
//! and the run's details. It stays until the next result replaces it.

use leptos::prelude::*;

use crate::dyn_view::{click, flag, text};
use crate::format;
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
    let details = text(move || {
        state.result.with(|r| {
            let Some(d) = r else { return String::new() };
            let mut s = format!("{} · {}", d.provider, format::duration(d.elapsed_ms));
            if let Some(c) = d.credits {
                s.push_str(&format!(" · {} credits", format::credits(c)));
            }
            if let Some(id) = &d.job_id {
                s.push_str(&format!(" · job {id}"));
            }
            s
        })
    });
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
            </div>
            <p class="details">{details}</p>
        </section>
    }
}
