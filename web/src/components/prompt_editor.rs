//! The "Prompt" textarea: a live count against the provider's limit, the
//! references it makes (as chips), and every problem the core would raise,
//! shown before "Remix" is pressed. Ctrl+Enter (⌘+Enter) in it remixes.

use leptos::html::Textarea;
use leptos::prelude::*;
use reve_remix_core::prompt::{self, ReferenceSyntax};

use super::dyn_view::{Dyn, Handler, click, flag, lines, on_key, on_value, text};
use super::reference_chips::ReferenceChips;
use crate::model::Board;
use crate::model::models::tag;

/// The id of the "Prompt" textarea.
pub const PROMPT_ID: &str = "prompt";

/// The prompt editor.
#[component]
pub fn PromptEditor(
    /// The board whose prompt this edits (its references name its images).
    board: RwSignal<Board>,
    /// The most characters the provider takes.
    max_chars: Dyn<usize>,
    /// How the model picked writes references (`<img>N</img>`, `<frame>N</frame>`).
    syntax: Dyn<ReferenceSyntax>,
    /// What is wrong with the prompt for a run ("" when nothing is).
    problem: Dyn<String>,
    /// The person tried to run or left a field: a problem marks the
    /// prompt invalid only from then on.
    tried: Dyn<bool>,
    /// Why a run cannot start now ("" when it can: Ctrl+Enter waits for that).
    blocked: Dyn<String>,
    /// The textarea, for whoever writes a reference at its cursor.
    area: NodeRef<Textarea>,
    /// Start a run.
    on_remix: Handler<()>,
) -> impl IntoView {
    let count = move || board.with(|b| prompt::char_count(b.prompt()));
    let warning = move || board.with(Board::orphan_warning);
    let references = {
        let syntax = syntax.clone();
        lines(move || board.with(|b| b.references(syntax())))
    };
    let placeholder = text(move || {
        let (a, b) = (tag(syntax(), "0"), tag(syntax(), "1"));
        format!("Say what to make. Refer to images as {a}, {b}… (the tiles' numbers).")
    });
    let over = {
        let max_chars = max_chars.clone();
        flag(move || count() > max_chars())
    };
    let invalid = {
        let problem = problem.clone();
        text(move || (tried() && !problem().is_empty()).to_string())
    };

    view! {
        <section class="panel prompt">
            <div class="panel-head">
                <h2>
                    <label id="prompt-label" for=PROMPT_ID>"Prompt"</label>
                </h2>
                <span id="prompt-count" class="count" class:over=over>
                    {text(move || format!("{} / {}", count(), max_chars()))}
                </span>
            </div>
            <textarea
                id=PROMPT_ID
                node_ref=area
                rows="5"
                placeholder=placeholder
                aria-describedby="prompt-count prompt-problem"
                aria-invalid=invalid
                prop:value=text(move || board.with(|b| b.prompt().to_string()))
                on:input=on_value(move |v| board.update(|b| b.edit_prompt(v)))
                on:keydown=on_key(move |ev| {
                    let ready = untrack(|| blocked().is_empty());
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && ready {
                        ev.prevent_default();
                        on_remix(());
                    }
                })
            ></textarea>
            <ReferenceChips references />
            <p class="problem" id="prompt-problem">{problem}</p>
            <p class="warning" hidden=flag(move || warning().is_none())>
                {text(move || warning().unwrap_or_default())} " "
                <button type="button" class="link" on:click=click(move || board.update(Board::keep_orphans))>
                    "Keep as is"
                </button>
            </p>
        </section>
    }
}
