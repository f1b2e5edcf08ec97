//! The proxy's decision, pure: from what a request asks (method, target
//! URL, provider id, `Origin`) and the options, either forward (to this URL,
//! with this key header or none) or refuse with a code, before any
//! connection is opened.
//!
//! The target is parsed with a WHATWG URL parser (the `url` crate, as
//! browsers parse), never compared as a string: `api.reve.com.evil.test`,
//! `https://api.reve.com@evil.test/`, `https://evil.test\@api.reve.com`,
//! IP literals and plain http all parse to a host or scheme that is not on
//! the table. It is forwarded only when it is
//! - on its provider's API host (exact, https, default port, no userinfo),
//!   on one of that provider's routes with that route's method: with the
//!   provider's key; or
//! - a GET on one of the provider's result hosts: without a key; or
//! - under the provider's `--upstream` URL (the mock, tests): on a route
//!   with the key, any other GET without it.
//!
//! A key only ever goes to the host of the provider it belongs to: the
//! provider id picks both the key and the hosts, so asking for Reve's host
//! with `x-remix-provider: fal` is refused, not sent fal's key.

pub mod table;

use std::fmt;

use reve_remix_core::http::{Method, Secret};
use reve_remix_core::provider::Route;
pub use reve_remix_core::provider::{PROXY_PROVIDER_HEADER, PROXY_TARGET_HEADER};
use url::{Host, Url};

use crate::options::{Options, Upstream};
use crate::refusal::{Code, Refusal};
use table::ProxyEntry;

/// fal's proxy protocol (`@fal-ai/client` with `proxyUrl`): the target in
/// this header, the provider being fal.
pub const FAL_TARGET_HEADER: &str = "x-fal-target-url";
/// inference.sh's proxy protocol (`@inferencesh/sdk` with `proxyUrl`).
pub const INFERENCE_TARGET_HEADER: &str = "x-inf-target-url";

/// Which protocol named the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Ours: `x-remix-target-url` and `x-remix-provider`.
    Remix,
    /// fal's: `x-fal-target-url`.
    Fal,
    /// inference.sh's: `x-inf-target-url`.
    Inference,
}

/// What a request asks of the proxy, read from its method and headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ask<'a> {
    /// The request method.
    pub method: &'a str,
    /// The target URL as sent.
    pub target: Option<&'a str>,
    /// The protocol that named it.
    pub protocol: Protocol,
    /// `x-remix-provider`.
    pub provider: Option<&'a str>,
    /// The `Origin` header (browsers send it on every cross-origin call).
    pub origin: Option<&'a str>,
}

impl<'a> Ask<'a> {
    /// Read an ask from a request's method and a header lookup (names in
    /// lowercase). Only headers are read, never the query: a page can make
    /// a browser send a query cross-site without asking (an `<img>`), but
    /// not a header.
    pub fn from_headers(method: &'a str, header: impl Fn(&str) -> Option<&'a str>) -> Self {
        let (target, protocol) = match header(PROXY_TARGET_HEADER) {
            Some(t) => (Some(t), Protocol::Remix),
            None => match header(FAL_TARGET_HEADER) {
                Some(t) => (Some(t), Protocol::Fal),
                None => match header(INFERENCE_TARGET_HEADER) {
                    Some(t) => (Some(t), Protocol::Inference),
                    // No target at all: refused, and logged under no provider.
                    None => (None, Protocol::Remix),
                },
            },
        };
        Self {
            method,
            target,
            protocol,
            provider: header(PROXY_PROVIDER_HEADER),
            origin: header("origin"),
        }
    }
}

/// The keys the proxy holds, by environment name. `Debug` names them and
/// never shows one.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Keys(Vec<(&'static str, Secret)>);

impl Keys {
    /// Every provider's key found by `lookup` (the environment, or a
    /// Worker's secrets); empty values count as missing.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut keys = Vec::new();
        for e in &table::TABLE {
            if keys.iter().any(|(name, _)| *name == e.key_env) {
                continue;
            }
            if let Some(v) = lookup(e.key_env).filter(|v| !v.trim().is_empty()) {
                keys.push((e.key_env, Secret::new(v.trim())));
            }
        }
        let secret = crate::token::SECRET_ENV;
        if let Some(v) = lookup(secret).filter(|v| !v.trim().is_empty()) {
            keys.push((secret, Secret::new(v.trim())));
        }
        Self(keys)
    }

    /// The secret tokens are signed with (`REMIX_PROXY_SECRET`), if set.
    pub fn proxy_secret(&self) -> Option<&Secret> {
        self.get(crate::token::SECRET_ENV)
    }

    /// The key named `env`.
    pub fn get(&self, env: &str) -> Option<&Secret> {
        self.0.iter().find(|(n, _)| *n == env).map(|(_, k)| k)
    }

    /// The names of the keys held.
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|(n, _)| *n).collect()
    }

    /// Every key's value, to make sure none is echoed anywhere.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, k)| k.expose())
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// What a forward is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A call of the provider's API, with its key.
    Api(&'static Route),
    /// A result image, without a key.
    ResultImage,
}

