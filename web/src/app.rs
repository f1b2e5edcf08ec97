//! The app's wiring: one board's state (a [`Store`] of signals holding the
//! plain values of `model/`), and the two layouts, the site's and the
//! widget's, that hand each component its slice of it and the callbacks
//! that change the rest. The store itself is never passed to a component.

use leptos::html::Textarea;
use leptos::prelude::*;
use reve_remix_core::job::Job;
use reve_remix_core::provider::{self, ProviderInfo};

use crate::browser::blob;
use crate::components::dyn_view::{Dyn, Handler, flag, handler, on_drag, read, text};
use crate::components::{
    BoardPanel, CompareCard, ComparePicker, ConnectionPanel, OptionsPanel, PromptEditor,
    ProviderPicker, ResultView, RunPanel,
};
use crate::model::settings::info_for;
use crate::model::{
    Accepts, Board, Connection, Finished, NamedFile, Options, Phase, Problems, Settings,
};
use crate::model::{Compare, Lane, compare, cost};
use crate::persist;
use crate::runner::Runner;

/// The settings as the app holds them: one signal per panel that edits them.
#[derive(Clone, Copy)]
pub struct SettingsSignals {
    /// Provider id ("Provider").
    pub provider: RwSignal<String>,
    /// Options beyond prompt and images ("Options").
    pub options: RwSignal<Options>,
    /// How requests reach the provider ("Connection").
    pub connection: RwSignal<Connection>,
    /// A lower cap on the board than the provider's (the widget's `max-images`).
    pub max_images: RwSignal<Option<usize>>,
    /// The providers ticked under "Compare providers".
    pub compare: RwSignal<Compare>,
}

impl SettingsSignals {
    fn new(settings: Settings) -> Self {
        Self {
            provider: RwSignal::new(settings.provider),
            options: RwSignal::new(settings.options),
            connection: RwSignal::new(settings.connection),
            max_images: RwSignal::new(settings.max_images),
            compare: RwSignal::new(Compare::default()),
        }
    }

    /// The settings now (tracked).
    pub fn get(&self) -> Settings {
        Settings {
            provider: self.provider.get(),
            options: self.options.get(),
            connection: self.connection.get(),
            max_images: self.max_images.get(),
        }
    }

    /// The settings now (not tracked).
    pub fn get_untracked(&self) -> Settings {
        untrack(|| self.get())
    }
}

/// One board's state: the board, the settings and the runs.
#[derive(Clone, Copy)]
pub struct Store {
    /// The images, the prompt and what follows from them.
    pub board: RwSignal<Board>,
    /// Provider, options, connection.
    pub settings: SettingsSignals,
    /// The run, the results, and the handles that steer a run.
    pub runner: Runner,
    /// A comparison's runs: one runner per provider, by id.
    pub lanes: StoredValue<Vec<(&'static str, Runner)>>,
}

impl Store {
    /// A fresh store: empty board and prompt, the default provider over `connection`.
    pub fn new(connection: Connection) -> Self {
        Self {
            board: RwSignal::new(Board::new(blob::image_url)),
            settings: SettingsSignals::new(Settings {
                connection,
                ..Settings::default()
            }),
            runner: Runner::new(),
            lanes: StoredValue::new(
                provider::providers()
                    .iter()
                    .map(|p| (p.id.as_str(), Runner::new()))
                    .collect(),
            ),
        }
    }

    /// The runner of provider `id`'s card in a comparison.
    pub fn lane(&self, id: &str) -> Option<Runner> {
        self.lanes
            .try_with_value(|l| l.iter().find(|(p, _)| *p == id).map(|(_, r)| *r))
            .flatten()
    }

    /// True while a comparison's run is in progress on any provider
    /// (tracked: the one answer, which the layouts' memo follows).
    pub fn comparing(&self) -> bool {
        self.lanes
            .try_with_value(|l| {
                l.iter()
                    .any(|(_, r)| r.run.with(|run| run.phase == Phase::Running))
            })
            .unwrap_or(false)
    }

    /// Stop the run in progress, or every card's run of a comparison that
    /// is still going (each provider asked to cancel where it can, as a
    /// card's own "Cancel" does); finished cards keep their results.
    pub fn cancel(&self) {
        self.runner.cancel();
        let _ = self
            .lanes
            .try_with_value(|l| l.iter().for_each(|(_, r)| r.cancel()));
    }

