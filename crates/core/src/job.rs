//! Jobs, their updates and results, normalised across providers: plain
//! data. The providers fill them in ([`crate::provider`]); the
//! [`Driver`](crate::driver::Driver) runs a provider to a result.
//!
//! Nothing here knows a provider: what one keeps on a job between requests
//! is a `ProviderState`, opaque to this module, and never part of
//! [`Job::to_json`].

use crate::error::RemixError;
use crate::http::RequestKind;
use crate::id::{ModelId, ProviderId};
use crate::json::JsonWriter;
use crate::provider::state::ProviderState;

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

/// What changed in a job: the payload of `onUpdate`.
#[derive(Clone, Debug, PartialEq)]
pub struct JobUpdate {
    /// The state now.
    pub status: JobStatus,
    /// Place in the provider's queue, when it says.
    pub queue_position: Option<u32>,
    /// The provider's log lines so far.
    pub logs: Vec<String>,
    /// The result, once completed.
    pub result: Option<RemixResult>,
    /// The error, once failed or cancelled; or, with `retry_in_ms`, the
    /// failure that is about to be retried.
    pub error: Option<RemixError>,
    /// Set when a request failed in a way worth retrying (429, 502–504, a
    /// dropped status read): it is sent again after this many ms.
    pub retry_in_ms: Option<u64>,
}

/// A submitted job: what JS sees as `Job`, plus what each provider needs to
/// follow it (the URLs it returned).
#[derive(Clone, Debug, PartialEq)]
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
    /// Log lines so far.
    pub logs: Vec<String>,
    /// The kind of the request whose answer is awaited.
    pub phase: RequestKind,
    /// A result seen before the job reported completion (streams).
    pub(crate) output: Option<ResultImage>,
    /// What the provider keeps between requests (inference.sh: the
    /// uploads still to send); opaque here.
    pub(crate) state: ProviderState,
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
            logs: Vec::new(),
            phase: RequestKind::Submit,
            output: None,
            state: ProviderState::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::http::{HttpRequest, Method};

    #[test]
    fn provider_state_is_carried_but_never_serialised_or_shown() {
        let mut job = Job::new(ProviderId::Pixazo, ModelId::ReveRemix);
        job.id = "task_1".into();
        let plain = job.to_json();
        let secret = HttpRequest::new(RequestKind::Submit, Method::Post, "https://x/")
            .with_header("Ocp-Apim-Subscription-Key", "k3y-in-state");
        job.state = ProviderState::Fallback(Box::new(secret.clone()));
        assert_eq!(job.to_json(), plain);
        assert!(!format!("{job:?}").contains("k3y"), "{job:?}");

        let mut copy = job.clone();
        assert_eq!(copy, job);
        assert_eq!(copy.state.uploads_mut(), None, "read back by its kind");
        assert_eq!(copy.state.take(), ProviderState::Fallback(Box::new(secret)));
        assert_eq!(copy.state, ProviderState::None);
        assert_ne!(copy, job);
        assert_eq!(copy.to_json(), plain);
    }
}
