//! What both pages hand their components: values derived from one board's
//! [`Store`] (the provider picked, the problems, a comparison's lanes) and
//! the callbacks of the panels, made once per page. Components get these
//! slices and never the store, so each can be mounted and tested alone.
//!
//! The problems and the lanes are the core's checks of the input
//! ([`Wiring::judge`]). A split build makes them in the header reader's
//! chunk, which holds those checks: until it arrives, "Remix" waits and no
//! control has a problem to show (`lazy::judge`).

use leptos::html::Textarea;
use leptos::prelude::*;
use reve_remix_core::prompt::ReferenceSyntax;
use reve_remix_core::provider::{ModelId, ProviderInfo};

use crate::components::dyn_view::{Dyn, Handler, handler, read, text};
use crate::model::models::{entry, run_name, tag_syntax};
use crate::model::settings::model_in;
use crate::model::{Accepts, Board, Finished, NamedFile, Problems};
use crate::model::{Lane, compare, cost};
use crate::store::Store;

/// What both layouts hand their components: values derived from the store
/// and the callbacks of the panels.
#[derive(Clone)]
pub(crate) struct Wiring {
    /// The chosen provider's table entry.
    pub(super) provider: Signal<&'static ProviderInfo>,
    /// What the core makes of the input, once judged ([`Wiring::judge`]).
    judged: RwSignal<Option<Judged>>,
    /// The board's state, which the values below are derived from.
    pub(super) store: Store,
    /// What the board takes (tracked).
    accepts: Dyn<Accepts>,
    /// True while a comparison runs on any provider.
    pub(super) comparing: Memo<bool>,
    /// The "Prompt" textarea.
    pub(super) area: NodeRef<Textarea>,
    /// Write `<img>N</img>` at the prompt's cursor.
    pub(super) on_insert: Handler<usize>,
    /// Start a run.
    pub(super) on_remix: Handler<()>,
    /// Stop it, or every card's run of a comparison.
    pub(super) on_cancel: Handler<()>,
    /// Put a result on the board.
    pub(super) on_use: Handler<Finished>,
    /// A result's name and bytes by its URL (dragged back onto the board).
    pub(super) result_file: Handler<String, Option<NamedFile>>,
}

