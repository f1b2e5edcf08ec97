//! The day's spend and quotas for the native server: one [`Ledger`] behind
//! a mutex, so concurrent submissions racing for the last cents never
//! overspend, kept in `--state FILE` (written atomically after each
//! submission, read at start). A file that cannot be read is reported and
//! submissions are refused (`state_unreadable`) until the owner fixes or
//! removes it: forgetting the day's spend would let it be spent twice.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::refusal::{Code, Refusal};
use crate::spend::{Admitted, Ledger, Limits};

/// The ledger and where it is kept.
pub struct Spend {
    limits: Limits,
    path: Option<PathBuf>,
    inner: Mutex<Inner>,
}

struct Inner {
    ledger: Ledger,
    /// Why the state file cannot be used, while it cannot.
    broken: Option<String>,
}

impl Spend {
    /// The ledger from `path` (none, or a missing file: empty).
    pub fn open(limits: Limits, path: Option<PathBuf>) -> Self {
        let (ledger, broken) = match path.as_deref().map(read) {
            None | Some(Ok(None)) => (Ledger::default(), None),
            Some(Ok(Some(l))) => (l, None),
            Some(Err(why)) => {
                eprintln!(
                    "reve-remix-proxy: the --state file {} cannot be used ({why}); job submissions are refused (state_unreadable) until it is fixed or removed",
                    path.as_deref()
                        .map_or(String::new(), |p| p.display().to_string())
                );
                (Ledger::default(), Some(why))
            }
        };
        Self {
            limits,
            path,
            inner: Mutex::new(Inner { ledger, broken }),
        }
    }

    /// Let a submission through, or refuse it; kept in the state file.
    pub fn admit(&self, now: u64, client: &str, cost: u64) -> Result<Admitted, Refusal> {
        let mut inner = self.inner.lock().map_err(|_| {
            Refusal::new(
                Code::StateUnreadable,
                "The proxy's ledger failed; restart it.",
            )
        })?;
        if let Some(why) = inner.broken.clone() {
            // Fixed or removed since? Then go on from what it holds.
            match self.path.as_deref().map(read) {
                Some(Ok(found)) => {
                    inner.ledger = found.unwrap_or_default();
                    inner.broken = None;
                }
                _ => {
                    return Err(Refusal::new(
                        Code::StateUnreadable,
                        [
                            "The proxy cannot read its --state file (",
                            &why,
                            "), so it cannot tell what today has cost: submissions wait until its owner fixes or removes the file.",
                        ]
                        .concat(),
                    ));
                }
            }
        }
        let admitted = inner.ledger.admit(now, client, cost, &self.limits)?;
        if let Some(path) = &self.path
            && let Err(e) = write(path, &inner.ledger.to_json())
        {
            eprintln!(
                "reve-remix-proxy: cannot write the --state file {}: {e}",
                path.display()
            );
        }
        Ok(admitted)
    }

    /// `GET /_remix/usage`'s answer.
    pub fn usage(&self, now: u64) -> Vec<u8> {
        match self.inner.lock() {
            Ok(inner) => inner.ledger.usage_json(now, &self.limits),
            Err(_) => b"{}".to_vec(),
        }
    }
}

/// The ledger in `path`: `None` when there is no file.
fn read(path: &Path) -> Result<Option<Ledger>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ledger::from_json(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Write `bytes` to `path` whole or not at all: a temporary file beside it,
/// synced, then renamed over it.
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
