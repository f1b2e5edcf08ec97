//! `reve-remix-mock [--addr 127.0.0.1:8787] [--job-seconds N] [--site DIR --site-addr ADDR]`
//!
//! `--site`: also serve a built site (`dist/`) on its own address, its
//! precompressed files by `Accept-Encoding` (`cargo xtask serve` does).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use reve_remix_mock::Config;

const USAGE: &str = "usage: reve-remix-mock [--addr 127.0.0.1:8787] [--job-seconds N] [--site DIR --site-addr 127.0.0.1:8080]";

/// What the command line asks for.
struct Args {
    addr: SocketAddr,
    config: Config,
    /// A built site to serve, and where.
    site: Option<(PathBuf, SocketAddr)>,
}

fn parse_args() -> Result<Args, String> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8787).into();
    let mut config = Config::default();
    let mut site_dir = None;
    let mut site_addr = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--addr" => addr = value()?.parse().map_err(|e| format!("--addr: {e}"))?,
            "--job-seconds" => {
                let secs: f64 = value()?
                    .parse()
                    .map_err(|e| format!("--job-seconds: {e}"))?;
                if !(0.0..=3600.0).contains(&secs) {
                    return Err("--job-seconds must be between 0 and 3600".into());
                }
                config.job_duration = Duration::from_secs_f64(secs);
            }
            "--site" => site_dir = Some(PathBuf::from(value()?)),
            "--site-addr" => {
                site_addr = Some(value()?.parse().map_err(|e| format!("--site-addr: {e}"))?)
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let site = match (site_dir, site_addr) {
        (Some(dir), Some(at)) => Some((dir, at)),
        (None, None) => None,
        _ => return Err(format!("--site and --site-addr go together\n{USAGE}")),
    };
    Ok(Args { addr, config, site })
}

#[tokio::main]
async fn main() -> ExitCode {
    let Args { addr, config, site } = match parse_args() {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    if let Some((dir, at)) = site {
        match reve_remix_mock::site::spawn(at, &dir).await {
            Ok(bound) => println!(
                "reve-remix-mock serving {} on http://{bound}/",
                dir.display()
            ),
            Err(e) => {
                eprintln!("reve-remix-mock: cannot serve the site on {at}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("reve-remix-mock: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The bound address, so `--addr 127.0.0.1:0` callers learn the port.
    let bound = listener.local_addr().unwrap_or(addr);
    println!("reve-remix-mock listening on http://{bound}/");
    if let Err(e) = reve_remix_mock::serve(listener, config).await {
        eprintln!("reve-remix-mock: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
