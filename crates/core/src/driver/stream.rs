//! Status streams (fal's server-sent events, inference.sh's NDJSON): the
//! lines as they come, and the stream's end.

use super::{Driver, State};
use crate::http::RequestKind;

impl Driver {
    /// Feed one line of the open stream. Returns `false` when the stream
    /// should be closed (the driver has what it needs, or failed).
    pub fn on_stream_line(&mut self, now_ms: u64, line: &[u8]) -> bool {
        if !matches!(self.state, State::InFlight) || self.flight.phase != RequestKind::Stream {
            return false;
        }
        let line = line.trim_ascii();
        if line.is_empty() {
            return true;
        }
        self.stream_lines += 1;
        match self
            .provider
            .on_stream_line(&mut self.job, &mut self.flight, &self.cfg, line)
        {
            Ok(None) => {
                self.emit();
                true
            }
            Ok(Some(step)) => {
                self.sent = None;
                self.apply(now_ms, Ok(step));
                false
            }
            Err(e) => {
                self.sent = None;
                self.finish(Err(e));
                false
            }
        }
    }

    /// Report that the open stream ended (closed, aborted after its
    /// timeout, or broken) without `on_stream_line` asking to stop.
    pub fn on_stream_end(&mut self, now_ms: u64) {
        if !matches!(self.state, State::InFlight) || self.flight.phase != RequestKind::Stream {
            return;
        }
        if self.stream_lines == 0 {
            self.stream_allowed = false;
        }
        self.sent = None;
        self.state = State::PollAt(now_ms);
    }
}
