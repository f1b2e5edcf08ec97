//! `cargo xtask serve`: the site as it is deployed (the release build in
//! `dist/`, minified and precompressed, served by the mock's static server
//! with its `.br`/`.gz` files, as a static host should) on 127.0.0.1:8080,
//! the mock provider on :8787, and the proxy on :8788 in front of the mock
//! (every provider's `--upstream` pointed at it, the site's origin
//! allowed), so that "Through the proxy" works with no key in the page.
//! `--dev`: `trunk serve`, the debug build with reload, built into
//! `target/dev-dist/` so that `dist/` only ever holds release output.
//! Ctrl-C stops everything.

use std::path::PathBuf;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::util::{Result, cmd, exec, root, step};
use crate::{package, proxy, setup, site};

pub const MOCK_ADDR: &str = "127.0.0.1:8787";
/// Where the site is served (Trunk.toml's `[serve]` says the same for `--dev`).
const SITE_ADDR: &str = "127.0.0.1:8080";
pub const SITE_ORIGIN: &str = "http://127.0.0.1:8080";

/// The folder `--dev` builds into.
fn dev_dist() -> PathBuf {
    root().join("target/dev-dist")
}

pub fn run(args: &[String]) -> Result {
    let mut job_seconds = None;
    let mut dev = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--job-seconds" => {
                job_seconds = Some(it.next().ok_or("--job-seconds needs a value")?.clone())
            }
            "--dev" => dev = true,
            other => {
                return Err(format!(
                    "unknown argument `{other}` (serve takes --dev and --job-seconds N)"
                ));
            }
        }
    }
    // The wasm builds need the target; wasm-bindgen, wasm-split (and for
    // `--dev` trunk) only come in after them, so they install meanwhile.
    step("setup: wasm32 target", setup::wasm_target)?;
    // In the foreground (seconds), so that every build of this serve sees
    // the toolchain the background setup would otherwise be installing.
    step(setup::NIGHTLY_STD_STEP, crate::release_wasm::setup)?;
    let tools = setup::site_in_background(dev)?;
    let built = build(dev);
    if built.is_err() {
        // Let the install finish (the next serve needs it), or Ctrl-C.
        crate::say!(
            "    the build failed: waiting for the tools' install to end (Ctrl-C stops it)"
        );
    }
    let tools = tools.wait();
    built?;
    tools?;
    // The examples import the package (copied next to them into the site):
    // its wasm is built, what is left is wasm-bindgen and wasm-opt.
    package::from_wasm(crate::release_wasm::toolchain())?;
    if dev {
        step("the widget's wasm (debug)", || site::build_widget(false))?;
    } else {
        site::build()?;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot catch Ctrl-C: {e}"))?;

    let mut mock_cmd = cmd(&root()
        .join("target/debug/reve-remix-mock")
        .to_string_lossy());
    mock_cmd.args(["--addr", MOCK_ADDR]);
    if let Some(secs) = &job_seconds {
        mock_cmd.args(["--job-seconds", secs]);
    }
    let dist = if dev { dev_dist() } else { root().join("dist") };
    if !dev {
        mock_cmd
            .arg("--site")
            .arg(&dist)
            .args(["--site-addr", SITE_ADDR]);
    }
    let mock = mock_cmd
        .spawn()
        .map_err(|e| format!("cannot start the mock: {e}"))?;
    let mut proxy_args = vec![
        "--addr".to_string(),
        proxy::SERVE_ADDR.to_string(),
        "--allow-origin".to_string(),
        SITE_ORIGIN.to_string(),
    ];
    proxy_args.extend(crate::table::mock_upstreams(&format!("http://{MOCK_ADDR}")));
    // The mock takes any key: the proxy holds a demo one for every provider.
    let proxy = proxy::start(&proxy::debug_binary(), &proxy_args, "mock");
    let mut children = vec![("the mock provider", mock)];
    let proxy = proxy.and_then(|p| {
        if dev {
            let trunk = cmd("trunk")
                .args(["serve", "--offline", "--dist"])
                .arg(&dist)
                .spawn()
                .map_err(|e| format!("cannot start trunk: {e}"))?;
            children.push(("trunk serve", trunk));
        }
        Ok(p)
    });
    let mut proxy = match proxy {
        Ok(p) => p,
        Err(e) => {
            stop_all(&mut children);
            return Err(e);
        }
    };
    let build = if dev {
        "trunk is building the debug build, reloading on change, in target/dev-dist/"
    } else {
        "the release build in dist/, as deployed"
    };
    println!("\n  mock provider: http://{MOCK_ADDR}/");
    println!(
        "  proxy:         {}  (in front of the mock; the site's \"Through the proxy\")",
        proxy.url
    );
    println!("  the app:       {SITE_ORIGIN}/   ({build}; Ctrl-C stops all)");
    println!("  the examples:  {SITE_ORIGIN}/examples/  (the JS package by hand)");
    println!("  the widget:    {SITE_ORIGIN}/examples/embed.html\n");

    let result = loop {
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
        if let Some((name, status)) = exited(&mut children) {
            break Err(format!("{name} stopped ({status}); stopping the others"));
        }
        if proxy.exited() {
            break Err("the proxy stopped; stopping the others".into());
        }
        // trunk serve replaces the site on every rebuild: put the widget and
        // the examples back.
        if dev
            && dist.join("index.html").is_file()
            && site::extras_stale(&dist)
            && let Err(e) = site::add_extras(&dist, false)
        {
            eprintln!("  cannot add the widget and the examples: {e}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    stop_all(&mut children);
    drop(proxy);
    result
}

/// What serve builds with cargo alone, while setup installs the tools.
fn build(dev: bool) -> Result {
    let cargo = crate::util::cargo();
    // Both debug, in one cargo run: they share hyper, tokio and tower, so a
    // first serve compiles those once, and skips the proxy's release build
    // (fat LTO, 170 s of a first serve) that only its benchmark and
    // deployment need. Neither is what a deployment runs.
    step("build the mock provider and the proxy (debug)", || {
        exec(cmd(&cargo).args([
            "build",
            "--package",
            "reve-remix-mock",
            "--package",
            "reve-remix-proxy",
        ]))
    })?;
    // Before the app's: see `package::build_wasm`.
    package::build_wasm(crate::release_wasm::toolchain())?;
    // The app's wasm as the site's build asks for it, which then finds it
    // fresh: for `--dev`, debug and whole as trunk's own cargo run builds
    // it (index.html's `data-bin`; the same package alone, so the same
    // features); else the release build the site's parts are split from.
    let profile = if dev { "debug" } else { "release" };
    step(&format!("build the app for wasm32 ({profile})"), || {
        if dev {
            exec(
                cmd(&cargo)
                    .args(["build", "--target=wasm32-unknown-unknown"])
                    .args(["--manifest-path", "web/Cargo.toml"])
                    .args(["--bin", "reve-remix-web"]),
            )
        } else {
            crate::app_split::build_wasm(crate::release_wasm::toolchain())
        }
    })
}

fn exited(children: &mut [(&'static str, Child)]) -> Option<(&'static str, String)> {
    children
        .iter_mut()
        .find_map(|(name, child)| match child.try_wait() {
            Ok(Some(status)) => Some((*name, status.to_string())),
            _ => None,
        })
}

fn stop_all(children: &mut [(&'static str, Child)]) {
    for (_, child) in children.iter_mut() {
        let _ = child.kill();
    }
    for (_, child) in children.iter_mut() {
        let _ = child.wait();
    }
}
