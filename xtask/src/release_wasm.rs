//! How the wasm we ship is compiled: the package, its checks entry, the
//! site's app and the widget (issue 25's second lever).
//!
//! On nightly, cargo's `-Zbuild-std` compiles std with our crates, for
//! size (`optimize_for_size`), and `panic = "immediate-abort"` makes every
//! panic a trap at once: no panic formatting, no locations, no unwinding
//! shims reach the browser. That is 8–9% of the gzipped package and app.
//! A panic is a bug either way, and in the browser it was already an abort.
//!
//! Stable is the fallback, with the workspace's release profile as before:
//! when no nightly is installed, when it has no `rust-src` (setup adds it),
//! when its cargo lacks a flag, or when `REVE_REMIX_STABLE_WASM` is set.
//! `cargo xtask test` builds the package with stable too and runs its Node
//! tests on it, and the size guard holds each toolchain to its own lines.
//! The nightly builds go to their own target folder, so that neither
//! toolchain's artifacts replace the other's.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{Result, cargo, cmd, exec, output, root, tool_path};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// Nightly's cargo with [`NIGHTLY_ENV`].
    Nightly,
    /// The cargo this xtask runs under, with the release profile alone.
    Stable,
}

impl Toolchain {
    /// How the size baseline names this toolchain's lines: `package` for
    /// what ships (nightly), `package@stable` for the fallback.
    pub fn baseline_name(self, what: &str) -> String {
        match self {
            Self::Nightly => what.to_string(),
            Self::Stable => format!("{what}@stable"),
        }
    }
}

/// Set (to anything) to build the shipped wasm with stable.
const STABLE_ENV: &str = "REVE_REMIX_STABLE_WASM";
const TARGET: &str = "wasm32-unknown-unknown";
/// What `-Zbuild-std` compiles, in the toolchain's sysroot.
const STD_SOURCE: &str = "lib/rustlib/src/rust/library/Cargo.lock";

/// Nightly's settings, as cargo reads them from the environment (a
/// command line with them would be as long again). `panic_abort` is in the
/// std set because the profile's `panic` needs a runtime crate to name; the
/// profile's rustflags add to `.cargo/config.toml`'s (SIMD), where
/// `RUSTFLAGS` would replace them. With immediate-abort no panic reads a
/// location, so none is kept.
const NIGHTLY_ENV: [(&str, &str); 6] = [
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    ("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size"),
    ("CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT", "true"),
    ("CARGO_PROFILE_RELEASE_PANIC", "immediate-abort"),
    ("CARGO_UNSTABLE_PROFILE_RUSTFLAGS", "true"),
    ("CARGO_PROFILE_RELEASE_RUSTFLAGS", "-Zlocation-detail=none"),
];
/// The unstable cargo flags [`NIGHTLY_ENV`] turns on, as `cargo -Z help`
/// lists them: a nightly without one falls back to stable.
const NEEDED_Z_FLAGS: [&str; 4] = [
    "build-std",
    "build-std-features",
    "panic-immediate-abort",
    "profile-rustflags",
];

/// The toolchain of this process's shipped builds: decided once, so that a
/// build and its size check agree.
pub fn toolchain() -> Toolchain {
    static CHOSEN: OnceLock<Toolchain> = OnceLock::new();
    *CHOSEN.get_or_init(|| match nightly_missing() {
        None => {
            crate::say!("    the shipped wasm: nightly, std built for size, panics abort at once");
            // The builds' command lines do not show them.
            for (k, v) in NIGHTLY_ENV {
                crate::say!("      {k}={v}");
            }
            Toolchain::Nightly
        }
        Some(why) => {
            crate::say!("    the shipped wasm: stable ({why})");
            Toolchain::Stable
        }
    })
}

/// Why the nightly build cannot be used here, if it cannot.
fn nightly_missing() -> Option<String> {
    if std::env::var_os(STABLE_ENV).is_some() {
        return Some(format!("{STABLE_ENV} is set"));
    }
    let Some(sysroot) = nightly_sysroot() else {
        return Some("no nightly toolchain".into());
    };
    if !sysroot.join(STD_SOURCE).is_file() {
        return Some("nightly has no rust-src; `cargo xtask setup` adds it".into());
    }
    let help = output(nightly().args(["cargo", "-Z", "help"])).unwrap_or_default();
    let missing = missing_z_flags(&help);
    if !missing.is_empty() {
        return Some(format!(
            "this nightly's cargo has no -Z {}",
            missing.join(", -Z ")
        ));
    }
    None
}

