use super::*;

fn parse(args: &[&str]) -> Result<Options, String> {
    Options::parse(args.iter().copied())
}

#[test]
fn defaults_are_the_documented_ones() {
    let o = parse(&[]).expect("no options");
    assert_eq!(o.addr, "127.0.0.1:8788");
    assert_eq!(o.allow_origins, AllowOrigins::None);
    assert_eq!(o.rate_limit, 120);
    assert_eq!(o.max_body, 24 * 1024 * 1024);
    assert_eq!(o.tls, None, "plain HTTP unless a certificate is given");
}

#[test]
fn every_option_is_read() {
    let o = parse(&[
        "--addr",
        "127.0.0.1:0",
        "--allow-origin",
        "http://127.0.0.1:8080/",
        "--allow-origin=https://App.Example.com",
        "--upstream",
        "fal=http://127.0.0.1:8787/fal/",
        "--upstream=reve=http://127.0.0.1:8787/reve",
        "--rate-limit",
        "0",
        "--max-body",
        "100",
        "--upstream-timeout",
        "3",
        "--tls-cert",
        "/etc/proxy/chain.pem",
        "--tls-key=/etc/proxy/key.pem",
    ])
    .expect("valid");
    assert_eq!(o.addr, "127.0.0.1:0");
    assert_eq!(
        o.allow_origins,
        AllowOrigins::List(vec![
            "http://127.0.0.1:8080".into(),
            "https://app.example.com".into()
        ])
    );
    let fal = o.upstream(ProviderId::Fal).expect("fal upstream");
    assert_eq!(fal.prefix(), "/fal");
    assert_eq!(
        o.upstream(ProviderId::Reve)
            .expect("reve upstream")
            .prefix(),
        "/reve"
    );
    assert_eq!(o.rate_limit, 0);
    assert_eq!(o.max_body, 100);
    assert_eq!(o.upstream_timeout, Duration::from_secs(3));
    assert_eq!(
        o.tls,
        Some(TlsFiles {
            cert: "/etc/proxy/chain.pem".into(),
            key: "/etc/proxy/key.pem".into()
        })
    );
}

#[test]
fn a_workers_vars_are_read_as_the_same_options() {
    let vars = |name: &str| {
        match name {
            "ALLOW_ORIGINS" => Some("https://a.test, https://b.test"),
            "UPSTREAMS" => Some("reve=http://127.0.0.1:8787/reve fal=http://127.0.0.1:8787/fal"),
            "RATE_LIMIT" => Some("5"),
            "MAX_BODY" => Some(""),
            _ => None,
        }
        .map(str::to_string)
    };
    let o = Options::from_vars(vars).expect("valid");
    assert_eq!(
        o,
        parse(&[
            "--allow-origin",
            "https://a.test",
            "--allow-origin",
            "https://b.test",
            "--upstream",
            "reve=http://127.0.0.1:8787/reve",
            "--upstream",
            "fal=http://127.0.0.1:8787/fal",
            "--rate-limit",
            "5",
        ])
        .expect("valid")
    );
    let bad =
        Options::from_vars(|n| (n == "UPSTREAMS").then(|| "nobody=http://x.test".to_string()));
    assert!(bad.expect_err("refused").contains("unknown provider"));
}

#[test]
fn the_workers_budget_vars_are_the_options_of_the_same_names() {
    let vars = |v: &'static [(&str, &str)]| {
        Options::from_vars(|n| v.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
    };
    let o = vars(&[
        ("DAILY_BUDGET", "0.10"),
        ("CLIENT_DAILY", "2"),
        ("TRUST_FORWARDED", "true"),
    ]);
    let o = o.expect("valid");
    assert_eq!(
        (o.limits.budget_micros, o.limits.client_daily),
        (Some(100_000), Some(2))
    );
    assert!(o.trust_forwarded);
    assert!(
        !vars(&[("TRUST_FORWARDED", "false")])
            .expect("valid")
            .trust_forwarded
    );
    let bad = vars(&[("TRUST_FORWARDED", "yes")]).expect_err("refused");
    assert!(bad.contains("TRUST_FORWARDED"), "{bad}");
}

#[test]
fn a_star_must_be_explicit_and_means_any() {
    let o = parse(&["--allow-origin", "*"]).expect("valid");
    assert!(o.allow_origins.allows("https://anyone.test"));
    assert!(!AllowOrigins::None.allows("https://anyone.test"));
}

#[test]
fn bad_options_say_what_to_do() {
    for (args, says) in [
        (&["--allow-origin", "example.com"][..], "scheme://host"),
        (&["--allow-origin", "https://a.test/path"], "scheme://host"),
        (&["--upstream", "nope=http://x.test"], "unknown provider"),
        (&["--upstream", "fal"], "ID=URL"),
        (&["--upstream", "fal=ftp://x.test"], "http(s) origin"),
        (&["--tls-cert", "chain.pem"], "go together"),
        (&["--tls-key", "key.pem"], "go together"),
        (&["--upstream", "fal=http://u:p@x.test"], "http(s) origin"),
        (&["--rate-limit", "-1"], "whole number"),
        (&["--bogus"], "unknown option"),
        (&["--addr"], "needs a value"),
    ] {
        let err = parse(args).expect_err("must refuse");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn help_is_the_usage_alone() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--addr", "127.0.0.1:0", "--help"],
    ] {
        assert_eq!(parse(args).expect_err("help"), USAGE, "{args:?}");
    }
    let err = parse(&["--trust-forwarded=yes"]).expect_err("a switch takes no value");
    assert!(err.contains("--trust-forwarded"), "{err}");
}
