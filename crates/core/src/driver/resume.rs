//! Following a job submitted earlier, perhaps on another page (read back
//! with [`Job::from_json`]): status reads from the first action on.

use super::{Driver, RunOptions, State};
use crate::error::RemixError;
use crate::job::Job;
use crate::provider::{self, Config, Flight};

impl Driver {
    /// Follow a job submitted earlier (`RemixClient.status`/`run` on a `Job`):
    /// the first action is a status read.
    pub fn resume(
        job: Job,
        cfg: Config,
        opts: RunOptions,
        now_ms: u64,
    ) -> Result<Self, RemixError> {
        let p = provider::provider(job.provider);
        // A job names its model; one its provider does not sell cannot be
        // followed there.
        provider::offer(p.info(), Some(job.model))?;
        let (state, flight) = (State::PollAt(now_ms), Flight::default());
        Ok(Self::with(p, cfg, job, flight, state, opts, now_ms))
    }
}
