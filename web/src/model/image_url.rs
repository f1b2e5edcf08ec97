//! An image's address for `src` and `href`, freed when nothing shows it.

use std::fmt;
use std::sync::Arc;

/// An image's address. One the page made for bytes it holds (an object
/// URL) is freed, by the function it came with, once the last copy of it
/// is dropped: a tile removed for good, a result pushed out of the earlier
/// ones, a widget taken off its page. Any other URL is only text.
#[derive(Clone, Default)]
pub struct ImageUrl(Arc<Held>);

#[derive(Default)]
struct Held {
    url: String,
    free: Option<fn(&str)>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            free(&self.url);
        }
    }
}

impl ImageUrl {
    /// A URL from elsewhere (a provider's, one the user typed): nothing to free.
    pub fn new(url: impl Into<String>) -> Self {
        Self(Arc::new(Held {
            url: url.into(),
            free: None,
        }))
    }

    /// A URL the page made, freed by `free` once no copy is left.
    pub fn freed_by(url: String, free: fn(&str)) -> Self {
        Self(Arc::new(Held {
            url,
            free: Some(free),
        }))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0.url
    }

    /// No address (nothing could be shown).
    pub fn is_empty(&self) -> bool {
        self.0.url.is_empty()
    }
}

impl PartialEq for ImageUrl {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ImageUrl {}

impl fmt::Debug for ImageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    static FREED: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn a_made_url_is_freed_once_when_its_last_copy_goes() {
        let url = ImageUrl::freed_by("blob:1".into(), |_| {
            FREED.fetch_add(1, Ordering::SeqCst);
        });
        let copy = url.clone();
        drop(url);
        assert_eq!(FREED.load(Ordering::SeqCst), 0);
        assert_eq!(copy.as_str(), "blob:1");
        drop(copy);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }
}