impl Wiring {
    pub(super) fn new(store: Store) -> Self {
        let Store {
            board,
            settings,
            runner,
            ..
        } = store;
        let comparing = Memo::new(move |_| store.comparing());
        let judged = RwSignal::new(None::<Judged>);
        let provider = Signal::derive(move || {
            let id = settings.provider.get();
            let model = settings.models.with(|m| model_in(m, &id));
            entry(&id, model)
        });
        let accepts = read(move || {
            Accepts::new(provider.get(), settings.cap()).fitting(settings.auto_fit.get())
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
            store,
            accepts: accepts.clone(),
            provider,
            judged,
            comparing,
            area,
            on_insert,
            on_remix: handler(move |()| {
                let lanes = judged.get_untracked().map(|j| j.lanes.get_untracked());
                crate::lazy::remix(store, lanes.unwrap_or_default());
            }),
            on_cancel: handler(move |()| store.cancel()),
            on_use: handler(move |done: Finished| match done.bytes {
                Some(bytes) => {
                    board.update(Board::begin_adding);
                    let add = crate::lazy::add_file(
                        board,
                        accepts.clone(),
                        done.file_name,
                        bytes.to_vec(),
                    );
                    leptos::task::spawn_local(add);
                }
                None => {
                    store.add_url(done.src.as_str());
                }
            }),
            result_file: handler(move |src: String| {
                runner.results.with_untracked(|r| r.file_at(&src))
            }),
        }
    }

    /// What the board takes.
    pub(super) fn accepts(&self) -> Dyn<Accepts> {
        self.accepts.clone()
    }

    /// Judge the input from now on: the problems by control and a
    /// comparison's lanes, each in a memo (made once: later calls return
    /// them). A split build calls it from the header reader's chunk
    /// (`lazy::judge`); the others as the page mounts.
    pub(crate) fn judge(&self) -> Judged {
        if let Some(judged) = self.judged.get_untracked() {
            return judged;
        }
        let Store {
            board, settings, ..
        } = self.store;
        let judged = Judged {
            problems: Memo::new(move |_| {
                let settings = settings.get();
                board.with(|b| Problems::of(&settings, b))
            }),
            lanes: Memo::new(move |_| {
                let compare = settings.compare.get();
                if !compare.active() {
                    return Vec::new();
                }
                let settings = settings.get();
                board.with(|b| compare::lanes(&compare, &settings, b))
            }),
        };
        self.judged.set(Some(judged));
        judged
    }

    /// The problem about one control ("" when there is none, or before
    /// the input is judged).
    pub(super) fn about(&self, which: fn(&Problems) -> &Option<String>) -> Dyn<String> {
        let judged = self.judged;
        text(move || {
            judged
                .get()
                .and_then(|j| j.problems.with(|p| which(p).clone()))
                .unwrap_or_default()
        })
    }

    /// Why "Remix" cannot run ("" when it can): in a comparison, only
    /// when no ticked provider can take the input.
    pub(super) fn blocked(&self) -> Dyn<String> {
        let (judged, comparing) = (self.judged, self.comparing);
        text(move || {
            if comparing.get() {
                return "A comparison is running.".to_string();
            }
            let Some(Judged { problems, lanes }) = judged.get() else {
                return NOT_JUDGED.to_string();
            };
            lanes.with(|lanes| {
                if lanes.is_empty() {
                    problems.with(|p| p.first().unwrap_or_default().to_string())
                } else {
                    compare::blocked(lanes)
                }
            })
        })
    }

    /// What a run with the page's input would cost on the chosen provider,
    /// or on every ticked one.
    pub(crate) fn estimate(&self) -> Dyn<String> {
        let (provider, store, lanes) = (self.provider, self.store, self.judge().lanes);
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

    /// What `say` makes of the lane of `id`'s `model` in a comparison,
    /// for its card ("" before the input is judged).
    pub(crate) fn lane_text(
        &self,
        id: &'static str,
        model: ModelId,
        say: fn(&Lane) -> String,
    ) -> Dyn<String> {
        let judged = self.judged;
        text(move || {
            let of = |l: &&Lane| l.info.id.as_str() == id && l.info.model.id == model;
            judged
                .get()
                .and_then(|j| j.lanes.with(|l| l.iter().find(of).map(say)))
                .unwrap_or_default()
        })
    }

    /// A comparison's state in one sentence for the status line ("" when
    /// two or more providers are not ticked, or before their first run).
    pub(crate) fn comparison_status(&self) -> Dyn<String> {
        let store = self.store;
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

    /// What follows the site's pickers of a provider and its model (only
    /// they change them, after the page's restore): with no comparison
    /// ticked, the one tick; and the prompt's references, which switching
    /// to a model that writes them otherwise rewrites (the site only: a
    /// widget's prompt stays as its host page set it, and the core writes
    /// it the model's way when it sends).
    pub(super) fn follow_pickers(&self) {
        let (board, settings) = (self.store.board, self.store.settings);
        Effect::new(move |_| {
            let picked = settings.get();
            settings
                .compare
                .update(|c| c.follow(&picked.provider, picked.model()));
        });
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
    pub(super) fn syntax(&self) -> Dyn<ReferenceSyntax> {
        let provider = self.provider;
        read(move || tag_syntax(provider.get()))
    }

    /// The most characters the provider takes in a prompt.
    pub(super) fn max_chars(&self) -> Dyn<usize> {
        let provider = self.provider;
        read(move || provider.get().model.prompt_max_chars)
    }
}

/// What "Remix" says before the input is judged: in a split build, until
/// the header reader's chunk arrives (`lazy::judge`), which on a slow or
/// broken link may take a while.
const NOT_JUDGED: &str = "Part of this page is still loading: wait a moment (if this stays, check \
                          the connection and reload the page).";

/// What the core makes of the page's input ([`Wiring::judge`]).
#[derive(Clone, Copy)]
pub(crate) struct Judged {
    /// What stands between the input and a run, by control.
    problems: Memo<Problems>,
    /// A comparison's providers and what each can make of the input
    /// (empty unless two or more are ticked).
    lanes: Memo<Vec<Lane>>,
}
