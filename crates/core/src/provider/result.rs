//! Reading a provider's answers: the JSON body (or the error it stands
//! for), envelopes, and the result images however a provider gives them
//! (a URL, a data URL, raw base64, somewhere inside an undocumented
//! output).

use crate::error::{ErrorCode, RemixError, num};
use crate::http::HttpResponse;
use crate::job::{Cost, Job, RemixResult, ResultImage};
use crate::json::{self, Value};

use super::{ProviderInfo, http_error};

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

/// A result image given as an output string: a URL, a data URL, or bare
/// base64 (Atlas Cloud's `enable_base64_output`).
pub(crate) fn image_from_output(out: &str) -> ResultImage {
    let t = out.trim();
    let has = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if has("http://") || has("https://") || has("data:") {
        image_from_url(t, None)
    } else {
        image_from_base64(t)
    }
}

/// The unit the providers that report a cost count in.
pub(crate) const CREDITS: &str = "credits";
/// The unit of a cost reported in US dollars (Runware's `cost`).
pub(crate) const USD: &str = "usd";

/// A finished job's result, every image checked by [`trusted`]: the one
/// place every provider's answer (synchronous, queued, streamed) becomes a
/// result, so no provider string reaches a page's `href` or `src` unchecked.
pub(crate) fn result(
    info: &ProviderInfo,
    job: &Job,
    images: Vec<ResultImage>,
    cost: Option<Cost>,
) -> Result<RemixResult, RemixError> {
    let images = images
        .into_iter()
        .map(|i| trusted(info, i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RemixResult {
        images,
        job_id: Some(job.id.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| job.request_id.clone()),
        provider: info.id,
        model: job.model,
        credits_used: cost
            .as_ref()
            .filter(|c| c.unit == CREDITS)
            .map(|c| c.amount),
        cost,
    })
}

/// A result image a page can put in an `<a href>`, an `<img src>` or
/// `window.open`: an `https:` URL (plain `http:` only on loopback, for the
/// mock and local tests), or a base64 data URL whose bytes sniff as an
/// image, its MIME the sniffed one. Anything else (`javascript:`,
/// `data:text/html`, a look-alike scheme, a remote `http:` URL) is
/// `malformed_response`, naming the provider and quoting the value only in
/// part.
pub(crate) fn trusted(
    info: &ProviderInfo,
    mut image: ResultImage,
) -> Result<ResultImage, RemixError> {
    if let Some(url) = image.url.as_deref() {
        if !is_trusted_url(url) {
            return Err(untrusted(info, url, "is not an https URL"));
        }
        image.url = Some(url.trim().to_string());
    }
    if let Some(data) = image.data_url.as_deref() {
        let sniffed = data_url_format(data).ok_or_else(|| {
            untrusted(
                info,
                data,
                "is not a base64 data URL of a PNG, JPEG, WebP, AVIF or HEIF image",
            )
        })?;
        image.mime = Some(sniffed.mime().to_string());
        let payload = data.find(',').map_or("", |i| &data[i + 1..]);
        image.data_url = Some(["data:", sniffed.mime(), ";base64,", payload.trim()].concat());
    }
    if image.url.is_none() && image.data_url.is_none() {
        return Err(untrusted(
            info,
            "",
            "has neither a URL nor the image's bytes",
        ));
    }
    Ok(image)
}

/// `https://host…`, or `http://` to a loopback host, with no userinfo,
/// whitespace or control characters anywhere.
fn is_trusted_url(url: &str) -> bool {
    let url = url.trim();
    if url.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'\\') {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let (rest, https) = if let Some(r) = lower.strip_prefix("https://") {
        (r, true)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (r, false)
    } else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    if https {
        return true;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host == "::1" || is_loopback_v4(host)
}

fn is_loopback_v4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The format a `data:<mime>;base64,<bytes>` URL's bytes sniff as, when
/// its declared MIME is that format's.
fn data_url_format(data: &str) -> Option<crate::image::ImageFormat> {
    let rest = data.trim().strip_prefix("data:").or_else(|| {
        data.trim()
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("data:"))
            .map(|_| &data.trim()[5..])
    })?;
    let (meta, payload) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?.trim();
    // Enough of the payload for every signature (HEIF's brands sit past
    // byte 8), decoded whole quads only.
    let head: String = payload
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .take(64)
        .map(char::from)
        .collect();
    let bytes = decode_base64_prefix(head.as_bytes())?;
    let format = crate::image::sniff_format(&bytes)?;
    mime.eq_ignore_ascii_case(format.mime()).then_some(format)
}

/// The bytes of the whole 4-character groups of `text` (standard base64,
/// `=` padding): enough to sniff a format. Written out rather than taken
/// from `base64_simd`, whose decoder costs the package 3 KB gzipped for
/// these few bytes. `None` on any other character.
fn decode_base64_prefix(text: &[u8]) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for quad in text.chunks_exact(4) {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count().min(2);
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
        if pad > 0 {
            break;
        }
    }
    Some(out)
}

fn untrusted(info: &ProviderInfo, value: &str, why: &str) -> RemixError {
    let mut shown: String = value.trim().chars().take(24).collect();
    if value.trim().chars().count() > 24 {
        shown.push('…');
    }
    let mut msg = [
        info.name,
        " answered a result image that a page cannot safely show: \"",
    ]
    .concat();
    msg.push_str(&shown);
    msg.push_str("\" ");
    msg.push_str(why);
    msg.push_str(". Nothing was shown; try again or choose another provider.");
    RemixError::new(ErrorCode::MalformedResponse, msg).with_provider(info.id)
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

#[cfg(test)]
mod tests {
    use super::decode_base64_prefix;

    #[test]
    fn the_prefix_decoder_agrees_with_base64_simd() {
        for data in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            &[0xff; 47],
        ] {
            let text = base64_simd::STANDARD.encode_to_string(data);
            assert_eq!(decode_base64_prefix(text.as_bytes()).as_deref(), Some(data));
        }
        assert_eq!(decode_base64_prefix(b"ab!d"), None);
    }
}
