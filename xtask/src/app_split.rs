//! The site's app in parts (issue 25): what the first screen needs, and
//! chunks fetched once the page is usable. `web/src/lazy.rs` marks the
//! split points; this builds the app with its `split` feature, runs
//! wasm-split on rustc's output (before wasm-bindgen, as the tool needs),
//! then wasm-bindgen, wasm-opt and esbuild, and puts the parts in `dist/`,
//! for the page (`page.rs`) to load.
//!
//! In `dist/`: `reve-remix-web-<hash>.js` and `_bg.wasm` (the first
//! screen), `split-<hash>.js` (wasm-split's loader, imported by the glue)
//! and one `split-<chunk>-<hash>.wasm` per chunk (`split-chunk-<n>-…` for
//! code that chunks share). One hash over all the wasm and what builds it
//! ([`site::build_hash`]) names them all: the loader and the glue import
//! each other, so neither could be named by its own content.

use std::path::{Path, PathBuf};

use crate::page::AppFiles;
use crate::util::{Result, cmd, exec, read, read_text, root, tools_dir, write};
use crate::{minify, package, release_wasm, site};

/// `wasm_split_cli_support`, whose splitting matches the `wasm_split_helpers`
/// in our lock (leptos's `#[lazy]`).
pub const TOOL_VERSION: &str = "0.2.4";

/// Where setup installs the tool (`cargo install --root`).
pub fn tool_root() -> PathBuf {
    tools_dir().join(format!("wasm-split-{TOOL_VERSION}"))
}

/// The tool's binary.
pub fn tool() -> PathBuf {
    tool_root().join("bin/wasm-split-cli")
}

/// The app's binary, and the start of its files' names in `dist/`.
const APP: &str = "reve-remix-web";
/// The widget's binary, split the same way into `dist/widget/`.
pub const WIDGET: &str = "reve-remix-widget";
/// The loader's name as wasm-split writes it and the glue imports it.
const TOOL_LOADER: &str = "__wasm_split.js";
/// How wasm-split names a split point's chunk: `split_<module>.wasm`; code
/// that two of them share goes into `chunk_<n>.wasm`.
const TOOL_CHUNK_PREFIXES: [&str; 2] = ["split_", "chunk_"];
/// How `dist/` names the loader and the chunks: `split-…`.
const PREFIX: &str = "split-";

/// Whether `name` (a file of `dist/`) is one of the app's chunks: what
/// the page fetches after it is usable.
pub fn is_chunk(name: &str) -> bool {
    name.starts_with(PREFIX) && name.ends_with(".wasm")
}

/// The app's release wasm, whole, before it is split: `serve` builds it
/// early with this, and [`build`] then finds it fresh.
pub fn build_wasm(tc: release_wasm::Toolchain) -> Result {
    build_bin(tc, APP, &site::APP_FEATURES)
}

/// The widget's features: the split points of any board, not the site's
/// panels, which it does not have (their split points would keep their code
/// in its first part).
const WIDGET_FEATURES: [&str; 2] = ["--features", "split-embedded"];

/// `bin` of the web crate (the app or the widget), released with `features`.
fn build_bin(tc: release_wasm::Toolchain, bin: &str, features: &[&str]) -> Result {
    release_wasm::build(tc, &[&["--package", APP, "--bin", bin], features].concat())
}

/// Build the app in parts and put them in `dist`: what its page loads
/// first is returned, for [`crate::page`] to name.
pub fn build(dist: &Path) -> Result<AppFiles> {
    build_parts(APP, &site::APP_FEATURES, "target/app-split", dist)
}

/// The widget in parts, as the app, into `out` (a folder of its own: the
/// widget's files are `dist/widget/`).
pub fn build_widget(out: &Path) -> Result<AppFiles> {
    build_parts(WIDGET, &WIDGET_FEATURES, "target/widget-split", out)
}

