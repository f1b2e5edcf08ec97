//! The results of this session's runs: the one shown, and the ones a newer
//! result replaced (each was paid for), newest first, so that none is lost
//! to the next run.

use std::sync::Arc;

use super::ImageUrl;

/// A file's name and bytes.
pub type NamedFile = (String, Arc<[u8]>);

/// Results kept once a newer one replaces them.
pub const EARLIER_KEPT: usize = 8;

/// A finished remix: shown, then kept among the earlier results.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// What the `<img>` shows: an object URL of the bytes, or the provider's URL.
    pub src: ImageUrl,
    /// The image's bytes, when the page could read them ("Use as reference").
    pub bytes: Option<Arc<[u8]>>,
    /// The download's file name.
    pub file_name: String,
    /// The prompt it was made from ("" when not known: a job resumed after a reload).
    pub prompt: String,
    /// Provider display name.
    pub provider: &'static str,
    /// How long the run took, in ms.
    pub elapsed_ms: f64,
    /// Credits the provider says it charged.
    pub credits: Option<f64>,
    /// The provider's job or request id.
    pub job_id: Option<String>,
}

impl Finished {
    /// `fal · 2.1 s · 3 credits · job 1234`.
    pub fn details(&self) -> String {
        let mut s = format!(
            "{} · {}",
            self.provider,
            super::format::duration(self.elapsed_ms)
        );
        if let Some(c) = self.credits {
            s.push_str(&format!(" · {} credits", super::format::credits(c)));
        }
        if let Some(id) = &self.job_id {
            s.push_str(&format!(" · job {id}"));
        }
        s
    }
}

/// The result shown and the earlier ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    shown: Option<Finished>,
    earlier: Vec<Finished>,
}

impl Results {
    /// Results as they were stored (the earlier ones beyond [`EARLIER_KEPT`] are let go).
    pub fn restored(shown: Option<Finished>, mut earlier: Vec<Finished>) -> Self {
        earlier.truncate(EARLIER_KEPT);
        Self { shown, earlier }
    }

    /// The result shown.
    pub fn shown(&self) -> Option<&Finished> {
        self.shown.as_ref()
    }

    /// Results a newer one replaced, newest first.
    pub fn earlier(&self) -> &[Finished] {
        &self.earlier
    }

    /// Show `finished`; the one it replaces goes to the front of the earlier
    /// results (the oldest beyond [`EARLIER_KEPT`] is let go).
    pub fn show(&mut self, finished: Finished) {
        if let Some(old) = self.shown.replace(finished) {
            self.earlier.insert(0, old);
            self.earlier.truncate(EARLIER_KEPT);
        }
    }

    /// Show earlier result `index` again; the one shown takes its place at
    /// the front of the earlier results.
    pub fn show_earlier(&mut self, index: usize) {
        if index < self.earlier.len() {
            let chosen = self.earlier.remove(index);
            self.show(chosen);
        }
    }

    /// The name and bytes of the result (shown or earlier) whose image is at
    /// `src`: a result dragged back onto the board.
    pub fn file_at(&self, src: &str) -> Option<NamedFile> {
        self.shown
            .iter()
            .chain(&self.earlier)
            .find(|d| d.src.as_str() == src)
            .and_then(|d| Some((d.file_name.clone(), d.bytes.clone()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(n: u32) -> Finished {
        Finished {
            src: ImageUrl::new(format!("blob:{n}")),
            bytes: Some(vec![n as u8].into()),
            file_name: format!("result-{n}.png"),
            prompt: format!("prompt {n}"),
            provider: "fal",
            elapsed_ms: 2_100.0,
            credits: None,
            job_id: None,
        }
    }

    fn names(r: &Results) -> (Option<&str>, Vec<&str>) {
        (
            r.shown().map(|d| d.file_name.as_str()),
            r.earlier().iter().map(|d| d.file_name.as_str()).collect(),
        )
    }

    #[test]
    fn a_new_result_keeps_the_last_one_first_among_the_earlier_ones() {
        let mut r = Results::default();
        r.show(result(1));
        assert_eq!(names(&r), (Some("result-1.png"), vec![]));
        r.show(result(2));
        assert_eq!(names(&r), (Some("result-2.png"), vec!["result-1.png"]));
    }

    #[test]
    fn an_earlier_result_shown_again_swaps_places_with_the_one_shown() {
        let mut r = Results::default();
        for n in 1..=3 {
            r.show(result(n));
        }
        r.show_earlier(1);
        assert_eq!(
            names(&r),
            (Some("result-1.png"), vec!["result-3.png", "result-2.png"])
        );
        r.show_earlier(9);
        assert_eq!(names(&r).0, Some("result-1.png"));
    }

    #[test]
    fn only_the_newest_few_are_kept() {
        let mut r = Results::default();
        for n in 1..20 {
            r.show(result(n));
        }
        assert_eq!(r.earlier().len(), EARLIER_KEPT);
        assert_eq!(r.earlier()[0].file_name, "result-18.png");
        let stored = (1..20).map(result).collect();
        assert_eq!(
            Results::restored(None, stored).earlier().len(),
            EARLIER_KEPT
        );
    }

    #[test]
    fn a_result_dragged_back_is_found_by_its_address() {
        let mut r = Results::default();
        r.show(result(1));
        r.show(result(2));
        let (name, bytes) = r.file_at("blob:1").expect("an earlier one");
        assert_eq!((name.as_str(), &bytes[..]), ("result-1.png", &[1][..]));
        assert!(r.file_at("blob:3").is_none());
    }

    #[test]
    fn details_name_the_provider_time_credits_and_job() {
        let mut d = result(1);
        assert_eq!(d.details(), "fal · 2.1 s");
        d.credits = Some(210_000.0);
        d.job_id = Some("j-1".into());
        assert_eq!(d.details(), "fal · 2.1 s · 210,000 credits · job j-1");
    }
}
