//! Shared state: jobs, rendered results and inference.sh uploads, each kept
//! in a bounded store so a long-running mock does not grow without end.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::Config;
use crate::scenario::Scenario;

const MAX_JOBS: usize = 2000;
const MAX_RESULTS: usize = 300;
const MAX_FILES: usize = 200;

/// A map that forgets its oldest entries beyond `cap`.
pub struct Store<T> {
    map: HashMap<String, T>,
    order: VecDeque<String>,
    cap: usize,
}

impl<T> Store<T> {
    fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    pub fn insert(&mut self, id: String, value: T) {
        if self.map.insert(id.clone(), value).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > self.cap {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.map.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.map.get_mut(id)
    }
}

/// A rendered result image.
pub struct Stored {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// An inference.sh file record: created by `POST /files`, filled by the PUT.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Option<Arc<Vec<u8>>>,
}

/// What `AppState::file` answers.
pub struct FileRecord {
    pub content_type: String,
    pub bytes: Option<Arc<Vec<u8>>>,
}

/// How a job ends once its time is up.
#[derive(Clone, Debug)]
pub enum Outcome {
    Success,
    Fail(String),
    Violation(String),
}

/// One result image of a job.
#[derive(Clone, Debug)]
pub struct ResultRef {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    pub size: usize,
}

/// A queued job of any provider.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub provider: &'static str,
    pub created: Instant,
    pub created_at: SystemTime,
    pub duration: Duration,
    pub stuck: bool,
    pub outcome: Outcome,
    pub cancelled: Option<SystemTime>,
    pub input: Value,
    pub results: Vec<ResultRef>,
    /// The path prefix the job was submitted under (`/pixazo` or `/pixazo-edit`).
    pub prefix: String,
    pub image_count: usize,
    pub scenario: Scenario,
}

/// Where a job is, derived from the time since submit.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Waiting; `position` counts down to 0.
    Queued {
        position: u32,
    },
    /// Working; `progress` in 0..1.
    Running {
        progress: f64,
    },
    Completed,
    Failed(String),
    Violation(String),
    Cancelled,
}

impl Phase {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed(_) | Self::Violation(_) | Self::Cancelled
        )
    }
}

/// The share of a job's time spent in the queue.
pub const QUEUE_SHARE: f64 = 0.3;
/// Queue positions shown, counting down to 0.
pub const QUEUE_LENGTH: u32 = 3;
/// Where a stuck job stops.
const STUCK_AT: f64 = 0.8;

impl Job {
    /// Fraction of the job's time gone, 0..=1 (stuck jobs stop short of 1).
    pub fn fraction(&self, now: Instant) -> f64 {
        let total = self.duration.as_secs_f64();
        let f = if total <= 0.0 {
            1.0
        } else {
            (now - self.created).as_secs_f64() / total
        };
        let f = f.clamp(0.0, 1.0);
        if self.stuck { f.min(STUCK_AT) } else { f }
    }

    pub fn phase(&self, now: Instant) -> Phase {
        if self.cancelled.is_some() {
            return Phase::Cancelled;
        }
        let f = self.fraction(now);
        if f < QUEUE_SHARE {
            Phase::Queued {
                position: queue_position(f),
            }
        } else if f < 1.0 {
            Phase::Running {
                progress: (f - QUEUE_SHARE) / (1.0 - QUEUE_SHARE),
            }
        } else {
            match &self.outcome {
                Outcome::Success => Phase::Completed,
                Outcome::Fail(m) => Phase::Failed(m.clone()),
                Outcome::Violation(m) => Phase::Violation(m.clone()),
            }
        }
    }

    /// When the job started running, if it has.
    pub fn started_at(&self, now: Instant) -> Option<SystemTime> {
        (self.fraction(now) >= QUEUE_SHARE)
            .then(|| self.created_at + self.duration.mul_f64(QUEUE_SHARE))
    }

    /// When the job reached its terminal state, if it has.
    pub fn finished_at(&self, now: Instant) -> Option<SystemTime> {
        if let Some(t) = self.cancelled {
            return Some(t);
        }
        (self.phase(now).is_terminal()).then(|| self.created_at + self.duration)
    }

