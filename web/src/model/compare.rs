//! "Compare providers": which providers "Remix" runs on when more than one
//! is ticked, what each of them can make of this board (an input one
//! provider cannot take is that provider's problem alone, said on its card
//! before anything is sent), and what the whole comparison should cost.

use reve_remix_core::provider::{self, Estimate, ModelId, ProviderInfo};

use super::models::info_for;
use super::models::{self, default_model, run_name};
use super::settings::DEFAULT_PROVIDER;
use super::{Board, Problems, Settings, format};

/// The runs ticked under "Compare providers": each a provider and one of
/// the models it sells, in the table's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compare {
    ticked: Vec<(&'static str, ModelId)>,
}

impl Default for Compare {
    /// The provider chosen on a first visit, with its model, alone: no comparison.
    fn default() -> Self {
        Self::of(&[(DEFAULT_PROVIDER, default_model(info_for(DEFAULT_PROVIDER)))])
    }
}

impl Compare {
    /// These runs ticked (a provider unknown, or a model it does not sell,
    /// is left out).
    pub fn of(wanted: &[(&str, ModelId)]) -> Self {
        Self {
            ticked: models::pairs()
                .iter()
                .copied()
                .filter(|p| wanted.contains(p))
                .collect(),
        }
    }

    /// Whether "Run on <provider> (<model>)" is ticked.
    pub fn is_ticked(&self, id: &str, model: ModelId) -> bool {
        self.ticked.contains(&(id, model))
    }

    /// Tick or untick "Run on <provider> (<model>)".
    pub fn tick(&mut self, id: &str, model: ModelId, on: bool) {
        let mut runs: Vec<(&str, ModelId)> = self
            .ticked
            .iter()
            .copied()
            .filter(|t| *t != (id, model))
            .collect();
        if on {
            runs.push((id, model));
        }
        *self = Self::of(&runs);
    }

    /// The "Provider" and "Model" pickers chose `model` on `current`: with
    /// no comparison ticked, the one tick follows them (a comparison keeps
    /// its ticks).
    pub fn follow(&mut self, current: &str, model: ModelId) {
        if !self.active() {
            *self = Self::of(&[(current, model)]);
        }
    }

    /// Two or more ticked: "Remix" runs on each.
    pub fn active(&self) -> bool {
        self.ticked.len() >= 2
    }

    /// The ticked runs, in the table's order.
    pub fn ticked(&self) -> &[(&'static str, ModelId)] {
        &self.ticked
    }
}

/// One run of a comparison, before it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// The provider, described for the model it runs.
    pub info: &'static ProviderInfo,
    /// Why it cannot take this input (nothing is sent to it), if it cannot.
    pub problem: Option<String>,
    /// What this input should cost there, when it publishes a price.
    pub estimate: Option<Estimate>,
}

/// Each ticked run with what it can make of `board` under `settings`.
pub fn lanes(compare: &Compare, settings: &Settings, board: &Board) -> Vec<Lane> {
    compare
        .ticked()
        .iter()
        .map(|&(id, model)| {
            let on = settings.for_run(id, model);
            let info = on.info();
            Lane {
                info,
                problem: Problems::of(&on, board).first().map(str::to_string),
                estimate: provider::estimate(info, &on.input(board)),
            }
        })
        .collect()
}

/// Why "Remix" cannot run the comparison: no ticked provider can take the
/// input ("" when one can).
pub fn blocked(lanes: &[Lane]) -> String {
    if lanes.iter().any(|l| l.problem.is_none()) {
        return String::new();
    }
    match lanes.first().and_then(|l| l.problem.as_deref()) {
        Some(first) => format!("None of the ticked providers can take this input. {first}"),
        None => String::new(),
    }
}