/// Send the request on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    /// The provider's entry.
    pub entry: &'static ProxyEntry,
    /// Where to (the parsed target, or its `--upstream` equivalent).
    pub url: Url,
    /// The key header to add, for API calls.
    pub auth: Option<(&'static str, Secret)>,
    /// What it is for.
    pub purpose: Purpose,
    /// The target as asked, the way logs show it (no query).
    pub shown: String,
}

impl Forward {
    /// The model this request submits a job of, when it is a job
    /// submission (a POST on one of the provider's submit paths): what the
    /// daily budget prices and the quotas count. `body` is read only where
    /// [`needs_body`](Self::needs_body) says so.
    pub fn submission(&self, body: Option<&[u8]>) -> Option<reve_remix_core::id::ModelId> {
        match self.purpose {
            Purpose::Api(route) if route.method == Method::Post => {
                self.entry.info().submission(route.path, body)
            }
            _ => None,
        }
    }

    /// True when only the body tells a submission from a status read
    /// (Runware's one path): the server reads it before deciding.
    pub fn needs_body(&self) -> bool {
        self.entry.info().submit_marker.is_some() && self.submission(None).is_some()
    }
}

/// The proxy's answer to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Forward it.
    Forward(Forward),
    /// Answer with this refusal.
    Refuse(Refusal),
}

/// Refuse a page whose origin is not allowed. A request without `Origin`
/// is not a browser page's cross-origin call (a server, a script): it
/// passes this check.
pub fn check_origin(origin: Option<&str>, opts: &Options) -> Result<(), Refusal> {
    match origin {
        Some(o) if !opts.allow_origins.allows(o) => Err(Refusal::new(
            Code::OriginNotAllowed,
            [
                "This proxy does not take requests from pages at ",
                &shown(o, 200),
                ": start it with --allow-origin ",
                &shown(o, 200),
                " to allow them.",
            ]
            .concat(),
        )),
        _ => Ok(()),
    }
}

/// Decide: forward or refuse. Pure; nothing is connected.
pub fn decide(ask: &Ask<'_>, opts: &Options, keys: &Keys) -> Decision {
    match decide_inner(ask, opts, keys) {
        Ok(f) => Decision::Forward(f),
        Err(r) => Decision::Refuse(r),
    }
}

fn decide_inner(ask: &Ask<'_>, opts: &Options, keys: &Keys) -> Result<Forward, Refusal> {
    check_origin(ask.origin, opts)?;
    let Some(target) = ask.target.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(Refusal::new(
            Code::TargetMissing,
            "Say where to: put the provider's URL in the x-remix-target-url header and its id in x-remix-provider.",
        ));
    };
    let id = match ask.protocol {
        Protocol::Fal => "fal",
        Protocol::Inference => "inference-sh",
        Protocol::Remix => ask.provider.map(str::trim).unwrap_or_default(),
    };
    let Some(entry) = table::entry(id) else {
        return Err(not_allowed(if id.is_empty() {
            "Name the provider in the x-remix-provider header.".to_string()
        } else {
            [
                "Unknown provider \"",
                &shown(id, 40),
                "\"; this proxy knows ",
                &table::ids().join(", "),
                ".",
            ]
            .concat()
        }));
    };
    let method = match ask.method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        other => {
            return Err(not_allowed(
                [
                    "The proxy does not forward ",
                    &shown(other, 20),
                    " requests.",
                ]
                .concat(),
            ));
        }
    };
    let Ok(mut url) = Url::parse(target) else {
        return Err(not_allowed(
            "The target is not a URL: send the provider's full https URL.".to_string(),
        ));
    };
    url.set_fragment(None);
    if !url.username().is_empty() || url.password().is_some() {
        return Err(not_allowed(
            "The target carries a user name or password (user@host): the proxy never forwards one."
                .to_string(),
        ));
    }
    let info = entry.info();
    let shown = shown_target(&url);
    let upstream = opts.upstream(entry.provider);
    let purpose = if let Some(rel) = upstream.and_then(|up| under(up, &url)) {
        match info.route(method, rel) {
            Some(route) => Purpose::Api(route),
            None if method == Method::Get => Purpose::ResultImage,
            None => return Err(off_table(entry, method, &url)),
        }
    } else {
        if url.scheme() != "https" || url.port().is_some() {
            return Err(off_table(entry, method, &url));
        }
        let Some(Host::Domain(host)) = url.host() else {
            return Err(off_table(entry, method, &url));
        };
        if host == entry.api_host() {
            let Some(route) = info.route(method, url.path()) else {
                return Err(off_table(entry, method, &url));
            };
            if let Some(up) = upstream {
                url = rebase(up, &url);
            }
            Purpose::Api(route)
        } else if method == Method::Get && entry.is_result_host(host) {
            Purpose::ResultImage
        } else {
            return Err(off_table(entry, method, &url));
        }
    };
    let auth = match purpose {
        Purpose::ResultImage => None,
        Purpose::Api(_) => {
            let Some(key) = keys.get(entry.key_env) else {
                return Err(Refusal::new(
                    Code::NoKey,
                    [
                        "The proxy has no key for ",
                        info.name,
                        ": set ",
                        entry.key_env,
                        " where it runs, then restart it.",
                    ]
                    .concat(),
                ));
            };
            Some((
                info.auth.header(),
                Secret::new(info.auth.value(key.expose())),
            ))
        }
    };
    Ok(Forward {
        entry,
        url,
        auth,
        purpose,
        shown,
    })
}

