//! The release site in `dist/`: the app in parts (`app_split.rs`) and its
//! page (`page.rs`), then the widget (its own wasm, from
//! `web/src/bin/reve-remix-widget.rs`, in `dist/widget/`, and its script
//! `web/widget/reve-remix-widget.js` → `dist/reve-remix-widget.js`, with the
//! names of those hashed files and of the app's stylesheet filled in), the
//! examples (`web/examples/` → `dist/examples/`, with the package they
//! import in `dist/examples/pkg/`) and the page's Content-Security-Policy.
//! `serve --dev` has trunk build its page instead (`target/dev-dist/`) and
//! adds the same widget and examples.

use std::path::Path;
use std::time::SystemTime;

use crate::util::{Result, cmd, exec, read, read_text, root, step, write};
use crate::{csp, package};

/// The package files the examples import (`./pkg/reve_remix.js`).
const PKG_FILES: [&str; 3] = ["reve_remix.js", "reve_remix_bg.wasm", "reve_remix.d.ts"];

/// The features of the app's release build, as `serve` builds it early
/// and [`crate::app_split`] asks for it: the same, so cargo builds it once.
pub const APP_FEATURES: [&str; 2] = ["--features", "split"];

/// The widget script's name at the root of `dist/`.
pub const WIDGET: &str = "reve-remix-widget.js";

/// The static site in `dist/`, as deployed: the app in parts and its
/// page, the widget, the examples and the package beside it, every file
/// precompressed.
pub fn build() -> Result {
    let dist = root().join("dist");
    step(
        "the site: the app in parts (wasm-split) and its page",
        || {
            // Nothing of an earlier build stays to be served.
            let _ = std::fs::remove_dir_all(&dist);
            std::fs::create_dir_all(&dist)
                .map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
            let files = crate::app_split::build(&dist)?;
            crate::page::write_page(&dist, &files)
        },
    )?;
    step("the site: the widget's wasm (release)", || {
        build_widget(true)
    })?;
    step("the site: examples and package", add_to_dist)?;
    step("the site: precompressed (.br, .gz)", || {
        crate::precompress::dir(&dist)
    })
}

/// Add the widget, the examples and the package to `dist/`, building the
/// package first when `target/pkg/` has none.
pub fn add_to_dist() -> Result {
    if !package::pkg_dir().join(PKG_FILES[0]).is_file() {
        package::run()?;
    }
    add_extras(&root().join("dist"), true)
}

/// The widget and the examples, into a `dist` that has its page: the
/// widget's wasm as [`build_widget`] built it, `release` or not.
pub fn add_extras(dist: &Path, release: bool) -> Result {
    copy_widget(&widget_out(release), &dist.join(WIDGET_DIR))?;
    write_widget(dist)?;
    copy_examples(dist)?;
    csp::apply(&dist.join("index.html"))
}

/// Where the widget's wasm and JS are, under `dist/`.
const WIDGET_DIR: &str = "widget";

/// Where [`build_widget`] leaves the widget's files.
fn widget_out(release: bool) -> std::path::PathBuf {
    root()
        .join("target/widget")
        .join(if release { "release" } else { "debug" })
}

/// The widget's binary for wasm32 in [`widget_out`]: released, in parts
/// as the site's app ([`crate::app_split::build_widget`]: what a board
/// needs to show, then the header reader's, the run's and the fitting's
/// chunks, fetched once it is painted); else whole, through wasm-bindgen
/// alone. `reve-remix-widget-<hash>.js` and its `_bg.wasm`, named by
/// [`build_hash`], and in parts the loader and chunks (`split-…`).
pub fn build_widget(release: bool) -> Result {
    let out = widget_out(release);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    if release {
        return crate::app_split::build_widget(&out).map(|_| ());
    }
    let bin = crate::app_split::WIDGET;
    exec(
        cmd(&crate::util::cargo())
            .arg("build")
            .args(["--package", "reve-remix-web", "--bin", bin])
            .args(["--target", "wasm32-unknown-unknown"]),
    )?;
    let wasm = root().join(format!("target/wasm32-unknown-unknown/debug/{bin}.wasm"));
    let name = format!("{bin}-{}", build_hash(&[&read(&wasm)?])?);
    package::bindgen(&wasm, &name, &out)
}

