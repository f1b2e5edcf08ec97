//! Plain HTTP values: what a provider asks to send and what came back.
//!
//! Nothing here does I/O: the transport (the package's `fetch.rs`) turns an [`HttpRequest`] into a
//! `fetch()` call and the answer into an [`HttpResponse`].
//!
//! Secrets stay out of logs: [`Secret`] prints as `***`, and the `Debug` of
//! an [`HttpRequest`] shows every credential-bearing header as `***` and a
//! body only by its length.

use std::fmt;

use crate::error::has_sub;

/// An API key. `Debug` and `Display` print `***`; only [`Secret::expose`]
/// gives the key, for the one place that writes the auth header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The HTTP methods the providers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
}

impl Method {
    /// The method as `fetch` wants it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
        }
    }
}

/// What a request is for. The driver's retry rules depend on it: only
/// reads (and idempotent uploads) are retried after a server error or a
/// network failure; a submit is retried only after a 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// Creating upload slots (inference.sh `POST /files`).
    Files,
    /// Sending image bytes to a presigned URL (idempotent `PUT`).
    Upload,
    /// Starting the (paid) job.
    Submit,
    /// Reading a job's status.
    Status,
    /// Reading a finished job's result.
    Result,
    /// A long-lived status stream (NDJSON or server-sent events).
    Stream,
    /// Asking the provider to cancel the job.
    Cancel,
}

impl RequestKind {
    /// True for requests that only read, so may be repeated freely.
    pub const fn is_read(self) -> bool {
        matches!(self, Self::Status | Self::Result | Self::Stream)
    }
}

/// A request body.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// A JSON document, sent as `application/json`.
    Json(Vec<u8>),
    /// Raw bytes with their content type (image uploads).
    Bytes {
        /// The `Content-Type` to send.
        content_type: String,
        /// The bytes.
        data: Vec<u8>,
    },
}

impl Body {
    /// The body's bytes (empty for [`Body::None`]).
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::None => &[],
            Body::Json(b) => b,
            Body::Bytes { data, .. } => data,
        }
    }

    /// The content type this body is sent with, if any.
    pub fn content_type(&self) -> Option<&str> {
        match self {
            Body::None => None,
            Body::Json(_) => Some("application/json"),
            Body::Bytes { content_type, .. } => Some(content_type),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            Body::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Body::Bytes { content_type, data } => {
                write!(f, "Bytes({content_type}, {} bytes)", data.len())
            }
        }
    }
}

/// A request for the transport to send. The `Content-Type` of a body is
/// not in `headers`: take it from [`Body::content_type`].
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Headers, names as the provider documents them.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// What the request is for (drives retries; not sent).
    pub kind: RequestKind,
}

/// True for header names whose value must never be printed.
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "cookie"
        || ["key", "token", "secret", "auth"]
            .iter()
            .any(|w| has_sub(&n, w))
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(kind: RequestKind, method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::None,
            kind,
        }
    }

    /// Add a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Set a JSON body.
    pub fn with_json(mut self, body: Vec<u8>) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, v) in self.0 {
                    if is_sensitive_header(k) {
                        m.entry(k, &"***");
                    } else {
                        m.entry(k, v);
                    }
                }
                m.finish()
            }
        }
        f.debug_struct("HttpRequest")
            .field("kind", &self.kind)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &Headers(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// A response as the transport received it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body, no headers (handy in tests).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Seconds the server asks us to wait, from `Retry-After`: delay-seconds,
    /// or an HTTP-date measured against the response's own `Date` header
    /// (so no clock is needed). `None` when absent or unreadable.
    pub fn retry_after_secs(&self) -> Option<u32> {
        let v = self.header("retry-after")?.trim();
        if let Ok(n) = v.parse::<u64>() {
            return Some(n.min(u64::from(u32::MAX)) as u32);
        }
        let when = parse_http_date(v)?;
        let now = self.header("date").and_then(parse_http_date)?;
        Some(when.saturating_sub(now).min(u64::from(u32::MAX)) as u32)
    }

    /// A request or trace id from the headers, if the provider sent one
    /// (`x-request-id`, `x-fal-request-id`, `request-id`, …).
    pub fn request_id_header(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, v)| {
                let k = k.to_ascii_lowercase();
                !v.is_empty()
                    && (k == "request-id" || (k.starts_with("x-") && k.ends_with("request-id")))
            })
            .map(|(_, v)| v.as_str())
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Seconds since 1970 of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// the only HTTP-date form current servers send.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let rest = s.trim().split_once(',')?.1.strip_prefix(' ')?;
    let mut it = rest.split(' ');
    let day: u64 = it.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = it.next()?;
    let month = MONTHS.iter().position(|m| *m == mon)? as u64 + 1;
    let year: u64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let mi: u64 = hms.next()?.parse().ok()?;
    let sec: u64 = hms.next()?.parse().ok()?;
    if it.next()? != "GMT"
        || !(1970..=9999).contains(&year)
        || !(1..=31).contains(&day)
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), shifted to unsigned.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_keys_and_bodies() {
        let req = HttpRequest::new(RequestKind::Submit, Method::Post, "https://x.test/a")
            .with_header("Authorization", "Bearer sk-very-secret")
            .with_header("Ocp-Apim-Subscription-Key", "sk-very-secret")
            .with_header("Accept", "application/json")
            .with_json(b"{\"k\":\"sk-very-secret\"}".to_vec());
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("sk-very-secret"), "{dbg}");
        assert!(dbg.contains("application/json"));
        assert_eq!(
            format!("{:?} {}", Secret::new("abc"), Secret::new("abc")),
            "*** ***"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let r = HttpResponse::new(429, "").with_header("Retry-After", "7");
        assert_eq!(r.retry_after_secs(), Some(7));
        let r = HttpResponse::new(429, "")
            .with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
            .with_header("Date", "Wed, 21 Oct 2015 07:27:45 GMT");
        assert_eq!(r.retry_after_secs(), Some(15));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            HttpResponse::new(429, "")
                .with_header("Retry-After", "soon")
                .retry_after_secs(),
            None
        );
    }
}
