//! `reve-remix-proxy [options]`: see `--help` and DESIGN.md, "The proxy".

use std::process::ExitCode;

use reve_remix_proxy::options::Options;
use reve_remix_proxy::rules::Keys;

#[tokio::main]
async fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let keys = Keys::from_lookup(|name| std::env::var(name).ok());
    let listener = match tokio::net::TcpListener::bind(&opts.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("reve-remix-proxy: cannot listen on {}: {e}", opts.addr);
            return ExitCode::FAILURE;
        }
    };
    let bound = listener
        .local_addr()
        .map_or_else(|_| opts.addr.clone(), |a| a.to_string());
    // First line, always: callers (`cargo xtask`, tests) read the port here.
    println!("listening on http://{bound}");
    println!("keys: {}", names_or_none(keys.names()));
    for up in &opts.upstreams {
        println!("upstream: {} -> {}", up.provider, up.base);
    }
    println!(
        "browser pages allowed: {}",
        match &opts.allow_origins {
            reve_remix_proxy::options::AllowOrigins::None => "none (see --allow-origin)".into(),
            reve_remix_proxy::options::AllowOrigins::Any => "any (*)".into(),
            reve_remix_proxy::options::AllowOrigins::List(l) => l.join(" "),
        }
    );
    if let Err(e) = reve_remix_proxy::native::serve(listener, opts, keys).await {
        eprintln!("reve-remix-proxy: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn names_or_none(names: Vec<&str>) -> String {
    if names.is_empty() {
        "none (set REVE_API_KEY, FAL_KEY, … where it runs)".into()
    } else {
        names.join(" ")
    }
}
