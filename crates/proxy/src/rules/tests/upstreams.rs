//! fal's and inference.sh's own protocols, upstream overrides (each its provider's only), messages without a query, and the property tests over any target.

use super::*;

#[test]
fn fal_and_inference_protocols_name_their_provider() {
    let opts = Options::default();
    let headers = |name: &str| match name {
        "x-fal-target-url" => Some("https://queue.fal.run/fal-ai/reve/remix"),
        _ => None,
    };
    let a = Ask::from_headers("POST", headers);
    assert_eq!(a.protocol, Protocol::Fal);
    let Decision::Forward(f) = decide(&a, &opts, &keys()) else {
        panic!("refused")
    };
    assert_eq!(f.entry.provider.as_str(), "fal");
    // fal's protocol cannot reach another provider's host.
    let a = Ask::from_headers("POST", |name| {
        (name == "x-fal-target-url").then_some("https://api.reve.com/v1/image/remix")
    });
    assert!(matches!(decide(&a, &opts, &keys()), Decision::Refuse(_)));
    let a = Ask::from_headers("GET", |name| {
        (name == "x-inf-target-url").then_some("https://api.inference.sh/tasks/t1/stream")
    });
    let Decision::Forward(f) = decide(&a, &opts, &keys()) else {
        panic!("refused")
    };
    assert_eq!(f.entry.provider.as_str(), "inference-sh");
}

fn with_upstreams() -> Options {
    Options::parse([
        "--upstream",
        "reve=http://127.0.0.1:8787/reve",
        "--upstream",
        "fal=http://127.0.0.1:8787/fal/",
    ])
    .expect("valid")
}

#[test]
fn an_upstream_takes_the_real_hosts_targets_and_its_own() {
    let opts = with_upstreams();
    let Decision::Forward(f) = decide(
        &ask(
            "GET",
            "https://queue.fal.run/fal-ai/reve/requests/r1/status?logs=1",
            "fal",
        ),
        &opts,
        &keys(),
    ) else {
        panic!("refused")
    };
    assert_eq!(
        f.url.as_str(),
        "http://127.0.0.1:8787/fal/fal-ai/reve/requests/r1/status?logs=1"
    );
    assert!(f.auth.is_some());
    let Decision::Forward(f) = decide(
        &ask(
            "PUT",
            "http://127.0.0.1:8787/fal/fal-ai/reve/requests/r1/cancel",
            "fal",
        ),
        &opts,
        &keys(),
    ) else {
        panic!("refused")
    };
    assert!(f.auth.is_some());
    // Other GETs under it are result images, without the key.
    let Decision::Forward(f) = decide(
        &ask("GET", "http://127.0.0.1:8787/fal/results/r1.png", "fal"),
        &opts,
        &keys(),
    ) else {
        panic!("refused")
    };
    assert_eq!(f.purpose, Purpose::ResultImage);
    assert!(f.auth.is_none());
}

#[test]
fn an_upstream_belongs_to_its_provider_only() {
    let opts = with_upstreams();
    for (method, target, provider) in [
        // Reve's prefix asked for with fal's id: fal's key must not go there.
        ("POST", "http://127.0.0.1:8787/reve/v1/image/remix", "fal"),
        // A sibling path that only starts with the prefix.
        (
            "POST",
            "http://127.0.0.1:8787/reveal/v1/image/remix",
            "reve",
        ),
        // Another port or host of the same machine.
        ("POST", "http://127.0.0.1:8788/reve/v1/image/remix", "reve"),
        ("POST", "http://localhost:8787/reve/v1/image/remix", "reve"),
        ("POST", "https://127.0.0.1:8787/reve/v1/image/remix", "reve"),
        // Off the routes, under the prefix.
        ("POST", "http://127.0.0.1:8787/reve/v1/account", "reve"),
        (
            "POST",
            "http://127.0.0.1:8787/reve/../fal/fal-ai/reve/remix",
            "reve",
        ),
        // A provider without an upstream is not sent to loopback.
        (
            "POST",
            "http://127.0.0.1:8787/replicate/v1/models/reve/remix/predictions",
            "replicate",
        ),
    ] {
        let r = refusal(method, target, provider, &opts);
        assert_eq!(
            r.code,
            Code::TargetNotAllowed,
            "{method} {target} ({provider})"
        );
    }
}

#[test]
fn refusal_messages_never_show_a_query() {
    let r = refused(
        "GET",
        "https://evil.test/x?X-Amz-Signature=secret-signature",
        "replicate",
    );
    assert!(!r.message.contains("secret-signature"), "{}", r.message);
    assert!(r.message.contains("https://evil.test/x"), "{}", r.message);
}

fn any_target() -> impl Strategy<Value = String> {
    let hosts = prop::sample::select(vec![
        "api.reve.com",
        "queue.fal.run",
        "api.inference.sh",
        "api.aimlapi.com",
        "image.onerouter.pro",
        "gateway.pixazo.ai",
        "api.replicate.com",
        "v3.fal.media",
        "replicate.delivery",
        "127.0.0.1:8787",
        "evil.test",
        "api.reve.com.evil.test",
        "api.reve.com@evil.test",
        "169.254.169.254",
    ]);
    let schemes = prop::sample::select(vec!["https://", "http://", "HTTPS://", "", "//"]);
    let paths = prop::sample::select(vec![
        "/v1/image/remix",
        "/fal-ai/reve/remix",
        "/fal/fal-ai/reve/remix",
        "/reve/v1/image/remix",
        "/fal-ai/reve/requests/x/status",
        "/v1/predictions/p1",
        "/tasks/t/stream",
        "/",
        "/../v1/image/remix",
    ]);
    (schemes, hosts, paths, "[ -~]{0,12}").prop_map(|(s, h, p, tail)| [s, h, p, &tail].concat())
}

proptest! {
    /// Whatever is asked, a forward goes to a host of the table for the
    /// provider it is for (its API host, one of its result hosts, or its
    /// own upstream) and carries that provider's key or none.
    #[test]
    fn a_forward_always_goes_to_the_providers_own_host_with_its_own_key(
        target in prop_oneof![any_target(), "\\PC{0,40}"],
        provider in prop::sample::select(vec!["reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate", "runware", "atlascloud", "wavespeed", "x", ""]),
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "get"]),
    ) {
        let opts = with_upstreams();
        let keys = keys();
        if let Decision::Forward(f) = decide(&ask(method, &target, provider), &opts, &keys) {
            prop_assert_eq!(f.entry.provider.as_str(), provider);
            let host = f.url.host_str().unwrap_or_default().to_string();
            let upstream = opts.upstream(f.entry.provider);
            let on_upstream = upstream.is_some_and(|u| {
                f.url.host() == u.base.host()
                    && f.url.port_or_known_default() == u.base.port_or_known_default()
                    && f.url.path().starts_with(u.prefix())
            });
            match &f.auth {
                Some((name, value)) => {
                    prop_assert!(on_upstream || (host == f.entry.api_host() && f.url.scheme() == "https"));
                    let info = f.entry.info();
                    prop_assert_eq!(*name, info.auth.header());
                    prop_assert_eq!(value.expose(), info.auth.value(&format!("key-of-{}", f.entry.key_env)));
                }
                None => {
                    prop_assert_eq!(method, "GET");
                    prop_assert!(on_upstream || f.entry.is_result_host(&host));
                }
            }
        }
    }
}
