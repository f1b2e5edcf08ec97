//! The app's wiring: one board's state (a [`Store`] of signals holding the
//! plain values of `model/`), and the two layouts, the site's and the
//! widget's, that hand each component its slice of it and the callbacks
//! that change the rest. The store itself is never passed to a component.

use leptos::html::Textarea;
use leptos::prelude::*;
use reve_remix_core::prompt::ReferenceSyntax;
use reve_remix_core::provider::ProviderInfo;

use crate::components::dyn_view::{Dyn, Handler, flag, handler, on_drag, read, text};
use crate::components::{
    BoardPanel, CompareCard, ComparePicker, ConnectionPanel, ModelPicker, OptionsPanel,
    PromptEditor, ProviderPicker, ResultView, RunPanel,
};
use crate::model::models::{entry, run_name, tag_syntax};
use crate::model::settings::model_in;
use crate::model::{Accepts, Board, Connection, Finished, NamedFile, Problems};
use crate::model::{Lane, compare, cost};
use crate::persist;
pub use crate::store::{SettingsSignals, Store};

/// The app with its state restored from this session (and kept there).
#[component]
pub fn App() -> impl IntoView {
    let store = Store::new(Connection::default());
    persist::restore(store);
    for r in persist::keep(store) {
        if r.on_card {
            store.resume_lane(r.job, r.started_ms, r.prompt);
        } else {
            store.resume(r.job, r.started_ms, r.prompt);
        }
    }
    site(store)
}

/// The site's page with a fresh state and no storage (component tests mount it).
#[component]
pub fn Page() -> impl IntoView {
    site(Store::new(Connection::default()))
}

/// What both layouts hand their components: values derived from the store
/// and the callbacks of the panels.
#[derive(Clone)]
struct Wiring {
    /// The chosen provider's table entry.
    provider: Signal<&'static ProviderInfo>,
    /// What stands between the input and a run, by control.
    problems: Memo<Problems>,
    /// A comparison's providers and what each can make of the input
    /// (empty unless two or more are ticked).
    lanes: Memo<Vec<Lane>>,
    /// True while a comparison runs on any provider.
    comparing: Memo<bool>,
    /// The "Prompt" textarea.
    area: NodeRef<Textarea>,
    /// Write `<img>N</img>` at the prompt's cursor.
    on_insert: Handler<usize>,
    /// Start a run.
    on_remix: Handler<()>,
    /// Stop it, or every card's run of a comparison.
    on_cancel: Handler<()>,
    /// Put a result on the board.
    on_use: Handler<Finished>,
    /// A result's name and bytes by its URL (dragged back onto the board).
    result_file: Handler<String, Option<NamedFile>>,
}

impl Wiring {
    fn new(store: Store) -> Self {
        let Store {
            board,
            settings,
            runner,
            ..
        } = store;
        // With no comparison ticked, the one tick follows the pickers.
        Effect::new(move |_| {
            let picked = settings.get();
            settings
                .compare
                .update(|c| c.follow(&picked.provider, picked.model()));
        });
        let lanes = Memo::new(move |_| {
            let compare = settings.compare.get();
            if !compare.active() {
                return Vec::new();
            }
            let settings = settings.get();
            board.with(|b| compare::lanes(&compare, &settings, b))
        });
        let comparing = Memo::new(move |_| store.comparing());
        let problems = Memo::new(move |_| {
            let settings = settings.get();
            board.with(|b| Problems::of(&settings, b))
        });
        let provider = Signal::derive(move || {
            let id = settings.provider.get();
            let model = settings.models.with(|m| model_in(m, &id));
            entry(&id, model)
        });
        let area = NodeRef::new();
        let on_insert = handler(move |index: usize| {
            let el = area.get_untracked();
            let selection = el.as_ref().and_then(|a: &web_sys::HtmlTextAreaElement| {
                Some((a.selection_start().ok()??, a.selection_end().ok()??))
            });
            let syntax = tag_syntax(provider.get_untracked());
            let Some(caret) = board.try_update(|b| b.insert_reference(index, selection, syntax))
            else {
                return;
            };
            if let Some(a) = el {
                a.set_value(&board.with_untracked(|b| b.prompt().to_string()));
                let _ = a.set_selection_range(caret, caret);
                let _ = a.focus();
            }
        });
        Self {
            provider,
            problems,
            lanes,
            comparing,
            area,
            on_insert,
            on_remix: handler(move |()| store.remix()),
            on_cancel: handler(move |()| store.cancel()),
            on_use: handler(move |done: Finished| {
                match &done.bytes {
                    Some(bytes) => store.add_bytes(&done.file_name, bytes.to_vec()),
                    None => store.add_url(done.src.as_str()),
                };
            }),
            result_file: handler(move |src: String| {
                runner.results.with_untracked(|r| r.file_at(&src))
            }),
        }
    }

    /// What the board takes.
    fn accepts(&self, settings: SettingsSignals) -> Dyn<Accepts> {
        let provider = self.provider;
        read(move || {
            Accepts::new(provider.get(), settings.max_images.get()).fitting(settings.auto_fit.get())
        })
    }

    /// The problem about one control ("" when there is none).
    fn about(&self, which: fn(&Problems) -> &Option<String>) -> Dyn<String> {
        let problems = self.problems;
        text(move || problems.with(|p| which(p).clone().unwrap_or_default()))
    }

