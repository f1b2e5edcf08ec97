//! `cargo xtask package`: the npm package `reve-remix` in `target/pkg/`.

use std::path::PathBuf;

use crate::release_wasm::{self, Toolchain};
use crate::util::{Result, cmd, exec, locked_version, root, step};

pub fn pkg_dir() -> PathBuf {
    root().join("target/pkg")
}

/// wasm-opt flags for what rustc's wasm32 target emits by default.
pub const WASM_OPT_FEATURES: [&str; 7] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-simd",
];

/// `-Oz`, then a restructuring of the control flow and `-Oz` again. With
/// `--low-memory-unused` (rustc puts the stack first: nothing lives below
/// 1 KiB) wasm-opt folds constant offsets into loads and stores.
/// The app's parts and the widget get the same (`xtask/src/app_split.rs`,
/// `site.rs`).
pub const WASM_OPT_PASSES: [&str; 5] = [
    "-Oz",
    "--low-memory-unused",
    "--flatten",
    "--rereloop",
    "-Oz",
];

/// The package's wasm (`reve_remix.wasm` in [`release_wasm::out_dir`]),
/// before wasm-bindgen: needs no tool but cargo.
///
/// The app's build links the same crate without its `js` feature and so
/// recompiles it, as does this after the app's: build the package's first
/// when the app's comes next (its copy of the wasm stays as it was).
pub fn build_wasm(tc: Toolchain) -> Result {
    step("package: build the core for wasm32 (release)", || {
        cargo_build_wasm(tc, &[])
    })
}

/// `cargo build` of the crate's wasm (release), with `features` given.
fn cargo_build_wasm(tc: Toolchain, features: &[&str]) -> Result {
    release_wasm::build(
        tc,
        &[&["--package", "reve-remix", "--lib"], features].concat(),
    )
}

/// The whole package, and `reve-remix/checks` beside it, built as it
/// ships ([`release_wasm::toolchain`]).
pub fn run() -> Result {
    run_with(release_wasm::toolchain())
}

/// [`run`] with the given toolchain.
pub fn run_with(tc: Toolchain) -> Result {
    build_checks_wasm(tc)?;
    build_wasm(tc)?;
    from_wasm(tc)?;
    checks_from_wasm(tc)?;
    let out = pkg_dir();
    step("package: package.json and README", || {
        let version = crate_version()?;
        std::fs::write(out.join("package.json"), package_json(&version))
            .map_err(|e| format!("cannot write package.json: {e}"))?;
        std::fs::copy(root().join("crates/wasm/README.md"), out.join("README.md"))
            .map_err(|e| format!("cannot copy crates/wasm/README.md: {e}"))?;
        // wasm-bindgen writes a .gitignore of `*` that npm would obey.
        let _ = std::fs::remove_file(out.join(".gitignore"));
        Ok(())
    })?;
    println!("    the package is in {}", out.display());
    Ok(())
}

/// The checks' wasm: the same crate with only its `checks` feature, kept
/// as `reve_remix_checks.wasm` (cargo names both builds `reve_remix.wasm`).
fn build_checks_wasm(tc: Toolchain) -> Result {
    step(
        "package: build the image checks alone for wasm32 (release)",
        || {
            cargo_build_wasm(tc, &["--no-default-features", "--features", "checks"])?;
            let built = wasm(tc);
            std::fs::copy(&built, checks_wasm(tc))
                .map(drop)
                .map_err(|e| format!("cannot copy {}: {e}", built.display()))
        },
    )
}

/// The package's wasm as [`build_wasm`] leaves it.
pub fn wasm(tc: Toolchain) -> PathBuf {
    release_wasm::out_dir(tc).join("reve_remix.wasm")
}

/// Where [`build_checks_wasm`] keeps the checks' wasm.
fn checks_wasm(tc: Toolchain) -> PathBuf {
    release_wasm::out_dir(tc).join("reve_remix_checks.wasm")
}

/// `reve-remix/checks` in the package: `reve_remix_checks.js` and its wasm.
fn checks_from_wasm(tc: Toolchain) -> Result {
    let out = pkg_dir();
    step(
        "package: the checks entry (wasm-bindgen, wasm-opt, esbuild)",
        || bindgen_and_shrink(&checks_wasm(tc), "reve_remix_checks", &out),
    )
}

