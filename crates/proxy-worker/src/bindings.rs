//! What the Worker reads from its bindings: the options (vars), the keys
//! (secrets), and the rate limit (Cloudflare's binding, or a count in the
//! isolate's memory where there is none, as under a local workerd).

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

/// Take one request of the client's allowance: `Err(seconds to wait)` when
/// it is over. The client is `CF-Connecting-IP` (set by Cloudflare); a
/// local run has none, and counts every client as one.
pub async fn rate_limit(env: &Env, opts: &Options, headers: &web_sys::Headers) -> Result<(), u64> {
    if opts.rate_limit == 0 {
        return Ok(());
    }
    let client = headers.get("cf-connecting-ip").ok().flatten();
    let has_binding = js_sys::Reflect::get(env, &JsValue::from_str(RATE_LIMITER))
        .ok()
        .is_some_and(|b| b.is_object());
    if has_binding && let Ok(limiter) = env.rate_limiter(RATE_LIMITER) {
        let key = client.unwrap_or_else(|| "local".to_string());
        return match limiter.limit(key).await {
            Ok(outcome) if !outcome.success => Err(BINDING_PERIOD_SECS),
            _ => Ok(()),
        };
    }
    let ip = client
        .and_then(|c| c.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let now = js_sys::Date::now() as u64;
    LOCAL.with(|cell| {
        let mut cell = cell.borrow_mut();
        let limiter = cell.get_or_insert_with(|| RateLimiter::new(opts.rate_limit));
        limiter.check(ip, now)
    })
}
