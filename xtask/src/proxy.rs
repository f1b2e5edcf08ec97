//! `cargo xtask proxy [options]`: the proxy (`reve-remix-proxy`, release
//! build) in the foreground, with the options DESIGN.md gives it; and the
//! proxy as a child process for `serve` (its debug build) and the tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::util::{Result, cargo, cmd, exec, root, step};

/// Where `cargo xtask serve` runs the proxy (the site's default "Through
/// the proxy" URL).
pub const SERVE_ADDR: &str = "127.0.0.1:8788";

/// Build the native proxy (release).
pub fn build() -> Result {
    step("build the proxy (release)", || {
        exec(cmd(&cargo()).args(["build", "--release", "--package", "reve-remix-proxy"]))
    })
}

/// The release binary `build` makes.
pub fn binary() -> String {
    root()
        .join("target/release/reve-remix-proxy")
        .to_string_lossy()
        .into_owned()
}

/// `cargo xtask proxy [--edge] [options]`: build it, then run it here
/// until Ctrl-C: the native server, or with `--edge` the Cloudflare Worker
/// under workerd.
pub fn run(args: &[String]) -> Result {
    // Its stdout is the proxy's: `listening on …` first, then the log.
    crate::util::chatter_to_stderr();
    if args.iter().any(|a| a == "--edge") {
        let rest: Vec<String> = args.iter().filter(|a| *a != "--edge").cloned().collect();
        // `--no-build`: the last build as it is (the tests start many).
        if !rest.iter().any(|a| a == "--no-build") {
            crate::setup::run()?;
        }
        return crate::edge::run(&rest);
    }
    build()?;
    let status = cmd(&binary())
        .args(args)
        .status()
        .map_err(|e| format!("cannot start the proxy: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the proxy exited with {status}"))
    }
}

/// The debug binary (`cargo build --package reve-remix-proxy`), which
/// `serve` runs in front of the mock.
pub fn debug_binary() -> String {
    root()
        .join("target/debug/reve-remix-proxy")
        .to_string_lossy()
        .into_owned()
}

/// A running proxy; stopped when dropped.
pub struct Proxy {
    child: Child,
    /// `http://127.0.0.1:<port>`
    pub url: String,
}

impl Proxy {
    /// True once the process has ended.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the proxy `binary` with `args`, every key set to `key` (the mock
/// takes any key; some keys play its faults). Its log goes on to stdout.
pub fn start(binary: &str, args: &[String], key: &str) -> Result<Proxy> {
    let mut c = cmd(binary);
    c.args(args).stdout(Stdio::piped());
    for var in crate::table::key_vars() {
        c.env(var, key);
    }
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot start the proxy: {e}"))?;
    let stdout = child.stdout.take().ok_or("the proxy has no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    std::thread::spawn(move || {
        for line in lines.map_while(std::result::Result::ok) {
            println!("  proxy: {line}");
        }
    });
    match first.strip_prefix("listening on ") {
        Some(url) => Ok(Proxy {
            child,
            url: url.trim_end_matches('/').to_string(),
        }),
        None => {
            let _ = child.kill();
            Err(format!(
                "the proxy did not say where it listens (it printed `{first}`)"
            ))
        }
    }
}
