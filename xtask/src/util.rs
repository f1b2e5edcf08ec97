//! Running commands, timing steps, finding paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, String>;

static CHATTER_TO_STDERR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on, what xtask says about its own work (steps, installs,
/// builds, and the output of the commands it runs) goes to stderr: for a
/// command whose stdout is a server's (`proxy`), whose first line callers
/// read.
pub fn chatter_to_stderr() {
    CHATTER_TO_STDERR.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// True after [`chatter_to_stderr`].
pub fn chatter_on_stderr() -> bool {
    CHATTER_TO_STDERR.load(std::sync::atomic::Ordering::Relaxed)
}

/// `println!`, or `eprintln!` after [`chatter_to_stderr`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        if $crate::util::chatter_on_stderr() {
            eprintln!($($arg)*);
        } else {
            println!($($arg)*);
        }
    };
}

/// The cargo running xtask (`$CARGO`), else `cargo` on PATH.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

/// Where setup keeps tools that are not cargo binaries (binaryen,
/// typescript): outside the clone, so that every clone shares them.
pub fn tools_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    base.join("reve-remix-tools")
}

/// `PATH` with our tool wrappers and `~/.cargo/bin` first, so children
/// (trunk, the test runner) find the tools setup installed.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![tools_dir().join("bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// A command with the tool `PATH`, run from the repository root.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

/// Run to completion with inherited output; an error names the command.
pub fn exec(c: &mut Command) -> Result {
    let shown = show(c);
    crate::say!("  $ {shown}");
    if chatter_on_stderr() {
        c.stdout(std::io::stderr());
    }
    let status = c
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` exited with {status}"))
    }
}

/// A file's bytes; the error names the file.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A file's text; the error names the file.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Write a file whole; the error names the file.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Run and capture stdout (trimmed); `None` when the program is missing or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// A named step: prints its name, runs it, prints how long it took.
pub fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    crate::say!("==> {name}");
    let start = Instant::now();
    let result = f();
    let secs = start.elapsed().as_secs_f64();
    match &result {
        Ok(()) => crate::say!("    {name}: ok ({secs:.1} s)"),
        Err(_) => crate::say!("    {name}: FAILED after {secs:.1} s"),
    }
    result.map_err(|e| format!("{name}: {e}"))
}

/// The version of a crate as resolved in `Cargo.lock`.
pub fn locked_version(krate: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{krate}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{krate} is not in Cargo.lock"))?
        + needle.len();
    let len = lock[start..].find('"').ok_or("Cargo.lock is malformed")?;
    Ok(lock[start..start + len].to_string())
}

/// Gzip at the best level, the way a CDN would serve it.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// [`gzip`]'s size.
pub fn gzip_len(bytes: &[u8]) -> usize {
    gzip(bytes).len()
}

/// `cargo install` of a tool, built for building quickly rather than for
/// its own speed: these tools spend their time waiting on cargo, rustc and
/// wasm-opt, not running their own code, while their crates' own release
/// profiles (trunk's fat LTO) made a first setup take most of its time
/// compiling them. Not optimised at all: on 2 cores, trunk took 379 s of
/// CPU to build at opt-level 0 against 762 s at 1, the wasm-bindgen CLI
/// 113 s against 259 s, and `trunk build --release` of the app ran no
/// slower (its time is wasm-opt's); wasm-bindgen takes ~1 s instead of
/// 0.2 s on the app's wasm.
pub fn cargo_install() -> std::process::Command {
    let cargo = cargo();
    let mut c = cmd(&cargo);
    c.arg("install")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false");
    c
}

/// The version of `package` installed under `node_modules`, if any.
pub fn installed_npm_version(node_modules: &Path, package: &str) -> Option<String> {
    let manifest = std::fs::read_to_string(node_modules.join(package).join("package.json")).ok()?;
    let key = "\"version\": \"";
    let start = manifest.find(key)? + key.len();
    let len = manifest[start..].find('"')?;
    Some(manifest[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_wasm_bindgen_is_the_pinned_one() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
        let locked = locked_version("wasm-bindgen").expect("locked");
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={locked}\"")),
            "Cargo.toml must pin wasm-bindgen to the locked {locked} with `=`"
        );
        let trunk = std::fs::read_to_string(root().join("Trunk.toml")).expect("Trunk.toml");
        assert!(
            trunk.contains(&format!("wasm_bindgen = \"{locked}\"")),
            "Trunk.toml [tools] must name {locked}"
        );
    }

    #[test]
    fn gzip_shrinks_repetitive_bytes() {
        let bytes = vec![b'a'; 10_000];
        assert!(gzip_len(&bytes) < 100);
    }
}
