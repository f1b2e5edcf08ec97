//! What the Worker reads from its bindings and its runtime: the options
//! (vars), the keys (secrets), the client's address, and the rate limit
//! (Cloudflare's binding, or a count in the isolate's memory where there
//! is none, as under a local workerd).

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr};

use reve_remix_proxy::options::Options;
use reve_remix_proxy::rate_limit::RateLimiter;
use reve_remix_proxy::rules::Keys;
use wasm_bindgen::JsValue;
use worker::Env;

/// The name of the rate limiting binding, where deployed.
const RATE_LIMITER: &str = "RATE_LIMITER";
/// The window of Cloudflare's rate limiting binding (wrangler.toml's
/// `period`): a client over it waits at most this long.
const BINDING_PERIOD_SECS: u64 = 60;

/// A string binding (a var or a secret); `None` when absent. Read directly:
/// workers-rs' `env.var`/`env.secret` never return on a binding that is
/// there but null, which is what workerd's `fromEnvironment` gives for an
/// unset variable.
pub fn string(env: &Env, name: &str) -> Option<String> {
    js_sys::Reflect::get(env, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

/// The options, from the vars.
pub fn options(env: &Env) -> Result<Options, String> {
    Options::from_vars(|name| string(env, name))
}

/// The keys, from the secrets.
pub fn keys(env: &Env) -> Keys {
    Keys::from_lookup(|name| string(env, name))
}

thread_local! {
    /// The isolate's own count, where there is no rate limiting binding.
    static LOCAL: RefCell<Option<RateLimiter>> = const { RefCell::new(None) };
}

/// Take one request of `peer`'s allowance ([`peer`]): `Err(seconds to
/// wait)` when it is over.
pub async fn rate_limit(env: &Env, opts: &Options, peer: &str) -> Result<(), u64> {
    if opts.rate_limit == 0 {
        return Ok(());
    }
    let has_binding = js_sys::Reflect::get(env, &JsValue::from_str(RATE_LIMITER))
        .ok()
        .is_some_and(|b| b.is_object());
    if has_binding && let Ok(limiter) = env.rate_limiter(RATE_LIMITER) {
        return match limiter.limit(peer.to_string()).await {
            Ok(outcome) if !outcome.success => Err(BINDING_PERIOD_SECS),
            _ => Ok(()),
        };
    }
    let ip = peer.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let now = js_sys::Date::now() as u64;
    LOCAL.with(|cell| {
        let mut cell = cell.borrow_mut();
        let limiter = cell.get_or_insert_with(|| RateLimiter::new(opts.rate_limit));
        limiter.check(ip, now)
    })
}

/// The address the request came from, as the runtime saw it, never as a
/// client wrote it: a local workerd puts the peer in `request.cf.clientIp`
/// (`127.0.0.1:49780`; the port is dropped); on Cloudflare `request.cf`
/// has no such field and `CF-Connecting-IP` is Cloudflare's own (it
/// replaces one a client sent). Without either, every client is `local`.
pub fn peer(req: &web_sys::Request) -> String {
    let cf = js_sys::Reflect::get(req, &JsValue::from_str("cf"))
        .ok()
        .filter(JsValue::is_object);
    let Some(cf) = cf else {
        return "local".to_string();
    };
    if let Some(seen) = js_sys::Reflect::get(&cf, &JsValue::from_str("clientIp"))
        .ok()
        .and_then(|v| v.as_string())
    {
        return match seen.parse::<std::net::SocketAddr>() {
            Ok(addr) => addr.ip().to_string(),
            Err(_) => seen,
        };
    }
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "local".to_string())
}
