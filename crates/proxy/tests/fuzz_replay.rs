//! The `rules` fuzz target's check (`fuzz/src/lib.rs`, included by path)
//! on stable: over the committed seeds (`fuzz/seeds/rules/`, where an input
//! that once crashed stays), and as a proptest of the same property.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::path::Path;

use checks::{METHODS, PROVIDERS, check, keys, options};
use proptest::prelude::*;
use reve_remix_proxy::options::AllowOrigins;
use reve_remix_proxy::rules::{Ask, Protocol};

#[test]
fn the_rules_corpus_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/rules");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("the seeds directory") {
        let path = entry.expect("an entry").path();
        let data = std::fs::read(&path).expect("a seed");
        eprintln!("{}", path.display());
        checks::rules(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

fn target() -> impl Strategy<Value = String> {
    let schemes = prop::sample::select(vec!["https://", "http://", "HTTPS://", "", "//"]);
    let hosts = prop::sample::select(vec![
        "api.reve.com",
        "queue.fal.run",
        "api.inference.sh",
        "api.aimlapi.com",
        "image.onerouter.pro",
        "gateway.pixazo.ai",
        "api.replicate.com",
        "v3.fal.media",
        "fal.media",
        "x.v3.fal.media",
        "replicate.delivery",
        "127.0.0.1:8787",
        "api.reve.com.evil.test",
        "api.reve.com@evil.test",
        "evil.test\\@api.reve.com",
        "api.reve.com:8443",
    ]);
    let paths = prop::sample::select(vec![
        "/v1/image/remix",
        "/fal-ai/reve/remix",
        "/fal/fal-ai/reve/remix",
        "/reve/v1/image/remix",
        "/fal-ai/reve/requests/x/status",
        "/v1/predictions/p1",
        "/tasks/t/stream",
        "/files",
        "/",
        "/../v1/image/remix",
    ]);
    prop_oneof![
        4 => (schemes, hosts, paths, "[ -~]{0,12}")
            .prop_map(|(s, h, p, tail)| [s, h, p, &tail].concat()),
        1 => "\\PC{0,40}",
    ]
}

proptest! {
    /// Whatever is asked (target, provider, origin, method, protocol,
    /// with or without upstreams), a forward goes to a host of the table
    /// for that provider, with that provider's key or none.
    #[test]
    fn a_forward_names_a_host_of_the_providers_table_with_its_key(
        target in target(),
        provider in prop::option::of(prop::sample::select(PROVIDERS.to_vec())),
        method in prop::sample::select(METHODS.to_vec()),
        origin in prop::option::of(prop_oneof![Just("https://app.example.com".to_string()), "\\PC{0,20}"]),
        protocol in prop::sample::select(vec![Protocol::Remix, Protocol::Fal, Protocol::Inference]),
        upstreams in any::<bool>(),
        origins in prop::sample::select(vec![0u8, 1, 2]),
    ) {
        let allow = match origins {
            0 => AllowOrigins::None,
            1 => AllowOrigins::Any,
            _ => AllowOrigins::List(vec!["https://app.example.com".to_string()]),
        };
        let ask = Ask {
            method,
            target: Some(&target),
            protocol,
            provider,
            origin: origin.as_deref(),
        };
        check(&ask, &options(upstreams, allow), &keys());
    }
}