    /// Why "Remix" cannot run ("" when it can): in a comparison, only
    /// when no ticked provider can take the input.
    fn blocked(&self) -> Dyn<String> {
        let (problems, lanes, comparing) = (self.problems, self.lanes, self.comparing);
        text(move || {
            if comparing.get() {
                return "A comparison is running.".to_string();
            }
            lanes.with(|l| {
                if l.is_empty() {
                    problems.with(|p| p.first().unwrap_or_default().to_string())
                } else {
                    compare::blocked(l)
                }
            })
        })
    }

    /// What a run with the page's input would cost on the chosen provider,
    /// or on every ticked one.
    fn estimate(&self, store: Store) -> Dyn<String> {
        let (provider, lanes) = (self.provider, self.lanes);
        text(move || {
            if let Some(total) = lanes.with(|l| (!l.is_empty()).then(|| compare::estimate_text(l)))
            {
                return total;
            }
            let settings = store.settings.get();
            let input = store.board.with(|b| settings.input(b));
            cost::estimate_text(provider.get(), &input)
        })
    }

    /// A comparison's state in one sentence for the status line ("" when
    /// two or more providers are not ticked, or before their first run).
    fn comparison_status(&self, store: Store) -> Dyn<String> {
        let compare = store.settings.compare;
        text(move || {
            let ids = compare.with(|c| {
                if c.active() {
                    c.ticked().to_vec()
                } else {
                    Vec::new()
                }
            });
            let cards: Vec<(String, &str)> = ids
                .into_iter()
                .filter_map(|(id, model)| {
                    let state = store.lane(id, model)?.run.with(compare::card_state)?;
                    Some((run_name(entry(id, model)), state))
                })
                .collect();
            compare::status_sentence(&cards)
        })
    }

    /// Switching to a model that writes references otherwise rewrites the
    /// prompt's (the site only: a widget's prompt stays as its host page
    /// set it, and the core writes it the model's way when it sends).
    fn follow_syntax(&self, board: RwSignal<Board>) {
        let provider = self.provider;
        // Only on a change of syntax: a prompt restored or typed as it is
        // stays so until the person picks a model that writes otherwise.
        Effect::new(move |was: Option<ReferenceSyntax>| {
            let syntax = tag_syntax(provider.get());
            if was.is_some_and(|w| w != syntax) {
                board.update(|b| {
                    b.use_syntax(syntax);
                });
            }
            syntax
        });
    }

    /// How the model picked writes references.
    fn syntax(&self) -> Dyn<ReferenceSyntax> {
        let provider = self.provider;
        read(move || tag_syntax(provider.get()))
    }

    /// The most characters the provider takes in a prompt.
    fn max_chars(&self) -> Dyn<usize> {
        let provider = self.provider;
        read(move || provider.get().model.prompt_max_chars)
    }
}

/// A comparison's cards, one per ticked provider, side by side (hidden
/// unless two or more are ticked).
fn comparison(store: Store, w: &Wiring) -> impl IntoView + use<> {
    let (lanes, on_use) = (w.lanes, w.on_use.clone());
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
                let lane = move |f: fn(&Lane) -> String| {
                    text(move || {
                        lanes.with(|l| {
                            l.iter()
                                .find(|l| l.info.id.as_str() == id && l.info.model.id == model)
                                .map(f)
                                .unwrap_or_default()
                        })
                    })
                };
                view! {
                    <CompareCard
                        info=entry(id, model)
                        problem=lane(|l| l.problem.clone().unwrap_or_default())
                        estimate=lane(cost::lane_text)
                        run=runner.run.read_only()
                        now=runner.now
                        results=runner.results
                        on_cancel=handler(move |()| runner.cancel())
                        on_use=on_use.clone()
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

/// The whole site: the board, the prompt, the provider and its options, the
/// connection, the run and the result, laid out as one page.
fn site(store: Store) -> impl IntoView {
    let w = Wiring::new(store);
    // Until the person tries to run or leaves a field, what stands in the
    // way is guidance, not an error: shown in a neutral colour, and no
    // field is marked invalid (a first visit sees no red on a form it has
    // not touched).
    let tried = RwSignal::new(false);
    w.follow_syntax(store.board);
    let Store {
        board,
        settings,
        runner,
        ..
    } = store;
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
                    accepts=w.accepts(settings)
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
                <aside class="panel settings" aria-label="Provider and options">
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
                </aside>
                <RunPanel
                    run=runner.run.read_only()
                    now=runner.now
                    blocked=w.blocked()
                    estimate=w.estimate(store)
                    comparison=w.comparison_status(store)
                    comparing=flag(move || w.comparing.get())
                    on_remix=w.on_remix.clone()
                    on_cancel=w.on_cancel.clone()
                />
                {comparison(store, &w)}
                <ResultView results=runner.results on_use=w.on_use.clone() />
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

/// The widget's page: the board, the prompt, the options, the run and the
/// result; the provider and the connection come from the element's
/// attributes. `part` names the pieces a host page may style with `::part()`.
pub fn embed(store: Store) -> impl IntoView {
    let w = Wiring::new(store);
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
                    accepts=w.accepts(settings)
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
                    estimate=w.estimate(store)
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
