//! `dist/` precompressed: beside every text or wasm file, `NAME.br` (brotli,
//! quality 11) and `NAME.gz` (gzip -9), where smaller than the file. A
//! static host that serves them (`Content-Encoding` by the request's
//! `Accept-Encoding`, as tower-http's `ServeDir::precompressed_br()`, nginx's
//! `gzip_static`/`brotli_static` or Netlify and Cloudflare Pages do) sends
//! the app's wasm in 174 KB of brotli instead of 211 KB of gzip, compressed
//! once, at the best level, not per request.

use std::path::{Path, PathBuf};

use crate::util::{Result, cmd, exec, gzip, read, write};

/// What is worth compressing (the rest, images, already is).
const EXTENSIONS: [&str; 7] = ["wasm", "js", "mjs", "css", "html", "svg", "json"];

/// Brotli by Node's zlib (no brotli encoder among this workspace's crates).
const BROTLI_SCRIPT: &str = "xtask/src/brotli.mjs";

/// Write `.br` and `.gz` beside every file of `dir` worth it, first
/// removing any left from an earlier build (a stale one would be served in
/// place of the new file).
pub fn dir(dir: &Path) -> Result {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    for file in &files {
        for ext in ["br", "gz"] {
            let _ = std::fs::remove_file(with_suffix(file, ext));
        }
    }
    files.retain(|f| {
        f.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
    });
    if files.is_empty() {
        return Ok(());
    }
    exec(
        cmd("node")
            .arg(crate::util::root().join(BROTLI_SCRIPT))
            .args(&files),
    )?;
    for file in &files {
        let bytes = read(file)?;
        let gz = gzip(&bytes);
        let gz_path = with_suffix(file, "gz");
        write(&gz_path, &gz)?;
        for ext in ["br", "gz"] {
            let packed = with_suffix(file, ext);
            let len = std::fs::metadata(&packed)
                .map_err(|e| format!("{} was not written: {e}", packed.display()))?
                .len();
            if len >= bytes.len() as u64 {
                let _ = std::fs::remove_file(&packed);
            }
        }
    }
    Ok(())
}

/// Every file under `dir` that is not itself a `.br` or `.gz`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            out.push(path);
        }
    }
    Ok(())
}

fn with_suffix(file: &Path, ext: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}
