//! Following a job submitted earlier, perhaps on another page: the job
//! read back from what [`Job::to_json`] wrote, then status reads.

use super::{Driver, RunOptions, State};
use crate::error::RemixError;
use crate::id::{ModelId, ProviderId};
use crate::job::{Job, JobStatus};
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
        let p = provider::provider(job.provider);
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
        let info = provider::info(ProviderId::parse(v.str_at("provider")?)?);
        // A job kept before models existed ran on its provider's default.
        let model = match v.str_at("model") {
            Some(m) => info.for_model(ModelId::parse(m)?)?.model.id,
            None => info.model.id,
        };
        let mut job = Job::new(info.id, model);
        job.id = v.str_at("id")?.to_string();
        if let Some(status) = v.str_at("status").and_then(JobStatus::parse) {
            job.status = status;
        }
        job.queue_position = v
            .get("queuePosition")
            .and_then(|p| p.as_u64())
            .and_then(|p| u32::try_from(p).ok());
        job.request_id = v.str_at("requestId").map(str::to_string);
        job.status_url = v.str_at("statusUrl").map(str::to_string);
        job.result_url = v.str_at("resultUrl").map(str::to_string);
        job.cancel_url = v.str_at("cancelUrl").map(str::to_string);
        Some(job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_read_back_from_its_json_is_the_job_that_was_written() {
        let mut job = Job::new(ProviderId::Fal, ModelId::Reve21);
        job.id = "req \"1\"".into();
        job.status = JobStatus::Running;
        job.queue_position = Some(3);
        job.request_id = Some("r-1".into());
        job.status_url = Some("https://queue.fal.run/s".into());
        job.result_url = Some("https://queue.fal.run/r".into());
        job.cancel_url = Some("https://queue.fal.run/c".into());
        let text = job.to_json();
        assert!(text.contains(r#""status":"running""#), "{text}");
        assert_eq!(Job::from_json(&text), Some(job));
    }

    #[test]
    fn text_that_is_not_a_job_is_none() {
        for text in [
            "",
            "[]",
            r#"{"provider":"fal"}"#,
            r#"{"provider":"nope","id":"1"}"#,
        ] {
            assert_eq!(Job::from_json(text), None, "{text}");
        }
        let job = Job::from_json(r#"{"provider":"reve","id":"1","status":"??"}"#);
        assert_eq!(job.map(|j| j.status), Some(JobStatus::Queued));
    }
}
