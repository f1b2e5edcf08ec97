//! The hosted providers of Reve Remix: what each one takes, how to ask it,
//! and what its answers mean. Sans-IO: a provider builds [`HttpRequest`]s
//! and reads [`HttpResponse`]s; it never sends or waits. The driver in
//! [`crate::driver`] runs any of them.
//!
//! Each provider module holds its table entry (`INFO`, a [`ProviderInfo`]);
//! every fact the research could not verify lives there, or in a named
//! const of that module, with a doc comment that says *unverified*.
//!
//! Shared here: the input and config types, the one validation function
//! every provider runs before any request ([`validate`]), how `baseUrl` and
//! `proxyUrl` shape a request, and the HTTP-error mapping.

use crate::error::{ErrorCode, RemixError, has_sub, num};
use crate::http::{HttpRequest, HttpResponse, Method, RequestKind, Secret};
use crate::image::{self, ImageFormat, ImageInfo, ImageLimits};
use crate::job::{Job, RemixResult, ResultImage};
use crate::json::{self, JsonWriter, Value};
use crate::prompt::{self, ReferenceSyntax};
use std::fmt;

pub mod aimlapi;
pub mod fal;
pub mod inference_sh;
pub mod onerouter;
pub mod pixazo;
pub mod replicate;
pub mod reve;

/// Header that carries the real target URL when a request goes through
/// `proxyUrl`.
pub const PROXY_TARGET_HEADER: &str = "x-remix-target-url";
/// Header that names the provider id when a request goes through
/// `proxyUrl`, so a proxy holding several keys knows which to add.
pub const PROXY_PROVIDER_HEADER: &str = "x-remix-provider";
/// Header on the proxy's own refusals, naming the refusal's code
/// (`no_key`, `target_not_allowed`, …): DESIGN.md's "The proxy".
pub const PROXY_ERROR_HEADER: &str = "x-remix-proxy-error";

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

/// The options of a [`RemixInput`] beyond prompt and images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// What the README's "Common to all" says, and what most providers share:
/// each provider's `INFO` names its own id, name and origin and only what
/// differs from this (`..COMMON`), so a difference stands out.
pub const COMMON: ProviderInfo = ProviderInfo {
    id: "",
    name: "",
    base_url: "",
    max_images: 4,
    limits: ImageLimits::REVE,
    formats: ALL_FORMATS,
    prompt_max_chars: crate::prompt::MAX_PROMPT_CHARS,
    reference_syntax: ReferenceSyntax::ImgTag,
    aspect_ratios: ASPECT_RATIOS,
    transport: ImageTransport::DataUrl,
    asynchronous: false,
    options: &[RemixOption::AspectRatio],
    test_time_scaling: None,
    output_formats: &[],
    auth: AuthScheme::Bearer,
    cors: Cors::Unknown,
    forbidden: ErrorCode::Unauthorized,
    poll: PollPolicy::DEFAULT,
    routes: &[],
    retry_header: None,
};

/// A provider's table entry: its limits, options and protocol facts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProviderInfo {
    /// Stable id (`reve`, `fal`, …).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Default origin; `Config::base_url` replaces it.
    pub base_url: &'static str,
    /// Most reference images per request.
    pub max_images: usize,
    /// Limits on each reference image.
    pub limits: ImageLimits,
    /// Accepted formats.
    pub formats: &'static [ImageFormat],
    /// Longest prompt, in Unicode scalar values.
    pub prompt_max_chars: usize,
    /// How the prompt refers to images.
    pub reference_syntax: ReferenceSyntax,
    /// Accepted aspect ratios (empty: the option is not supported).
    pub aspect_ratios: &'static [&'static str],
    /// How images are sent.
    pub transport: ImageTransport,
    /// True when the job is queued and followed after the submit.
    pub asynchronous: bool,
    /// Options the provider takes.
    pub options: &'static [RemixOption],
    /// Inclusive range of `testTimeScaling`, when supported.
    pub test_time_scaling: Option<(u32, u32)>,
    /// Values of `outputFormat`, when supported.
    pub output_formats: &'static [&'static str],
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
    /// A response header in which the provider says whether a failure is
    /// worth retrying (`true` / `false`), over what its status would mean
    /// (fal's `X-Fal-Retryable`); `None` where there is no such header.
    pub retry_header: Option<&'static str>,
}

impl ProviderInfo {
    /// True if the provider takes `opt`.
    pub fn supports(&self, opt: RemixOption) -> bool {
        self.options.contains(&opt)
    }

    /// The route `method path` is on, if any.
    pub fn route(&self, method: Method, path: &str) -> Option<&'static Route> {
        self.routes
            .iter()
            .find(|r| r.method == method && r.matches_path(path))
    }
}

