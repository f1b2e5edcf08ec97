//! The rules against every provider's real targets and the attacks a
//! forwarding proxy gets.

use super::*;
use crate::options::Options;
use proptest::prelude::*;

fn keys() -> Keys {
    Keys::from_lookup(|name| Some(format!("key-of-{name}")))
}

fn ask<'a>(method: &'a str, target: &'a str, provider: &'a str) -> Ask<'a> {
    Ask {
        method,
        target: Some(target),
        protocol: Protocol::Remix,
        provider: Some(provider),
        origin: None,
    }
}

fn forward(method: &str, target: &str, provider: &str) -> Forward {
    match decide(&ask(method, target, provider), &Options::default(), &keys()) {
        Decision::Forward(f) => f,
        Decision::Refuse(r) => panic!("{method} {target} ({provider}) refused: {}", r.message),
    }
}

fn refusal(method: &str, target: &str, provider: &str, opts: &Options) -> Refusal {
    match decide(&ask(method, target, provider), opts, &keys()) {
        Decision::Forward(f) => panic!("{method} {target} ({provider}) forwarded to {}", f.url),
        Decision::Refuse(r) => r,
    }
}

fn refused(method: &str, target: &str, provider: &str) -> Refusal {
    refusal(method, target, provider, &Options::default())
}

fn header_value(f: &Forward) -> (&'static str, &str) {
    let (name, value) = f.auth.as_ref().expect("an API call carries the key");
    (name, value.expose())
}

/// Every request each provider's client sends, as it sends it.
const ALLOWED: &[(&str, &str, &str)] = &[
    ("reve", "POST", "https://api.reve.com/v1/image/remix"),
    ("fal", "POST", "https://queue.fal.run/fal-ai/reve/remix"),
    (
        "fal",
        "GET",
        "https://queue.fal.run/fal-ai/reve/requests/0b7e-11/status?logs=1",
    ),
    (
        "fal",
        "GET",
        "https://queue.fal.run/fal-ai/reve/requests/0b7e-11/status/stream?logs=1",
    ),
    (
        "fal",
        "GET",
        "https://queue.fal.run/fal-ai/reve/requests/0b7e-11",
    ),
    (
        "fal",
        "PUT",
        "https://queue.fal.run/fal-ai/reve/requests/0b7e-11/cancel",
    ),
    ("inference-sh", "POST", "https://api.inference.sh/files"),
    ("inference-sh", "POST", "https://api.inference.sh/apps/run"),
    ("inference-sh", "GET", "https://api.inference.sh/tasks/t1"),
    (
        "inference-sh",
        "GET",
        "https://api.inference.sh/tasks/t1/status",
    ),
    (
        "inference-sh",
        "GET",
        "https://api.inference.sh/tasks/t1/stream",
    ),
    (
        "inference-sh",
        "POST",
        "https://api.inference.sh/tasks/t1/cancel",
    ),
    (
        "aimlapi",
        "POST",
        "https://api.aimlapi.com/v1/images/generations",
    ),
    (
        "onerouter",
        "POST",
        "https://image.onerouter.pro/v1/images/edits",
    ),
    (
        "pixazo",
        "POST",
        "https://gateway.pixazo.ai/reve-image/v1/image-edit-remix",
    ),
    (
        "pixazo",
        "GET",
        "https://gateway.pixazo.ai/v2/requests/status/reve-image_019d",
    ),
    (
        "pixazo-edit",
        "POST",
        "https://gateway.pixazo.ai/reve-image/v1/image-edit",
    ),
    (
        "replicate",
        "POST",
        "https://api.replicate.com/v1/models/reve/remix/predictions",
    ),
    (
        "replicate",
        "GET",
        "https://api.replicate.com/v1/predictions/gm3q",
    ),
    (
        "replicate",
        "POST",
        "https://api.replicate.com/v1/predictions/gm3q/cancel",
    ),
    // Reve 2.1 on the hosts that sell it (issue 23).
    ("fal", "POST", "https://queue.fal.run/reve/2.1/remix"),
    (
        "fal",
        "GET",
        "https://queue.fal.run/reve/2.1/requests/0b7e-11/status?logs=1",
    ),
    (
        "fal",
        "GET",
        "https://queue.fal.run/reve/2.1/requests/0b7e-11/status/stream?logs=1",
    ),
    (
        "fal",
        "GET",
        "https://queue.fal.run/reve/2.1/requests/0b7e-11",
    ),
    (
        "fal",
        "PUT",
        "https://queue.fal.run/reve/2.1/requests/0b7e-11/cancel",
    ),
    (
        "replicate",
        "POST",
        "https://api.replicate.com/v1/models/reve/reve-2.1/predictions",
    ),
    ("runware", "POST", "https://api.runware.ai/v1"),
    (
        "atlascloud",
        "POST",
        "https://api.atlascloud.ai/api/v1/model/generateImage",
    ),
    (
        "atlascloud",
        "GET",
        "https://api.atlascloud.ai/api/v1/model/prediction/pred_abc123",
    ),
    (
        "wavespeed",
        "POST",
        "https://api.wavespeed.ai/api/v3/reve/2.1/remix",
    ),
    (
        "wavespeed",
        "POST",
        "https://api.wavespeed.ai/api/v3/reve/remix-fast",
    ),
    (
        "wavespeed",
        "GET",
        "https://api.wavespeed.ai/api/v3/predictions/5f2a/result",
    ),
    (
        "wavespeed",
        "GET",
        "https://api.wavespeed.ai/api/v3/predictions/5f2a",
    ),
];

