//! Which headers cross the proxy. Requests: an allow-list, so that
//! nothing of the page's (cookies, its `Authorization`, our own `x-remix-*`)
//! reaches a provider by accident. Answers: everything but hop-by-hop
//! headers, cookies, CORS (the proxy answers that itself) and redirects'
//! `Location` (the proxy follows no redirect, and lets no page follow one
//! past it).

use crate::rules::table::ProxyEntry;
use crate::rules::{FAL_TARGET_HEADER, INFERENCE_TARGET_HEADER};

/// Page request headers every provider gets (lowercase).
const COMMON: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "content-type",
    "content-length",
    "prefer",
];

/// True if the page's request header `name` (lowercase) goes on to
/// `entry`'s provider.
pub fn forwards_request_header(name: &str, entry: &ProxyEntry) -> bool {
    if name.starts_with("x-remix-") || name == FAL_TARGET_HEADER || name == INFERENCE_TARGET_HEADER
    {
        return false;
    }
    COMMON.contains(&name)
        || entry
            .page_headers
            .iter()
            .any(|h| match h.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == *h,
            })
}

/// True if the provider's answer header `name` (lowercase) goes back to
/// the page.
pub fn passes_response_header(name: &str) -> bool {
    !matches!(
        name,
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "set-cookie"
            | "set-cookie2"
            | "location"
            | "alt-svc"
            | "strict-transport-security"
            | "x-remix-proxy-error"
    ) && !name.starts_with("access-control-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::table::entry;

    #[test]
    fn the_pages_credentials_and_our_headers_stay_behind() {
        let fal = entry("fal").expect("fal");
        for name in [
            "authorization",
            "cookie",
            "x-remix-target-url",
            "x-remix-provider",
            "x-fal-target-url",
            "host",
            "origin",
            "referer",
            "connection",
            "proxy-authorization",
            "x-forwarded-for",
        ] {
            assert!(!forwards_request_header(name, fal), "{name}");
        }
        for name in ["content-type", "accept", "prefer", "x-fal-queue-priority"] {
            assert!(forwards_request_header(name, fal), "{name}");
        }
        // fal's own headers go to fal only.
        assert!(!forwards_request_header(
            "x-fal-queue-priority",
            entry("reve").expect("reve")
        ));
        assert!(forwards_request_header(
            "x-api-version",
            entry("inference-sh").expect("inf")
        ));
    }

    #[test]
    fn cookies_cors_and_redirects_do_not_come_back() {
        for name in [
            "set-cookie",
            "location",
            "access-control-allow-origin",
            "connection",
            "x-remix-proxy-error",
        ] {
            assert!(!passes_response_header(name), "{name}");
        }
        for name in [
            "content-type",
            "retry-after",
            "x-fal-request-id",
            "content-encoding",
        ] {
            assert!(passes_response_header(name), "{name}");
        }
    }
}
