//! What the driver tells its caller: the job accepted, the updates, and
//! the run's end, each error completed with what is known of the job and
//! cleared of the key.

use super::{Driver, Event, JobUpdate, State};
use crate::error::{ErrorCode, RemixError};
use crate::job::{JobStatus, RemixResult};

/// `text` with every occurrence of `key` replaced by `***`.
fn mask(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = crate::error::find_sub(rest, key) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str("***");
        rest = rest.get(at + key.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

impl Driver {
    pub(super) fn finish(&mut self, r: Result<RemixResult, RemixError>) {
        let r = r.map_err(|e| self.polish(e));
        let (status, result, error) = match &r {
            Ok(res) => (JobStatus::Completed, Some(res.clone()), None),
            Err(e) if e.code == ErrorCode::Cancelled => {
                (JobStatus::Cancelled, None, Some(e.clone()))
            }
            Err(e) => (JobStatus::Failed, None, Some(e.clone())),
        };
        self.job.status = status;
        self.last = (status, self.job.queue_position, self.flight.logs.len());
        self.say(JobUpdate {
            status,
            queue_position: self.job.queue_position,
            logs: self.flight.logs.clone(),
            result,
            error,
            retry_in_ms: None,
        });
        self.state = State::Finished(r);
        self.sent = None;
    }

    pub(super) fn say(&mut self, update: JobUpdate) {
        self.events.push(Event::Update(update));
    }

    /// The job's state as the answers so far showed it: what `status`
    /// resolves with. A job that failed at the provider (or was refused for
    /// its content) is a state, `failed` with its error; a read that could
    /// not be made, or a cancelled one, is an error.
    pub fn observed(&self) -> Result<JobUpdate, RemixError> {
        let (mut result, mut error) = (None, None);
        let mut retry_in_ms = None;
        match &self.state {
            State::Finished(Ok(r)) => result = Some(r.clone()),
            State::Finished(Err(e))
                if !matches!(e.code, ErrorCode::JobFailed | ErrorCode::ContentViolation) =>
            {
                return Err(e.clone());
            }
            State::Finished(Err(e)) => error = Some(e.clone()),
            // A read that failed and waits to be sent again says so.
            _ => {
                if let Some((e, ms)) = &self.retrying {
                    error = Some(e.clone());
                    retry_in_ms = Some(*ms);
                }
            }
        }
        let status = self.job.status;
        Ok(JobUpdate {
            status,
            queue_position: self.job.queue_position.filter(|_| !status.is_terminal()),
            logs: self.flight.logs.clone(),
            result,
            error,
            retry_in_ms,
        })
    }

    /// Add what is known of the job, and make sure the key is in no message.
    /// A run that lost the network after the provider accepted the job
    /// hands the job back on the error: it may still finish, paid for.
    pub(super) fn polish(&self, mut e: RemixError) -> RemixError {
        if e.code == ErrorCode::Network && !self.job.id.is_empty() && e.job.is_none() {
            e.job = Some(Box::new(self.job.clone()));
        }
        if e.provider.is_none() {
            e.provider = Some(self.provider.info().id);
        }
        if e.request_id.is_none() {
            e.request_id = self
                .job
                .request_id
                .clone()
                .or_else(|| Some(self.job.id.clone()).filter(|s| !s.is_empty()));
        }
        if let Some(key) = &self.cfg.api_key {
            let k = key.expose().trim();
            if k.len() >= 4 {
                e.message = mask(&e.message, k);
            }
        }
        e
    }

    /// Say what changed since the last word, then, the first time the job
    /// has its id while it goes on, that the provider accepted it.
    pub(super) fn emit(&mut self) {
        let now = (
            self.job.status,
            self.job.queue_position,
            self.flight.logs.len(),
        );
        if now != self.last && !self.job.status.is_terminal() {
            self.last = now;
            self.say(JobUpdate {
                status: self.job.status,
                queue_position: self.job.queue_position,
                logs: self.flight.logs.clone(),
                result: None,
                error: None,
                retry_in_ms: None,
            });
        }
        if !self.told_accepted && !self.job.id.is_empty() {
            self.told_accepted = true;
            self.events.push(Event::Accepted(self.job.clone()));
        }
    }
}
