//! `cargo run -p reve-remix-e2e --bin bench`: the benches that drive the
//! built site in Chromium (`tests/bench/compare.mjs`; `fit.mjs`, fitting a
//! phone photo with the package in a page), against the mock
//! (jobs of 2 s) and the proxy in front of it, over HTTPS (HTTP/2) and
//! over plain HTTP/1.1. `cargo xtask bench` builds the site and the proxy
//! first and runs this.

use std::process::ExitCode;
use std::time::Duration;

use reve_remix_e2e::{repo_root, start};

#[tokio::main]
async fn main() -> ExitCode {
    let root = repo_root();
    let proxy_bin = std::env::var_os("REVE_REMIX_PROXY_BIN")
        .map(Into::into)
        .unwrap_or_else(|| root.join("target/release/reve-remix-proxy"));
    let mock = reve_remix_mock::Config {
        job_duration: Duration::from_secs(2),
        ..Default::default()
    };
    let site = match start(&root.join("dist"), mock, &proxy_bin).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bench: cannot start the site, the mock and the proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Through the proxy over HTTPS, where the browser speaks HTTP/2 as it
    // does to a deployed proxy (the budget's figure); then over plain
    // HTTP/1.1, to show what six connections per origin cost.
    for (proxy_url, protocol) in [(&site.proxy_tls_url, "h2"), (&site.proxy_url, "http/1.1")] {
        let status = tokio::process::Command::new("node")
            .arg("bench/compare.mjs")
            .current_dir(root.join("tests"))
            .env("SITE_URL", &site.site_url)
            .env("MOCK_URL", &site.mock_url)
            .env("PROXY_URL", proxy_url)
            .env("BENCH_PROTOCOL", protocol)
            .status()
            .await;
        if !matches!(status, Ok(s) if s.success()) {
            return ExitCode::FAILURE;
        }
    }
    // Issue 27: fitting a phone photo in the page, with the package.
    println!("\n== fitting a 12-megapixel photo in the page (issue 27) ==");
    let status = tokio::process::Command::new("node")
        .arg("bench/fit.mjs")
        .current_dir(root.join("tests"))
        .env("SITE_URL", &site.site_url)
        .status()
        .await;
    if !matches!(status, Ok(s) if s.success()) {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
