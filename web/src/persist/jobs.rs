//! A job in flight, kept in sessionStorage from the moment the provider
//! accepts it until it ends: a reload follows it again on the runner it
//! ran on (it may already be paid for), never submits it twice.

use std::rc::Rc;

use leptos::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::job::Job;

use crate::browser::storage::{self, Shelf};
use crate::model::models::lane_key;
use crate::model::saved::PendingRun;
use crate::runner::{RunEvent, RunListener, Runner};
use crate::store::Store;

/// The job in flight, as a [`PendingRun`] in JSON (a comparison's card's
/// under `<JOB>.<lane key>`).
const JOB: &str = "reve-remix.job";

/// A job a reload interrupted, to follow again.
pub struct Resume {
    /// On a comparison's card (its own provider and model), or the single run.
    pub on_card: bool,
    /// The job as the provider accepted it.
    pub job: Job,
    /// When its run started (ms since the epoch).
    pub started_ms: f64,
    /// The prompt it ran with.
    pub prompt: String,
}

/// Keep the job of each run (the single one's, and each card's in a
/// comparison) while it is in flight; the ones a reload interrupted.
pub(super) fn keep(store: Store) -> Vec<Resume> {
    let mut resume = Vec::new();
    resume.extend(keep_job_of(store.runner, JOB.to_string(), false));
    for ((provider, model), runner) in store.lanes.with_value(Clone::clone) {
        let key = format!("{JOB}.{}", lane_key(provider, model));
        resume.extend(keep_job_of(runner, key, true));
    }
    resume
}

/// Keep `runner`'s job in flight under `key`; the one kept there, if it
/// still reads (an unreadable one is removed).
fn keep_job_of(runner: Runner, key: String, on_card: bool) -> Option<Resume> {
    let run = runner.run;
    let slot = key.clone();
    let listener: RunListener = Rc::new(move |event| match event {
        RunEvent::Submitted(job) => {
            let (started, prompt) = run.with_untracked(|r| (r.started_ms as u64, r.prompt.clone()));
            let pending = PendingRun {
                started_ms: started,
                job: job.to_json(),
                prompt,
            };
            storage::set(Shelf::Session, &slot, &pending.to_json());
        }
        RunEvent::Complete(_) => storage::remove(Shelf::Session, &slot),
        // Offline for a while: the next visit looks at the job again.
        RunEvent::Error(e) if e.code != ErrorCode::Network => {
            storage::remove(Shelf::Session, &slot)
        }
        _ => {}
    });
    runner.listen(Some(listener));
    runner.keep_jobs();
    let text = storage::get(Shelf::Session, &key)?;
    let pending = PendingRun::read(&text).and_then(|p| Some((Job::from_json(&p.job)?, p)));
    match pending {
        Some((job, p)) => Some(Resume {
            on_card,
            job,
            started_ms: p.started_ms as f64,
            prompt: p.prompt,
        }),
        None => {
            storage::remove(Shelf::Session, &key);
            None
        }
    }
}
