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
//! `REMIX_PROXY_SECRET`, a secret: then every request needs a token. The
//! daily budget and quotas (`--daily-budget`, `--client-daily`) are the
//! native server's only: they need one strongly consistent counter, a
//! Durable Object, which this build does not have yet.
#![cfg(target_arch = "wasm32")]

mod bindings;
mod respond;
mod upstream;

use reve_remix_proxy::cors;
use reve_remix_proxy::log;
use reve_remix_proxy::refusal::{Code, Refusal};
use reve_remix_proxy::rules::{self, Ask, Decision, Protocol};
use reve_remix_proxy::token;
use worker::{Context, Env, Request, console_log, event};

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
    let logged = |target: &str, status: u16, refusal: Option<Code>| {
        let ms = (js_sys::Date::now() - started).max(0.0) as u128;
        console_log!(
            "{}",
            log::line(
                &method,
                provider,
                target,
                status,
                ms,
                refusal.map(Code::as_str)
            )
        );
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
    if let Some(secret) = keys.proxy_secret() {
        let given = headers.get(token::TOKEN_HEADER).ok().flatten();
        let now = (js_sys::Date::now() / 1000.0) as u64;
        if let Err(r) = token::verify(secret.expose().as_bytes(), given.as_deref(), now) {
            return refuse(r);
        }
    }
    if let Err(secs) = bindings::rate_limit(&env, &opts, &headers).await {
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
    let body = match upstream::measured_body(incoming, opts.max_body).await {
        Ok(b) => b,
        Err(r) => return refuse(r),
    };
    match upstream::send(incoming, &forward, body, opts.upstream_timeout).await {
        Ok(res) => {
            logged(&forward.shown, res.status(), None);
            respond::forwarded(&res, allowed.as_deref())
        }
        Err(r) => refuse(r),
    }
}