/// wasm-bindgen for the web: `<name>.js`, `<name>_bg.wasm` and their
/// `.d.ts` in `out`.
pub fn bindgen(wasm: &std::path::Path, name: &str, out: &std::path::Path) -> Result {
    exec(&mut bindgen_cmd(wasm, name, out))
}

/// The wasm-bindgen command [`bindgen`] runs, for a caller to add to.
pub fn bindgen_cmd(
    wasm: &std::path::Path,
    name: &str,
    out: &std::path::Path,
) -> std::process::Command {
    let mut c = cmd("wasm-bindgen");
    c.arg(wasm)
        .args(["--target", "web", "--out-name", name])
        // Every engine the package supports has encodeInto: no fallback.
        .args(["--encode-into", "always", "--out-dir"])
        .arg(out);
    c
}

/// [`bindgen`], then wasm-opt, esbuild and short import names.
pub fn bindgen_and_shrink(wasm: &std::path::Path, name: &str, out: &std::path::Path) -> Result {
    bindgen_and_shrink_with(wasm, name, out, |_, _| Ok(()))
}

/// [`bindgen_and_shrink`], with `trim` given the wasm and the glue between
/// wasm-bindgen and wasm-opt.
pub fn bindgen_and_shrink_with(
    wasm: &std::path::Path,
    name: &str,
    out: &std::path::Path,
    trim: impl FnOnce(&std::path::Path, &std::path::Path) -> Result,
) -> Result {
    bindgen(wasm, name, out)?;
    let bg = out.join(format!("{name}_bg.wasm"));
    let js = out.join(format!("{name}.js"));
    trim(&bg, &js)?;
    shrink(&bg, &bg)?;
    crate::minify::module(&js)?;
    crate::short_imports::shorten(&bg, &js, &format!("./{name}_bg.js"))
}

/// wasm-opt for size, `wasm` to `out` (which may be the same file).
pub fn shrink(wasm: &std::path::Path, out: &std::path::Path) -> Result {
    exec(
        cmd("wasm-opt")
            .args(WASM_OPT_PASSES)
            // The passes again until the module stops shrinking: 0.1–0.3%
            // of each part (package -270 B, the first screen -159 B
            // gzipped) for a few seconds of build.
            .arg("--converge")
            // Custom sections no runtime reads: ~200 bytes gzipped.
            .args(["--strip-producers", "--strip-target-features"])
            .args(WASM_OPT_FEATURES)
            .arg(wasm)
            .arg("-o")
            .arg(out),
    )
}

/// The package's main entry from the wasm [`build_wasm`] made, into a
/// fresh `target/pkg/`: what the site's examples import (serve needs no
/// more; [`run`] adds the checks entry and package.json).
pub fn from_wasm(tc: Toolchain) -> Result {
    let out = pkg_dir();
    step("package: wasm-bindgen, wasm-opt -Oz, esbuild", || {
        let _ = std::fs::remove_dir_all(&out);
        bindgen_and_shrink(&wasm(tc), "reve_remix", &out)
    })
}

fn crate_version() -> Result<String> {
    locked_version("reve-remix")
}

fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "reve-remix",
  "version": "{version}",
  "description": "Check reference images and run Reve Remix on any of its hosted providers, from the browser, a worker or Node",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./reve_remix.js",
  "module": "./reve_remix.js",
  "types": "./reve_remix.d.ts",
  "exports": {{
    ".": {{
      "types": "./reve_remix.d.ts",
      "default": "./reve_remix.js"
    }},
    "./reve_remix_bg.wasm": "./reve_remix_bg.wasm",
    "./checks": {{
      "types": "./reve_remix_checks.d.ts",
      "default": "./reve_remix_checks.js"
    }},
    "./reve_remix_checks_bg.wasm": "./reve_remix_checks_bg.wasm"
  }},
  "files": [
    "reve_remix.js",
    "reve_remix.d.ts",
    "reve_remix_bg.wasm",
    "reve_remix_bg.wasm.d.ts",
    "reve_remix_checks.js",
    "reve_remix_checks.d.ts",
    "reve_remix_checks_bg.wasm",
    "reve_remix_checks_bg.wasm.d.ts",
    "README.md"
  ],
  "sideEffects": false,
  "engines": {{
    "node": ">=20"
  }},
  "keywords": ["reve", "remix", "image", "wasm", "fal", "replicate"]
}}
"#
    )
}
