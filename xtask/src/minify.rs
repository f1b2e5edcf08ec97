//! The JS that ships, minified by esbuild: the app's wasm-bindgen glue
//! (trunk's own minifier gave up on it: "Failed to minify JS:
//! RequiredTokenNotFound(Identifier)", and left it whole) and the
//! package's. Names that other code imports stay; locals, comments and
//! whitespace go. The app's glue: 10.7 KB → 8.1 KB gzipped; the package's:
//! 7.3 KB → 4.7 KB (its `.d.ts` keeps the docs).

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha384};

use crate::util::{Result, cmd, exec, tools_dir};

/// esbuild from npm (`cargo xtask setup --site` installs it).
pub const ESBUILD_VERSION: &str = "0.28.2";

pub fn esbuild() -> PathBuf {
    tools_dir().join("node_modules/@esbuild/linux-x64/bin/esbuild")
}

/// Minify one ES module in place.
pub fn module(path: &Path) -> Result {
    exec(
        cmd(&esbuild().to_string_lossy())
            .arg(path)
            .args([
                "--minify",
                "--format=esm",
                "--target=es2022",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", path.display())),
    )
}

/// `sha384-<base64>`: a Subresource Integrity hash, as the page names its files.
pub fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_is_sha384_in_standard_base64() {
        // `printf abc | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            integrity(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }
}
