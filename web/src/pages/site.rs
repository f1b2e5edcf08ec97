//! The site's page: the board, the prompt, the provider and its options,
//! the connection, the run, a comparison's cards and the result, on one
//! page. Apart from the widget's page because only the site picks the
//! provider and the connection, compares providers, and holds back its red
//! until a person has tried.

use leptos::prelude::*;

use super::wiring::Wiring;
use crate::components::dyn_view::{flag, handler, on_drag};
use crate::components::{
    BoardPanel, CompareCard, ComparePicker, ConnectionPanel, ModelPicker, OptionsPanel,
    PromptEditor, ProviderPicker, ResultView, RunPanel,
};
use crate::model::models::entry;
use crate::model::{Lane, cost};
use crate::store::Store;

/// A comparison's cards, one per ticked provider, side by side (hidden
/// unless two or more are ticked).
fn comparison(w: &Wiring) -> impl IntoView + use<> {
    let w = w.clone();
    let store = w.store;
    let compare = store.settings.compare;
    let cards = move || {
        let ids = compare.with(|c| {
            if c.active() {
                c.ticked().to_vec()
            } else {
                Vec::new()
            }
        });
        ids.into_iter()
            .filter_map(|(id, model)| Some((id, model, store.lane(id, model)?)))
            .map(|(id, model, runner)| {
                let lane = |say: fn(&Lane) -> String| w.lane_text(id, model, say);
                view! {
                    <CompareCard
                        info=entry(id, model)
                        problem=lane(|l| l.problem.clone().unwrap_or_default())
                        estimate=lane(cost::lane_text)
                        run=runner.run.read_only()
                        now=runner.now
                        results=runner.results
                        on_cancel=handler(move |()| runner.cancel())
                        on_use=w.on_use.clone()
                    />
                }
            })
            .collect_view()
    };
    view! {
        <section
            class="panel comparison"
            aria-labelledby="comparison-title"
            hidden=flag(move || compare.with(|c| !c.active()))
        >
            <h2 id="comparison-title">"Comparison"</h2>
            <div class="cards">{cards}</div>
        </section>
    }
}

/// The settings panel's contents: the provider, its model and options,
/// a comparison's ticks and the connection; and what follows the pickers
/// ([`Wiring::follow_pickers`]). A split build loads them just after the
/// page is usable (`lazy.rs`), so a person picks images meanwhile.
pub(crate) fn settings_panels(w: Wiring) -> AnyView {
    let settings = w.store.settings;
    w.follow_pickers();
    view! {
        <ProviderPicker provider=settings.provider info=w.provider />
        <ModelPicker provider=w.provider models=settings.models />
        <ComparePicker compare=settings.compare />
        <OptionsPanel
            provider=w.provider
            options=settings.options
            problem=w.about(|p| &p.options)
        />
        <ConnectionPanel
            provider=w.provider
            connection=settings.connection
            problem=w.about(|p| &p.key)
        />
    }
    .into_any()
}

/// What a run leaves: a comparison's cards and the result. Like
/// [`settings_panels`], loaded just after the page is usable.
pub(crate) fn outcome_panels(w: Wiring) -> AnyView {
    view! {
        {comparison(&w)}
        <ResultView results=w.store.runner.results on_use=w.on_use.clone() />
    }
    .into_any()
}

/// The whole site: the board, the prompt, the provider and its options, the
/// connection, the run and the result, laid out as one page.
pub fn site(store: Store) -> impl IntoView {
    let w = Wiring::new(store);
    // Until the person tries to run or leaves a field, what stands in the
    // way is guidance, not an error: shown in a neutral colour, and no
    // field is marked invalid (a first visit sees no red on a form it has
    // not touched).
    let tried = RwSignal::new(false);
    let settings_loading = RwSignal::new(crate::lazy::VIEWS_LATE);
    let (estimate, comparison) = crate::lazy::judge(&w, true);
    let Store { board, runner, .. } = store;
    view! {
        // A file dropped beside the board must not replace the page.
        <main
            class="app"
            class:tried=tried
            on:dragover=on_drag(|e| e.prevent_default())
            on:drop=on_drag(|e| e.prevent_default())
            on:focusout=move |e: web_sys::FocusEvent| {
                if is_field(e.target()) {
                    tried.set(true);
                }
            }
            on:pointerdown=move |e: web_sys::PointerEvent| {
                if is_remix(e.target()) {
                    tried.set(true);
                }
            }
        >
            <header class="app-header">
                <h1>"Reve Remix"</h1>
                <p class="tagline">"One image from a prompt and up to eight references."</p>
            </header>
            <div class="layout">
                <BoardPanel
                    board
                    accepts=w.accepts()
                    problem=w.about(|p| &p.images)
                    on_insert=w.on_insert.clone()
                    result_file=w.result_file.clone()
                />
                <PromptEditor
                    board
                    max_chars=w.max_chars()
                    syntax=w.syntax()
                    problem=w.about(|p| &p.prompt)
                    tried=flag(move || tried.get())
                    blocked=w.blocked()
                    area=w.area
                    on_remix=w.on_remix.clone()
                />
                <aside
                    class="panel settings"
                    aria-label="Provider and options"
                    aria-busy=move || settings_loading.get().then_some("true")
                >
                    {crate::lazy::settings_view(w.clone(), settings_loading)}
                </aside>
                <RunPanel
                    run=runner.run.read_only()
                    now=runner.now
                    blocked=w.blocked()
                    estimate
                    comparison
                    comparing=flag(move || w.comparing.get())
                    on_remix=w.on_remix.clone()
                    on_cancel=w.on_cancel.clone()
                />
                {crate::lazy::outcome_view(w.clone())}
            </div>
        </main>
    }
}

/// The event came from a field a person fills in (leaving it is a try).
fn is_field(target: Option<web_sys::EventTarget>) -> bool {
    use wasm_bindgen::JsCast;
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The event came from "Remix" (disabled or not: a press is a try).
fn is_remix(target: Option<web_sys::EventTarget>) -> bool {
    use wasm_bindgen::JsCast;
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("button.remix").ok().flatten())
        .is_some()
}
