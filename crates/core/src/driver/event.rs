//! What the driver tells its caller as a run goes: the job accepted, and
//! each change of its state. One caller loop ([`Driver::events`]) hears
//! both, so nobody drives a run twice to learn that the job was taken.

use crate::error::RemixError;
use crate::job::{Job, JobStatus, RemixResult};

/// One thing that happened in a run, oldest first from
/// [`Driver::events`](super::Driver::events).
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The provider accepted the job and will make it (it may charge for
    /// it): all it takes to follow it again, after a reload. Said once per
    /// run, and never for a job done in its first answer.
    Accepted(Job),
    /// The job's state changed: the payload of `onUpdate`.
    Update(JobUpdate),
}

impl Event {
    /// The update this event is, if it is one.
    pub fn update(&self) -> Option<&JobUpdate> {
        match self {
            Self::Update(u) => Some(u),
            Self::Accepted(_) => None,
        }
    }
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
