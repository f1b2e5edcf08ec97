//! reve-remix-proxy as a Cloudflare Worker (workers-rs): the same pure
//! rules, options, CORS, header lists, refusals and log line as the native
//! server (`reve-remix-proxy`'s pure modules), so one set of rules decides
//! in both and a fix lands in both. Only the I/O differs: the Worker's
//! `fetch` instead of hyper, its bindings instead of the environment and
//! the command line, Cloudflare's rate limiting binding where deployed.
//!
//! Bindings (see `wrangler.toml`): the keys as secrets, named as the
//! native proxy reads them (`REVE_API_KEY`, `FAL_KEY`, …); the options as
//! vars (`ALLOW_ORIGINS`, `UPSTREAMS`, `RATE_LIMIT`, `MAX_BODY`,
//! `UPSTREAM_TIMEOUT`); `RATE_LIMITER`, a rate limiting binding, when
//! deployed (without it, requests are counted in the isolate's memory);
//! `REMIX_PROXY_SECRET`, a secret: then every request needs a token, and
//! it is the bearer that reads `GET /_remix/usage`.
//!
//! The daily budget and quotas (vars `DAILY_BUDGET`, `CLIENT_DAILY`,
//! `TRUST_FORWARDED`, as `--daily-budget`, `--client-daily`,
//! `--trust-forwarded`) are counted in one Durable Object, bound as
//! `SPEND` ([`spend`]): strongly consistent across the edge. A client is
//! its address: on Cloudflare `CF-Connecting-IP`, which Cloudflare itself
//! sets; under a local workerd (`cargo xtask proxy --edge`), which passes
//! on whatever a client wrote in that header, the peer address workerd
//! puts in `request.cf.clientIp`, as the native server takes the socket's.
//! `TRUST_FORWARDED` takes it from the forwarding headers instead, as the
//! native `--trust-forwarded` does. A token's subject, when it has one, is
//! the client instead.
#![cfg(target_arch = "wasm32")]

mod bindings;
mod respond;
mod spend;
mod upstream;

use reve_remix_proxy::cors;
use reve_remix_proxy::log;
use reve_remix_proxy::refusal::{Code, Refusal};
use reve_remix_proxy::rules::{self, Ask, Decision, Protocol};
use reve_remix_proxy::spend::{USAGE_PATH, client_of, cost_micros};
use reve_remix_proxy::token;
use worker::{Context, Env, Request, console_error, console_log, event};

