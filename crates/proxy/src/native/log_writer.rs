//! Where log lines go: gathered in memory, one buffer per server thread,
//! and written to stdout by a thread of its own every few milliseconds. A
//! write (or a thread woken) per request would cost more than the
//! forwarding itself, and one buffer shared by every server thread is a
//! lock they would take turns at.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the log is written out.
const EVERY: Duration = Duration::from_millis(20);

type Buffer = Arc<Mutex<String>>;

/// The log: hands each server thread its own [`Lines`].
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Buffer>>>);

/// One server thread's lines, waiting to be written.
pub struct Lines(Buffer);

impl Log {
    /// A log with its writing thread running.
    pub fn start() -> Self {
        let log = Self::default();
        let buffers = log.0.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut batch = String::new();
            loop {
                std::thread::sleep(EVERY);
                let buffers = buffers.lock().map(|b| b.clone()).unwrap_or_default();
                for buffer in buffers {
                    if let Ok(mut lines) = buffer.lock() {
                        std::mem::swap(&mut *lines, &mut batch);
                    }
                    if !batch.is_empty() {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(batch.as_bytes());
                        let _ = out.flush();
                        batch.clear();
                    }
                }
            }
        });
        log
    }

    /// A new thread's lines.
    pub fn lines(&self) -> Lines {
        let buffer = Buffer::default();
        if let Ok(mut all) = self.0.lock() {
            all.push(buffer.clone());
        }
        Lines(buffer)
    }
}

impl Lines {
    /// Add one line, written by `write` (without its newline).
    pub fn add(&self, write: impl FnOnce(&mut String)) {
        if let Ok(mut lines) = self.0.lock() {
            write(&mut lines);
            lines.push('\n');
        }
    }
}