/// One reference image.
#[derive(Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A local file's bytes, with its name for messages.
    Bytes {
        /// The file's bytes.
        data: Vec<u8>,
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
    /// One of [`ProviderInfo::aspect_ratios`].
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Provider id.
    pub provider: String,
    /// The key (not needed with `proxy_url`: the proxy adds it).
    pub api_key: Option<Secret>,
    /// Replaces the provider's origin; may carry a path prefix.
    pub base_url: Option<String>,
    /// Send every request here, the real URL in [`PROXY_TARGET_HEADER`],
    /// without the key.
    pub proxy_url: Option<String>,
}

impl Config {
    /// A config for `provider` with a key.
    pub fn new(provider: &str, api_key: &str) -> Self {
        Self {
            provider: provider.to_string(),
            api_key: Some(Secret::new(api_key)),
            ..Self::default()
        }
    }

    fn proxy(&self) -> Option<&str> {
        self.proxy_url
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

/// What a provider wants next after a response.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Send this at once (an upload in a chain, a result fetch).
    Send(HttpRequest),
    /// Not finished: read the status again when the schedule says.
    Poll,
    /// Follow this status stream (NDJSON or server-sent events).
    Stream(HttpRequest),
    /// Finished.
    Done(RemixResult),
}

/// One provider's protocol. Sans-IO: it builds requests and reads
/// responses; the driver sends, waits and retries.
pub trait Provider: Sync {
    /// The table entry.
    fn info(&self) -> &'static ProviderInfo;

    /// The job and its first request, from an input [`validate`] accepted;
    /// `images[i]` is what `image::inspect` found for a `Bytes` image.
    fn submit(
        &self,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
    ) -> Result<(Job, HttpRequest), RemixError>;

    /// Read the answer to the request `job.phase` says was sent.
    fn on_response(
        &self,
        job: &mut Job,
        cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError>;

    /// Read one line of a status stream. `Ok(None)`: keep reading.
    fn on_stream_line(
        &self,
        job: &mut Job,
        cfg: &Config,
        line: &[u8],
    ) -> Result<Option<Step>, RemixError> {
        let _ = (job, cfg, line);
        Ok(None)
    }

    /// The status read for a submitted job (`None` for synchronous ones).
    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }

    /// The status stream for a submitted job, where the provider has one.
    fn stream(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }

    /// The provider's cancel request, where it has one.
    fn cancel(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }
}

static PROVIDERS: [ProviderInfo; 8] = [
    reve::INFO,
    fal::INFO,
    inference_sh::INFO,
    aimlapi::INFO,
    onerouter::INFO,
    pixazo::INFO,
    pixazo::EDIT_INFO,
    replicate::INFO,
];

/// Every provider's table entry, in DESIGN.md's order.
pub fn providers() -> &'static [ProviderInfo] {
    &PROVIDERS
}

/// The provider with this id; `unknown_provider` otherwise.
pub fn provider(id: &str) -> Result<&'static dyn Provider, RemixError> {
    Ok(match id {
        "reve" => &reve::Reve,
        "fal" => &fal::Fal,
        "inference-sh" => &inference_sh::InferenceSh,
        "aimlapi" => &aimlapi::AimlApi,
        "onerouter" => &onerouter::OneRouter,
        "pixazo" => &pixazo::Pixazo { edit: false },
        "pixazo-edit" => &pixazo::Pixazo { edit: true },
        "replicate" => &replicate::Replicate,
        _ => {
            let ids: Vec<&str> = PROVIDERS.iter().map(|p| p.id).collect();
            return Err(RemixError::new(
                ErrorCode::UnknownProvider,
                [
                    "Unknown provider \"",
                    id,
                    "\"; use one of: ",
                    &ids.join(", "),
                    ".",
                ]
                .concat(),
            ));
        }
    })
}

/// Validate `input` and build the first request: what `buildRequest` and
/// the driver call. Nothing is sent.
pub fn start(
    input: &RemixInput,
    cfg: &Config,
) -> Result<(&'static dyn Provider, Job, HttpRequest), RemixError> {
    let p = provider(&cfg.provider)?;
    let images = validate(p.info(), input, cfg)?;
    let (job, req) = p.submit(input, cfg, &images)?;
    Ok((p, job, req))
}

fn invalid(msg: String) -> RemixError {
    RemixError::new(ErrorCode::InvalidOption, msg)
}

fn unsupported(info: &ProviderInfo, opt: RemixOption) -> RemixError {
    let others: Vec<&str> = PROVIDERS
        .iter()
        .filter(|p| p.supports(opt))
        .map(|p| p.id)
        .collect();
    let mut msg = [info.name, " does not take ", opt.as_str()].concat();
    if !others.is_empty() {
        msg.push_str(" (providers that do: ");
        msg.push_str(&others.join(", "));
        msg.push(')');
    }
    msg.push_str("; remove it or choose another provider.");
    invalid(msg).with_provider(info.id)
}

