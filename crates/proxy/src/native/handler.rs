//! One request: refuse it (CORS, rate limit, the rules, its size) or send
//! it on and stream the answer back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Either, Limited};
use hyper::body::Incoming;
use hyper::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};

use super::client::{self, Body, full};
use super::{Shared, log_writer};
use crate::cors;
use crate::headers::{forwards_request_header, passes_response_header};
use crate::log;
use crate::refusal::{Code, Refusal};
use crate::rules::{self, Ask, Decision, Forward};
use crate::spend::{self, USAGE_PATH};
use crate::token;

thread_local! {
    /// Each server thread's last verified token (one runtime per thread).
    static LAST_VERIFIED: std::cell::RefCell<token::LastVerified> =
        std::cell::RefCell::new(token::LastVerified::default());
}

/// One thread's proxy: the shared state, and this thread's client and log.
pub struct Proxy {
    pub shared: Arc<Shared>,
    pub client: client::Client,
    pub log: log_writer::Lines,
}

/// The headers every request is asked for, named once: a lookup by a
/// `&str` checks and hashes the name each time.
static NAMED: [HeaderName; 8] = [
    HeaderName::from_static("origin"),
    HeaderName::from_static(rules::PROXY_TARGET_HEADER),
    HeaderName::from_static(rules::PROXY_PROVIDER_HEADER),
    HeaderName::from_static(rules::FAL_TARGET_HEADER),
    HeaderName::from_static(rules::INFERENCE_TARGET_HEADER),
    HeaderName::from_static(token::TOKEN_HEADER),
    HeaderName::from_static("content-length"),
    HeaderName::from_static("transfer-encoding"),
];

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let value = match NAMED.iter().find(|n| n.as_str() == name) {
        Some(named) => headers.get(named),
        None => headers.get(name),
    };
    value.and_then(|v| v.to_str().ok())
}

