//! When the driver sends next: the poll schedule, retries and their
//! waits, with jitter from the run's seed.

use super::{Driver, JobUpdate, State};
use crate::error::RemixError;

impl Driver {
    pub(super) fn rand(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11
    }

    /// `ms` ± 10%.
    pub(super) fn jitter(&mut self, ms: u64) -> u64 {
        let r = self.rand() % 201;
        ms * (900 + r) / 1000
    }

    pub(super) fn next_poll_wait(&mut self) -> u64 {
        let p = self.provider.info().poll;
        self.poll_wait = if self.poll_wait == 0 {
            u64::from(p.first_ms)
        } else {
            (self.poll_wait * u64::from(p.factor_percent) / 100).min(u64::from(p.max_ms))
        };
        let w = self.poll_wait;
        self.jitter(w)
    }

    /// Try the request in flight again after `wait_ms`, or give up with `err`.
    pub(super) fn retry_or_fail(&mut self, now: u64, wait_ms: u64, err: RemixError) {
        let at = now.saturating_add(wait_ms);
        match self.sent.take() {
            Some(req) if at < self.deadline => {
                self.failures += 1;
                self.stats.retries += 1;
                self.state = State::Send(at, req);
                // Say so: a wait of seconds with no word looks like a hang.
                let err = self.polish(err);
                self.retrying = Some((err.clone(), wait_ms));
                self.say(JobUpdate {
                    status: self.job.status,
                    queue_position: self.job.queue_position,
                    logs: self.flight.logs.clone(),
                    result: None,
                    error: Some(err),
                    retry_in_ms: Some(wait_ms),
                });
            }
            _ => self.finish(Err(err)),
        }
    }

    pub(super) fn backoff(&mut self) -> u64 {
        let base = 1000u64 << self.failures.min(5);
        self.jitter(base.min(30_000))
    }
}
