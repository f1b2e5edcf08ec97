//! The "Prompt" textarea: a live count against the provider's limit, the
//! references it makes (as chips), and every problem the core would raise,
//! shown before "Remix" is pressed. Ctrl+Enter (⌘+Enter) in it remixes.

use leptos::prelude::*;
use reve_remix_core::prompt;

use crate::dyn_view::{click, flag, on_key, on_value, text};
use crate::reference_chips::ReferenceChips;
use crate::runner;
use crate::state::{AppState, PROMPT_ID};
use crate::validation::Problems;

/// The prompt editor.
#[component]
pub fn PromptEditor(
    /// The app's state.
    state: AppState,
    /// What stands between the input and a run.
    problems: Memo<Problems>,
) -> impl IntoView {
    let count = move || state.prompt.with(|p| prompt::char_count(p));
    let max = move || state.info().prompt_max_chars;
    let orphaned = move || problems.with(|p| p.orphaned.clone().unwrap_or_default());

    view! {
        <section class="panel prompt">
            <div class="panel-head">
                <h2>
                    <label id="prompt-label" for=PROMPT_ID>"Prompt"</label>
                </h2>
                <span id="prompt-count" class="count" class:over=flag(move || { count() > max() })>
                    {text(move || format!("{} / {}", count(), max()))}
                </span>
            </div>
            <textarea
                id=PROMPT_ID
                node_ref=state.prompt_area
                rows="5"
                placeholder="Say what to make. Refer to images as <img>0</img>, <img>1</img>… (the tiles' numbers)."
                aria-describedby="prompt-count prompt-problem"
                aria-invalid=text(move || problems.with(|p| p.prompt.is_some()).to_string())
                prop:value=text(move || state.prompt.get())
                on:input=on_value(move |v| state.edit_prompt(v))
                on:keydown=on_key(move |ev| {
                    let ready = problems.with_untracked(|p| p.first().is_none());
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && ready {
                        ev.prevent_default();
                        runner::start(state);
                    }
                })
            ></textarea>
            <ReferenceChips state />
            <p class="problem" id="prompt-problem">
                {text(move || problems.with(|p| p.prompt.clone().unwrap_or_default()))}
            </p>
            <p class="warning" hidden=flag(move || problems.with(|p| p.orphaned.is_none()))>
                {text(orphaned)} " "
                <button type="button" class="link" on:click=click(move || state.orphaned.set(Vec::new()))>
                    "Keep as is"
                </button>
            </p>
        </section>
    }
}
