//! The rules against every provider's real targets and the attacks a
//! forwarding proxy gets.

mod attacks;
mod upstreams;

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