/// `Estimated cost of this comparison: $0.117 (Reve $0.057, Pixazo $0.06);
/// fal publishes no price.` Providers that cannot take the input are not
/// counted: nothing is sent to them.
pub fn estimate_text(lanes: &[Lane]) -> String {
    let runs: Vec<&Lane> = lanes.iter().filter(|l| l.problem.is_none()).collect();
    let priced: Vec<(String, Estimate)> = runs
        .iter()
        .filter_map(|l| Some((run_name(l.info), l.estimate?)))
        .collect();
    let unpriced: Vec<String> = runs
        .iter()
        .filter(|l| l.estimate.is_none())
        .map(|l| run_name(l.info))
        .collect();
    // Tenths of a cent, added as integers: no float drift in a total.
    let total: u64 = priced
        .iter()
        .map(|(_, e)| (e.usd * 1000.0).round() as u64)
        .sum();
    let at_least = priced.iter().any(|(_, e)| e.at_least) || !unpriced.is_empty();
    let mut text = if priced.is_empty() {
        String::from("No ticked provider publishes a price")
    } else {
        let each: Vec<String> = priced
            .iter()
            .map(|(name, e)| format!("{name} {}", format::usd(e.usd)))
            .collect();
        format!(
            "Estimated cost of this comparison: {}{} ({})",
            if at_least { "at least " } else { "" },
            format::usd(total as f64 / 1000.0),
            each.join(", ")
        )
    };
    if !priced.is_empty() && !unpriced.is_empty() {
        let verb = if unpriced.len() == 1 {
            "publishes"
        } else {
            "publish"
        };
        text.push_str(&format!("; {} {verb} no price", unpriced.join(", ")));
    }
    text.push('.');
    text
}

/// A card's state in a word for the status sentence (`None` before its
/// first run).
pub fn card_state(run: &super::Run) -> Option<&'static str> {
    use super::Phase;
    use reve_remix_core::job::JobStatus;
    Some(match run.phase {
        Phase::Idle => return None,
        Phase::Running => match run.status {
            Some(JobStatus::Queued) => "queued",
            Some(JobStatus::Running) => "running",
            _ => "sending",
        },
        Phase::Completed => "done",
        Phase::Failed => "failed",
        Phase::Cancelled => "cancelled",
    })
}