/// Of [`NEEDED_Z_FLAGS`], those `cargo -Z help`'s text does not list.
fn missing_z_flags(help: &str) -> Vec<&'static str> {
    NEEDED_Z_FLAGS
        .into_iter()
        .filter(|flag| {
            !help
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(flag))
        })
        .collect()
}

fn nightly() -> Command {
    let mut c = cmd("rustup");
    c.args(["run", "nightly"])
        .env_remove("RUSTC")
        .env_remove("RUSTDOC");
    c
}

/// Nightly's sysroot, asked of rustup once per run (adding `rust-src`
/// to it leaves it where it is).
fn nightly_sysroot() -> Option<PathBuf> {
    static SYSROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    SYSROOT
        .get_or_init(|| output(nightly().args(["rustc", "--print", "sysroot"])).map(PathBuf::from))
        .clone()
}

/// Nightly's `bin/` (only asked for after [`toolchain`] chose nightly,
/// which found its sysroot).
fn nightly_bin() -> PathBuf {
    nightly_sysroot().unwrap_or_default().join("bin")
}

/// Setup's part: nightly's `rust-src`, when a nightly is installed. Never
/// an error: without it the shipped wasm is built with stable.
pub fn setup() -> Result {
    let Some(sysroot) = nightly_sysroot() else {
        crate::say!("    no nightly toolchain: the shipped wasm will be built with stable");
        return Ok(());
    };
    if sysroot.join(STD_SOURCE).is_file() {
        crate::say!("    already installed");
        return Ok(());
    }
    if let Err(e) =
        exec(cmd("rustup").args(["component", "add", "rust-src", "--toolchain", "nightly"]))
    {
        crate::say!("    {e}: the shipped wasm will be built with stable");
    }
    Ok(())
}

/// `cargo build --release --target wasm32-unknown-unknown` with `tc`, for
/// the caller to name the package, the binary and the features. Nightly's
/// is its own cargo with [`NIGHTLY_ENV`], its `bin/` first on `PATH` (so
/// that the rustc cargo runs is nightly's too) and its own target folder.
fn cargo_build(tc: Toolchain) -> Command {
    let mut c = match tc {
        Toolchain::Nightly => {
            let bin = nightly_bin();
            let mut c = cmd(&bin.join("cargo").to_string_lossy());
            let path = tool_path();
            let dirs = std::iter::once(bin).chain(std::env::split_paths(&path));
            c.env("PATH", std::env::join_paths(dirs).unwrap_or(path))
                .env("RUSTUP_TOOLCHAIN", "nightly")
                // Set by an outer cargo, they would pick stable's rustc.
                .env_remove("RUSTC")
                .env_remove("RUSTDOC")
                .envs(NIGHTLY_ENV)
                .env("CARGO_TARGET_DIR", nightly_target_dir());
            c
        }
        Toolchain::Stable => cmd(&cargo()),
    };
    c.args(["build", "--release", "--target", TARGET]);
    c
}

fn nightly_target_dir() -> PathBuf {
    root().join("target/nightly")
}

/// Where [`cargo_build`] with `tc` leaves the wasm.
pub fn out_dir(tc: Toolchain) -> PathBuf {
    match tc {
        Toolchain::Nightly => nightly_target_dir(),
        Toolchain::Stable => root().join("target"),
    }
    .join(TARGET)
    .join("release")
}

/// Runs `exec` on [`cargo_build`]: a shorthand for the callers.
pub fn build(tc: Toolchain, args: &[&str]) -> Result {
    exec(cargo_build(tc).args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nightly_without_one_of_the_flags_is_named_by_it() {
        let help = "Available unstable (nightly-only) flags:\n\n    \
                    -Z build-std                   Enable Cargo to compile the standard library\n    \
                    -Z build-std-features          Configure features\n    \
                    -Z profile-rustflags           Enable the `rustflags` option\n";
        assert_eq!(missing_z_flags(help), ["panic-immediate-abort"]);
        assert_eq!(missing_z_flags(""), NEEDED_Z_FLAGS);
    }

    #[test]
    fn a_flag_named_inside_another_does_not_count() {
        // `build-std` is a prefix of `build-std-features`.
        let help = "    -Z build-std-features   x\n    -Z panic-immediate-abort  y\n    -Z profile-rustflags z\n";
        assert_eq!(missing_z_flags(help), ["build-std"]);
    }

    #[test]
    fn the_fallback_has_lines_of_its_own_in_the_baseline() {
        assert_eq!(Toolchain::Nightly.baseline_name("app"), "app");
        assert_eq!(Toolchain::Stable.baseline_name("app"), "app@stable");
    }

    #[test]
    fn the_two_toolchains_never_share_an_output_folder() {
        assert_ne!(out_dir(Toolchain::Nightly), out_dir(Toolchain::Stable));
    }
}