/// Answer one request from `peer`.
pub async fn handle(this: &Proxy, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let proxy = &*this.shared;
    let (parts, body) = req.into_parts();
    let headers = &parts.headers;
    let ask = Ask::from_headers(parts.method.as_str(), |n| header(headers, n));
    let origin = ask.origin;
    let provider = match ask.protocol {
        rules::Protocol::Fal => Some("fal"),
        rules::Protocol::Inference => Some("inference-sh"),
        rules::Protocol::Remix => ask.provider,
    };
    let logged_with = |target: &str, status: u16, refusal: Option<Code>, note: &str| {
        this.log.add(|out| {
            log::write_line(
                out,
                parts.method.as_str(),
                provider,
                target,
                status,
                started.elapsed().as_millis(),
                refusal.map(Code::as_str),
            );
            out.push_str(note);
        });
    };
    let logged = |target: &str, status: u16, refusal: Option<Code>| {
        logged_with(target, status, refusal, "");
    };
    let allowed = cors::allow_origin(origin, &proxy.opts);
    let refuse = |r: Refusal| {
        logged(&log::target(ask.target), r.code.status(), Some(r.code));
        refusal_response(&r, allowed.as_deref())
    };

    if parts.method == Method::OPTIONS && headers.contains_key("access-control-request-method") {
        return match cors::preflight(
            origin,
            &proxy.opts,
            header(headers, "access-control-request-headers"),
            header(headers, "access-control-request-private-network") == Some("true"),
        ) {
            Ok(h) => {
                logged("-", 204, None);
                let mut res = Response::new(full(bytes::Bytes::new()));
                *res.status_mut() = StatusCode::NO_CONTENT;
                add_headers(res.headers_mut(), h);
                res
            }
            Err(r) => refuse(r),
        };
    }
    let now = unix_now();
    if parts.uri.path() == USAGE_PATH {
        logged(USAGE_PATH, 200, None);
        return usage(proxy, headers, now);
    }
    // Who counts against `--client-daily`: the token's subject, else the
    // address (the CDN's, with `--trust-forwarded`), named only for a
    // submission.
    let mut subject = None;
    if let Some(secret) = proxy.keys.proxy_secret() {
        let verified = LAST_VERIFIED.with_borrow_mut(|last| {
            last.verify(
                secret.expose().as_bytes(),
                header(headers, token::TOKEN_HEADER),
                now,
            )
        });
        match verified {
            Ok(claims) => subject = claims.subject,
            Err(r) => return refuse(r),
        }
    }
    if let Some(limiter) = &proxy.limiter {
        let now = proxy.epoch.elapsed().as_millis() as u64;
        let verdict = limiter
            .lock()
            .map_or(Ok(()), |mut l| l.check(peer.ip(), now));
        if let Err(secs) = verdict {
            let mut r = Refusal::new(
                Code::RateLimited,
                format!(
                    "Too many requests from this address (the proxy takes {} a minute): wait {secs} s.",
                    proxy.opts.rate_limit
                ),
            );
            r.retry_after_secs = Some(secs);
            return refuse(r);
        }
    }
    let forward = match rules::decide(&ask, &proxy.opts, &proxy.keys) {
        Decision::Forward(f) => f,
        Decision::Refuse(r) => return refuse(r),
    };
    let body = match measured_body(headers, body, proxy.opts.max_body).await {
        Ok(b) => b,
        Err((r, unread)) => {
            if let Some(unread) = unread {
                tokio::spawn(linger(unread));
            }
            return refuse(r);
        }
    };
    // A job submission is priced and counted before anything is sent.
    let (body, submission) = if forward.needs_body() {
        let limit = usize::try_from(proxy.opts.max_body).unwrap_or(usize::MAX);
        match Box::pin(Limited::new(body, limit).collect()).await {
            Ok(collected) => {
                let bytes = collected.to_bytes();
                let model = forward.submission(Some(&bytes));
                (full(bytes), model)
            }
            Err(_) => {
                return refuse(Refusal::new(
                    Code::BodyTooLarge,
                    "The request body could not be read whole within the proxy's limit (--max-body).",
                ));
            }
        }
    } else {
        let model = forward.submission(None);
        (body, model)
    };
    let mut note = String::new();
    if let Some(model) = submission {
        let client = match subject {
            Some(sub) => ["sub:", &sub].concat(),
            None => spend::client_of(
                &peer.ip().to_string(),
                header(headers, "cf-connecting-ip"),
                header(headers, "x-forwarded-for"),
                proxy.opts.trust_forwarded,
            ),
        };
        let cost = spend::cost_micros(forward.entry.provider, model);
        match proxy.spend.admit(now, &client, cost) {
            Ok(a) => note = log::spend_note(a.cost_micros, a.day_micros),
            Err(r) => return refuse(r),
        }
    }
    let upstream = upstream_request(&parts.method, headers, &forward, body);
    let answer = tokio::time::timeout(
        proxy.opts.upstream_timeout,
        this.client.request(upstream, &forward.url),
    );
    let res = match answer.await {
        Err(_) => {
            return refuse(Refusal::new(
                Code::UpstreamTimeout,
                format!(
                    "{} did not start answering within {} s; try again later.",
                    forward.entry.info().name,
                    proxy.opts.upstream_timeout.as_secs()
                ),
            ));
        }
        Ok(Err(e)) => {
            return refuse(Refusal::new(
                Code::UpstreamUnreachable,
                format!(
                    "The proxy could not reach {} at {} ({}); check the proxy's network, or try again later.",
                    forward.entry.info().name,
                    forward.url.host_str().unwrap_or("?"),
                    e.reason()
                ),
            ));
        }
        Ok(Ok(res)) => res,
    };
    let (mut up, incoming) = res.into_parts();
    logged_with(&forward.shown, up.status.as_u16(), None, &note);
    let cors = allowed
        .as_ref()
        .map(|allowed| cors::response_headers(allowed, up.headers.keys().map(HeaderName::as_str)));
    let mut out = Response::new(Either::Left(incoming));
    *out.status_mut() = up.status;
    // Most answers hold nothing to leave out: then their headers go back
    // as they came, without a copy.
    if up
        .headers
        .keys()
        .all(|n| passes_response_header(n.as_str()))
    {
        *out.headers_mut() = std::mem::take(&mut up.headers);
    } else {
        let out_headers = out.headers_mut();
        for (name, value) in &up.headers {
            if passes_response_header(name.as_str()) {
                out_headers.append(name.clone(), value.clone());
            }
        }
    }
    if let Some(cors) = cors {
        add_headers(out.headers_mut(), cors);
    }
    out
}

