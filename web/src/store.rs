//! One board's state: a [`Store`] of signals holding the plain values of
//! `model/`, and what changes it (a run, a comparison, a resumed job, an
//! added image).

use leptos::prelude::*;
use reve_remix_core::job::Job;
use reve_remix_core::provider::ModelId;
use reve_remix_core::{ErrorCode, RemixError};

use crate::browser::blob;
use crate::fitting;
use crate::model::models;
use crate::model::settings::pick_model as pick_model_in;
use crate::model::{Board, Connection, Options, Phase, ReadFile, Settings};
use crate::model::{Compare, Lane};
use crate::runner::Runner;

/// A comparison card's provider id and model.
pub type Pair = (&'static str, ModelId);

/// The settings as the app holds them: one signal per panel that edits them.
#[derive(Clone, Copy)]
pub struct SettingsSignals {
    /// Provider id ("Provider").
    pub provider: RwSignal<String>,
    /// The model picked on each provider ("Model").
    pub models: RwSignal<Vec<(String, ModelId)>>,
    /// Options beyond prompt and images ("Options").
    pub options: RwSignal<Options>,
    /// How requests reach the provider ("Connection").
    pub connection: RwSignal<Connection>,
    /// A lower cap on the board than the provider's: the widget's
    /// `max-images` as written, a number or "" ([`Self::cap`] reads it).
    /// Strings, not options, for this and `model_asked`: their signals share
    /// the provider's code in the first screen's wasm (issue 25).
    pub max_images: RwSignal<String>,
    /// The providers ticked under "Compare providers".
    pub compare: RwSignal<Compare>,
    /// Shrink images over the limits without asking (the widget's `auto-fit`).
    pub auto_fit: RwSignal<bool>,
    /// A model named by the widget's `model` attribute ("" when none is).
    pub model_asked: RwSignal<String>,
}

impl SettingsSignals {
    fn new(settings: Settings) -> Self {
        Self {
            provider: RwSignal::new(settings.provider),
            models: RwSignal::new(settings.models),
            options: RwSignal::new(settings.options),
            connection: RwSignal::new(settings.connection),
            max_images: RwSignal::new(
                settings
                    .max_images
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            compare: RwSignal::new(Compare::default()),
            auto_fit: RwSignal::new(false),
            model_asked: RwSignal::new(settings.model_asked.unwrap_or_default()),
        }
    }

    /// The settings now (tracked).
    pub fn get(&self) -> Settings {
        Settings {
            provider: self.provider.get(),
            models: self.models.get(),
            options: self.options.get(),
            connection: self.connection.get(),
            max_images: self.cap(),
            model_asked: Some(self.model_asked.get()).filter(|m| !m.is_empty()),
        }
    }

    /// The cap on the board the widget's `max-images` sets, if it is a
    /// number (tracked).
    pub fn cap(&self) -> Option<usize> {
        self.max_images.with(|m| m.parse().ok())
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
    /// A comparison's runs: one runner per card, by provider id and model.
    pub lanes: StoredValue<Vec<(Pair, Runner)>>,
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
                models::pairs()
                    .iter()
                    .map(|p| (*p, Runner::new()))
                    .collect(),
            ),
        }
    }

    /// The runner of the card of `model` on provider `id` in a comparison.
    pub fn lane(&self, id: &str, model: ModelId) -> Option<Runner> {
        self.lanes
            .try_with_value(|l| l.iter().find(|(p, _)| *p == (id, model)).map(|(_, r)| *r))
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
    /// take the input (the others' cards say why not). `lanes` are the
    /// comparison's, as the page judged them (`Wiring::judge`): none
    /// when it is not comparing, or has not judged the input yet.
    pub fn remix(&self, lanes: &[Lane]) {
        let settings = self.settings.get_untracked();
        let compare = self.settings.compare.get_untracked();
        if let Some(e) = settings.choice_problem() {
            // Nothing is sent: the run fails with `unknown_provider` or
            // `unknown_model` at once, naming no provider it did not ask for.
            let name = match e.code {
                ErrorCode::UnknownProvider => "the provider asked for",
                _ => settings.info().name,
            };
            self.runner.refuse(name, e);
            return;
        }
        if !compare.active() {
            let input = self.board.with_untracked(|b| settings.input(b));
            self.runner.prepare(&settings);
            self.runner.start(input, settings.config());
            return;
        }
        if untrack(|| self.comparing()) {
            return;
        }
        for lane in lanes.iter().filter(|l| l.problem.is_none()) {
            let (id, model) = (lane.info.id.as_str(), lane.info.model.id);
            let on = settings.for_run(id, model);
            if let Some(runner) = self.lane(id, model) {
                let input = self.board.with_untracked(|b| on.input(b));
                runner.prepare(&on);
                runner.start(input, on.config());
            }
        }
    }

    /// Fail each run [`Store::remix`] would have started with `lanes`
    /// with `e`, before anything is sent (its code could not be fetched).
    #[cfg_attr(
        not(all(feature = "split-embedded", target_family = "wasm")),
        allow(dead_code, reason = "only a split build loads chunks")
    )]
    pub(crate) fn refuse_all(&self, lanes: &[Lane], e: RemixError) {
        if lanes.is_empty() {
            let name = self.settings.get_untracked().info().name;
            self.runner.refuse(name, e);
            return;
        }
        for lane in lanes.iter().filter(|l| l.problem.is_none()) {
            if let Some(runner) = self.lane(lane.info.id.as_str(), lane.info.model.id) {
                runner.refuse(lane.info.name, e.clone());
            }
        }
    }

    /// Follow again a comparison's job submitted before the page reloaded,
    /// on its own card (its provider and model).
    pub fn resume_lane(&self, job: Job, started_ms: f64, prompt: String) {
        let Some(runner) = self.lane(job.provider.as_str(), job.model) else {
            return;
        };
        let on = self
            .settings
            .get_untracked()
            .for_run(job.provider.as_str(), job.model);
        runner.prepare(&on);
        runner.resume(job, on.config(), started_ms, prompt);
    }

    /// Follow again a job submitted before the page reloaded (see
    /// [`Runner::resume`]), with its own provider and model whatever the
    /// pickers said.
    pub fn resume(&self, job: Job, started_ms: f64, prompt: String) {
        if self.runner.running() {
            return;
        }
        let id = job.provider.as_str();
        self.settings.provider.set(id.to_string());
        self.settings
            .models
            .update(|m| pick_model_in(m, id, job.model));
        let settings = self.settings.get_untracked();
        self.runner.prepare(&settings);
        self.runner
            .resume(job, settings.config(), started_ms, prompt);
    }

    /// Add a file's bytes to the board, as an add of its own (the last
    /// add's rejections are cleared). Returns whether it was added (one
    /// over the limits is not, yet: with `auto-fit` it joins once fitted).
    pub fn add_bytes(&self, name: &str, bytes: Vec<u8>) -> bool {
        let file = ReadFile::new(name.to_string(), bytes);
        let accepts = self
            .settings
            .get_untracked()
            .accepts()
            .fitting(self.settings.auto_fit.get_untracked());
        let added = self
            .board
            .try_update(|b| {
                b.begin_adding();
                b.add_read(file, &accepts)
            })
            .unwrap_or(false);
        fitting::fit_quietly(self.board, accepts);
        added
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
