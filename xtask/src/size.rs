//! What the package and the app weigh, gzipped: printed by the bench, and
//! held to a committed baseline by the test. Sizes in bytes are
//! deterministic for a given toolchain (Cargo.lock pins the crates), so a
//! growth is a change of ours, caught the day it lands.

use std::path::{Path, PathBuf};

use crate::package;
use crate::release_wasm::{self, Toolchain};
use crate::util::{Result, gzip_len, root, step};

/// The committed figures: `<what> <gzipped bytes>` per line.
const BASELINE: &str = "xtask/size-baseline.txt";
/// How much above its baseline a figure may grow before the test fails.
const ALLOWED_GROWTH_PERCENT: usize = 2;

/// One figure: a set of files, gzipped (-9) one by one and added up.
pub struct Measured {
    /// `package` or `app`, as the baseline names it.
    pub what: &'static str,
    /// What the files are, for a person.
    pub label: &'static str,
    /// Each file with its raw and gzipped size.
    pub files: Vec<(String, usize, usize)>,
}

impl Measured {
    /// The gzipped total.
    pub fn gz(&self) -> usize {
        self.files.iter().map(|f| f.2).sum()
    }

    /// Every file, then the totals.
    pub fn print(&self) {
        println!("{}:", self.label);
        for (name, raw, gz) in &self.files {
            println!("  {name:<40} {raw:>9} B {gz:>9} B");
        }
        let raw: usize = self.files.iter().map(|f| f.1).sum();
        println!("  {:<40} {raw:>9} B {:>9} B", "total", self.gz());
    }
}

/// The npm package (`cargo xtask package` first): its main entry's wasm +
/// js, the whole client.
pub fn package() -> Result<Measured> {
    measure(
        "package",
        "npm package (reve-remix)",
        &package::pkg_dir(),
        &["wasm", "js"],
        |name| !name.starts_with(CHECKS_PREFIX),
    )
}

/// The package's files of `reve-remix/checks`.
const CHECKS_PREFIX: &str = "reve_remix_checks";

/// `reve-remix/checks`, the image checks alone: wasm + js.
pub fn checks() -> Result<Measured> {
    measure(
        "checks",
        "npm package's image checks alone (reve-remix/checks)",
        &package::pkg_dir(),
        &["wasm", "js"],
        |name| name.starts_with(CHECKS_PREFIX),
    )
}

/// The site's app (`cargo xtask build` first): what its page loads before
/// it is usable, wasm + js + css; not the chunks it fetches after, nor the
/// widget's loader script beside it (only a page that embeds the widget
/// loads that).
pub fn app() -> Result<Measured> {
    measure(
        "app",
        "web app (dist/, what its page loads)",
        &root().join("dist"),
        &["wasm", "js", "css"],
        |name| name != crate::site::WIDGET && !crate::app_split::is_chunk(name),
    )
}

/// The app's chunks (`dist/split-*.wasm`): fetched once its page is usable,
/// while the person picks images, so not before the first click.
pub fn app_chunks() -> Result<Measured> {
    measure(
        "app-chunks",
        "the app's chunks, fetched once its page is usable (dist/split-*.wasm)",
        &root().join("dist"),
        &["wasm"],
        crate::app_split::is_chunk,
    )
}

/// The widget's own wasm + js (`dist/widget/`), which a page embedding it
/// loads with its loader script and the app's stylesheet before its board
/// shows; not the chunks it fetches after.
pub fn widget() -> Result<Measured> {
    measure(
        "widget",
        "the widget's own wasm + js (dist/widget/), before its board shows",
        &root().join("dist/widget"),
        &["wasm", "js"],
        |name| !crate::app_split::is_chunk(name),
    )
}

/// The widget's chunks (`dist/widget/split-*.wasm`), fetched once its
/// board is painted.
pub fn widget_chunks() -> Result<Measured> {
    measure(
        "widget-chunks",
        "the widget's chunks, fetched once its board is painted (dist/widget/split-*.wasm)",
        &root().join("dist/widget"),
        &["wasm"],
        crate::app_split::is_chunk,
    )
}

/// The files of `dir` with one of `exts` whose name `keep` takes, each
/// gzipped.
fn measure(
    what: &'static str,
    label: &'static str,
    dir: &Path,
    exts: &[&str],
    keep: impl Fn(&str) -> bool,
) -> Result<Measured> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
                && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep)
        })
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        files.push((name.into_owned(), bytes.len(), gzip_len(&bytes)));
    }
    Ok(Measured { what, label, files })
}

