//! The attacks people use on a proxy: look-alike hosts, userinfo, backslashes, IP literals and metadata addresses, other ports and schemes, paths off the API, dot segments, one provider's key asked for another's host, garbage ids, origins.

use super::*;

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
