//! The widget's page, inside `<reve-remix-board>`'s shadow root (the
//! element itself, its attributes and events are `crate::widget`): what a
//! host page's visitor needs to make one image, and no more. The host page
//! picks the provider and the connection through attributes, so neither
//! is shown.

use leptos::prelude::*;

use super::wiring::Wiring;
use crate::components::dyn_view::{flag, on_drag, text};
use crate::components::{BoardPanel, OptionsPanel, PromptEditor, ResultView, RunPanel};
use crate::store::Store;

/// The widget's page: the board, the prompt, the options, the run and the
/// result; the provider and the connection come from the element's
/// attributes. `part` names the pieces a host page may style with `::part()`.
pub fn embed(store: Store) -> impl IntoView {
    let w = Wiring::new(store);
    // A widget never compares: no comparison's state beside its estimate.
    let (estimate, _) = crate::lazy::judge(&w, false);
    let Store {
        board,
        settings,
        runner,
        ..
    } = store;
    view! {
        <div
            class="app embed"
            part="app"
            on:dragover=on_drag(|e| e.prevent_default())
            on:drop=on_drag(|e| e.prevent_default())
        >
            <div class="layout">
                <BoardPanel
                    board
                    accepts=w.accepts()
                    problem=w.about(|p| &p.images)
                    on_insert=w.on_insert.clone()
                    result_file=w.result_file.clone()
                    attr:part="board"
                />
                <PromptEditor
                    board
                    max_chars=w.max_chars()
                    syntax=w.syntax()
                    problem=w.about(|p| &p.prompt)
                    tried=flag(|| true)
                    blocked=w.blocked()
                    area=w.area
                    on_remix=w.on_remix.clone()
                    attr:part="prompt"
                />
                <div class="panel settings" part="options" role="group" aria-label="Options">
                    <OptionsPanel
                        provider=w.provider
                        options=settings.options
                        problem=w.about(|p| &p.options)
                    />
                </div>
                <RunPanel
                    run=runner.run.read_only()
                    now=runner.now
                    blocked=w.blocked()
                    estimate
                    comparison=text(String::new)
                    comparing=flag(|| false)
                    on_remix=w.on_remix.clone()
                    on_cancel=w.on_cancel.clone()
                    attr:part="run"
                />
                <ResultView results=runner.results on_use=w.on_use.clone() attr:part="result" />
            </div>
        </div>
    }
}
