//! Jobs and their results, normalised across providers: plain data. The
//! providers fill them in ([`crate::provider`]); the
//! [`Driver`](crate::driver::Driver) runs a provider to a result and says
//! what changed ([`crate::driver::JobUpdate`]).
//!
//! A [`Job`] is exactly what its JSON holds, written and read here: what a
//! run keeps only while it follows the job (the request awaited, log
//! lines, a provider's uploads) is the driver's
//! ([`crate::provider::Flight`]), so nothing here knows a provider.

use crate::id::{ModelId, ProviderId};
use crate::json::JsonWriter;

/// A job's state, normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Accepted, waiting.
    Queued,
    /// Being made.
    Running,
    /// Finished with a result.
    Completed,
    /// Finished without one.
    Failed,
    /// Cancelled.
    Cancelled,
}

impl JobStatus {
    /// `"queued"`, `"running"`, `"completed"`, `"failed"` or `"cancelled"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status [`as_str`](Self::as_str) names.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Completed,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// True once the job cannot change any more.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// One image of a result: a URL, or the image inline as a data URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultImage {
    /// Where to download it.
    pub url: Option<String>,
    /// `data:<mime>;base64,…` when the provider answered with the bytes.
    pub data_url: Option<String>,
    /// Its MIME type, when known.
    pub mime: Option<String>,
}

/// A finished remix.
#[derive(Clone, Debug, PartialEq)]
pub struct RemixResult {
    /// The images (one for Reve Remix).
    pub images: Vec<ResultImage>,
    /// The provider's job or request id.
    pub job_id: Option<String>,
    /// The provider.
    pub provider: ProviderId,
    /// The model that made it.
    pub model: ModelId,
    /// Credits the provider says it charged (`cost.amount` in credits).
    pub credits_used: Option<f64>,
    /// What the provider reported this run cost, as it reported it.
    pub cost: Option<Cost>,
}

/// What a provider reported a run cost, as it reported it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    /// The amount charged for this run.
    pub amount: f64,
    /// Its unit: `"credits"` (Reve, AI/ML API) or `"usd"` (Runware).
    pub unit: &'static str,
    /// What is left on the account after it, when the provider says.
    pub remaining: Option<f64>,
}

/// A submitted job: what JS sees as `Job`, and all it takes to follow it
/// again later (the URLs the provider returned), exactly its JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The provider's id for it (request id, task id, prediction id);
    /// empty until submitted.
    pub id: String,
    /// The provider.
    pub provider: ProviderId,
    /// The model it runs on: a kept job resumes on its own model.
    pub model: ModelId,
    /// State.
    pub status: JobStatus,
    /// A request id for support, when different from `id`.
    pub request_id: Option<String>,
    /// Where to read status (fal `status_url`, Pixazo `polling_url`,
    /// Replicate `urls.get`); `None` where it is built from `id`.
    pub status_url: Option<String>,
    /// Where to read the result (fal `response_url`).
    pub result_url: Option<String>,
    /// Where to cancel (fal `cancel_url`, Replicate `urls.cancel`).
    pub cancel_url: Option<String>,
    /// Place in the queue.
    pub queue_position: Option<u32>,
}

impl Job {
    /// The package's `Job` as JSON, and what it takes to follow this job
    /// again later (after a page reload): `{provider, id, status,
    /// model, requestId?, statusUrl?, resultUrl?, cancelUrl?, queuePosition?}`.
    /// The one serialisation of a job: storage, the package and the
    /// widget's events all use it. No key and no images: it is safe to
    /// keep in storage.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("provider").string(self.provider.as_str());
        w.key("model").string(self.model.as_str());
        w.key("id").string(&self.id);
        w.key("status").string(self.status.as_str());
        for (key, value) in [
            ("requestId", &self.request_id),
            ("statusUrl", &self.status_url),
            ("resultUrl", &self.result_url),
            ("cancelUrl", &self.cancel_url),
        ] {
            if let Some(v) = value {
                w.key(key).string(v);
            }
        }
        if let Some(p) = self.queue_position {
            w.key("queuePosition").uint(p.into());
        }
        w.end_object();
        String::from_utf8(w.finish()).unwrap_or_default()
    }

    /// A job not yet submitted.
    pub fn new(provider: ProviderId, model: ModelId) -> Self {
        Self {
            id: String::new(),
            provider,
            model,
            status: JobStatus::Queued,
            request_id: None,
            status_url: None,
            result_url: None,
            cancel_url: None,
            queue_position: None,
        }
    }

    /// A job written by [`Job::to_json`]; `None` when `text` is not one
    /// (an unknown provider or model, no id). Whether the provider sells
    /// the model is the driver's to check when it resumes the job.
    pub fn from_json(text: &str) -> Option<Self> {
        let v = crate::json::parse(text.as_bytes()).ok()?;
        let provider = ProviderId::parse(v.str_at("provider")?)?;
        // A job kept before there were models ran on Reve Remix, then the
        // only one.
        let model = match v.str_at("model") {
            Some(m) => ModelId::parse(m)?,
            None => ModelId::ReveRemix,
        };
        let mut job = Job::new(provider, model);
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
            r#"{"provider":"fal","model":"nope","id":"1"}"#,
        ] {
            assert_eq!(Job::from_json(text), None, "{text}");
        }
        let job = Job::from_json(r#"{"provider":"reve","id":"1","status":"??"}"#);
        assert_eq!(job.as_ref().map(|j| j.status), Some(JobStatus::Queued));
        assert_eq!(
            job.map(|j| j.model),
            Some(ModelId::ReveRemix),
            "kept before models"
        );
    }
}
