//! `reve-remix-proxy [options]`: see `--help` and DESIGN.md, "The proxy".

use std::process::ExitCode;

use reve_remix_proxy::options::{AllowOrigins, Options, USAGE};
use reve_remix_proxy::rules::Keys;

fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
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
    s.push_str("\nbrowser pages allowed: ");
    s.push_str(&match &opts.allow_origins {
        AllowOrigins::None => "none (see --allow-origin)".to_string(),
        AllowOrigins::Any => "any (*)".to_string(),
        AllowOrigins::List(l) => l.join(" "),
    });
    s
}