/// `bin` built with `features`, split in `work` (under the repository) and
/// put in `dist`.
fn build_parts(bin: &str, features: &[&str], work: &str, dist: &Path) -> Result<AppFiles> {
    let tc = release_wasm::toolchain();
    build_bin(tc, bin, features)?;
    let wasm = release_wasm::out_dir(tc).join(format!("{bin}.wasm"));
    let work = root().join(work);
    let _ = std::fs::remove_dir_all(&work);
    let split = work.join("split");
    let out = work.join("out");
    for dir in [&split, &out] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    exec(
        cmd(&tool().to_string_lossy())
            .arg(&wasm)
            .arg(&split)
            .args(["--out-name", bin]),
    )?;
    let chunks = tool_chunks(&split)?;
    let main = split.join(format!("{bin}.wasm"));

    let mut parts = vec![read(&main)?];
    for chunk in &chunks {
        parts.push(read(&split.join(chunk))?);
    }
    let hash = site::build_hash(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    let name = format!("{bin}-{hash}");
    let loader = format!("{PREFIX}{hash}.js");

    // The chunks import the table (and the memory) from the first screen's
    // instance: wasm-bindgen must not drop the linker's exports.
    exec(
        package::bindgen_cmd(&main, &name, &out)
            .arg("--keep-lld-exports")
            .arg("--no-typescript"),
    )?;
    let bg = out.join(format!("{name}_bg.wasm"));
    let glue = out.join(format!("{name}.js"));
    crate::unused_classes::drop(&bg, &glue)?;
    package::shrink(&bg, &bg)?;
    // The glue imports the loader (once per chunk, as one namespace each),
    // and names the wasm's imports from it by the same path: only the
    // imports change.
    let text = read_text(&glue)?;
    let import = format!("from \"./{TOOL_LOADER}\"");
    if !text.contains(&import) {
        return Err(format!("{} does not import {TOOL_LOADER}", glue.display()));
    }
    let text = text.replace(&import, &format!("from \"./{loader}\""));
    write(&glue, &text)?;
    minify::module(&glue)?;
    crate::short_imports::shorten(&bg, &glue, &format!("./{name}_bg.js"))?;

    let mut text = replace_quoted(
        &read_text(&split.join(TOOL_LOADER))?,
        &format!("./{bin}.js"),
        &format!("./{name}.js"),
    )?;
    for chunk in &chunks {
        let named = format!("{PREFIX}{}-{hash}.wasm", dist_stem(chunk));
        package::shrink(&split.join(chunk), &out.join(&named))?;
        text = replace_quoted(&text, &format!("./{chunk}"), &format!("./{named}"))?;
    }
    write(&out.join(&loader), &text)?;
    minify::module(&out.join(&loader))?;

    into_dist(dist, &out, &name, &loader)
}

/// The chunks wasm-split wrote into `dir`, by name.
fn tool_chunks(dir: &Path) -> Result<Vec<String>> {
    let mut chunks: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| TOOL_CHUNK_PREFIXES.iter().any(|p| n.starts_with(p)) && n.ends_with(".wasm"))
        .collect();
    chunks.sort();
    if chunks.is_empty() {
        return Err(format!(
            "wasm-split wrote no chunk into {}: have web/src/lazy.rs's split points gone?",
            dir.display()
        ));
    }
    Ok(chunks)
}

/// A chunk's name in `dist/` (before its hash) from wasm-split's:
/// `split_run.wasm` → `run`, `chunk_3.wasm` → `chunk-3`.
fn dist_stem(tool_name: &str) -> String {
    let stem = tool_name.trim_end_matches(".wasm");
    match stem.strip_prefix(TOOL_CHUNK_PREFIXES[0]) {
        Some(module) => module.to_string(),
        None => stem.replace('_', "-"),
    }
}

/// The parts in `out` (the first screen's glue and wasm named `name`, the
/// loader named `loader`, the chunks) copied into `dist`.
fn into_dist(dist: &Path, out: &Path, name: &str, loader: &str) -> Result<AppFiles> {
    for entry in
        std::fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?
    {
        let from = entry.map_err(|e| e.to_string())?.path();
        let Some(file) = from.file_name() else {
            continue;
        };
        let to = dist.join(file);
        std::fs::copy(&from, &to)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))?;
    }
    Ok(AppFiles {
        glue: format!("{name}.js"),
        wasm: format!("{name}_bg.wasm"),
        loader: loader.to_string(),
    })
}

/// `text` with the one string literal `"from"` (double-quoted, as
/// wasm-split writes module paths) renamed.
fn replace_quoted(text: &str, from: &str, to: &str) -> Result<String> {
    let quoted = format!("\"{from}\"");
    match text.matches(&quoted).count() {
        1 => Ok(text.replace(&quoted, &format!("\"{to}\""))),
        n => Err(format!(
            "expected one {quoted} in wasm-split's loader, found {n}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_path_is_renamed_only_where_it_is_the_whole_literal() {
        let js = r#"import*as a from"./__wasm_split.js";const b="./__wasm_split.js.map";"#;
        assert_eq!(
            replace_quoted(js, "./__wasm_split.js", "./split-ab.js").expect("renamed"),
            r#"import*as a from"./split-ab.js";const b="./__wasm_split.js.map";"#
        );
    }

    #[test]
    fn a_missing_or_repeated_path_is_an_error_not_a_silent_miss() {
        assert!(replace_quoted("import x from './a.js'", "./a.js", "./b.js").is_err());
        assert!(replace_quoted(r#""./a.js" "./a.js""#, "./a.js", "./b.js").is_err());
    }

    #[test]
    fn a_chunk_keeps_its_module_name_and_a_shared_one_its_number() {
        assert_eq!(dist_stem("split_run.wasm"), "run");
        assert_eq!(dist_stem("chunk_3.wasm"), "chunk-3");
    }

    #[test]
    fn chunks_are_the_split_wasm_files_only() {
        assert!(is_chunk("split-run-0123456789abcdef.wasm"));
        assert!(!is_chunk("split-0123456789abcdef.js"));
        assert!(!is_chunk("reve-remix-web-0123456789abcdef_bg.wasm"));
    }
}