#[test]
fn the_new_hosts_take_their_own_keys_as_bearer_tokens() {
    for (provider, target, var) in [
        ("runware", "https://api.runware.ai/v1", "RUNWARE_API_KEY"),
        (
            "atlascloud",
            "https://api.atlascloud.ai/api/v1/model/generateImage",
            "ATLASCLOUD_API_KEY",
        ),
        (
            "wavespeed",
            "https://api.wavespeed.ai/api/v3/reve/2.1/remix",
            "WAVESPEED_API_KEY",
        ),
    ] {
        let f = forward("POST", target, provider);
        let want = format!("Bearer key-of-{var}");
        assert_eq!(header_value(&f), ("Authorization", want.as_str()));
    }
    // Off their routes: refused before any connection.
    for (provider, target) in [
        ("runware", "https://api.runware.ai/v2"),
        (
            "wavespeed",
            "https://api.wavespeed.ai/api/v3/openai/gpt-image",
        ),
        (
            "atlascloud",
            "https://api.atlascloud.ai/api/v1/model/generateVideo",
        ),
    ] {
        assert_eq!(
            refused("POST", target, provider).code,
            Code::TargetNotAllowed
        );
    }
}

#[test]
fn every_providers_api_calls_go_through_with_its_own_key_in_its_own_header() {
    for &(provider, method, target) in ALLOWED {
        let f = forward(method, target, provider);
        assert_eq!(f.url.as_str(), target);
        assert_eq!(f.entry.provider.as_str(), provider);
        let (name, value) = header_value(&f);
        let info = f.entry.info();
        assert_eq!(name, info.auth.header(), "{provider}");
        assert_eq!(
            value,
            info.auth.value(&format!("key-of-{}", f.entry.key_env)),
            "{provider}"
        );
    }
}

#[test]
fn each_provider_uses_its_documented_header() {
    let f = forward("POST", "https://queue.fal.run/fal-ai/reve/remix", "fal");
    assert_eq!(header_value(&f), ("Authorization", "Key key-of-FAL_KEY"));
    let f = forward("POST", "https://api.reve.com/v1/image/remix", "reve");
    assert_eq!(
        header_value(&f),
        ("Authorization", "Bearer key-of-REVE_API_KEY")
    );
    let f = forward(
        "POST",
        "https://image.onerouter.pro/v1/images/edits",
        "onerouter",
    );
    assert_eq!(
        header_value(&f),
        ("Authorization", "key-of-ONEROUTER_API_KEY")
    );
    let f = forward(
        "POST",
        "https://gateway.pixazo.ai/reve-image/v1/image-edit",
        "pixazo-edit",
    );
    assert_eq!(
        header_value(&f),
        ("Ocp-Apim-Subscription-Key", "key-of-PIXAZO_API_KEY")
    );
}

#[test]
fn result_images_on_result_hosts_go_through_without_a_key() {
    for (provider, target) in [
        ("fal", "https://v3.fal.media/files/rabbit/x.png"),
        ("replicate", "https://replicate.delivery/pbxt/abc/out.webp"),
        ("aimlapi", "https://cdn.aimlapi.com/generations/x.png"),
        (
            "pixazo",
            "https://pub-582b7213209642b9b995c96c95a30381.r2.dev/v1/reve-image_1/output.png",
        ),
    ] {
        let f = forward("GET", target, provider);
        assert_eq!(f.purpose, Purpose::ResultImage);
        assert!(f.auth.is_none(), "{target} must not get a key");
    }
    // Only GET, and only the provider's own result hosts.
    refused("PUT", "https://v3.fal.media/files/x.png", "fal");
    refused("GET", "https://v3.fal.media/files/x.png", "replicate");
}

