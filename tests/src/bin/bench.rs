//! `cargo run -p reve-remix-e2e --bin bench`: the benches that drive the
//! built site in Chromium (`tests/bench/compare.mjs`), against the mock
//! (jobs of 2 s) and the proxy in front of it. `cargo xtask bench` builds
//! the site and the proxy first and runs this.

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
    let status = tokio::process::Command::new("node")
        .arg("bench/compare.mjs")
        .current_dir(root.join("tests"))
        .env("SITE_URL", &site.site_url)
        .env("MOCK_URL", &site.mock_url)
        .env("PROXY_URL", &site.proxy_url)
        .status()
        .await;
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
