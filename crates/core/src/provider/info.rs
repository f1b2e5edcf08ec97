//! A provider's table entry, [`ProviderInfo`], and the small types it is
//! made of: the models it sells ([`ModelInfo`]: images, formats, prompt,
//! options), how it is reached (auth, CORS, routes) and how it is followed
//! (poll policy, retry header). [`COMMON`] holds what the providers share;
//! [`REVE_REMIX`] and [`REVE_2_1`] what every host of a model shares.

use crate::error::ErrorCode;
use crate::http::Method;
use crate::id::{ModelId, ProviderId};
use crate::image::{ImageFormat, ImageLimits};
use crate::prompt::ReferenceSyntax;

/// One request a provider's API takes: a method and a path pattern where
/// `*` stands for one path segment (an id). The provider builds only
/// requests on its routes (tested), and the proxy forwards only those.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path, `/`-separated; `*` is one segment of `[A-Za-z0-9._~-]`.
    pub path: &'static str,
}

impl Route {
    /// `POST path`
    pub const fn post(path: &'static str) -> Self {
        Self {
            method: Method::Post,
            path,
        }
    }

    /// `GET path`
    pub const fn get(path: &'static str) -> Self {
        Self {
            method: Method::Get,
            path,
        }
    }

    /// `PUT path`
    pub const fn put(path: &'static str) -> Self {
        Self {
            method: Method::Put,
            path,
        }
    }

    /// True if `path` (no query) fits the pattern, segment by segment.
    /// Strict on purpose: a `*` never matches an empty segment, `.` or
    /// `..`, or anything percent-encoded.
    pub fn matches_path(&self, path: &str) -> bool {
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some("*"), Some(seg)) => {
                    let id_like = !seg.is_empty()
                        && seg != "."
                        && seg != ".."
                        && seg
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b));
                    if !id_like {
                        return false;
                    }
                }
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    }
}

/// How a provider wants reference images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageTransport {
    /// Raw base64 of the file in the JSON body, no `data:` prefix (Reve).
    Base64,
    /// A public URL, or the file as a `data:` URI in the JSON body.
    DataUrl,
    /// A public HTTPS URL only (Pixazo).
    Url,
    /// Files are uploaded first and referred to by the URI the upload
    /// answers (inference.sh); URLs pass through.
    Upload,
}

impl ImageTransport {
    /// The name JS sees in `ProviderInfo.imageTransport`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Base64 => "base64",
            Self::DataUrl => "data-url",
            Self::Url => "url",
            Self::Upload => "upload",
        }
    }
}

/// Whether a provider answers browsers' CORS preflights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cors {
    /// Documented to work from a browser.
    Yes,
    /// Known not to: use `proxyUrl`.
    No,
    /// Not documented either way.
    Unknown,
}

impl Cors {
    /// `"yes"`, `"no"` or `"unknown"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }
}

/// How the API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`
    Bearer,
    /// `Authorization: Key <key>` (fal)
    Key,
    /// `Authorization: <key>` (OneRouter)
    Raw,
    /// `Ocp-Apim-Subscription-Key: <key>` (Pixazo)
    SubscriptionKey,
}

impl AuthScheme {
    /// The header the key goes in.
    pub const fn header(self) -> &'static str {
        match self {
            Self::SubscriptionKey => "Ocp-Apim-Subscription-Key",
            _ => "Authorization",
        }
    }

    /// The header's value for `key`.
    pub fn value(self, key: &str) -> String {
        match self {
            Self::Bearer => ["Bearer ", key].concat(),
            Self::Key => ["Key ", key].concat(),
            Self::Raw | Self::SubscriptionKey => key.to_string(),
        }
    }
}

/// The options of a [`RemixInput`](super::RemixInput) beyond prompt and images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RemixOption {
    /// `aspectRatio`
    AspectRatio,
    /// `version`
    Version,
    /// `testTimeScaling`
    TestTimeScaling,
    /// `upscaleFactor`
    UpscaleFactor,
    /// `removeBackground`
    RemoveBackground,
    /// `outputFormat`
    OutputFormat,
}

impl RemixOption {
    /// The option's name in the JS API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AspectRatio => "aspectRatio",
            Self::Version => "version",
            Self::TestTimeScaling => "testTimeScaling",
            Self::UpscaleFactor => "upscaleFactor",
            Self::RemoveBackground => "removeBackground",
            Self::OutputFormat => "outputFormat",
        }
    }
}