/// A comparison's state in one sentence for the page's status line, which
/// a screen reader announces: `Comparing: Reve done, fal queued, OneRouter
/// failed.` from each card's name and [`card_state`]. It changes only when
/// a card's state does (never with a clock). "" before the comparison's
/// first run.
pub fn status_sentence<N: AsRef<str>>(cards: &[(N, &str)]) -> String {
    if cards.is_empty() {
        return String::new();
    }
    let said: Vec<String> = cards
        .iter()
        .map(|(n, s)| format!("{} {s}", n.as_ref()))
        .collect();
    format!("Comparing: {}.", said.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::board::{Accepts, Board};

    fn board_with_png() -> Board {
        let mut board = Board::new(|_, _| crate::model::ImageUrl::new("blob:x"));
        let png = reve_remix_fixtures::bytes("png_rgb_64x48.png").to_vec();
        let accepts = Accepts::new(info_for("fal"), None);
        board.begin_adding();
        assert!(board.add_bytes("cat.png", png, &accepts));
        board.edit_prompt("the cat from <img>0</img> in ink".into());
        board
    }

    #[test]
    fn the_tick_follows_the_pickers_until_two_are_ticked() {
        use ModelId::{Reve21, ReveRemix};
        let mut c = Compare::default();
        assert_eq!(c.ticked(), [("fal", Reve21)], "fal with Reve 2.1 at first");
        assert!(!c.active());
        c.follow("reve", ReveRemix);
        assert_eq!(c.ticked(), [("reve", ReveRemix)]);
        c.tick("replicate", ReveRemix, true);
        c.tick("fal", Reve21, true);
        assert!(c.active());
        assert_eq!(
            c.ticked(),
            [
                ("reve", ReveRemix),
                ("fal", Reve21),
                ("replicate", ReveRemix)
            ],
            "the table's order"
        );
        c.follow("aimlapi", ReveRemix);
        assert_eq!(c.ticked().len(), 3, "a comparison keeps its ticks");
        // Two models of one provider are two runs side by side.
        c.tick("fal", ReveRemix, true);
        assert!(c.is_ticked("fal", ReveRemix) && c.is_ticked("fal", Reve21));
        c.tick("fal", Reve21, false);
        c.tick("fal", ReveRemix, false);
        c.tick("nope", ReveRemix, true);
        c.tick("runware", ReveRemix, true);
        assert_eq!(
            c.ticked(),
            [("reve", ReveRemix), ("replicate", ReveRemix)],
            "an unknown provider, or a model it does not sell, is not ticked"
        );
    }

    /// `ids` each with Reve Remix, where they sell it.
    fn on_remix(ids: &[&str]) -> Compare {
        let runs: Vec<(&str, ModelId)> = ids.iter().map(|id| (*id, ModelId::ReveRemix)).collect();
        Compare::of(&runs)
    }

    #[test]
    fn a_provider_that_cannot_take_the_input_says_why_and_is_not_counted() {
        let board = board_with_png();
        let settings = Settings::default();
        let compare = on_remix(&["reve", "fal", "pixazo"]);
        let lanes = lanes(&compare, &settings, &board);
        assert_eq!(lanes.len(), 3);
        assert_eq!(lanes[0].problem, None);
        assert_eq!(lanes[1].problem, None);
        let pixazo = lanes[2].problem.as_deref().unwrap_or_default();
        assert!(pixazo.contains("https"), "Pixazo takes URLs only: {pixazo}");
        assert_eq!(blocked(&lanes), "");
        // Reve priced, fal not; Pixazo is not run, so not counted.
        let text = estimate_text(&lanes);
        assert_eq!(
            text,
            "Estimated cost of this comparison: at least $0.057 (Reve $0.057); fal (Reve Remix) publishes no price."
        );
    }

    #[test]
    fn each_model_of_a_provider_is_a_run_with_its_own_limits_and_price() {
        let board = board_with_png();
        let compare = Compare::of(&[
            ("fal", ModelId::Reve21),
            ("inference-sh", ModelId::ReveRemix),
        ]);
        let lanes = lanes(&compare, &Settings::default(), &board);
        assert_eq!(lanes[0].info.model.max_images, 8);
        assert_eq!(lanes[0].info.model.id, ModelId::Reve21);
        assert_eq!(
            estimate_text(&lanes),
            "Estimated cost of this comparison: at least $0.25 (fal (Reve 2.1) $0.25); inference.sh publishes no price."
        );
    }

    #[test]
    fn the_total_adds_each_price() {
        let mut board = Board::new(|_, _| crate::model::ImageUrl::new("blob:x"));
        let accepts = Accepts::new(info_for("pixazo"), None);
        board.begin_adding();
        assert!(board.add_url("https://example.com/cat.png", &accepts));
        board.edit_prompt("remix <img>0</img>".into());
        let lanes = lanes(
            &on_remix(&["pixazo", "pixazo-edit"]),
            &Settings::default(),
            &board,
        );
        assert!(lanes.iter().all(|l| l.problem.is_none()), "{lanes:?}");
        assert_eq!(
            estimate_text(&lanes),
            "Estimated cost of this comparison: $0.12 (Pixazo $0.06, Pixazo (edit) $0.06)."
        );
    }

    #[test]
    fn the_status_sentence_names_each_cards_state() {
        use crate::model::{Phase, Run};
        assert_eq!(card_state(&Run::idle()), None, "not run yet: not said");
        assert_eq!(status_sentence::<&str>(&[]), "");
        let mut done = Run::start("Reve", 0.0);
        done.end(Phase::Completed, 800.0, String::new());
        let mut queued = Run::start("fal", 0.0);
        queued.status = Some(reve_remix_core::job::JobStatus::Queued);
        let mut failed = Run::start("OneRouter", 0.0);
        failed.end(Phase::Failed, 100.0, "refused".into());
        let mut cancelled = Run::start("Replicate", 0.0);
        cancelled.end(Phase::Cancelled, 100.0, String::new());
        let cards: Vec<(&str, &str)> = [
            ("Reve", &done),
            ("fal", &queued),
            ("OneRouter", &failed),
            ("Replicate", &cancelled),
            ("Pixazo", &Run::idle()),
        ]
        .into_iter()
        .filter_map(|(name, run)| Some((name, card_state(run)?)))
        .collect();
        assert_eq!(
            status_sentence(&cards),
            "Comparing: Reve done, fal queued, OneRouter failed, Replicate cancelled."
        );
    }

    #[test]
    fn with_no_provider_able_the_comparison_cannot_run() {
        let board = Board::new(|_, _| crate::model::ImageUrl::new("blob:x"));
        let lanes = lanes(&on_remix(&["reve", "fal"]), &Settings::default(), &board);
        let why = blocked(&lanes);
        assert!(
            why.starts_with("None of the ticked providers can take this input."),
            "{why}"
        );
    }
}
