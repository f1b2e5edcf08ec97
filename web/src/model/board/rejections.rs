//! The files the board turned away, and "Shrink and add": the ones too
//! large keep their bytes until they are fitted (by hand, or by the
//! widget's `auto-fit`) and join the board, or the fit says why not.

use std::fmt;
use std::sync::Arc;

use super::{Accepts, Board, ReadFile};

/// A file that was not added, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The file name (or URL) as given.
    pub name: String,
    /// What was wrong and what to do, from the core.
    pub reason: String,
    /// The file, kept while "Shrink and add" is offered (too large only).
    pub original: Option<Original>,
    /// "Shrink and add" is at work on it.
    pub shrinking: bool,
    /// Fitted without asking (the widget's `auto-fit`): not listed unless
    /// the fit fails.
    pub quiet: bool,
}

/// A rejected file's bytes (shown in `Debug` by their length only).
#[derive(Clone, PartialEq, Eq)]
pub struct Original(pub Arc<[u8]>);

impl fmt::Debug for Original {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Original({} bytes)", self.0.len())
    }
}

impl Board {
    /// "Dismiss": forget the rejected files.
    pub fn dismiss_rejections(&mut self) {
        self.rejected.clear();
    }

    /// Mark rejected file `index` as being shrunk. Its name and bytes, if it
    /// is one "Shrink and add" is offered for.
    pub fn start_shrinking(&mut self, index: usize) -> Option<(String, Arc<[u8]>)> {
        let entry = self.rejected.get_mut(index)?;
        let bytes = entry.original.as_ref()?.0.clone();
        entry.shrinking = true;
        Some((entry.name.clone(), bytes))
    }

    /// The files `auto-fit` is to shrink without asking, marked as being
    /// shrunk: their names and bytes.
    pub fn start_quiet_fits(&mut self) -> Vec<(String, Arc<[u8]>)> {
        let waiting = self.rejected.iter_mut().filter(|r| r.quiet && !r.shrinking);
        waiting
            .filter_map(|r| {
                r.shrinking = true;
                Some((r.name.clone(), r.original.as_ref()?.0.clone()))
            })
            .collect()
    }

    /// The shrink of `original` ended: its smaller copy goes through the
    /// checks like any file (its tile saying what it was shrunk from), or
    /// its entry says why not (`Err`: the whole reason).
    pub fn shrunk(
        &mut self,
        original: &Arc<[u8]>,
        outcome: Result<ReadFile, String>,
        accepts: &Accepts,
    ) {
        match outcome {
            Ok(file) => {
                if let Some(i) = self.shrinking(original) {
                    self.rejected.remove(i);
                }
                if self.add_read(file, accepts) {
                    self.last_shrunk_from(original.len());
                }
            }
            Err(why) => self.shrink_failed(original, why),
        }
    }

    /// The shrink of `original` failed: its entry says why (`why`, the
    /// whole reason) and offers it no more.
    pub fn shrink_failed(&mut self, original: &Arc<[u8]>, why: String) {
        if let Some(entry) = self.shrinking(original).map(|i| &mut self.rejected[i]) {
            entry.reason = why;
            entry.original = None;
            entry.shrinking = false;
            entry.quiet = false;
        }
    }

    /// Where the entry of `original` is now (a dismiss or another add may
    /// have moved it).
    fn shrinking(&self, original: &Arc<[u8]>) -> Option<usize> {
        self.rejected.iter().position(|r| {
            r.original
                .as_ref()
                .is_some_and(|o| Arc::ptr_eq(&o.0, original))
        })
    }

    /// The last tile added was shrunk from a file of `bytes` (a restored board).
    pub fn last_shrunk_from(&mut self, bytes: usize) {
        if let Some(tile) = self.images.last_mut() {
            tile.shrunk_from = Some(bytes);
        }
    }
}
