//! `cargo xtask bench`: measures and prints, with each budget beside its figure.

mod load;
mod proxy;

use crate::util::{Result, cmd, exec, root};
use crate::{harness, mock, package, setup, site, size};
use load::Peers;

/// Issue 25: the npm package, wasm + js, gzipped (stretch: no more than the
/// three clients it replaces, measured by `load::Peers`).
const PACKAGE_GOAL_GZ: usize = 60_000;
/// Issue 25: what a visitor downloads before the first click, gzipped: the
/// app's first screen (wasm + js + css), as `size::app()` measures it.
const FIRST_CLICK_GOAL_GZ: usize = 100_000;

pub fn run(args: &[String]) -> Result {
    match args {
        [] => {}
        // Only the proxy's figures (a minute, without building the site).
        [one] if one == "proxy" => {
            setup::run()?;
            proxy::setup()?;
            return proxy::run();
        }
        // The size guard's figures for what is already built (seconds),
        // with the goals and the peers measured where they are installed.
        [one] if one == "sizes" => return sizes(),
        // Only the first-load bench (a few minutes), building the site
        // when dist/ has none.
        [one] if one == "load" => {
            if !root().join("dist/index.html").is_file() {
                setup::site()?;
                site::build()?;
            }
            load::setup()?;
            load::build_uppy()?;
            return load::run();
        }
        _ => {
            return Err(format!(
                "`cargo xtask bench` takes nothing, `proxy` for the proxy's figures only, `load` for the first-load bench only, or `sizes` for the built package's and app's (got {args:?})"
            ));
        }
    }
    setup::run()?;
    // nginx, wrk and fal's Express proxy; Uppy and esbuild: only the bench
    // needs them.
    proxy::setup()?;
    load::setup()?;
    package::run()?;
    site::build()?;
    load::build_uppy()?;

    sizes()?;
    load::run()?;

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

/// The package's and the app's sizes, each goal of issue 25 beside its
/// figure, and the peers' figures beside ours.
fn sizes() -> Result {
    println!("\n== sizes (raw / gzip -9) ==");
    let pkg = size::package()?;
    let app = size::app()?;
    let peers = Peers::measure();
    pkg.print();
    peers.print_clients();
    goal("package wasm + js gzipped", pkg.gz(), PACKAGE_GOAL_GZ);
    match peers.clients_gz() {
        Some(clients) => goal(
            "stretch: package no more than the three clients it replaces (measured)",
            pkg.gz(),
            clients,
        ),
        None => goal(
            "stretch: package no more than the three clients it replaces (the issue's figure, quoted)",
            pkg.gz(),
            load::QUOTED_CLIENTS_GZ,
        ),
    }
    let checks = size::checks()?;
    println!();
    checks.print();
    println!(
        "  -> the image checks alone (reve-remix/checks): {} B, {:.0}% of the whole package",
        checks.gz(),
        100.0 * checks.gz() as f64 / pkg.gz().max(1) as f64
    );
    println!();
    app.print();
    goal(
        "bytes before the first click (app wasm + js + css gzipped)",
        app.gz(),
        FIRST_CLICK_GOAL_GZ,
    );
    // What a host serving the build's precompressed files sends instead.
    let brotli: Option<u64> = app
        .files
        .iter()
        .map(|f| std::fs::metadata(root().join("dist").join(format!("{}.br", f.0))).ok())
        .map(|m| m.map(|m| m.len()))
        .sum();
    if let Some(br) = brotli {
        println!("     the same as served from the build's .br files (brotli 11): {br} B");
    }
    match (peers.uppy_gz, peers.uppy_fal_gz()) {
        (Some(uppy), Some(both)) => println!(
            "     peer: Uppy 6's dashboard page (js + css) {uppy} B, with fal's client {both} B (the issue says {} B)\n",
            load::QUOTED_UPPY_FAL_GZ
        ),
        _ => println!(
            "     peer: Uppy's dashboard stack plus fal's client, the issue's figure (quoted; `cargo xtask bench load` builds it): {} B\n",
            load::QUOTED_UPPY_FAL_GZ
        ),
    }
    let chunks = size::app_chunks()?;
    if !chunks.files.is_empty() {
        chunks.print();
        println!(
            "  -> fetched once the page is usable, while the person picks images: {} B\n",
            chunks.gz()
        );
    }
    if let Ok(widget) = size::widget() {
        widget.print();
        println!();
    }
    if let Ok(chunks) = size::widget_chunks()
        && !chunks.files.is_empty()
    {
        chunks.print();
        println!();
    }
    for (what, path) in [
        (
            "the app's first screen (wasm-split's main part)",
            root().join("target/app-split/split/reve-remix-web.wasm"),
        ),
        (
            "the package",
            crate::package::wasm(crate::release_wasm::toolchain()),
        ),
    ] {
        match std::fs::read(&path) {
            Ok(bytes) => crate::wasm_profile::profile(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .print(what, 14),
            Err(e) => println!("  {what}: no profile ({}: {e})", path.display()),
        }
    }
    Ok(())
}

fn goal(what: &str, value: usize, goal: usize) {
    let mark = if value <= goal {
        "meets goal"
    } else {
        "misses goal"
    };
    println!("  -> {what}: {value} B, goal ≤ {goal} B: {mark}");
}