/// The test: the package, its checks entry, the app and the widget and
/// their chunks, as they ship, no more than 2% over the baseline's lines for the toolchain
/// that built them.
pub fn guard() -> Result {
    step("sizes within 2% of xtask/size-baseline.txt", || {
        hold(
            release_wasm::toolchain(),
            vec![
                package()?,
                checks()?,
                app()?,
                app_chunks()?,
                widget()?,
                widget_chunks()?,
            ],
        )
    })
}

/// The package and its checks entry as `tc` built them, against `tc`'s
/// lines: how the test holds the stable fallback.
pub fn guard_package(tc: Toolchain) -> Result {
    step(
        "the package's sizes within 2% of xtask/size-baseline.txt",
        || hold(tc, vec![package()?, checks()?]),
    )
}

fn hold(tc: Toolchain, measured: Vec<Measured>) -> Result {
    let text = std::fs::read_to_string(root().join(BASELINE))
        .map_err(|e| format!("cannot read {BASELINE}: {e}"))?;
    let baseline = parse_baseline(&text)?;
    let mut over = Vec::new();
    for m in measured {
        let line = tc.baseline_name(m.what);
        let Some(&base) = baseline.iter().find(|b| b.0 == line).map(|(_, n)| n) else {
            return Err(format!("{BASELINE} has no line for `{line}`"));
        };
        let gz = m.gz();
        let verdict = judge(gz, base);
        println!(
            "    {} ({line}): {gz} B gzipped, baseline {base} B: {verdict}",
            m.label
        );
        if let Verdict::Over { .. } = verdict {
            m.print();
            over.push(line);
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} grew more than {ALLOWED_GROWTH_PERCENT}% over {BASELINE}: find what added the bytes (`cargo xtask bench` lists each file), or, if the growth is worth it, raise the baseline in the same commit and say why",
            over.join(" and ")
        ))
    }
}

fn parse_baseline(text: &str) -> Result<Vec<(String, usize)>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [what, n] => n
                .parse()
                .map(|n| (what.to_string(), n))
                .map_err(|e| format!("{BASELINE}: `{l}`: {e}")),
            _ => Err(format!("{BASELINE}: `{l}` is not `<what> <bytes>`")),
        })
        .collect()
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Within { percent: f64 },
    Over { percent: f64 },
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Within { percent } => write!(f, "{percent:+.2}%, within"),
            Self::Over { percent } => write!(f, "{percent:+.2}%, OVER"),
        }
    }
}

fn judge(gz: usize, base: usize) -> Verdict {
    let percent = (gz as f64 - base as f64) * 100.0 / base.max(1) as f64;
    // Integers, so that exactly 2% passes and one byte more fails.
    if gz * 100 > base * (100 + ALLOWED_GROWTH_PERCENT) {
        Verdict::Over { percent }
    } else {
        Verdict::Within { percent }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_percent_over_passes_and_one_byte_more_fails() {
        assert!(matches!(judge(10_200, 10_000), Verdict::Within { .. }));
        assert!(matches!(judge(10_201, 10_000), Verdict::Over { .. }));
        assert!(matches!(judge(9_000, 10_000), Verdict::Within { .. }));
    }

    #[test]
    fn the_baseline_reads_names_and_bytes_and_refuses_anything_else() {
        let b = parse_baseline("# gzipped\npackage 77916\n\napp 185298\n").expect("reads");
        assert_eq!(b, [("package".into(), 77_916), ("app".into(), 185_298)]);
        assert!(parse_baseline("package 7.5 KB").is_err());
        assert!(parse_baseline("package").is_err());
    }

    #[test]
    fn the_committed_baseline_is_readable() {
        let text = std::fs::read_to_string(root().join(BASELINE)).expect("committed");
        let b = parse_baseline(&text).expect("reads");
        for what in [
            "package",
            "checks",
            "app",
            "app-chunks",
            "widget",
            "widget-chunks",
        ] {
            for tc in [Toolchain::Nightly, Toolchain::Stable] {
                let line = tc.baseline_name(what);
                assert!(b.iter().any(|l| l.0 == line), "no line for {line}");
            }
        }
    }
}
