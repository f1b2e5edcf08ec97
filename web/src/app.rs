use leptos::prelude::*;

/// The whole app: header, board, prompt, run and result.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main class="app">
            <header class="app-header">
                <h1>"Reve Remix"</h1>
                <p class="tagline">"One image from a prompt and up to six references."</p>
            </header>
            <button type="button" class="remix">"Remix"</button>
        </main>
    }
}
