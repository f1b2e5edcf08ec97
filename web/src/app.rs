//! The whole app: the board, the prompt, the provider and its options, the
//! connection, the run and the result, laid out as one page.

use leptos::prelude::*;

use crate::board::Board;
use crate::connection::Connection;
use crate::dyn_view::on_drag;
use crate::options_panel::OptionsPanel;
use crate::prompt_editor::PromptEditor;
use crate::provider_picker::ProviderPicker;
use crate::result_view::ResultView;
use crate::run_panel::RunPanel;
use crate::state::AppState;
use crate::storage;
use crate::validation;

/// The app with its state restored from this session (and kept there).
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    storage::restore(state);
    storage::persist(state);
    view! { <Page state /> }
}

/// The page for a given state (component tests mount it with a fresh one).
#[component]
pub fn Page(
    /// The app's state.
    state: AppState,
) -> impl IntoView {
    let problems = Memo::new(move |_| validation::problems(state));
    view! {
        // A file dropped beside the board must not replace the page.
        <main
            class="app"
            on:dragover=on_drag(|e| e.prevent_default())
            on:drop=on_drag(|e| e.prevent_default())
        >
            <header class="app-header">
                <h1>"Reve Remix"</h1>
                <p class="tagline">"One image from a prompt and up to six references."</p>
            </header>
            <div class="layout">
                <Board state problems />
                <PromptEditor state problems />
                <aside class="panel settings" aria-label="Provider and options">
                    <ProviderPicker state />
                    <OptionsPanel state problems />
                    <Connection state problems />
                </aside>
                <RunPanel state problems />
                <ResultView state />
            </div>
        </main>
    }
}

/// The widget's page: the board, the prompt, the options, the run and the
/// result; the provider and the connection come from the element's
/// attributes. `part` names the pieces a host page may style with `::part()`.
#[component]
pub fn Embed(
    /// The widget's state.
    state: AppState,
) -> impl IntoView {
    let problems = Memo::new(move |_| validation::problems(state));
    view! {
        <div
            class="app embed"
            part="app"
            on:dragover=on_drag(|e| e.prevent_default())
            on:drop=on_drag(|e| e.prevent_default())
        >
            <div class="layout">
                <Board state problems attr:part="board" />
                <PromptEditor state problems attr:part="prompt" />
                <div class="panel settings" part="options" role="group" aria-label="Options">
                    <OptionsPanel state problems />
                </div>
                <RunPanel state problems attr:part="run" />
                <ResultView state attr:part="result" />
            </div>
        </div>
    }
}
