//! What a caller hands in: the [`RemixInput`] (prompt, reference images,
//! options) and the [`Config`] that says where and how to reach a provider.

use std::fmt;
use std::sync::Arc;

use crate::http::Secret;
use crate::id::{ModelId, ProviderId};

/// One reference image.
#[derive(Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A local file's bytes, with its name for messages. Shared, not
    /// copied: an input is built again for every check (a form runs
    /// [`problems`](super::problems) on each keystroke) and kept for
    /// inference.sh's uploads.
    Bytes {
        /// The file's bytes.
        data: Arc<[u8]>,
        /// The file name, if known.
        name: Option<String>,
    },
    /// A public URL.
    Url(String),
}

impl fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes { data, name } => write!(f, "Bytes({name:?}, {} bytes)", data.len()),
            Self::Url(u) => write!(f, "Url({u:?})"),
        }
    }
}

/// What to make: DESIGN.md's `RemixInput`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemixInput {
    /// The prompt; `<img>N</img>` refers to image N.
    pub prompt: String,
    /// 1..=max_images reference images, in order.
    pub images: Vec<ImageSource>,
    /// One of [`ProviderInfo::aspect_ratios`](super::ProviderInfo::aspect_ratios).
    pub aspect_ratio: Option<String>,
    /// Model version, e.g. `latest`.
    pub version: Option<String>,
    /// Reve and inference.sh: more compute for quality.
    pub test_time_scaling: Option<u32>,
    /// Reve and inference.sh: upscale 2..=4.
    pub upscale_factor: Option<u32>,
    /// Reve and inference.sh: transparent background (only `true` is sent).
    pub remove_background: Option<bool>,
    /// fal: `png`/`jpeg`/`webp`; OneRouter: `url`/`b64_json`.
    pub output_format: Option<String>,
}

/// Where and how to reach a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The provider.
    pub provider: ProviderId,
    /// The model; `None`: the provider's default (`models[0]`).
    pub model: Option<ModelId>,
    /// The key (not needed with `proxy_url`: the proxy adds it).
    pub api_key: Option<Secret>,
    /// Replaces the provider's origin; may carry a path prefix.
    pub base_url: Option<String>,
    /// Send every request here, the real URL in [`PROXY_TARGET_HEADER`](super::PROXY_TARGET_HEADER),
    /// without the key.
    pub proxy_url: Option<String>,
    /// Randomness for ids the client picks itself (Runware's `taskUUID`).
    /// The driver mixes its seed in; `0` is fine for a request only built.
    pub nonce: u64,
}

impl Config {
    /// A config for `provider` with a key.
    pub fn new(provider: ProviderId, api_key: &str) -> Self {
        Self {
            provider,
            api_key: Some(Secret::new(api_key)),
            ..Self::default()
        }
    }

    /// The proxy URL, when one is set (blank counts as none).
    pub(crate) fn proxy(&self) -> Option<&str> {
        self.proxy_url
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

impl Default for Config {
    /// Reve's own API with no key: a starting point for `..Config::default()`.
    fn default() -> Self {
        Self {
            provider: ProviderId::Reve,
            model: None,
            api_key: None,
            base_url: None,
            proxy_url: None,
            nonce: 0,
        }
    }
}