    /// Start a run with what the page holds now (ignored while one is
    /// running): with two or more providers ticked, one on each that can
    /// take the input (the others' cards say why not).
    pub fn remix(&self) {
        let settings = self.settings.get_untracked();
        let compare = self.settings.compare.get_untracked();
        if !compare.active() {
            let input = self.board.with_untracked(|b| settings.input(b));
            self.runner.advise_when_blocked(settings.blocked_advice());
            self.runner.start(input, settings.config());
            return;
        }
        if untrack(|| self.comparing()) {
            return;
        }
        let lanes = self
            .board
            .with_untracked(|b| compare::lanes(&compare, &settings, b));
        for lane in lanes.iter().filter(|l| l.problem.is_none()) {
            let on = settings.for_provider(lane.info.id.as_str());
            if let Some(runner) = self.lane(lane.info.id.as_str()) {
                let input = self.board.with_untracked(|b| on.input(b));
                runner.advise_when_blocked(on.blocked_advice());
                runner.start(input, on.config());
            }
        }
    }

    /// Follow again a comparison's job submitted before the page reloaded,
    /// on its provider's card.
    pub fn resume_lane(&self, job: Job, started_ms: f64, prompt: String) {
        let Some(runner) = self.lane(job.provider.as_str()) else {
            return;
        };
        let on = self
            .settings
            .get_untracked()
            .for_provider(job.provider.as_str());
        runner.advise_when_blocked(on.blocked_advice());
        runner.resume(job, on.config(), started_ms, prompt);
    }

    /// Follow again a job submitted before the page reloaded (see
    /// [`Runner::resume`]), with its own provider whatever the picker said.
    pub fn resume(&self, job: Job, started_ms: f64, prompt: String) {
        if self.runner.running() {
            return;
        }
        self.settings.provider.set(job.provider.to_string());
        let settings = self.settings.get_untracked();
        self.runner.advise_when_blocked(settings.blocked_advice());
        self.runner
            .resume(job, settings.config(), started_ms, prompt);
    }

    /// Add a file's bytes to the board, as an add of its own (the last
    /// add's rejections are cleared). Returns whether it was added.
    pub fn add_bytes(&self, name: &str, bytes: Vec<u8>) -> bool {
        let accepts = self.settings.get_untracked().accepts();
        self.board
            .try_update(|b| {
                b.begin_adding();
                b.add_bytes(name, bytes, &accepts)
            })
            .unwrap_or(false)
    }

    /// Add a public image URL to the board, as an add of its own.
    pub fn add_url(&self, url: &str) -> bool {
        let accepts = self.settings.get_untracked().accepts();
        self.board
            .try_update(|b| {
                b.begin_adding();
                b.add_url(url, &accepts)
            })
            .unwrap_or(false)
    }
}

/// The app with its state restored from this session (and kept there).
#[component]
pub fn App() -> impl IntoView {
    let store = Store::new(Connection::default());
    persist::restore(store);
    persist::keep(store);
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
        // With no comparison ticked, the one tick follows the picker.
        Effect::new(move |_| {
            let picked = settings.provider.get();
            settings.compare.update(|c| c.follow(&picked));
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
        let provider = Signal::derive(move || settings.provider.with(|id| info_for(id)));
        let problems = Memo::new(move |_| {
            let settings = settings.get();
            board.with(|b| Problems::of(&settings, b))
        });
        let area = NodeRef::new();
        let on_insert = handler(move |index: usize| {
            let el = area.get_untracked();
            let selection = el.as_ref().and_then(|a: &web_sys::HtmlTextAreaElement| {
                Some((a.selection_start().ok()??, a.selection_end().ok()??))
            });
            let Some(caret) = board.try_update(|b| b.insert_reference(index, selection)) else {
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
        read(move || Accepts::new(provider.get(), settings.max_images.get()))
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
            let cards: Vec<(&str, &str)> = ids
                .into_iter()
                .filter_map(|id| {
                    let state = store.lane(id)?.run.with(compare::card_state)?;
                    Some((info_for(id).name, state))
                })
                .collect();
            compare::status_sentence(&cards)
        })
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
            .filter_map(|id| Some((id, store.lane(id)?)))
            .map(|(id, runner)| {
                let lane = move |f: fn(&Lane) -> String| {
                    text(move || {
                        lanes.with(|l| {
                            l.iter()
                                .find(|l| l.info.id.as_str() == id)
                                .map(f)
                                .unwrap_or_default()
                        })
                    })
                };
                view! {
                    <CompareCard
                        info=info_for(id)
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
            on:dragover=on_drag(|e| e.prevent_default())
            on:drop=on_drag(|e| e.prevent_default())
        >
            <header class="app-header">
                <h1>"Reve Remix"</h1>
                <p class="tagline">"One image from a prompt and up to six references."</p>
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
                    problem=w.about(|p| &p.prompt)
                    blocked=w.blocked()
                    area=w.area
                    on_remix=w.on_remix.clone()
                />
                <aside class="panel settings" aria-label="Provider and options">
                    <ProviderPicker provider=settings.provider />
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
                    problem=w.about(|p| &p.prompt)
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
