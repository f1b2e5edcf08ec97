//! `cargo xtask setup`: install what is missing, checking versions, not just
//! presence. Idempotent: a second run only checks.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::util::{Result, cmd, exec, locked_version, output, root, step};

mod npm;
pub use npm::npm_packages;
use npm::{esbuild, typescript, wasm_opt};

pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen (108) corrupts Rust's wasm; 132 from npm does not.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// `tsc --noEmit --strict` checks the package's `.d.ts` against tests/types/.
pub const TYPESCRIPT_VERSION: &str = "5.9.3";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Everything: what the site needs, then what the tests need (tsc,
/// Chromium, the browser tests' npm packages, the Worker's tools).
pub fn run() -> Result {
    site()?;
    step("setup: tsc (typescript from npm)", typescript)?;
    step("setup: Chromium and chromedriver", chromium)?;
    step("setup: npm packages of the browser tests", || {
        npm_packages(&root().join("tests"))
    })?;
    // The proxy's Worker build: worker-build, workerd, esbuild.
    crate::edge::setup()
}

/// What building and serving the site and the package need, and no more:
/// a newcomer's first `cargo xtask serve` waits for nothing else.
pub fn site() -> Result {
    step("setup: wasm32 target", wasm_target)?;
    step("setup: wasm-bindgen CLI", wasm_bindgen)?;
    step("setup: wasm-opt (binaryen from npm)", wasm_opt)?;
    step("setup: esbuild (npm), which minifies the JS", esbuild)?;
    step("setup: wasm-split, which splits the app's wasm", wasm_split)?;
    step(NIGHTLY_STD_STEP, crate::release_wasm::setup)
}

/// The step that gives nightly its std source, for the shipped wasm.
pub const NIGHTLY_STD_STEP: &str = "setup: nightly's rust-src, which builds the shipped wasm's std";

/// What `serve --dev` needs: the site's tools, and trunk, which builds
/// its page and rebuilds it on change (the release site does without).
pub fn dev() -> Result {
    site()?;
    step("setup: trunk, which `serve --dev` runs", trunk)
}

/// `cargo xtask setup [--site | --dev]`: everything the tests need, or only
/// what building and serving the site needs, or that and trunk for
/// `serve --dev`.
pub fn command(args: &[String]) -> Result {
    match args {
        [] => run(),
        [a] if a == "--site" => site(),
        [a] if a == "--dev" => dev(),
        _ => Err(format!(
            "`cargo xtask setup` takes only --site or --dev (got `{}`)",
            args.join(" ")
        )),
    }
}

/// [`site`] (or [`dev`]) in a child process (`setup --site`, `--dev`), its
/// output in a log file, while the caller builds the project: installing
/// the tools (the wasm-bindgen CLI, wasm-split) and building the project
/// are each a cargo run that leaves a core idle in its serial stretches
/// (one crate's codegen, the linker, the wasm's fat LTO), and neither needs
/// the other until wasm-bindgen runs. The child is in this process's group:
/// a Ctrl-C stops it too.
pub struct Background {
    child: Child,
    log: PathBuf,
    started: Instant,
    what: &'static str,
}

pub fn site_in_background(dev: bool) -> Result<Background> {
    let what = if dev { "setup --dev" } else { "setup --site" };
    let log = root().join("target/xtask-setup-site.log");
    let file = std::fs::create_dir_all(root().join("target"))
        .and_then(|()| std::fs::File::create(&log))
        .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let me = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let child = Command::new(me)
        .args(what.split(' '))
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start `xtask {what}`: {e}"))?;
    crate::say!(
        "==> {what}, in the background while the project builds (log: {})",
        shown(&log)
    );
    Ok(Background {
        child,
        log,
        started: Instant::now(),
        what,
    })
}

impl Background {
    /// Wait for it to end, then show its steps (and cargo's `Finished`
    /// lines), or the end of its log when it failed.
    pub fn wait(mut self) -> Result {
        let what = self.what;
        if matches!(self.child.try_wait(), Ok(None)) {
            crate::say!("==> waiting for {what} in the background");
        }
        let status = self.child.wait().map_err(|e| format!("{what}: {e}"))?;
        let secs = self.started.elapsed().as_secs_f64();
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        if status.success() {
            for line in log.lines().filter(|l| relayed(l)) {
                crate::say!("  | {line}");
            }
            crate::say!("    {what} (background): ok (ended within {secs:.1} s)");
            Ok(())
        } else {
            let lines: Vec<&str> = log.lines().collect();
            for line in &lines[lines.len().saturating_sub(40)..] {
                crate::say!("  | {line}");
            }
            Err(format!(
                "{what} (in the background) exited with {status}; its log: {}",
                shown(&self.log)
            ))
        }
    }
}

/// Of the background setup's log, what serve shows: its steps (`==> step`,
/// `    step: ok (…)`, `    already installed`) and cargo's `Finished`
/// lines, not cargo's other news (`Compiling`, `Blocking waiting for file
/// lock`, `Updating crates.io index`).
fn relayed(line: &str) -> bool {
    let text = line.trim_start();
    line.starts_with("==>")
        || (line.starts_with("    ")
            && (text.starts_with(|c: char| !c.is_ascii_uppercase())
                || text.starts_with("Finished")))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

pub fn wasm_target() -> Result {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        crate::say!("    already installed");
        return Ok(());
    }
    exec(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    match output(cmd("trunk").arg("--version")) {
        Some(v) if v == want => {
            crate::say!("    {v} already installed");
            return Ok(());
        }
        Some(v) => {
            crate::say!("    found `{v}`, need {want}: installing (a few minutes)")
        }
        None => crate::say!("    not found: installing {want} (about 4 minutes on 2 cores)"),
    }
    // Without its default features (rustls, and a check on crates.io for a
    // newer trunk): it never downloads here, since Trunk.toml pins the tools
    // setup puts on PATH and `serve` and `build` pass `--offline`, and the
    // TLS stack (rustls, and ring's C) would be built for nothing.
    exec(crate::util::cargo_install().args([
        "--locked",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--no-default-features",
        "--force",
    ]))
}

fn wasm_bindgen() -> Result {
    let version = locked_version("wasm-bindgen")?;
    let want = format!("wasm-bindgen {version}");
    let have = output(cmd("wasm-bindgen").arg("--version"));
    let runner = output(cmd("wasm-bindgen-test-runner").arg("--version"));
    let runner_ok = runner.as_deref().is_some_and(|r| r.ends_with(&version));
    if have.as_deref() == Some(want.as_str()) && runner_ok {
        crate::say!("    {want} already installed (matches Cargo.lock)");
        return Ok(());
    }
    crate::say!(
        "    found {}, need {want} (Cargo.lock): installing (a few minutes)",
        have.as_deref().unwrap_or("none")
    );
    // No `--locked`: its lock file names a webpki-roots release the
    // registry here does not serve (TOOLCHAIN.md). No default features:
    // they are TLS (rustls, ring) for the test runner's WebDriver client,
    // which only ever talks to the local chromedriver over plain HTTP.
    exec(crate::util::cargo_install().args([
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--no-default-features",
        "--force",
    ]))
}

/// `wasm_split_cli_support`'s CLI, in a folder named by its version (it
/// prints none): the tool that matches leptos's `wasm_split_helpers`.
fn wasm_split() -> Result {
    let bin = crate::app_split::tool();
    if bin.is_file() {
        crate::say!(
            "    wasm-split {} already installed",
            crate::app_split::TOOL_VERSION
        );
        return Ok(());
    }
    crate::say!(
        "    not found: installing wasm_split_cli_support {} (about a minute)",
        crate::app_split::TOOL_VERSION
    );
    exec(
        crate::util::cargo_install()
            // It walks the whole app's wasm: unoptimized, that takes seconds.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
            .args([
                "--locked",
                "wasm_split_cli_support",
                "--version",
                crate::app_split::TOOL_VERSION,
                "--features",
                "build-binary",
                "--force",
                "--root",
            ])
            .arg(crate::app_split::tool_root()),
    )
}

fn chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        let v = output(cmd(CHROMIUM).arg("--version")).unwrap_or_default();
        crate::say!("    {v} and chromedriver already installed");
        return Ok(());
    }
    let uid = output(cmd("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err(format!(
            "{CHROMIUM} or {CHROMEDRIVER} is missing and this user is not root: \
             run `sudo apt-get install -y chromium chromium-driver`, then `cargo xtask setup` again"
        ));
    }
    exec(cmd("apt-get").arg("update").arg("-q"))?;
    exec(
        cmd("apt-get")
            .args([
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_relays_the_steps_of_setup_not_cargo_chatter() {
        let log = "==> setup: trunk\n    not found: installing trunk 0.21.14\n  $ cargo install trunk\n    Blocking waiting for file lock on package cache\n    Updating crates.io index\n   Compiling syn v2.0.100\n    Finished `release` profile [unoptimized] target(s) in 2m 32s\n    setup: trunk: ok (153.8 s)";
        let shown: Vec<&str> = log.lines().filter(|l| relayed(l)).collect();
        assert_eq!(
            shown,
            [
                "==> setup: trunk",
                "    not found: installing trunk 0.21.14",
                "    Finished `release` profile [unoptimized] target(s) in 2m 32s",
                "    setup: trunk: ok (153.8 s)",
            ]
        );
    }

    #[test]
    fn setup_takes_only_site() {
        let err = command(&["--sight".to_string()]).expect_err("an unknown flag");
        assert!(
            err.contains("--site") && err.contains("--dev") && err.contains("--sight"),
            "{err}"
        );
    }
}
