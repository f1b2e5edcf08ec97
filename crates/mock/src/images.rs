//! Reference images as providers receive them: raw base64, `data:` URIs,
//! URLs, or (inference.sh) files uploaded to the mock. Bytes are judged by
//! [`judge`](crate::judge::judge): the documents' formats and limits and a
//! real decoder, not the client's checks.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::check::{Invalid, Kind};
use crate::judge::{self, Format, Problem};
use crate::state::{AppState, FileRecord};

/// A reference image the mock accepted.
#[derive(Clone, Debug)]
pub enum RefImage {
    /// Bytes we have (decoded base64, a data URI, an upload, or one of our own results).
    Bytes {
        bytes: std::sync::Arc<Vec<u8>>,
        format: Format,
    },
    /// A URL we were given and do not fetch (no internet here): drawn as a placeholder.
    Url(String),
}

/// Which transports a provider takes for images.
#[derive(Clone, Copy, Debug, Default)]
pub struct Transports {
    /// Raw base64 with no `data:` prefix (Reve).
    pub raw_base64: bool,
    /// `data:<mime>;base64,…`
    pub data_uri: bool,
    /// `https://…` URLs (and, as a mock convenience, `http://` on loopback).
    pub url: bool,
    /// Only files uploaded to the mock's inference.sh `/files` (or https URLs).
    pub uploads: bool,
}

const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Accept each string of the array `field`, naming a bad one `field[i]`.
pub fn load_all(
    state: &AppState,
    field: &str,
    values: &[&str],
    t: Transports,
) -> Result<Vec<RefImage>, Invalid> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| load(state, &format!("{field}[{i}]"), v, t))
        .collect()
}

/// Accept one image string, or say what is wrong with it.
pub fn load(
    state: &AppState,
    field: &str,
    value: &str,
    t: Transports,
) -> Result<RefImage, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new(
            field,
            Kind::Image(Problem::Empty),
            format!("{field} is empty"),
        ));
    }
    if let Some(rest) = value.strip_prefix("data:") {
        if t.raw_base64 {
            return Err(Invalid::new(
                field,
                Kind::Encoding,
                format!("{field} must be raw base64 without a 'data:' prefix"),
            ));
        }
        if !t.data_uri {
            return Err(Invalid::new(
                field,
                Kind::Encoding,
                format!("{field} must be a publicly accessible HTTPS URL, not a data URI"),
            ));
        }
        let Some((_, payload)) = rest.split_once(";base64,") else {
            return Err(Invalid::new(
                field,
                Kind::Encoding,
                format!("{field} is a data URI without ';base64,'"),
            ));
        };
        let bytes = decode_base64(field, payload)?;
        return checked(field, bytes);
    }
    if is_url(value) {
        if let Some(res) = t.uploads.then(|| own_upload(state, field, value)).flatten() {
            return res;
        }
        if !(t.url || t.uploads) {
            return Err(Invalid::new(
                field,
                Kind::Encoding,
                format!("{field} must be base64 image data, not a URL"),
            ));
        }
        if !(value.starts_with("https://") || is_loopback_http(value)) {
            return Err(Invalid::new(
                field,
                Kind::Encoding,
                format!("{field} must be an HTTPS URL"),
            ));
        }
        if let Some(bytes) = own_result(state, value) {
            return checked(field, bytes);
        }
        return Ok(RefImage::Url(value.to_string()));
    }
    if t.raw_base64 {
        let bytes = decode_base64(field, value)?;
        return checked(field, bytes);
    }
    let wanted = match (t.data_uri, t.uploads) {
        (_, true) => "a file uri from POST /files or an HTTPS URL",
        (true, false) => "a URL or a base64 data URI",
        (false, false) => "an HTTPS URL",
    };
    Err(Invalid::new(
        field,
        Kind::Encoding,
        format!("{field} must be {wanted}"),
    ))
}

fn decode_base64(field: &str, payload: &str) -> Result<Vec<u8>, Invalid> {
    STANDARD_LENIENT.decode(payload.trim()).map_err(|e| {
        Invalid::new(
            field,
            Kind::Encoding,
            format!("{field} is not valid base64: {e}"),
        )
    })
}

fn checked(field: &str, bytes: Vec<u8>) -> Result<RefImage, Invalid> {
    checked_arc(field, std::sync::Arc::new(bytes))
}

fn checked_arc(field: &str, bytes: std::sync::Arc<Vec<u8>>) -> Result<RefImage, Invalid> {
    match judge::judge(&bytes) {
        Ok(format) => Ok(RefImage::Bytes { bytes, format }),
        Err((problem, words)) => Err(Invalid::new(
            field,
            Kind::Image(problem),
            format!("{field} {words}"),
        )),
    }
}

fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `http://127.0.0.1…`, `http://localhost…`, `http://[::1]…`
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// The path of a URL, without query or fragment.
fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = after_scheme
        .find('/')
        .map(|i| &after_scheme[i..])
        .unwrap_or("/");
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `…/inference-sh/cdn/{id}/{name}`: a file this mock issued.
fn own_upload(state: &AppState, field: &str, url: &str) -> Option<Result<RefImage, Invalid>> {
    let path = path_of(url);
    let (_, rest) = path.split_once("/inference-sh/cdn/")?;
    let id = rest.split('/').next().unwrap_or("");
    Some(match state.file(id) {
        None => Err(Invalid::new(
            field,
            Kind::NotFound,
            format!("{field}: no such file (create it with POST /files)"),
        )),
        Some(FileRecord { bytes: None, .. }) => Err(Invalid::new(
            field,
            Kind::NotFound,
            format!("{field}: the file has no content yet; PUT its bytes to its upload_url first"),
        )),
        Some(FileRecord {
            bytes: Some(bytes), ..
        }) => checked_arc(field, bytes),
    })
}

/// `…/results/{id}.png`: one of our own results, used as a reference.
fn own_result(state: &AppState, url: &str) -> Option<Vec<u8>> {
    let path = path_of(url);
    let (_, file) = path.rsplit_once("/results/")?;
    let id = file
        .strip_suffix(".png")
        .or_else(|| file.rsplit_once('.').map(|(a, _)| a))
        .unwrap_or(file);
    state.result(id).map(|s| s.bytes.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_helpers() {
        assert!(is_loopback_http("http://127.0.0.1:8787/x"));
        assert!(is_loopback_http("http://localhost/x"));
        assert!(!is_loopback_http("http://example.com/x"));
        assert_eq!(path_of("https://a.b/c/d?e=1"), "/c/d");
        assert_eq!(path_of("https://a.b"), "/");
    }
}