/// Every check that can be made before a request, in one place: the key,
/// the images' count, the prompt, each image, each option. Returns what
/// `image::inspect` found for each `Bytes` image (`None` for URLs).
pub fn validate(
    info: &ProviderInfo,
    input: &RemixInput,
    cfg: &Config,
) -> Result<Vec<Option<ImageInfo>>, RemixError> {
    if cfg.proxy().is_none()
        && cfg
            .api_key
            .as_ref()
            .is_none_or(|k| k.expose().trim().is_empty())
    {
        return Err(RemixError::new(
            ErrorCode::MissingApiKey,
            [
                info.name,
                " needs an API key: set apiKey, or proxyUrl for a proxy that adds it.",
            ]
            .concat(),
        )
        .with_provider(info.id));
    }
    let n = input.images.len();
    if n == 0 {
        return Err(RemixError::new(
            ErrorCode::NoImages,
            [
                "Add at least one reference image (",
                info.name,
                " takes 1 to ",
                &num(info.max_images as u64),
                ").",
            ]
            .concat(),
        ));
    }
    if n > info.max_images {
        return Err(RemixError::new(
            ErrorCode::TooManyImages,
            [
                info.name,
                " takes at most ",
                &num(info.max_images as u64),
                " reference images; remove ",
                &num((n - info.max_images) as u64),
                ".",
            ]
            .concat(),
        )
        .with_provider(info.id));
    }
    prompt::check(&input.prompt, n)?;
    let chars = input.prompt.chars().count();
    if chars > info.prompt_max_chars {
        return Err(RemixError::new(
            ErrorCode::PromptTooLong,
            [
                "The prompt is ",
                &num(chars as u64),
                " characters; ",
                info.name,
                " takes at most ",
                &num(info.prompt_max_chars as u64),
                ".",
            ]
            .concat(),
        ));
    }
    let mut infos = Vec::with_capacity(n);
    for (i, img) in input.images.iter().enumerate() {
        match img {
            ImageSource::Bytes { data, name } => {
                if info.transport == ImageTransport::Url {
                    return Err(invalid(
                        [
                            info.name,
                            " only takes public https URLs of images, not local files: upload ",
                            name.as_deref().unwrap_or("the file"),
                            " somewhere public and pass its https URL.",
                        ]
                        .concat(),
                    )
                    .with_provider(info.id));
                }
                let found = image::inspect(data, name.as_deref(), &info.limits)?;
                if !info.formats.contains(&found.format) {
                    return Err(RemixError::new(
                        ErrorCode::UnsupportedFormat,
                        [
                            info.name,
                            " does not take ",
                            found.format.as_str(),
                            " images.",
                        ]
                        .concat(),
                    ));
                }
                infos.push(Some(found));
            }
            ImageSource::Url(url) => {
                let url = url.trim();
                let ok = match info.transport {
                    ImageTransport::Base64 => {
                        return Err(invalid(
                            [
                                info.name,
                                " takes image files, not URLs (reference ",
                                &num(i as u64),
                                " is a URL): pass the file's bytes.",
                            ]
                            .concat(),
                        )
                        .with_provider(info.id));
                    }
                    ImageTransport::Url => starts_with_ci(url, "https://"),
                    _ => starts_with_ci(url, "https://") || starts_with_ci(url, "http://"),
                };
                if !ok || url.len() <= 8 || url.chars().any(char::is_whitespace) {
                    let need = if info.transport == ImageTransport::Url {
                        "a public https URL"
                    } else {
                        "an http(s) URL"
                    };
                    let why = if info.transport == ImageTransport::Url {
                        " (Pixazo only takes public https URLs)"
                    } else {
                        ""
                    };
                    return Err(invalid(
                        [
                            "Reference ",
                            &num(i as u64),
                            " must be ",
                            need,
                            " or a file",
                            why,
                            ".",
                        ]
                        .concat(),
                    )
                    .with_provider(info.id));
                }
                infos.push(None);
            }
        }
    }
    if let Some(ar) = &input.aspect_ratio {
        if !info.supports(RemixOption::AspectRatio) {
            return Err(unsupported(info, RemixOption::AspectRatio));
        }
        if !info.aspect_ratios.contains(&ar.as_str()) {
            return Err(not_one_of("aspectRatio", ar, info.aspect_ratios, info));
        }
    }
    if let Some(v) = &input.version {
        if !info.supports(RemixOption::Version) {
            return Err(unsupported(info, RemixOption::Version));
        }
        if v.trim().is_empty() || v.len() > 100 {
            return Err(invalid(
                "version must be a model version such as \"latest\".".into(),
            ));
        }
    }
    if let Some(t) = input.test_time_scaling {
        match info.test_time_scaling {
            None => return Err(unsupported(info, RemixOption::TestTimeScaling)),
            Some((lo, hi)) if t < lo || t > hi => {
                return Err(invalid(
                    [
                        "testTimeScaling must be ",
                        &num(lo.into()),
                        " to ",
                        &num(hi.into()),
                        " on ",
                        info.name,
                        "; got ",
                        &num(t.into()),
                        ".",
                    ]
                    .concat(),
                ));
            }
            _ => {}
        }
    }
    if let Some(u) = input.upscale_factor {
        if !info.supports(RemixOption::UpscaleFactor) {
            return Err(unsupported(info, RemixOption::UpscaleFactor));
        }
        if !(2..=4).contains(&u) {
            return Err(invalid(
                ["upscaleFactor must be 2, 3 or 4; got ", &num(u.into()), "."].concat(),
            ));
        }
    }
    if input.remove_background == Some(true) && !info.supports(RemixOption::RemoveBackground) {
        return Err(unsupported(info, RemixOption::RemoveBackground));
    }
    if let Some(f) = &input.output_format {
        if !info.supports(RemixOption::OutputFormat) {
            return Err(unsupported(info, RemixOption::OutputFormat));
        }
        if !info.output_formats.contains(&f.as_str()) {
            return Err(not_one_of("outputFormat", f, info.output_formats, info));
        }
    }
    Ok(infos)
}

