//! Where log lines go: gathered in memory and written to stdout by a
//! thread of its own every few milliseconds. A write (or a thread woken)
//! per request would cost more than the forwarding itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the log is written out.
const EVERY: Duration = Duration::from_millis(20);

/// The log: cheap to clone, shared by every thread.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<String>>);

impl Log {
    /// A log with its writing thread running.
    pub fn start() -> Self {
        let log = Self::default();
        let pending = log.0.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut batch = String::new();
            loop {
                std::thread::sleep(EVERY);
                if let Ok(mut p) = pending.lock() {
                    std::mem::swap(&mut *p, &mut batch);
                }
                if !batch.is_empty() {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(batch.as_bytes());
                    let _ = out.flush();
                    batch.clear();
                }
            }
        });
        log
    }

    /// Add one line.
    pub fn line(&self, line: &str) {
        if let Ok(mut p) = self.0.lock() {
            p.push_str(line);
            p.push('\n');
        }
    }
}
