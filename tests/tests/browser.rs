//! Runs the browser suite (`tests/e2e/*.test.mjs`, Node's test runner with
//! playwright-core driving Debian's Chromium) against the built site.

use std::time::Duration;

use reve_remix_e2e::{repo_root, start};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs dist/ and Chromium: `cargo xtask test` builds the site and runs it"]
async fn browser_suite_passes() {
    let root = repo_root();
    let dist = root.join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "build the site first: trunk build --release"
    );
    let mock = reve_remix_mock::Config {
        job_duration: Duration::from_secs(2),
        ..Default::default()
    };
    let site = start(&dist, mock)
        .await
        .expect("start the site and the mock");

    let mut specs: Vec<_> = std::fs::read_dir(root.join("tests/e2e"))
        .expect("tests/e2e")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no browser tests in tests/e2e");

    let status = tokio::process::Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&specs)
        .current_dir(root.join("tests"))
        .env("SITE_URL", &site.site_url)
        .env("MOCK_URL", &site.mock_url)
        .env("ARTIFACTS", root.join("tests/artifacts"))
        .status()
        .await
        .expect("run node (is Node.js installed?)");
    assert!(
        status.success(),
        "the browser suite failed (see the node test output above)"
    );
}
