//! What the driver tells its caller: the updates, and the run's end, each
//! error completed with what is known of the job and cleared of the key.

use super::{Driver, State};
use crate::error::{ErrorCode, RemixError};
use crate::job::{JobStatus, JobUpdate, RemixResult};

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
        self.last = (status, self.job.queue_position, self.job.logs.len());
        self.updates.push(JobUpdate {
            status,
            queue_position: self.job.queue_position,
            logs: self.job.logs.clone(),
            result,
            error,
            retry_in_ms: None,
        });
        self.state = State::Finished(r);
        self.sent = None;
    }

    /// Add what is known of the job, and make sure the key is in no message.
    pub(super) fn polish(&self, mut e: RemixError) -> RemixError {
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

    pub(super) fn emit(&mut self) {
        let now = (
            self.job.status,
            self.job.queue_position,
            self.job.logs.len(),
        );
        if now != self.last && !self.job.status.is_terminal() {
            self.last = now;
            self.updates.push(JobUpdate {
                status: self.job.status,
                queue_position: self.job.queue_position,
                logs: self.job.logs.clone(),
                result: None,
                error: None,
                retry_in_ms: None,
            });
        }
    }
}
