//! `cargo xtask bench`: measures and prints, with each budget beside its figure.

mod proxy;

use std::path::Path;

use crate::util::{Result, cmd, exec, gzip_len, root, step};
use crate::{mock, package, setup, site};

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
        _ => {
            return Err(format!(
                "`cargo xtask bench` takes nothing, or `proxy` for the proxy's figures only (got {args:?})"
            ));
        }
    }
    setup::run()?;
    // nginx, wrk and fal's Express proxy: only the bench needs them.
    proxy::setup()?;
    package::run()?;
    build_site()?;

    println!("\n== sizes (raw / gzip -9) ==");
    let pkg = package::pkg_dir();
    let pkg_total = sizes("npm package", &pkg, &["wasm", "js"])?;
    verdict("package wasm + js gzipped", pkg_total, PACKAGE_BUDGET_GZ);
    let app_total = sizes(
        "web app (dist/)",
        &root().join("dist"),
        &["wasm", "js", "css"],
    )?;
    verdict("app wasm + js + css gzipped", app_total, APP_BUDGET_GZ);

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

/// Prints every file of `dir` with one of `exts`; returns the gzipped total.
fn sizes(label: &str, dir: &Path, exts: &[&str]) -> Result<usize> {
    println!("{label}:");
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .collect();
    entries.sort();
    let (mut raw_total, mut gz_total) = (0, 0);
    for path in entries {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let gz = gzip_len(&bytes);
        raw_total += bytes.len();
        gz_total += gz;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("  {name:<40} {:>9} B {:>9} B", bytes.len(), gz);
    }
    println!("  {:<40} {raw_total:>9} B {gz_total:>9} B", "total");
    Ok(gz_total)
}

fn verdict(what: &str, value: usize, budget: usize) {
    let mark = if value <= budget { "within" } else { "OVER" };
    println!("  -> {what}: {value} B, budget {budget} B: {mark} budget\n");
}