    /// The log lines written so far, with their times.
    pub fn logs(&self, now: Instant) -> Vec<(String, SystemTime)> {
        let f = self.fraction(now);
        let steps = 4;
        let mut lines: Vec<(f64, String)> = vec![
            (QUEUE_SHARE, "Starting Reve Remix (mock)".to_string()),
            (
                0.4,
                format!("Loading {} reference image(s)", self.image_count),
            ),
            (0.5, "Encoding prompt".to_string()),
        ];
        for k in 1..=steps {
            lines.push((
                0.5 + 0.1 * f64::from(k),
                format!("Denoising step {k}/{steps}"),
            ));
        }
        lines.push((0.95, "Encoding the result".to_string()));
        lines
            .into_iter()
            .filter(|(at, _)| *at <= f)
            .map(|(at, msg)| (msg, self.created_at + self.duration.mul_f64(at)))
            .collect()
    }
}

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: Config,
    jobs: Mutex<Store<Job>>,
    results: Mutex<Store<Arc<Stored>>>,
    files: Mutex<Store<Upload>>,
    seq: AtomicU64,
    seed: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed);
        Self(Arc::new(Inner {
            config,
            jobs: Mutex::new(Store::new(MAX_JOBS)),
            results: Mutex::new(Store::new(MAX_RESULTS)),
            files: Mutex::new(Store::new(MAX_FILES)),
            seq: AtomicU64::new(1),
            seed,
        }))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// 128 fresh pseudo-random bits (unique per call).
    pub fn random(&self) -> u128 {
        let n = self.0.seq.fetch_add(1, Ordering::Relaxed);
        let a = splitmix(self.0.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let b = splitmix(a ^ n);
        (u128::from(a) << 64) | u128::from(b)
    }

    /// A UUID-shaped id (version 4 layout).
    pub fn uuid(&self) -> String {
        let r = self.random();
        let hex = format!("{r:032x}");
        format!(
            "{}-{}-4{}-8{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// A short lowercase alphanumeric id (Replicate / inference.sh style).
    pub fn short_id(&self, len: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
        let mut r = self.random();
        (0..len)
            .map(|_| {
                let c = ALPHABET[(r % 32) as usize] as char;
                r /= 32;
                c
            })
            .collect()
    }

    pub fn insert_job(&self, job: Job) {
        lock(&self.0.jobs).insert(job.id.clone(), job);
    }

    pub fn job(&self, provider: &str, id: &str) -> Option<Job> {
        lock(&self.0.jobs)
            .get(id)
            .filter(|j| j.provider == provider)
            .cloned()
    }

    /// Cancel a job that has not finished; the job as it is afterwards.
    pub fn cancel_job(&self, provider: &str, id: &str) -> Option<(Job, bool)> {
        let mut jobs = lock(&self.0.jobs);
        let job = jobs.get_mut(id).filter(|j| j.provider == provider)?;
        let was_terminal = job.phase(Instant::now()).is_terminal();
        if !was_terminal {
            job.cancelled = Some(SystemTime::now());
        }
        Some((job.clone(), !was_terminal))
    }

    pub fn insert_result(&self, id: String, stored: Arc<Stored>) {
        lock(&self.0.results).insert(id, stored);
    }

    pub fn result(&self, id: &str) -> Option<Arc<Stored>> {
        lock(&self.0.results).get(id).cloned()
    }

    pub fn insert_file(&self, id: String, upload: Upload) {
        lock(&self.0.files).insert(id, upload);
    }

    /// Store uploaded bytes; false if no such file record.
    pub fn fill_file(&self, id: &str, bytes: Vec<u8>) -> bool {
        match lock(&self.0.files).get_mut(id) {
            Some(f) => {
                f.bytes = Some(Arc::new(bytes));
                true
            }
            None => false,
        }
    }

    /// A file record: its content type, and its bytes once uploaded.
    pub fn file(&self, id: &str) -> Option<FileRecord> {
        lock(&self.0.files).get(id).map(|f| FileRecord {
            content_type: f.content_type.clone(),
            bytes: f.bytes.clone(),
        })
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `2026-01-15T10:30:05.123Z`
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Seconds since the epoch.
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

// Howard Hinnant's days → civil date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The place in the queue at `fraction` (below [`QUEUE_SHARE`]) of a
/// job's time: [`QUEUE_LENGTH`] slots ahead of it count down 2, 1, 0.
fn queue_position(fraction: f64) -> u32 {
    let left = (QUEUE_SHARE - fraction) / QUEUE_SHARE * f64::from(QUEUE_LENGTH);
    (left.ceil() as u32).saturating_sub(1).min(QUEUE_LENGTH - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_position_counts_down_and_never_goes_up() {
        let third = QUEUE_SHARE / 3.0;
        assert_eq!(queue_position(0.0), 2);
        assert_eq!(queue_position(third * 1.5), 1);
        assert_eq!(queue_position(third * 2.5), 0);
        let sweep: Vec<u32> = (0..300)
            .map(|i| queue_position(QUEUE_SHARE * f64::from(i) / 300.0))
            .collect();
        assert!(sweep.windows(2).all(|w| w[0] >= w[1]), "{sweep:?}");
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20.000Z"
        );
    }
}