/// The path of `url` relative to `up`, when `url` is under it.
fn under<'u>(up: &Upstream, url: &'u Url) -> Option<&'u str> {
    let base = &up.base;
    if url.scheme() != base.scheme()
        || url.host() != base.host()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return None;
    }
    let rel = url.path().strip_prefix(up.prefix())?;
    if rel.is_empty() {
        Some("/")
    } else {
        rel.starts_with('/').then_some(rel)
    }
}

/// `url` (on the provider's real host) moved under `up`: the base's
/// scheme, host and port, its path before the target's. Set on the parsed
/// base rather than parsed again from a string: the host is already
/// known good, and this runs on every forwarded request.
fn rebase(up: &Upstream, url: &Url) -> Url {
    let mut out = up.base.clone();
    out.set_path(&[up.prefix(), url.path()].concat());
    out.set_query(url.query());
    out
}

fn not_allowed(message: String) -> Refusal {
    Refusal::new(Code::TargetNotAllowed, message)
}

/// The refusal of a target off the provider's table: says what it takes.
fn off_table(entry: &ProxyEntry, method: Method, url: &Url) -> Refusal {
    let info = entry.info();
    let routes: Vec<String> = info
        .routes
        .iter()
        .map(|r| [r.method.as_str(), " ", r.path].concat())
        .collect();
    let mut msg = [
        "The proxy does not forward ",
        method.as_str(),
        " ",
        &shown_target(url),
        " for ",
        info.name,
        ": it forwards https://",
        entry.api_host(),
        " (",
        &routes.join(", "),
        ")",
    ]
    .concat();
    if !entry.result_hosts.is_empty() {
        msg.push_str(" and GETs of result images on ");
        msg.push_str(&entry.result_hosts.join(", "));
    }
    msg.push('.');
    not_allowed(msg)
}

/// A target as messages and logs show it: scheme, host and path, never
/// the query (presigned URLs carry signatures there).
pub fn shown_target(url: &Url) -> String {
    let mut out = String::with_capacity(url.as_str().len());
    let mut left = 300;
    for part in [url.scheme(), "://", url.host_str().unwrap_or("")] {
        left -= push_shown(&mut out, part, left);
    }
    if let Some(port) = url.port() {
        left -= push_shown(&mut out, &[":", &port.to_string()].concat(), left);
    }
    push_shown(&mut out, url.path(), left);
    out
}

/// `s` cut to `max` characters of printable ASCII (what a stranger sent
/// may hold control characters meant for a terminal or a log).
pub fn shown(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    push_shown(&mut out, s, max);
    out
}

/// [`shown`], added to `out`; says how many characters it added.
pub fn push_shown(out: &mut String, s: &str, max: usize) -> usize {
    // What nearly every value is: printable ASCII, kept as it is.
    if s.len() <= max && s.bytes().all(|b| b.is_ascii_graphic()) {
        out.push_str(s);
        return s.len();
    }
    let mut added = 0;
    for c in s.chars().take(max) {
        out.push(if c.is_ascii_graphic() { c } else { '?' });
        added += 1;
    }
    added
}

#[cfg(test)]
mod tests;
