//! `cargo run -p reve-remix-e2e --bin e2e`: the browser and Node suites
//! (`tests/e2e/*.test.mjs`, Node's test runner with playwright-core driving
//! Debian's Chromium) against the built site, the mock and the proxy.
//! `cargo xtask test` builds the site and the proxy first and runs this.

use std::process::ExitCode;
use std::time::Duration;

use reve_remix_e2e::{repo_root, start};

#[tokio::main]
async fn main() -> ExitCode {
    let root = repo_root();
    let dist = root.join("dist");
    if !dist.join("index.html").is_file() {
        eprintln!("e2e: build the site first (cargo xtask build)");
        return ExitCode::FAILURE;
    }
    let proxy_bin = std::env::var_os("REVE_REMIX_PROXY_BIN")
        .map(Into::into)
        .unwrap_or_else(|| root.join("target/release/reve-remix-proxy"));
    if !proxy_bin.is_file() {
        eprintln!(
            "e2e: build the proxy first (cargo build --release -p reve-remix-proxy); looked for {}",
            proxy_bin.display()
        );
        return ExitCode::FAILURE;
    }
    let mock = reve_remix_mock::Config {
        job_duration: Duration::from_secs(2),
        ..Default::default()
    };
    let site = match start(&dist, mock, &proxy_bin).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("e2e: cannot start the site, the mock and the proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut specs: Vec<_> = match std::fs::read_dir(root.join("tests/e2e")) {
        Ok(dir) => dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
            .collect(),
        Err(e) => {
            eprintln!("e2e: cannot read tests/e2e: {e}");
            return ExitCode::FAILURE;
        }
    };
    specs.sort();
    // Only some of them, e.g. `-- proxy widget`.
    let only: Vec<String> = std::env::args().skip(1).collect();
    if !only.is_empty() {
        specs.retain(|p| {
            only.iter()
                .any(|o| p.to_string_lossy().contains(o.as_str()))
        });
    }
    if specs.is_empty() {
        eprintln!("e2e: no specs in tests/e2e match {only:?}");
        return ExitCode::FAILURE;
    }
    let status = tokio::process::Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&specs)
        .current_dir(root.join("tests"))
        .env("SITE_URL", &site.site_url)
        .env("MOCK_URL", &site.mock_url)
        .env("PROXY_URL", &site.proxy_url)
        .env("PROXY_TLS_URL", &site.proxy_tls_url)
        .env("PROXY_BIN", &proxy_bin)
        // The proxy's Worker under workerd, with the same options (built
        // by `cargo xtask test` before this runs).
        .env(
            "EDGE_PROXY_CMD",
            std::env::var("REVE_REMIX_EDGE_CMD")
                .unwrap_or_else(|_| "cargo xtask proxy --edge --no-build".to_string()),
        )
        .env("ARTIFACTS", root.join("tests/artifacts"))
        .status()
        .await;
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => {
            eprintln!("e2e: the suites failed ({s}); see the output above");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("e2e: cannot run node (is Node.js installed?): {e}");
            ExitCode::FAILURE
        }
    }
}
