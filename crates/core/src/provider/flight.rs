//! What the driver keeps about a job in flight, beside the job: the job
//! itself is exactly what its JSON holds (it is kept, sent to JS and read
//! back after a reload), while the kind of request awaited, the log lines,
//! a result seen early and what a provider keeps between two requests live
//! only as long as the run that follows it. A provider reads and writes
//! both; the job's module knows nothing of this one.

use std::fmt;

use super::RemixInput;
use crate::http::{HttpRequest, RequestKind};
use crate::job::ResultImage;

/// What the driver keeps about a job while it follows it, besides the job:
/// never serialised, gone with the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    /// The kind of the request whose answer is awaited.
    pub phase: RequestKind,
    /// The provider's log lines so far.
    pub logs: Vec<String>,
    /// A result seen before the job reported completion (streams).
    pub(crate) output: Option<ResultImage>,
    /// What the provider keeps between requests (inference.sh: the
    /// uploads still to send; Pixazo: its other route).
    pub(crate) kept: ProviderState,
}

impl Flight {
    /// A run about to send a request of `phase`, with nothing kept yet.
    pub fn awaiting(phase: RequestKind) -> Self {
        Self {
            phase,
            logs: Vec::new(),
            output: None,
            kept: ProviderState::None,
        }
    }
}

impl Default for Flight {
    /// A run about to submit.
    fn default() -> Self {
        Self::awaiting(RequestKind::Submit)
    }
}

/// What a provider keeps on a job between two requests: one plain value per
/// provider that needs one, read back by matching. Never in the job's JSON;
/// `Debug` names only its kind (an upload's bytes and a request's key stay
/// out of logs).
#[derive(Clone, Default, PartialEq)]
pub(crate) enum ProviderState {
    /// Nothing kept.
    #[default]
    None,
    /// inference.sh: the files still to upload before the run request.
    Uploads(Box<Uploads>),
    /// Pixazo: the submit to its other route, sent once if the first
    /// answers 404.
    Fallback(Box<HttpRequest>),
}

impl ProviderState {
    /// inference.sh's uploads in progress, if that is what is kept.
    pub(crate) fn uploads_mut(&mut self) -> Option<&mut Uploads> {
        match self {
            Self::Uploads(up) => Some(up),
            _ => None,
        }
    }

    /// Take what is kept, leaving nothing.
    pub(crate) fn take(&mut self) -> Self {
        std::mem::take(self)
    }

    /// Forget the state.
    pub(crate) fn clear(&mut self) {
        *self = Self::None;
    }
}

impl fmt::Debug for ProviderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::Uploads(_) => "Uploads(..)",
            Self::Fallback(_) => "Fallback(..)",
        })
    }
}

/// Uploads still to do before the run request: kept in the run's
/// [`Flight`] (never in the job's JSON).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Uploads {
    pub(crate) input: RemixInput,
    /// MIME type per image (`None` for URLs).
    pub(crate) mimes: Vec<Option<&'static str>>,
    /// URI per image once known (URLs: the URL itself).
    pub(crate) uris: Vec<Option<String>>,
    /// `(image index, presigned URL)` in order.
    pub(crate) targets: Vec<(usize, String)>,
    /// Index into `targets` of the upload in flight.
    pub(crate) next: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    #[test]
    fn what_a_provider_keeps_is_read_back_by_its_kind_and_never_shown() {
        let secret = HttpRequest::new(RequestKind::Submit, Method::Post, "https://x/")
            .with_header("Ocp-Apim-Subscription-Key", "k3y-in-state");
        let mut flight = Flight {
            kept: ProviderState::Fallback(Box::new(secret.clone())),
            ..Flight::default()
        };
        assert!(!format!("{flight:?}").contains("k3y"), "{flight:?}");
        assert_eq!(flight.kept.uploads_mut(), None, "read back by its kind");
        assert_eq!(
            flight.kept.take(),
            ProviderState::Fallback(Box::new(secret))
        );
        assert_eq!(flight.kept, ProviderState::None);
    }
}
