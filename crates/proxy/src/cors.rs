//! CORS, answered for `--allow-origin` pages only: a page elsewhere gets
//! no CORS headers, so its browser lets it read nothing.

use crate::options::{AllowOrigins, Options};
use crate::refusal::Refusal;
use crate::rules::check_origin;

/// The methods the proxy forwards.
pub const METHODS: &str = "GET, POST, PUT";
/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE_SECS: u32 = 600;

/// Response headers a page must be able to read: the proxy's code,
/// `Retry-After` (and `Date`, which an HTTP-date `Retry-After` is measured
/// against), fal's retry advice; request ids are added as they come.
const EXPOSED: &[&str] = &[
    "retry-after",
    "date",
    "x-remix-proxy-error",
    "x-fal-retryable",
];

/// `Access-Control-Allow-Origin`'s value for a request from `origin`, or
/// `None` when no CORS headers are sent.
pub fn allow_origin(origin: Option<&str>, opts: &Options) -> Option<String> {
    let origin = origin?;
    match &opts.allow_origins {
        AllowOrigins::Any => Some("*".to_string()),
        list if list.allows(origin) => Some(origin.to_string()),
        _ => None,
    }
}

/// True for a request id header (`x-request-id`, `x-fal-request-id`,
/// `request-id`, …), lowercase name.
pub fn is_request_id(name: &str) -> bool {
    name == "request-id" || (name.starts_with("x-") && name.ends_with("request-id"))
}

/// What an answer varies by besides its URL: the page, and the target.
const VARY: &str = "Origin, x-remix-target-url, x-fal-target-url, x-inf-target-url";

/// The CORS headers of an answer to an allowed page: its origin, `Vary`,
/// and the exposed headers among `present` (the answer's header names,
/// lowercase).
pub fn response_headers<'a>(
    allowed: &str,
    present: impl Iterator<Item = &'a str>,
) -> Vec<(&'static str, String)> {
    let mut expose: Vec<&str> = EXPOSED.to_vec();
    for name in present {
        if is_request_id(name) && !expose.contains(&name) {
            expose.push(name);
        }
    }
    vec![
        ("access-control-allow-origin", allowed.to_string()),
        // Every request has the proxy's one URL, the target in a header: a
        // cache keyed on the URL alone would hand one target's answer to
        // another (a browser's cache lock makes concurrent GETs share one).
        ("vary", VARY.to_string()),
        ("access-control-expose-headers", expose.join(", ")),
    ]
}

/// The answer to a preflight (`OPTIONS` with `Access-Control-Request-*`):
/// the headers of a 204, or the refusal of an origin not allowed.
pub fn preflight(
    origin: Option<&str>,
    opts: &Options,
    request_headers: Option<&str>,
    private_network: bool,
) -> Result<Vec<(&'static str, String)>, Refusal> {
    check_origin(origin, opts)?;
    let Some(allowed) = allow_origin(origin, opts) else {
        // No Origin: not a browser's preflight; nothing to allow.
        return Ok(Vec::new());
    };
    let mut h = vec![
        ("access-control-allow-origin", allowed),
        (
            "vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers".to_string(),
        ),
        ("access-control-allow-methods", METHODS.to_string()),
        ("access-control-max-age", MAX_AGE_SECS.to_string()),
    ];
    // Whatever the page asks to send: the proxy forwards only its own
    // allow-list of them anyway (`headers::forwards_request_header`).
    let asked: Vec<&str> = request_headers
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.bytes().all(is_token_byte))
        .collect();
    if !asked.is_empty() {
        h.push(("access-control-allow-headers", asked.join(", ")));
    }
    if private_network {
        // A public page calling a proxy on the user's own machine or
        // network (Chrome's Private Network Access).
        h.push(("access-control-allow-private-network", "true".to_string()));
    }
    Ok(h)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(origins: &[&str]) -> Options {
        let mut args = Vec::new();
        for o in origins {
            args.push("--allow-origin".to_string());
            args.push((*o).to_string());
        }
        Options::parse(args).expect("valid")
    }

    #[test]
    fn only_allowed_origins_get_cors() {
        let o = opts(&["https://app.test"]);
        assert_eq!(
            allow_origin(Some("https://app.test"), &o).as_deref(),
            Some("https://app.test")
        );
        assert_eq!(allow_origin(Some("https://evil.test"), &o), None);
        assert_eq!(allow_origin(None, &o), None);
        assert_eq!(
            allow_origin(Some("https://x.test"), &opts(&["*"])).as_deref(),
            Some("*")
        );
        assert_eq!(allow_origin(Some("https://x.test"), &opts(&[])), None);
    }

    #[test]
    fn a_preflight_from_elsewhere_is_refused() {
        let o = opts(&["https://app.test"]);
        let r = preflight(
            Some("https://evil.test"),
            &o,
            Some("x-remix-target-url"),
            false,
        )
        .expect_err("refused");
        assert_eq!(r.code, crate::refusal::Code::OriginNotAllowed);
        let h = preflight(
            Some("https://app.test"),
            &o,
            Some("content-type, x-remix-target-url, x-remix-provider, bad header"),
            true,
        )
        .expect("allowed");
        let get = |n: &str| h.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("access-control-allow-origin"), Some("https://app.test"));
        assert_eq!(
            get("access-control-allow-headers"),
            Some("content-type, x-remix-target-url, x-remix-provider")
        );
        assert_eq!(get("access-control-allow-private-network"), Some("true"));
    }

    #[test]
    fn retry_after_and_request_ids_are_exposed() {
        let h = response_headers(
            "https://app.test",
            [
                "content-type",
                "x-fal-request-id",
                "x-request-id",
                "set-cookie",
            ]
            .into_iter(),
        );
        let expose = &h[2].1;
        for name in [
            "retry-after",
            "x-remix-proxy-error",
            "x-fal-request-id",
            "x-request-id",
        ] {
            assert!(expose.contains(name), "{expose}");
        }
        assert!(!expose.contains("set-cookie"));
    }

    /// One URL for every target: a cache must key on the target header too.
    #[test]
    fn answers_vary_by_their_target() {
        let h = response_headers("https://app.test", std::iter::empty());
        let vary = h
            .iter()
            .find(|(n, _)| *n == "vary")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        for name in [
            "Origin",
            "x-remix-target-url",
            "x-fal-target-url",
            "x-inf-target-url",
        ] {
            assert!(vary.contains(name), "{vary}");
        }
    }
}
