//! `cargo xtask test`: every check CI runs, in order, stopping at the first
//! failure and naming it.

use crate::release_wasm::{self, Toolchain};
use crate::setup::CHROMEDRIVER;
use crate::util::{Result, cmd, exec, root, step};
use crate::{edge, harness, mock, package, proxy, setup, site, size};

pub fn run(args: &[String]) -> Result {
    if let Some(a) = args.first() {
        return Err(format!("`cargo xtask test` takes no arguments (got `{a}`)"));
    }
    let cargo = crate::util::cargo();
    setup::run()?;
    step("rustfmt", || {
        exec(cmd(&cargo).args(["fmt", "--all", "--", "--check"]))
    })?;
    step("clippy (native)", || {
        exec(cmd(&cargo).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("clippy (wasm32)", || {
        exec(cmd(&cargo).args([
            "clippy",
            "--package",
            "reve-remix-core",
            "--package",
            "reve-remix",
            "--package",
            "reve-remix-web",
            "--package",
            "reve-remix-proxy-worker",
            "--all-targets",
            // The site's split points (web/src/lazy.rs) are only compiled
            // with it; the widget's and the tests' builds check the rest.
            "--features",
            "reve-remix-web/split",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("native tests", || {
        exec(cmd(&cargo).args(["test", "--workspace"]))
    })?;
    edge::build()?;
    step(
        "the proxy's conformance tests against its Worker build, under workerd",
        || {
            exec(
                cmd(&cargo)
                    .args([
                        "test",
                        "--package",
                        "reve-remix-proxy",
                        "--test",
                        "conformance",
                    ])
                    .env("REVE_REMIX_PROXY_CMD", edge_command()?),
            )
        },
    )?;
    step(
        "browser tests of the wasm code (wasm-bindgen-test in headless Chromium)",
        || {
            // The client's tests run against it; its URL is compiled in.
            let mock = mock::start("2")?;
            exec(
                cmd(&cargo)
                    .args([
                        "test",
                        "--package",
                        "reve-remix-core",
                        "--package",
                        "reve-remix",
                        "--package",
                        "reve-remix-web",
                        "--target",
                        "wasm32-unknown-unknown",
                    ])
                    .env("CHROMEDRIVER", CHROMEDRIVER)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                    .env("REVE_REMIX_TEST_MOCK", &mock.url),
            )
        },
    )?;
    if release_wasm::toolchain() == Toolchain::Nightly {
        // The fallback a machine without nightly ships: built, run, weighed.
        // Before the shipped package, which then takes its place.
        package::run_with(Toolchain::Stable)?;
        step(
            "the package built with stable (the fallback) in Node",
            node_tests,
        )?;
        size::guard_package(Toolchain::Stable)?;
    }
    package::run()?;
    step(
        "the package's types (tsc --noEmit --strict on tests/types/)",
        || exec(cmd("tsc").args(["--project", "tests/types/tsconfig.json"])),
    )?;
    step("the package in Node", node_tests)?;
    site::build()?;
    size::guard()?;
    proxy::build()?;
    step(
        "end-to-end tests (the built site in headless Chromium, the package in Node, through the proxy too)",
        || exec(harness::run("e2e", false).env("REVE_REMIX_EDGE_CMD", edge_command()?)),
    )?;
    println!("\nall checks passed ({})", root().display());
    Ok(())
}

/// The package's Node tests (target/pkg), against the mock.
fn node_tests() -> Result {
    let mock = mock::start("2")?;
    exec(
        cmd("node")
            .args(["--test", "--test-concurrency=1", "crates/wasm/tests/node/"])
            .env("MOCK_URL", &mock.url),
    )
}

/// How the tests start the proxy's Worker (built once before them): this
/// xtask's `proxy --edge --no-build`, which takes the native proxy's
/// options and prints the same first line.
fn edge_command() -> Result<String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    Ok(format!("{} proxy --edge --no-build", me.display()))
}