/// How often to read a job's status when there is no stream: the first
/// read after `first_ms`, each wait `factor_percent`% of the one before,
/// never more than `max_ms`; ±10% jitter on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    /// The first wait.
    pub first_ms: u32,
    /// Growth per poll, in percent (150 = ×1.5).
    pub factor_percent: u32,
    /// The longest wait.
    pub max_ms: u32,
}

impl PollPolicy {
    /// Used by providers with no advice of their own: 0.5 s, ×1.5, at most
    /// 5 s. A 30 s job takes about 10 status reads, found ≤ 5 s late.
    pub const DEFAULT: Self = Self {
        first_ms: 500,
        factor_percent: 150,
        max_ms: 5000,
    };
}

/// The seven aspect ratios every provider documents.
pub const ASPECT_RATIOS: &[&str] = &["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];
/// The five formats of the README (decided by the bytes).
pub const ALL_FORMATS: &[ImageFormat] = &[
    ImageFormat::Png,
    ImageFormat::Jpeg,
    ImageFormat::Webp,
    ImageFormat::Avif,
    ImageFormat::Heif,
];

/// Reve 2.1's aspect ratios: 17 and `auto` (Reve's v2 SDK, `types.ts`;
/// fal's, Replicate's and Runware's schemas list the same).
pub const ASPECT_RATIOS_2_1: &[&str] = &[
    "auto", "4:1", "3:1", "21:9", "2:1", "17:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4",
    "2:3", "9:16", "1:2", "1:3", "1:4",
];

/// What the README's "Common to all" says of Reve Remix, and what most of
/// its hosts share: each host's model entry names only what differs
/// (`..REVE_REMIX`), so a difference stands out.
pub const REVE_REMIX: ModelInfo = ModelInfo {
    id: ModelId::ReveRemix,
    slug: "",
    submit: "",
    max_images: 4,
    formats: ALL_FORMATS,
    prompt_max_chars: crate::prompt::MAX_PROMPT_CHARS,
    reference_syntax: ReferenceSyntax::ImgTag,
    aspect_ratios: ASPECT_RATIOS,
    options: &[RemixOption::AspectRatio],
    test_time_scaling: None,
    output_formats: &[],
};

/// What every host of Reve 2.1 documents: up to 8 references written
/// `<frame>N</frame>`, a prompt of up to 4,000 characters, 17 aspect ratios
/// and `auto`. A host that differs says so in its own entry.
pub const REVE_2_1: ModelInfo = ModelInfo {
    id: ModelId::Reve21,
    slug: "",
    submit: "",
    max_images: 8,
    formats: ALL_FORMATS,
    prompt_max_chars: crate::prompt::MAX_PROMPT_CHARS_2_1,
    reference_syntax: ReferenceSyntax::FrameTag,
    aspect_ratios: ASPECT_RATIOS_2_1,
    options: &[RemixOption::AspectRatio],
    test_time_scaling: None,
    output_formats: &[],
};

/// What most providers share: each provider's `INFO` names its own id,
/// name, origin and models and only what differs from this (`..COMMON`).
pub const COMMON: ProviderInfo = ProviderInfo {
    id: ProviderId::Reve,
    name: "",
    base_url: "",
    model: REVE_REMIX,
    models: &[],
    notice: None,
    limits: ImageLimits::REVE,
    transport: ImageTransport::DataUrl,
    asynchronous: false,
    auth: AuthScheme::Bearer,
    cors: Cors::Unknown,
    forbidden: ErrorCode::Unauthorized,
    poll: PollPolicy::DEFAULT,
    routes: &[],
    fallback_submit: None,
    submit_marker: None,
    retry_header: None,
};

/// One model as one host sells it: what it takes there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelInfo {
    /// Which model.
    pub id: ModelId,
    /// The host's own name for it (a path, a model field, an AIR id); each
    /// provider module reads it where its protocol names the model.
    pub slug: &'static str,
    /// The path (relative to `base_url`) a job of this model is submitted
    /// to with a POST: what a proxy counts and prices as one submission.
    pub submit: &'static str,
    /// Most reference images per request.
    pub max_images: usize,
    /// Accepted formats.
    pub formats: &'static [ImageFormat],
    /// Longest prompt, in Unicode scalar values.
    pub prompt_max_chars: usize,
    /// How the prompt refers to images.
    pub reference_syntax: ReferenceSyntax,
    /// Accepted aspect ratios (empty: the option is not supported).
    pub aspect_ratios: &'static [&'static str],
    /// Options the model takes there.
    pub options: &'static [RemixOption],
    /// Inclusive range of `testTimeScaling`, when supported.
    pub test_time_scaling: Option<(u32, u32)>,
    /// Values of `outputFormat`, when supported.
    pub output_formats: &'static [&'static str],
}

