//! `cargo xtask bench`: measures and prints, with each budget beside its figure.

mod proxy;

use crate::util::{Result, cmd, exec, step};
use crate::{harness, mock, package, setup, site, size};

/// Issue 4: the npm package, wasm + js, gzipped.
const PACKAGE_BUDGET_GZ: usize = 40_000;
/// Issue 6: the whole app, wasm + js + css, gzipped.
const APP_BUDGET_GZ: usize = 100_000;

pub fn run(args: &[String]) -> Result {
    match args {
        [] => {}
        // Only the proxy's figures (a minute, without building the site).
        [one] if one == "proxy" => {
            setup::run()?;
            proxy::setup()?;
            return proxy::run();
        }
        // The size guard's figures for what is already built (seconds).
        [one] if one == "sizes" => {
            size::package()?.print();
            size::app()?.print();
            return Ok(());
        }
        _ => {
            return Err(format!(
                "`cargo xtask bench` takes nothing, `proxy` for the proxy's figures only, or `sizes` for the built package's and app's (got {args:?})"
            ));
        }
    }
    setup::run()?;
    // nginx, wrk and fal's Express proxy: only the bench needs them.
    proxy::setup()?;
    package::run()?;
    build_site()?;

    println!("\n== sizes (raw / gzip -9) ==");
    let pkg = size::package()?;
    pkg.print();
    verdict("package wasm + js gzipped", pkg.gz(), PACKAGE_BUDGET_GZ);
    let app = size::app()?;
    app.print();
    verdict("app wasm + js + css gzipped", app.gz(), APP_BUDGET_GZ);

    println!("== base64 and request bodies (issue 3) ==");
    exec(
        cmd("node")
            .arg("tests/bench/encode.mjs")
            .arg(package::pkg_dir()),
    )?;

    println!("\n== following a queued job (issue 4; takes about 35 s) ==");
    let mock = mock::start("30")?;
    exec(
        cmd("node")
            .arg("tests/bench/polling.mjs")
            .arg(package::pkg_dir())
            .env("MOCK_URL", &mock.url),
    )?;
    drop(mock);

    println!("\n== a comparison in the site, through the proxy (issue 16) ==");
    crate::proxy::build()?;
    exec(&mut harness::run("bench", true))?;

    proxy::run()
}

/// `trunk build --release` into `dist/`, with the tools setup installed,
/// then what trunk does not build (the examples and the package they use).
pub fn build_site() -> Result {
    step("build the site (trunk build --release)", || {
        exec(cmd("trunk").args(["build", "--release", "--offline"]))
    })?;
    step("the site: examples and package", site::add_to_dist)
}

fn verdict(what: &str, value: usize, budget: usize) {
    let mark = if value <= budget { "within" } else { "OVER" };
    println!("  -> {what}: {value} B, budget {budget} B: {mark} budget\n");
}
