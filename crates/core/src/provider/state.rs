//! What a provider keeps on a job between two requests, beside it and not
//! inside the job's module: the job carries it, the provider that put it
//! there reads it back, and neither reaches into the other for it.

use std::fmt;

use super::RemixInput;
use crate::http::HttpRequest;

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

/// Uploads still to do before the run request: kept on the job as its
/// provider state (never in its JSON).
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
