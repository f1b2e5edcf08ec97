//! The check behind the `rules` fuzz target, kept apart from libFuzzer so
//! that `crates/proxy/tests/fuzz_replay.rs` (which includes this file by
//! path) replays the committed seeds and runs it as a proptest on stable.

use arbitrary::{Result, Unstructured};
use reve_remix_proxy::options::{AllowOrigins, Options};
use reve_remix_proxy::rules::{Ask, Decision, Keys, Protocol, decide};

/// Provider ids an input picks from: the table's, and ones it lacks.
pub const PROVIDERS: [&str; 11] = [
    "reve",
    "fal",
    "inference-sh",
    "aimlapi",
    "onerouter",
    "pixazo",
    "pixazo-edit",
    "replicate",
    "x",
    "",
    " fal ",
];

/// Methods an input picks from.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "get", "OPTIONS", ""];

const SCHEMES: [&str; 7] = [
    "https://",
    "http://",
    "HTTPS://",
    "",
    "//",
    "https:",
    "https:\\\\",
];

const HOSTS: [&str; 18] = [
    "api.reve.com",
    "queue.fal.run",
    "api.inference.sh",
    "api.aimlapi.com",
    "image.onerouter.pro",
    "gateway.pixazo.ai",
    "api.replicate.com",
    "v3.fal.media",
    "replicate.delivery",
    "cloud.inference.sh",
    "127.0.0.1:8787",
    "evil.test",
    "api.reve.com.evil.test",
    "api.reve.com@evil.test",
    "evil.test\\@api.reve.com",
    "169.254.169.254",
    "[::1]",
    "api.reve.com:443",
];

const PATHS: [&str; 12] = [
    "/v1/image/remix",
    "/fal-ai/reve/remix",
    "/fal/fal-ai/reve/remix",
    "/reve/v1/image/remix",
    "/fal-ai/reve/requests/x/status",
    "/fal-ai/reve/requests/x/status/stream",
    "/v1/predictions/p1",
    "/tasks/t/stream",
    "/files",
    "/",
    "/../v1/image/remix",
    "/%2e%2e/v1/image/remix",
];

/// The keys the property is checked with: each provider's is its own.
pub fn keys() -> Keys {
    Keys::from_lookup(|name| Some(format!("key-of-{name}")))
}

/// Options with two providers sent to a local upstream (the mock), the
/// way tests run the proxy, or the defaults.
pub fn options(upstreams: bool, origins: AllowOrigins) -> Options {
    let mut opts = if upstreams {
        Options::parse([
            "--upstream",
            "reve=http://127.0.0.1:8787/reve",
            "--upstream",
            "fal=http://127.0.0.1:8787/fal/",
        ])
        .expect("valid options")
    } else {
        Options::default()
    };
    opts.allow_origins = origins;
    opts
}

/// The property, on one ask: a decision to forward names the provider
/// the ask is for (by its protocol or `x-remix-provider`); it goes to that
/// provider's API host over https with that provider's key in that
/// provider's header, or to its own upstream; or, without any key, is a
/// GET of one of its result hosts or its upstream. And it is made only
/// for an allowed origin.
pub fn check(ask: &Ask<'_>, opts: &Options, keys: &Keys) {
    let Decision::Forward(f) = decide(ask, opts, keys) else {
        return;
    };
    let expected = match ask.protocol {
        Protocol::Fal => "fal",
        Protocol::Inference => "inference-sh",
        Protocol::Remix => ask.provider.map(str::trim).unwrap_or_default(),
    };
    assert_eq!(f.entry.provider.as_str(), expected, "{ask:?}");
    if let Some(origin) = ask.origin {
        assert!(opts.allow_origins.allows(origin), "{ask:?}");
    }
    let host = f.url.host_str().unwrap_or_default();
    let upstream = opts.upstream(f.entry.provider);
    let on_upstream = upstream.is_some_and(|u| {
        f.url.scheme() == u.base.scheme()
            && f.url.host() == u.base.host()
            && f.url.port_or_known_default() == u.base.port_or_known_default()
            && f.url.path().starts_with(u.prefix())
    });
    assert!(
        f.url.username().is_empty() && f.url.password().is_none(),
        "{ask:?} -> {}",
        f.url
    );
    match &f.auth {
        Some((name, value)) => {
            assert!(
                on_upstream
                    || (host == f.entry.api_host()
                        && f.url.scheme() == "https"
                        && f.url.port().is_none()),
                "{ask:?}: the key goes to {}",
                f.url
            );
            let info = f.entry.info();
            assert_eq!(*name, info.auth.header(), "{ask:?}");
            let key = format!("key-of-{}", f.entry.key_env);
            assert_eq!(value.expose(), info.auth.value(&key), "{ask:?}");
        }
        None => {
            assert_eq!(ask.method, "GET", "{ask:?}");
            assert!(
                on_upstream
                    || (f.entry.is_result_host(host)
                        && f.url.scheme() == "https"
                        && f.url.port().is_none()),
                "{ask:?}: forwarded to {}",
                f.url
            );
        }
    }
}

fn text<'a>(u: &mut Unstructured<'a>, from: &[&'a str]) -> Result<&'a str> {
    if u.ratio(1, 8)? {
        u.arbitrary()
    } else {
        u.choose(from).copied()
    }
}

/// The fuzz target: an ask built from the input (templates of schemes,
/// hosts and paths, or arbitrary text), checked by [`check`].
pub fn rules(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = rules_from(&mut u);
}

fn rules_from(u: &mut Unstructured<'_>) -> Result<()> {
    let upstreams = u.arbitrary()?;
    let origins = match u.int_in_range(0..=2)? {
        0 => AllowOrigins::None,
        1 => AllowOrigins::Any,
        _ => AllowOrigins::List(vec!["https://app.example.com".to_string()]),
    };
    let opts = options(upstreams, origins);
    let method = text(u, &METHODS)?;
    let provider = if u.ratio(1, 8)? {
        None
    } else {
        Some(text(u, &PROVIDERS)?)
    };
    let origin = match u.int_in_range(0..=3)? {
        0 => Some("https://app.example.com"),
        1 => Some(u.arbitrary::<&str>()?),
        _ => None,
    };
    let protocol = match u.int_in_range(0..=5)? {
        0 => Protocol::Fal,
        1 => Protocol::Inference,
        _ => Protocol::Remix,
    };
    let target = if u.ratio(1, 6)? {
        u.arbitrary::<&str>()?.to_string()
    } else {
        [
            text(u, &SCHEMES)?,
            text(u, &HOSTS)?,
            text(u, &PATHS)?,
            u.arbitrary::<&str>()?,
        ]
        .concat()
    };
    let ask = Ask {
        method,
        target: Some(&target),
        protocol,
        provider,
        origin,
    };
    check(&ask, &opts, &keys());
    Ok(())
}
