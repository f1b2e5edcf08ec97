//! Following a job submitted earlier, perhaps on another page: the job
//! read back from what [`Job::to_json`] wrote, then status reads.

use super::{Driver, RunOptions, State};
use crate::error::RemixError;
use crate::job::Job;
use crate::provider::{self, Config};

impl Driver {
    /// Follow a job submitted earlier (`RemixClient.status`/`run` on a `Job`):
    /// the first action is a status read.
    pub fn resume(
        job: Job,
        cfg: Config,
        opts: RunOptions,
        now_ms: u64,
    ) -> Result<Self, RemixError> {
        let p = provider::provider(job.provider)?;
        Ok(Self::with(p, cfg, job, State::PollAt(now_ms), opts, now_ms))
    }
}

// The reading half of `Job::to_json` (job.rs): it needs the provider table
// for the provider's `&'static` id, so it is here rather than in job.rs.
impl Job {
    /// A job written by [`Job::to_json`], ready for [`Driver::resume`];
    /// `None` when `text` is not one (an unknown provider, no id).
    pub fn from_json(text: &str) -> Option<Self> {
        let v = crate::json::parse(text.as_bytes()).ok()?;
        let info = provider::provider(v.str_at("provider")?).ok()?.info();
        let mut job = Job::new(info.id);
        job.id = v.str_at("id")?.to_string();
        job.request_id = v.str_at("requestId").map(str::to_string);
        job.status_url = v.str_at("statusUrl").map(str::to_string);
        job.result_url = v.str_at("resultUrl").map(str::to_string);
        job.cancel_url = v.str_at("cancelUrl").map(str::to_string);
        Some(job)
    }
}