/// `invalid_option` for a value outside a provider's list.
fn not_one_of(field: &str, value: &str, allowed: &[&str], info: &ProviderInfo) -> RemixError {
    invalid(
        [
            field,
            " \"",
            value,
            "\" is not one of ",
            &allowed.join(", "),
            " (",
            info.name,
            ").",
        ]
        .concat(),
    )
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

// ---------------------------------------------------------------- requests

/// `base_url` (or the provider's default origin) joined with `path`.
pub(crate) fn endpoint(cfg: &Config, info: &ProviderInfo, path: &str) -> String {
    let base = cfg
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(info.base_url);
    [base.trim_end_matches('/'), path].concat()
}

/// A request to `url` with the key in the provider's header, or, with a
/// proxy, to the proxy with the target in [`PROXY_TARGET_HEADER`] and no key.
pub(crate) fn request(
    cfg: &Config,
    info: &ProviderInfo,
    kind: RequestKind,
    method: Method,
    url: String,
) -> HttpRequest {
    let req = route(cfg, info, kind, method, url);
    match (&cfg.api_key, cfg.proxy()) {
        (Some(key), None) => req.with_header(info.auth.header(), info.auth.value(key.expose())),
        _ => req,
    }
}

/// Like [`request`] but never with the key (presigned upload URLs).
pub(crate) fn route(
    cfg: &Config,
    info: &ProviderInfo,
    kind: RequestKind,
    method: Method,
    url: String,
) -> HttpRequest {
    match cfg.proxy() {
        Some(proxy) => HttpRequest::new(kind, method, proxy)
            .with_header(PROXY_TARGET_HEADER, url)
            .with_header(PROXY_PROVIDER_HEADER, info.id),
        None => HttpRequest::new(kind, method, url),
    }
}

/// A GET of a result image at `url`: through the proxy when there is one
/// (a result CDN may send no CORS; the proxy forwards it without a key),
/// else straight to it. Never with the key.
pub fn result_image_request(cfg: &Config, info: &ProviderInfo, url: &str) -> HttpRequest {
    route(cfg, info, RequestKind::Result, Method::Get, url.to_string())
}

/// Write reference image `i` as a JSON string the way `info.transport`
/// wants it: raw base64, a data URL, or the URL as given.
pub(crate) fn write_image(
    w: &mut JsonWriter,
    transport: ImageTransport,
    src: &ImageSource,
    found: Option<&ImageInfo>,
) {
    match (src, found) {
        (ImageSource::Url(u), _) => {
            w.string(u.trim());
        }
        (ImageSource::Bytes { data, .. }, Some(info)) if transport != ImageTransport::Base64 => {
            w.raw_string(|b| image::data_url_into(b, info, data));
        }
        (ImageSource::Bytes { data, .. }, _) => {
            w.raw_string(|b| image::encode_base64_into(b, data));
        }
    }
}

/// A writer for a request body with room for `input` already reserved:
/// references run to megabytes, and growing the buffer would copy them.
pub(crate) fn body_writer(input: &RemixInput) -> JsonWriter {
    let images: usize = input
        .images
        .iter()
        .map(|i| match i {
            // base64 plus the quotes, a comma and a `data:<mime>;base64,` prefix.
            ImageSource::Bytes { data, .. } => data.len().div_ceil(3) * 4 + 40,
            ImageSource::Url(u) => u.len() + 8,
        })
        .sum();
    JsonWriter::with_capacity(images + input.prompt.len() + 256)
}

/// `"prompt": …, "<images_key>": [ … ]`: the prompt as `info` spells
/// references, then every reference image as `info.transport` wants it.
pub(crate) fn write_prompt_and_images(
    w: &mut JsonWriter,
    info: &ProviderInfo,
    input: &RemixInput,
    images: &[Option<ImageInfo>],
    images_key: &str,
) {
    w.key("prompt").string(&prompt_for(info, &input.prompt));
    w.key(images_key).begin_array();
    for (src, found) in input.images.iter().zip(images) {
        write_image(w, info.transport, src, found.as_ref());
    }
    w.end_array();
}

/// The submit request every JSON provider sends: POST `path` with the
/// key, asking for JSON.
pub(crate) fn json_submit(
    cfg: &Config,
    info: &ProviderInfo,
    path: &str,
    body: Vec<u8>,
) -> HttpRequest {
    request(
        cfg,
        info,
        RequestKind::Submit,
        Method::Post,
        endpoint(cfg, info, path),
    )
    .with_header("Accept", "application/json")
    .with_json(body)
}

/// The prompt with references spelled as `info` wants.
pub(crate) fn prompt_for(info: &ProviderInfo, prompt: &str) -> String {
    prompt::rewrite(prompt, info.reference_syntax)
}

// ---------------------------------------------------------------- responses

/// The body as JSON; `malformed_response` if it is not.
pub(crate) fn parse_json(info: &ProviderInfo, res: &HttpResponse) -> Result<Value, RemixError> {
    json::parse(&res.body).map_err(|e| {
        RemixError::new(
            ErrorCode::MalformedResponse,
            [
                info.name,
                " answered with something that is not JSON (HTTP ",
                &num(res.status.into()),
                ", ",
                e.reason,
                " at byte ",
                &num(e.offset as u64),
                ").",
            ]
            .concat(),
        )
        .with_status(res.status)
        .with_provider(info.id)
        .with_retryable(true)
    })
}

/// A 2xx answer's JSON; otherwise the provider's error (see [`http_error`]).
pub(crate) fn success_json(info: &ProviderInfo, res: &HttpResponse) -> Result<Value, RemixError> {
    if !res.is_success() {
        return Err(http_error(info, res));
    }
    parse_json(info, res)
}

/// `malformed_response` for a JSON answer that lacks what it should hold.
pub(crate) fn malformed(info: &ProviderInfo, res: &HttpResponse, what: &str) -> RemixError {
    RemixError::new(
        ErrorCode::MalformedResponse,
        [
            info.name,
            "'s answer (HTTP ",
            &num(res.status.into()),
            ") has no ",
            what,
            ".",
        ]
        .concat(),
    )
    .with_status(res.status)
    .with_provider(info.id)
}

/// The most useful human message in an error body, whatever its shape:
/// `{detail}`, fal's `{detail:[{loc,msg}]}`, `{error:{message}}`,
/// `{error, message}`, problem+json `{title, detail}`, `{message}`.
pub fn error_message(v: &Value) -> Option<String> {
    let v = match v.get("data") {
        Some(d @ Value::Object(_)) if v.get("error").is_none() && v.get("message").is_none() => d,
        _ => v,
    };
    let mut msg = String::new();
    if let Some(d) = v.str_at("detail") {
        if let Some(t) = v.str_at("title") {
            msg.push_str(t);
            msg.push_str(": ");
        }
        msg.push_str(d);
    } else if let Some(items) = v.get("detail").and_then(Value::as_array) {
        for item in items.iter().take(5) {
            if !msg.is_empty() {
                msg.push_str("; ");
            }
            if let Some(loc) = item.get("loc").and_then(Value::as_array) {
                let parts: Vec<String> = loc
                    .iter()
                    .filter_map(|p| {
                        p.as_str()
                            .map(str::to_string)
                            .or_else(|| p.as_u64().map(num))
                    })
                    .collect();
                if !parts.is_empty() {
                    msg.push_str(&parts.join("."));
                    msg.push_str(": ");
                }
            }
            msg.push_str(
                item.str_at("msg")
                    .or_else(|| item.str_at("message"))
                    .unwrap_or("invalid"),
            );
        }
    } else if let Some(m) = v.get("error").and_then(|e| e.str_at("message")) {
        msg.push_str(m);
    } else if let Some(e) = v.str_at("error") {
        msg.push_str(e);
        if let Some(m) = v.str_at("message").filter(|m| *m != e) {
            msg.push_str(": ");
            msg.push_str(m);
        }
    } else if let Some(m) = v
        .str_at("message")
        .or_else(|| v.str_at("title"))
        .or_else(|| v.str_at("error_code"))
    {
        msg.push_str(m);
    }
    if msg.is_empty() {
        return None;
    }
    if let Some(code) = v.str_at("error_code").filter(|c| !has_sub(&msg, c)) {
        msg.push_str(" (");
        msg.push_str(code);
        msg.push(')');
    }
    Some(truncate(msg, 400))
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// True if a provider's words say the content was refused by moderation,
/// however spelled (`content_violation`, `CONTENT_POLICY_VIOLATION`,
/// "moderation", "nsfw", …).
pub fn looks_like_violation(s: &str) -> bool {
    let s = s.to_ascii_lowercase().replace(['_', '-'], " ");
    [
        "content violation",
        "content policy",
        "moderation",
        "nsfw",
        "safety filter",
        "safety checker",
        "content checker",
        "policy violation",
    ]
    .iter()
    .any(|m| has_sub(&s, m))
}

/// True if a provider's words say the account has no money left, however
/// spelled (fal's 403 "User is locked. Reason: Exhausted balance",
/// `insufficient_quota`, "out of credits", …).
pub fn looks_like_no_credits(s: &str) -> bool {
    let s = s.to_ascii_lowercase().replace(['_', '-'], " ");
    [
        "exhausted balance",
        "balance exhausted",
        "budget exhausted",
        "insufficient credit",
        "insufficient balance",
        "insufficient funds",
        "insufficient quota",
        "out of credit",
        "not enough credit",
        "not enough balance",
        "no credits left",
    ]
    .iter()
    .any(|m| has_sub(&s, m))
}

fn error_codes(v: &Value) -> String {
    let mut all = String::new();
    for s in [
        v.str_at("error_code"),
        v.str_at("code"),
        v.str_at("type"),
        v.get("error").and_then(|e| e.str_at("code")),
        v.get("error").and_then(|e| e.str_at("type")),
    ]
    .into_iter()
    .flatten()
    {
        all.push_str(s);
        all.push(' ');
    }
    // fal's validation errors: `{detail: [{loc, msg, type}]}`, where a
    // moderation refusal is `type: "content_policy_violation"`.
    for item in v
        .get("detail")
        .and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .take(5)
    {
        if let Some(t) = item.str_at("type") {
            all.push_str(t);
            all.push(' ');
        }
    }
    all
}

/// The `content_violation` error.
pub(crate) fn violation(info: &ProviderInfo, detail: Option<&str>) -> RemixError {
    let mut msg = [info.name, " refused the request as a content violation"].concat();
    if let Some(d) = detail {
        msg.push_str(": ");
        msg.push_str(d);
    }
    end_sentence(&mut msg);
    msg.push_str(" Change the prompt or the images.");
    RemixError::new(ErrorCode::ContentViolation, msg).with_provider(info.id)
}

/// The error for a non-2xx answer, per the shared mapping: 401 (and 403
/// unless the provider says otherwise) → `unauthorized`; 402 →
/// `insufficient_credits`; 429 → `rate_limited` with `Retry-After`;
/// other 4xx → `provider_rejected`; 408 and 5xx → `provider_error`
/// (502/503/504 retryable); moderation, however spelled → `content_violation`.
/// The provider's [`ProviderInfo::retry_header`], when sent, decides
/// `retryable`.
pub fn http_error(info: &ProviderInfo, res: &HttpResponse) -> RemixError {
    if let Some(code) = res.header(PROXY_ERROR_HEADER) {
        return proxy_refusal(info, res, code.trim());
    }
    let body = json::parse(&res.body).ok();
    let said = body.as_ref().and_then(error_message);
    let codes = body.as_ref().map(error_codes).unwrap_or_default();
    let status = res.status;
    let violation_said =
        looks_like_violation(&codes) || said.as_deref().is_some_and(looks_like_violation);
    let code = if violation_said && (400..500).contains(&status) {
        ErrorCode::ContentViolation
    } else if status == 403
        && (looks_like_no_credits(&codes) || said.as_deref().is_some_and(looks_like_no_credits))
    {
        // A 403 that says the balance is gone (fal: "User is locked. Reason:
        // Exhausted balance") is about money, not the key.
        ErrorCode::InsufficientCredits
    } else {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => info.forbidden,
            402 => ErrorCode::InsufficientCredits,
            429 => ErrorCode::RateLimited,
            408 => ErrorCode::ProviderError,
            400..=499 => ErrorCode::ProviderRejected,
            _ => ErrorCode::ProviderError,
        }
    };
    let (what, advice) = match code {
        ErrorCode::Unauthorized => (" rejected the API key (HTTP ", "): check the key"),
        ErrorCode::InsufficientCredits => (
            " says the account is out of credits (HTTP ",
            "): add credits",
        ),
        ErrorCode::RateLimited => (" is rate limiting requests (HTTP ", "): wait and try again"),
        ErrorCode::ContentViolation => (" refused the request as a content violation (HTTP ", ")"),
        ErrorCode::ProviderRejected => (" rejected the request (HTTP ", ")"),
        _ => (" failed (HTTP ", ")"),
    };
    let mut msg = [info.name, what, &num(status.into()), advice].concat();
    match &said {
        Some(s) => {
            msg.push_str(": ");
            msg.push_str(s);
        }
        None => msg.push('.'),
    }
    let mut retryable = match code {
        ErrorCode::RateLimited => true,
        ErrorCode::ProviderError => matches!(status, 408 | 502 | 503 | 504),
        _ => false,
    };
    if let Some(v) = info.retry_header.and_then(|h| res.header(h)) {
        retryable = v.trim().eq_ignore_ascii_case("true");
    }
    let mut err = RemixError::new(code, msg)
        .with_status(status)
        .with_provider(info.id)
        .with_retryable(retryable);
    if let Some(secs) = res.retry_after_secs() {
        err = err.with_retry_after(secs);
    }
    let rid = body
        .as_ref()
        .and_then(|b| b.str_at("request_id").or_else(|| b.str_at("requestId")))
        .or_else(|| res.request_id_header());
    if let Some(rid) = rid {
        err = err.with_request_id(rid);
    }
    err
}

/// The error for a refusal of the proxy itself (its `x-remix-proxy-error`
/// code, DESIGN.md's "The proxy"): the proxy's own words, which name the
/// setting to change, under the code a caller already handles.
fn proxy_refusal(info: &ProviderInfo, res: &HttpResponse, code: &str) -> RemixError {
    let (error_code, retryable, fallback) = match code {
        "no_key" => (
            ErrorCode::MissingApiKey,
            false,
            "the proxy has no key for this provider: set it where the proxy runs",
        ),
        "origin_not_allowed" => (
            ErrorCode::Unauthorized,
            false,
            "the proxy does not take requests from this page: add its origin with --allow-origin",
        ),
        "rate_limited" => (
            ErrorCode::RateLimited,
            true,
            "the proxy is rate limiting this address: wait and try again",
        ),
        "upstream_unreachable" => (
            ErrorCode::Network,
            true,
            "the proxy could not reach the provider",
        ),
        "upstream_timeout" => (
            ErrorCode::ProviderError,
            true,
            "the provider did not answer the proxy in time",
        ),
        "body_too_large" => (
            ErrorCode::ProviderRejected,
            false,
            "the request is larger than the proxy takes (--max-body)",
        ),
        _ => (
            ErrorCode::ProviderRejected,
            false,
            "the proxy refused to forward this request",
        ),
    };
    let said = json::parse(&res.body).ok().and_then(|b| {
        b.get("error")
            .and_then(|e| e.str_at("message"))
            .map(str::to_string)
    });
    let mut msg = [
        "The proxy refused the ",
        info.name,
        " request (",
        code,
        "): ",
    ]
    .concat();
    msg.push_str(said.as_deref().map_or(fallback, |s| truncate_str(s, 400)));
    end_sentence(&mut msg);
    let mut err = RemixError::new(error_code, msg)
        .with_status(res.status)
        .with_provider(info.id)
        .with_retryable(retryable);
    if let Some(secs) = res.retry_after_secs() {
        err = err.with_retry_after(secs);
    }
    err
}

fn truncate_str(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// End `msg` with a full stop, unless a provider's words already did.
fn end_sentence(msg: &mut String) {
    if !msg.ends_with(['.', '!', '?']) {
        msg.push('.');
    }
}

/// The `job_failed` error for a job the provider reports as failed.
pub(crate) fn job_failed(
    info: &ProviderInfo,
    job: &Job,
    detail: Option<&str>,
    note: &str,
) -> RemixError {
    if let Some(d) = detail.filter(|d| looks_like_violation(d)) {
        return violation(info, Some(d)).with_request_id(job.id.clone());
    }
    let mut msg = ["The ", info.name, " job failed"].concat();
    if let Some(d) = detail.filter(|d| !d.trim().is_empty()) {
        msg.push_str(": ");
        msg.push_str(&truncate(d.into(), 400));
    }
    end_sentence(&mut msg);
    msg.push_str(note);
    RemixError::new(ErrorCode::JobFailed, msg)
        .with_provider(info.id)
        .with_request_id(job.id.clone())
}

/// The `cancelled` error for a job the provider reports as cancelled.
pub(crate) fn job_cancelled(info: &ProviderInfo, job: &Job) -> RemixError {
    RemixError::new(
        ErrorCode::Cancelled,
        ["The ", info.name, " job was cancelled."].concat(),
    )
    .with_provider(info.id)
    .with_request_id(job.id.clone())
}

/// The `network` error for a request that got no response. A browser
/// reports a CORS block the same way (a `TypeError`, no status), so for a
/// provider that does not answer CORS (Replicate) the message says to use
/// `proxyUrl`, or a `baseUrl` that answers CORS such as the mock.
pub fn network_error(info: &ProviderInfo, cfg: &Config, detail: &str) -> RemixError {
    let mut msg = ["Could not reach ", info.name].concat();
    let detail = detail.trim();
    if !detail.is_empty() {
        msg.push_str(" (");
        msg.push_str(&truncate(detail.into(), 200));
        msg.push(')');
    }
    let direct = cfg.proxy().is_none();
    let own_base = cfg
        .base_url
        .as_deref()
        .is_some_and(|b| !b.trim().is_empty());
    match info.cors {
        Cors::No if direct && !own_base => {
            msg.push_str(". ");
            msg.push_str(info.name);
            msg.push_str(" does not answer browsers' CORS requests: set proxyUrl to a proxy that forwards to it (and adds the key), or a baseUrl that answers CORS such as the mock.");
        }
        Cors::No | Cors::Unknown if direct => {
            msg.push_str(". Check the connection; if it works, a browser may be blocking the call (CORS): try proxyUrl.")
        }
        _ if !direct => msg.push_str(
            " through the proxy. Check that the proxy runs at its Proxy URL and that it allows this page's origin (--allow-origin).",
        ),
        _ => msg.push_str(". Check the connection."),
    }
    RemixError::new(ErrorCode::Network, msg).with_provider(info.id)
}

/// Unwrap inference.sh-style envelopes: `{data: …}` and
/// `{success, data, error}`; a bare body is returned as is.
pub(crate) fn unwrap_data(v: &Value) -> &Value {
    match v.get("data") {
        Some(d)
            if !d.is_null()
                && (v.get("success").is_some() || v.as_object().is_some_and(|m| m.len() <= 3)) =>
        {
            d
        }
        _ => v,
    }
}

/// The MIME type of an image from the first characters of its base64.
fn mime_from_base64(b64: &str) -> &'static str {
    if b64.starts_with("/9j/") {
        "image/jpeg"
    } else if b64.starts_with("UklGR") {
        "image/webp"
    } else {
        "image/png"
    }
}

/// A result image given as base64 (or already as a data URL).
pub(crate) fn image_from_base64(b64: &str) -> ResultImage {
    let b64 = b64.trim();
    if b64.starts_with("data:") {
        return image_from_url(b64, None);
    }
    let mime = mime_from_base64(b64);
    ResultImage {
        url: None,
        data_url: Some(["data:", mime, ";base64,", b64].concat()),
        mime: Some(mime.to_string()),
    }
}

/// A result image given as a URL (a `data:` URL goes to `data_url`).
pub(crate) fn image_from_url(url: &str, mime: Option<&str>) -> ResultImage {
    let mime = mime.filter(|m| m.starts_with("image/")).map(str::to_string);
    if let Some(after) = url.strip_prefix("data:") {
        let m = mime.or_else(|| {
            after
                .split([';', ','])
                .next()
                .filter(|m| !m.is_empty())
                .map(str::to_string)
        });
        ResultImage {
            url: None,
            data_url: Some(url.to_string()),
            mime: m,
        }
    } else {
        ResultImage {
            url: Some(url.to_string()),
            data_url: None,
            mime,
        }
    }
}

/// A finished job's result.
pub(crate) fn result(
    info: &ProviderInfo,
    job: &Job,
    images: Vec<ResultImage>,
    credits: Option<f64>,
) -> RemixResult {
    RemixResult {
        images,
        job_id: Some(job.id.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| job.request_id.clone()),
        provider: info.id,
        credits_used: credits,
    }
}

/// The first http(s) or data URL anywhere inside `v` (depth-first, keys in
/// order), for outputs whose exact shape is not documented.
pub(crate) fn first_url(v: &Value) -> Option<&str> {
    match v {
        Value::String(s)
            if s.starts_with("https://") || s.starts_with("http://") || s.starts_with("data:") =>
        {
            Some(s)
        }
        Value::Array(items) => items.iter().find_map(first_url),
        Value::Object(members) => {
            // Prefer the usual keys before scanning everything.
            for key in ["uri", "url", "image", "images", "media_url", "output"] {
                if let Some(u) = v.get(key).and_then(first_url) {
                    return Some(u);
                }
            }
            members.iter().find_map(|(_, m)| first_url(m))
        }
        _ => None,
    }
}

/// Append `"key": value` for the common optional options.
pub(crate) fn opt_str(w: &mut JsonWriter, key: &str, v: Option<&String>) {
    if let Some(v) = v {
        w.key(key).string(v);
    }
}