/// How long, and how much, a refused request's body is still read after the
/// refusal is answered.
const LINGER_SECS: u64 = 10;
const LINGER_BYTES: usize = 64 * 1024 * 1024;

/// Read and discard what the client still sends of a body the proxy
/// refused (a lingering close): the refusal is answered at once, but closing
/// the connection with the body unread makes the kernel reset it, and the
/// client then often sees a reset instead of the 413. Bounded in time and
/// bytes.
async fn linger(mut body: Incoming) {
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(LINGER_SECS);
    let mut read = 0usize;
    while read < LINGER_BYTES {
        match tokio::time::timeout_at(until, body.frame()).await {
            Ok(Some(Ok(frame))) => read += frame.data_ref().map_or(0, |d| d.len()),
            _ => break,
        }
    }
}

/// The page's body, checked against `--max-body` before anything is
/// connected: by its `Content-Length` when it has one (then streamed),
/// else read up to the limit. A refusal hands back what is still unread,
/// for [`linger`].
async fn measured_body(
    headers: &HeaderMap,
    body: Incoming,
    max: u64,
) -> Result<Body, (Refusal, Option<Incoming>)> {
    let too_large = || {
        Refusal::new(
            Code::BodyTooLarge,
            format!(
                "The request body is over the proxy's limit of {max} bytes (--max-body); send smaller or fewer reference images."
            ),
        )
    };
    match header(headers, "content-length").map(|l| l.trim().parse::<u64>()) {
        Some(Ok(len)) if len > max => Err((too_large(), Some(body))),
        Some(Ok(_)) => Ok(Either::Left(body)),
        Some(Err(_)) => Err((
            Refusal::new(
                Code::TargetNotAllowed,
                "The request's Content-Length is not a number.",
            ),
            None,
        )),
        None if header(headers, "transfer-encoding").is_none() => Ok(Either::Left(body)),
        None => {
            let limit = usize::try_from(max).unwrap_or(usize::MAX);
            match Box::pin(Limited::new(body, limit).collect()).await {
                Ok(collected) => Ok(full(collected.to_bytes())),
                Err(_) => Err((too_large(), None)),
            }
        }
    }
}

/// The request to the provider: the allowed page headers, the key, the
/// body (the client adds where it goes).
fn upstream_request(
    method: &Method,
    headers: &HeaderMap,
    forward: &Forward,
    body: Body,
) -> Request<Body> {
    let mut req = Request::new(body);
    *req.method_mut() = method.clone();
    let out = req.headers_mut();
    for (name, value) in headers {
        if forwards_request_header(name.as_str(), forward.entry) {
            out.append(name.clone(), value.clone());
        }
    }
    if let Some((name, key)) = &forward.auth
        && let (Ok(name), Ok(mut value)) = (
            HeaderName::try_from(*name),
            HeaderValue::try_from(key.expose()),
        )
    {
        value.set_sensitive(true);
        out.insert(name, value);
    }
    req
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `GET /_remix/usage`: the day's spend as JSON, for the owner only (the
/// token secret as bearer; compared in constant time).
fn usage(proxy: &super::Shared, headers: &HeaderMap, now: u64) -> Response<Body> {
    let secret = proxy.keys.proxy_secret().map(|s| s.expose().as_bytes());
    if let Err(r) = token::check_owner(secret, header(headers, "authorization")) {
        return refusal_response(&r, None);
    }
    let mut res = Response::new(full(proxy.spend.usage(now)));
    add_headers(
        res.headers_mut(),
        vec![
            ("content-type", "application/json".to_string()),
            ("cache-control", "no-store".to_string()),
        ],
    );
    res
}

fn add_headers(map: &mut HeaderMap, headers: Vec<(&'static str, String)>) {
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            map.append(HeaderName::from_static(name), value);
        }
    }
}

fn refusal_response(r: &Refusal, allowed_origin: Option<&str>) -> Response<Body> {
    let mut res = Response::new(full(r.body()));
    *res.status_mut() = StatusCode::from_u16(r.code.status()).unwrap_or(StatusCode::FORBIDDEN);
    let h = res.headers_mut();
    add_headers(h, r.headers());
    if let Some(allowed) = allowed_origin {
        add_headers(
            h,
            cors::response_headers(allowed, std::iter::once("x-remix-proxy-error")),
        );
    }
    res
}