/// A provider's table entry: its limits, options and protocol facts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProviderInfo {
    /// Stable id.
    pub id: ProviderId,
    /// Display name.
    pub name: &'static str,
    /// Default origin; `Config::base_url` replaces it.
    pub base_url: &'static str,
    /// The model the entry describes: the provider's default (`models[0]`)
    /// in the table, the model picked in what [`with_model`](Self::with_model)
    /// returns. Limits, prompt syntax and options are the model's.
    pub model: ModelInfo,
    /// Every model the provider sells, its default first.
    pub models: &'static [ModelInfo],
    /// What a person should know before picking it (Reve's reported
    /// retirement), with its sources; `None` for most.
    pub notice: Option<&'static str>,
    /// Limits on each reference image.
    pub limits: ImageLimits,
    /// How images are sent.
    pub transport: ImageTransport,
    /// True when the job is queued and followed after the submit.
    pub asynchronous: bool,
    /// How the key is sent.
    pub auth: AuthScheme,
    /// Whether browsers may call it directly.
    pub cors: Cors,
    /// What an HTTP 403 means for this provider.
    pub forbidden: ErrorCode,
    /// How often to read status when not streaming.
    pub poll: PollPolicy,
    /// Every request its API is sent, relative to `base_url`.
    pub routes: &'static [Route],
    /// A second path for the submit (relative to `base_url`, on `routes`),
    /// sent once, with the same body, when the first answers 404: where a
    /// provider's own pages disagree on the path (Pixazo's edit). A 404
    /// means the job was not accepted, so nothing is paid twice.
    pub fallback_submit: Option<&'static str>,
    /// Where one path takes both submissions and status reads (Runware's
    /// task array), a text only a submission's body holds; `None`: every
    /// POST on a model's `submit` path is a submission.
    pub submit_marker: Option<&'static str>,
    /// A response header in which the provider says whether a failure is
    /// worth retrying (`true` / `false`), over what its status would mean
    /// (fal's `X-Fal-Retryable`); `None` where there is no such header.
    pub retry_header: Option<&'static str>,
}

impl ProviderInfo {
    /// True if the model described takes `opt`.
    pub fn supports(&self, opt: RemixOption) -> bool {
        self.model.options.contains(&opt)
    }

    /// This entry describing `model` instead of the default.
    pub const fn with_model(&self, model: ModelInfo) -> Self {
        Self { model, ..*self }
    }

    /// The entry for the model `id`, if the provider sells it.
    pub fn for_model(&self, id: ModelId) -> Option<Self> {
        self.models
            .iter()
            .find(|m| m.id == id)
            .map(|m| self.with_model(*m))
    }

    /// The model a `POST path` (no query) submits a job of, if it is a
    /// submission: a model's `submit` path or the `fallback_submit`. Where
    /// the provider has a [`submit_marker`](Self::submit_marker), `body`
    /// must hold it (a body not read counts as a submission).
    pub fn submission(&self, path: &str, body: Option<&[u8]>) -> Option<ModelId> {
        let model = self
            .models
            .iter()
            .find(|m| m.submit == path)
            .or_else(|| (self.fallback_submit == Some(path)).then_some(&self.model))?;
        let marked = match (self.submit_marker, body) {
            (Some(marker), Some(body)) => {
                body.windows(marker.len()).any(|w| w == marker.as_bytes())
            }
            _ => true,
        };
        marked.then_some(model.id)
    }

    /// The ids of the models it sells, default first.
    pub fn model_ids(&self) -> impl Iterator<Item = ModelId> + '_ {
        self.models.iter().map(|m| m.id)
    }

    /// The route `method path` is on, if any.
    pub fn route(&self, method: Method, path: &str) -> Option<&'static Route> {
        self.routes
            .iter()
            .find(|r| r.method == method && r.matches_path(path))
    }
}