#[test]
fn look_alike_hosts_are_refused() {
    for target in [
        "https://api.reve.com.evil.test/v1/image/remix",
        "https://evil-api.reve.com/v1/image/remix",
        "https://api.reve.co/v1/image/remix",
        "https://api.reve.com./v1/image/remix",
        "https://apі.reve.com/v1/image/remix", // Cyrillic і: punycode, another host
        "https://API.REVE.COM.evil.test/v1/image/remix",
        "https://xn--api-reve-com.evil.test/v1/image/remix",
    ] {
        let r = refused("POST", target, "reve");
        assert_eq!(r.code, Code::TargetNotAllowed, "{target}");
    }
    // Case is not a look-alike: hosts are case-insensitive.
    forward("POST", "https://API.Reve.com/v1/image/remix", "reve");
}

#[test]
fn userinfo_is_refused_whichever_side_the_real_host_is_on() {
    for target in [
        "https://api.reve.com@evil.test/v1/image/remix",
        "https://evil.test@api.reve.com/v1/image/remix",
        "https://user:pass@api.reve.com/v1/image/remix",
        "https://:pass@api.reve.com/v1/image/remix",
    ] {
        let r = refused("POST", target, "reve");
        assert_eq!(r.code, Code::TargetNotAllowed, "{target}");
    }
    // An empty userinfo parses away (as in browsers): what is forwarded is
    // the provider's own URL, with nothing before its host.
    let f = forward("POST", "https://:@api.reve.com/v1/image/remix", "reve");
    assert_eq!(f.url.as_str(), "https://api.reve.com/v1/image/remix");
}

#[test]
fn backslashes_parse_as_browsers_parse_them() {
    // `\` is `/` in an https URL: the host ends before it.
    let r = refused(
        "POST",
        "https://evil.test\\@api.reve.com/v1/image/remix",
        "reve",
    );
    assert!(r.message.contains("evil.test"), "{}", r.message);
    let r = refused(
        "POST",
        "https://api.reve.com\\@evil.test/v1/image/remix",
        "reve",
    );
    assert_eq!(r.code, Code::TargetNotAllowed);
    // A path written with backslashes is the same path.
    let f = forward("POST", "https://api.reve.com\\v1\\image\\remix", "reve");
    assert_eq!(f.url.as_str(), "https://api.reve.com/v1/image/remix");
}

#[test]
fn ip_literals_and_metadata_addresses_are_refused() {
    for target in [
        "https://169.254.169.254/latest/meta-data/",
        "http://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://127.0.0.1/v1/image/remix",
        "https://0x7f.1/v1/image/remix",
        "https://2130706433/v1/image/remix",
        "https://[::1]/v1/image/remix",
        "https://localhost/v1/image/remix",
    ] {
        for provider in ["reve", "fal", "replicate"] {
            for method in ["GET", "POST"] {
                let r = refused(method, target, provider);
                assert_eq!(r.code, Code::TargetNotAllowed, "{method} {target}");
            }
        }
    }
}

#[test]
fn only_https_on_the_default_port() {
    for target in [
        "http://api.reve.com/v1/image/remix",
        "ws://api.reve.com/v1/image/remix",
        "ftp://api.reve.com/v1/image/remix",
        "file:///etc/passwd",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "https://api.reve.com:8443/v1/image/remix",
        "gopher://api.reve.com:443/v1/image/remix",
    ] {
        let r = refused("POST", target, "reve");
        assert_eq!(r.code, Code::TargetNotAllowed, "{target}");
    }
    // :443 is the default port, written out.
    forward("POST", "https://api.reve.com:443/v1/image/remix", "reve");
}

#[test]
fn paths_and_methods_off_the_api_are_refused() {
    for (method, target) in [
        ("GET", "https://api.reve.com/v1/image/remix"),
        ("POST", "https://api.reve.com/v1/account/keys"),
        ("POST", "https://api.reve.com/v1/image/remix/../../account"),
        ("POST", "https://api.reve.com/v1/image/%2e%2e/account"),
        ("POST", "https://api.reve.com/"),
        ("DELETE", "https://api.reve.com/v1/image/remix"),
        ("PATCH", "https://api.reve.com/v1/image/remix"),
    ] {
        let r = refused(method, target, "reve");
        assert_eq!(r.code, Code::TargetNotAllowed, "{method} {target}");
    }
    for (method, target) in [
        ("GET", "https://api.replicate.com/v1/predictions/a%2Fb"),
        ("GET", "https://api.replicate.com/v1/predictions/a/b"),
        ("GET", "https://api.replicate.com/v1/predictions"),
        ("GET", "https://api.replicate.com/v1/account"),
        (
            "POST",
            "https://api.replicate.com/v1/models/other/model/predictions",
        ),
        ("DELETE", "https://api.replicate.com/v1/predictions/x"),
    ] {
        let r = refused(method, target, "replicate");
        assert_eq!(r.code, Code::TargetNotAllowed, "{method} {target}");
    }
}

