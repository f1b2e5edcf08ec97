//! `reve-remix-proxy [options]`: see `--help` and DESIGN.md, "The proxy".

use std::process::ExitCode;

use reve_remix_proxy::options::{AllowOrigins, Options, USAGE};
use reve_remix_proxy::rules::Keys;
use reve_remix_proxy::token;

/// mimalloc rather than glibc's malloc: a request allocates its headers,
/// URL and log line, and glibc's malloc and free took an eighth of the
/// server's time under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "token") {
        return token(&args[1..]);
    }
    let opts = match Options::parse(args) {
        Ok(o) => o,
        Err(msg) if msg == USAGE => {
            println!("{msg}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let keys = Keys::from_lookup(|name| std::env::var(name).ok());
    let summary = summary(&opts, &keys);
    let addr = opts.addr.clone();
    let scheme = if opts.tls.is_some() { "https" } else { "http" };
    let served = reve_remix_proxy::native::run(opts, keys, |bound| {
        // First line, always: callers (`cargo xtask`, tests) read the URL here.
        println!("listening on {scheme}://{bound}");
        println!("{summary}");
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reve-remix-proxy: cannot serve on {addr}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `reve-remix-proxy token --ttl SECONDS [--sub ID]`: print a token signed
/// with `REMIX_PROXY_SECRET`, as the site's backend would mint one.
fn token(args: &[std::ffi::OsString]) -> ExitCode {
    const HOW: &str = "usage: reve-remix-proxy token --ttl SECONDS [--sub ID]   (REMIX_PROXY_SECRET from the environment)";
    use lexopt::prelude::*;
    let (mut ttl, mut sub) = (None, None);
    let mut parser = lexopt::Parser::from_args(args);
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => {
                eprintln!("{e}\n{HOW}");
                return ExitCode::from(2);
            }
        };
        match arg {
            Long("ttl") => {
                ttl = parser
                    .value()
                    .ok()
                    .and_then(|v| v.to_str()?.trim().parse::<u64>().ok())
            }
            Long("sub") => sub = parser.value().ok().and_then(|v| v.into_string().ok()),
            Short('h') | Long("help") => {
                println!("{HOW}");
                return ExitCode::SUCCESS;
            }
            Long(name) => {
                eprintln!("unknown argument --{name}\n{HOW}");
                return ExitCode::from(2);
            }
            Short(c) => {
                eprintln!("unknown argument -{c}\n{HOW}");
                return ExitCode::from(2);
            }
            Value(v) => {
                eprintln!("unknown argument {}\n{HOW}", v.display());
                return ExitCode::from(2);
            }
        }
    }
    let Some(ttl) = ttl.filter(|t| *t > 0) else {
        eprintln!("--ttl takes a number of seconds above 0\n{HOW}");
        return ExitCode::from(2);
    };
    let Some(secret) = std::env::var(token::SECRET_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
    else {
        eprintln!(
            "set {} to the proxy's secret first\n{HOW}",
            token::SECRET_ENV
        );
        return ExitCode::from(2);
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    println!(
        "{}",
        token::mint(secret.trim().as_bytes(), now + ttl, sub.as_deref())
    );
    ExitCode::SUCCESS
}

/// What it runs with, for the operator: key names (never values),
/// upstreams, the pages allowed.
fn summary(opts: &Options, keys: &Keys) -> String {
    let names = keys.names();
    let mut s = format!(
        "keys: {}",
        if names.is_empty() {
            "none (set REVE_API_KEY, FAL_KEY, … where it runs)".to_string()
        } else {
            names.join(" ")
        }
    );
    for up in &opts.upstreams {
        s.push_str(&format!("\nupstream: {} -> {}", up.provider, up.base));
    }
    if let Some(b) = opts.limits.budget_micros {
        s.push_str(&format!(
            "\ndaily budget: {} (UTC days)",
            reve_remix_proxy::spend::usd(b)
        ));
    }
    if let Some(n) = opts.limits.client_daily {
        s.push_str(&format!("\nsubmissions per client per day: {n}"));
    }
    if keys.proxy_secret().is_some() {
        s.push_str("\ntokens: required (x-remix-proxy-token)");
    }
    s.push_str("\nbrowser pages allowed: ");
    s.push_str(&match &opts.allow_origins {
        AllowOrigins::None => "none (see --allow-origin)".to_string(),
        AllowOrigins::Any => "any (*)".to_string(),
        AllowOrigins::List(l) => l.join(" "),
    });
    s
}
