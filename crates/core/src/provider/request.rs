//! Building requests: how `baseUrl` and `proxyUrl` shape a provider's URL,
//! where the key goes, and the JSON bodies' shared parts (the prompt as the
//! provider spells references, each image as its transport wants it).

use crate::http::{HttpRequest, Method, RequestKind};
use crate::image::{self, ImageInfo};
use crate::json::JsonWriter;
use crate::prompt;

use super::{Config, ImageSource, ImageTransport, ProviderInfo, RemixInput};

/// Header that carries the real target URL when a request goes through
/// `proxyUrl`.
pub const PROXY_TARGET_HEADER: &str = "x-remix-target-url";
/// Header that names the provider id when a request goes through
/// `proxyUrl`, so a proxy holding several keys knows which to add.
pub const PROXY_PROVIDER_HEADER: &str = "x-remix-provider";
/// Header on the proxy's own refusals, naming the refusal's code
/// (`no_key`, `target_not_allowed`, …): DESIGN.md's "The proxy".
pub const PROXY_ERROR_HEADER: &str = "x-remix-proxy-error";

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
///
/// The key goes only to the provider's own origin (its base URL's, or the
/// configured one's). Status, result and cancel URLs come from the
/// provider's answers: one naming another host (a compromised or spoofed
/// answer) is sent without the key, so the key cannot follow it there.
pub(crate) fn request(
    cfg: &Config,
    info: &ProviderInfo,
    kind: RequestKind,
    method: Method,
    url: String,
) -> HttpRequest {
    let own = origin(&url).is_some_and(|o| origin(&endpoint(cfg, info, "")) == Some(o));
    let req = route(cfg, info, kind, method, url);
    match (&cfg.api_key, cfg.proxy()) {
        (Some(key), None) if own => {
            req.with_header(info.auth.header(), info.auth.value(key.expose()))
        }
        _ => req,
    }
}

/// `scheme://authority` of an absolute http(s) URL, lowercased; `None` for
/// anything else. The authority is everything up to the first `/`, `\`,
/// `?` or `#`, userinfo included, so `https://api.host@evil/` is not
/// `https://api.host`.
fn origin(url: &str) -> Option<String> {
    let url = url.trim();
    // Byte prefixes, not `split_once("://")`: a `&str` pattern links a
    // substring searcher (1.5 KB) into the package for this alone.
    let has = |prefix: &[u8]| {
        url.as_bytes()
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let scheme_len = if has(b"https://") {
        8
    } else if has(b"http://") {
        7
    } else {
        return None;
    };
    let rest = &url[scheme_len..];
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    (end > 0).then(|| url[..scheme_len + end].to_ascii_lowercase())
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
            .with_header(PROXY_PROVIDER_HEADER, info.id.as_str()),
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
    prompt::rewrite(prompt, info.model.reference_syntax)
}

/// Append `"key": value` for the common optional options.
pub(crate) fn opt_str(w: &mut JsonWriter, key: &str, v: Option<&String>) {
    if let Some(v) = v {
        w.key(key).string(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Secret;
    use crate::provider::fal;

    fn cfg(base_url: Option<&str>) -> Config {
        Config {
            api_key: Some(Secret::new("fal-secret")),
            base_url: base_url.map(str::to_string),
            ..Config::new(crate::id::ProviderId::Fal, "")
        }
    }

    fn keyed(cfg: &Config, url: &str) -> bool {
        let req = request(
            cfg,
            &fal::INFO,
            RequestKind::Status,
            Method::Get,
            url.into(),
        );
        req.header(fal::INFO.auth.header()).is_some()
    }

    #[test]
    fn the_key_goes_only_to_the_providers_own_origin() {
        let c = cfg(None);
        assert!(keyed(
            &c,
            "https://queue.fal.run/fal-ai/reve/requests/1/status"
        ));
        assert!(keyed(&c, "HTTPS://Queue.Fal.Run/x"));
        for url in [
            "https://evil.test/fal-ai/reve/requests/1/status",
            "https://queue.fal.run.evil.test/x",
            "https://queue.fal.run@evil.test/x",
            "https://evil.test\\@queue.fal.run/x",
            "http://queue.fal.run/x",
            "https://queue.fal.run:8443/x",
            "//queue.fal.run/x",
            "data:text/plain,x",
        ] {
            assert!(!keyed(&c, url), "{url}");
        }
        let mock = cfg(Some("http://127.0.0.1:8787/fal"));
        assert!(keyed(&mock, "http://127.0.0.1:8787/fal/requests/1/status"));
        assert!(!keyed(&mock, "https://queue.fal.run/x"));
    }
}