#[test]
fn dot_segments_are_resolved_before_the_check() {
    let f = forward("POST", "https://api.reve.com/v1/x/../image/remix", "reve");
    assert_eq!(f.url.path(), "/v1/image/remix");
}

#[test]
fn a_key_never_goes_to_another_providers_host() {
    for &(owner, method, target) in ALLOWED {
        for other in table::ids() {
            let shares_host = table::entry(other).expect("entry").api_host()
                == table::entry(owner).expect("entry").api_host();
            match decide(&ask(method, target, other), &Options::default(), &keys()) {
                Decision::Forward(f) => {
                    // Pixazo's two ids share a host and a key.
                    assert!(shares_host, "{target} forwarded for {other}");
                    assert_eq!(f.entry.key_env, table::entry(owner).expect("e").key_env);
                }
                Decision::Refuse(r) => {
                    assert!(
                        !shares_host || other != owner,
                        "{target} refused for {other}"
                    );
                    assert_eq!(r.code, Code::TargetNotAllowed);
                }
            }
        }
    }
}

#[test]
fn unknown_ids_missing_ids_and_garbage_are_refused() {
    let opts = Options::default();
    let mut a = ask("POST", "https://api.reve.com/v1/image/remix", "openai");
    let r = match decide(&a, &opts, &keys()) {
        Decision::Refuse(r) => r,
        Decision::Forward(_) => panic!("forwarded"),
    };
    assert!(r.message.contains("Unknown provider"), "{}", r.message);
    a.provider = None;
    assert!(
        matches!(decide(&a, &opts, &keys()), Decision::Refuse(r) if r.message.contains("x-remix-provider"))
    );
    a.provider = Some("reve");
    a.target = None;
    assert!(
        matches!(decide(&a, &opts, &keys()), Decision::Refuse(r) if r.code == Code::TargetMissing)
    );
    for garbage in [
        "",
        "   ",
        "not a url",
        "https://",
        "//api.reve.com/v1/image/remix",
        "\u{0}\u{1}",
        "https://[::1",
    ] {
        a.target = Some(garbage);
        assert!(
            matches!(decide(&a, &opts, &keys()), Decision::Refuse(_)),
            "{garbage:?}"
        );
    }
}

#[test]
fn no_key_is_said_after_the_target_is_checked() {
    let none = Keys::default();
    let opts = Options::default();
    let a = ask("POST", "https://queue.fal.run/fal-ai/reve/remix", "fal");
    let Decision::Refuse(r) = decide(&a, &opts, &none) else {
        panic!("forwarded without a key")
    };
    assert_eq!(r.code, Code::NoKey);
    assert!(r.message.contains("FAL_KEY"), "{}", r.message);
    // An off-table target is refused as such, key or not.
    let a = ask("POST", "https://evil.test/", "fal");
    assert!(
        matches!(decide(&a, &opts, &none), Decision::Refuse(r) if r.code == Code::TargetNotAllowed)
    );
}

#[test]
fn origins_not_allowed_are_refused_first() {
    let mut opts = Options::default();
    let mut a = ask("POST", "https://api.reve.com/v1/image/remix", "reve");
    a.origin = Some("https://evil.test");
    let Decision::Refuse(r) = decide(&a, &opts, &keys()) else {
        panic!("forwarded")
    };
    assert_eq!(r.code, Code::OriginNotAllowed);
    opts.allow_origins = crate::options::AllowOrigins::List(vec!["https://app.test".into()]);
    assert!(
        matches!(decide(&a, &opts, &keys()), Decision::Refuse(r) if r.code == Code::OriginNotAllowed)
    );
    a.origin = Some("https://app.test");
    assert!(matches!(decide(&a, &opts, &keys()), Decision::Forward(_)));
    a.origin = Some("null");
    assert!(
        matches!(decide(&a, &opts, &keys()), Decision::Refuse(r) if r.code == Code::OriginNotAllowed)
    );
}

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