/// The code that turns rustc's wasm into what `dist/` serves: a change to
/// it changes what the same wasm becomes, so it is part of every name.
const PIPELINE: [&str; 6] = [
    include_str!("package.rs"),
    include_str!("minify.rs"),
    include_str!("short_imports.rs"),
    include_str!("unused_classes.rs"),
    include_str!("app_split.rs"),
    include_str!("site.rs"),
];

/// A file name's hash (16 hex digits of a SHA-256) for what `parts` become:
/// the parts themselves, the tools' versions and [`PIPELINE`], so that a
/// host may cache every hashed name for good.
pub fn build_hash(parts: &[&[u8]]) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "{} {} {}",
        crate::app_split::TOOL_VERSION,
        crate::minify::ESBUILD_VERSION,
        crate::util::locked_version("wasm-bindgen")?,
    ));
    for source in PIPELINE {
        hasher.update(source);
    }
    for part in parts {
        hasher.update(part);
    }
    Ok(hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The widget's files from `from` into `to`: its `.js` and `_bg.wasm`,
/// and in parts its loader and chunks.
fn copy_widget(from: &Path, to: &Path) -> Result {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    only_file(from, "reve-remix-widget-", ".js")?;
    only_file(from, "reve-remix-widget-", "_bg.wasm")?;
    for entry in
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
    {
        let name = entry.map_err(|e| e.to_string())?.file_name();
        let served = [".js", ".wasm"]
            .iter()
            .any(|ext| name.to_string_lossy().ends_with(ext));
        if served {
            copy(&from.join(&name), &to.join(&name))?;
        }
    }
    Ok(())
}

/// `web/widget/reve-remix-widget.js` with the widget's file names and the
/// app's stylesheet's (all hashed) in place of `%APP_JS%`, `%APP_WASM%` and
/// `%APP_CSS%`.
pub fn write_widget(dist: &Path) -> Result {
    let template_path = widget_template();
    let template = read_text(&template_path)?;
    let widget = dist.join(WIDGET_DIR);
    let js = format!(
        "{WIDGET_DIR}/{}",
        only_file(&widget, "reve-remix-widget-", ".js")?
    );
    let wasm = format!(
        "{WIDGET_DIR}/{}",
        only_file(&widget, "reve-remix-widget-", "_bg.wasm")?
    );
    let css = only_file(dist, "style-", ".css")?;
    let script = template
        .replace("%APP_JS%", &js)
        .replace("%APP_WASM%", &wasm)
        .replace("%APP_CSS%", &css);
    let out = dist.join(WIDGET);
    write(&out, script)
}

/// The one file of `dir` named `<prefix>…<suffix>`.
pub fn only_file(dir: &Path, prefix: &str, suffix: &str) -> Result<String> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
        .filter(|n| suffix.ends_with("_bg.wasm") || !n.ends_with("_bg.wasm"))
        .collect();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one {prefix}*{suffix} in {}, found {names:?}",
            dir.display()
        )),
    }
}

/// `web/examples/*` → `<dist>/examples/`, `target/pkg/` → `<dist>/examples/pkg/`.
pub fn copy_examples(dist: &Path) -> Result {
    let out = dist.join("examples");
    let pkg_out = out.join("pkg");
    std::fs::create_dir_all(&pkg_out)
        .map_err(|e| format!("cannot create {}: {e}", pkg_out.display()))?;
    let src = examples_dir();
    let entries =
        std::fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_file() {
            copy(&path, &out.join(entry.file_name()))?;
        }
    }
    for name in PKG_FILES {
        copy(&package::pkg_dir().join(name), &pkg_out.join(name))?;
    }
    Ok(())
}

/// Whether the widget or the examples are missing from `dist/` (trunk
/// serve replaces it on every rebuild) or older than their sources.
pub fn extras_stale(dist: &Path) -> bool {
    let widget = modified(&dist.join(WIDGET));
    let copied = modified(&dist.join("examples/index.html"));
    let (Some(widget), Some(copied)) = (widget, copied) else {
        return true;
    };
    let newer = |dir: &Path, than: SystemTime| {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .any(|e| modified(&e.path()).is_some_and(|m| m > than))
            })
            .unwrap_or(false)
    };
    newer(&examples_dir(), copied)
        || modified(&widget_template()).is_some_and(|m| m > widget)
        || !dist.join(WIDGET_DIR).is_dir()
}

fn examples_dir() -> std::path::PathBuf {
    root().join("web/examples")
}

fn widget_template() -> std::path::PathBuf {
    root().join("web/widget").join(WIDGET)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}