/// The request headers the rules read, fetched once.
const ASKED: [&str; 5] = [
    rules::PROXY_TARGET_HEADER,
    rules::PROXY_PROVIDER_HEADER,
    rules::FAL_TARGET_HEADER,
    rules::INFERENCE_TARGET_HEADER,
    "origin",
];

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<web_sys::Response> {
    let started = js_sys::Date::now();
    let incoming = req.inner();
    let method = incoming.method();
    let headers = incoming.headers();
    let values: Vec<(&str, String)> = ASKED
        .iter()
        .filter_map(|&name| headers.get(name).ok().flatten().map(|v| (name, v)))
        .collect();
    let header = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    let ask = Ask::from_headers(&method, header);
    let provider = match ask.protocol {
        Protocol::Fal => Some("fal"),
        Protocol::Inference => Some("inference-sh"),
        Protocol::Remix => ask.provider,
    };
    let logged_with = |target: &str, status: u16, refusal: Option<Code>, note: &str| {
        let ms = (js_sys::Date::now() - started).max(0.0) as u128;
        let mut line = String::new();
        log::write_line(
            &mut line,
            &method,
            provider,
            target,
            status,
            ms,
            refusal.map(Code::as_str),
        );
        line.push_str(note);
        console_log!("{line}");
    };
    let logged = |target: &str, status: u16, refusal: Option<Code>| {
        logged_with(target, status, refusal, "");
    };
    let opts = match bindings::options(&env) {
        Ok(o) => o,
        Err(problem) => {
            // A deployment mistake, not the page's: say which var is wrong.
            logged("-", 500, None);
            return respond::text(500, &format!("reve-remix-proxy: bad vars: {problem}"));
        }
    };
    let allowed = cors::allow_origin(ask.origin, &opts);
    let refuse = |r: Refusal| {
        logged(&log::target(ask.target), r.code.status(), Some(r.code));
        respond::refusal(&r, allowed.as_deref())
    };

    if method == "OPTIONS"
        && headers
            .has("access-control-request-method")
            .unwrap_or(false)
    {
        let asked_headers = headers.get("access-control-request-headers").ok().flatten();
        let private = headers
            .get("access-control-request-private-network")
            .ok()
            .flatten();
        return match cors::preflight(
            ask.origin,
            &opts,
            asked_headers.as_deref(),
            private.as_deref() == Some("true"),
        ) {
            Ok(h) => {
                logged("-", 204, None);
                respond::empty(204, &h)
            }
            Err(r) => refuse(r),
        };
    }
    let keys = bindings::keys(&env);
    let secret = keys.proxy_secret().map(|s| s.expose().as_bytes());
    if url_path(incoming) == USAGE_PATH {
        let authorization = headers.get("authorization").ok().flatten();
        if let Err(r) = token::check_owner(secret, authorization.as_deref()) {
            logged(USAGE_PATH, r.code.status(), Some(r.code));
            return respond::refusal(&r, None);
        }
        return match spend::usage(&env, &opts).await {
            Ok(usage) => {
                logged(USAGE_PATH, 200, None);
                respond::json(&usage)
            }
            Err(e) => {
                console_error!("reve-remix-proxy: the spend ledger: {e}");
                let r = Refusal::new(
                    Code::StateUnreadable,
                    "The proxy cannot reach its spend ledger: try again in a moment.",
                );
                logged(USAGE_PATH, r.code.status(), Some(r.code));
                respond::refusal(&r, None)
            }
        };
    }
    let peer = bindings::peer(incoming);
    let mut client = client_of(
        &peer,
        headers.get("cf-connecting-ip").ok().flatten().as_deref(),
        headers.get("x-forwarded-for").ok().flatten().as_deref(),
        opts.trust_forwarded,
    );
    if let Some(secret) = secret {
        let given = headers.get(token::TOKEN_HEADER).ok().flatten();
        match token::verify(secret, given.as_deref(), spend::now()) {
            Ok(claims) => {
                if let Some(sub) = claims.subject {
                    client = ["sub:", &sub].concat();
                }
            }
            Err(r) => return refuse(r),
        }
    }
    if let Err(secs) = bindings::rate_limit(&env, &opts, &peer).await {
        let mut r = Refusal::new(
            Code::RateLimited,
            format!("Too many requests from this address: wait {secs} s."),
        );
        r.retry_after_secs = Some(secs);
        return refuse(r);
    }
    let forward = match rules::decide(&ask, &opts, &keys) {
        Decision::Forward(f) => f,
        Decision::Refuse(r) => return refuse(r),
    };
    let mut body = match upstream::measured_body(incoming, opts.max_body).await {
        Ok(b) => b,
        Err(r) => return refuse(r),
    };
    // A job submission is priced and counted before anything is sent.
    let submission = if forward.needs_body() {
        let bytes = match upstream::whole(body, opts.max_body).await {
            Ok(b) => b,
            Err(r) => return refuse(r),
        };
        let model = forward.submission(Some(&bytes));
        body = upstream::Body::Bytes(bytes);
        model
    } else {
        forward.submission(None)
    };
    let mut note = String::new();
    if let Some(model) = submission {
        let cost = cost_micros(forward.entry.provider, model);
        match spend::admit(&env, &opts, &client, cost).await {
            Ok(Some(a)) => note = log::spend_note(a.cost_micros, a.day_micros),
            Ok(None) => {}
            Err(r) => return refuse(r),
        }
    }
    match upstream::send(incoming, &forward, body, opts.upstream_timeout).await {
        Ok(res) => {
            logged_with(&forward.shown, res.status(), None, &note);
            respond::forwarded(&res, allowed.as_deref())
        }
        Err(r) => refuse(r),
    }
}

/// The request URL's path (`/` when it cannot be parsed).
fn url_path(req: &web_sys::Request) -> String {
    url::Url::parse(&req.url()).map_or_else(|_| "/".to_string(), |u| u.path().to_string())
}
