//! The proxy's Cloudflare Worker build (`crates/proxy-worker`), and
//! `cargo xtask proxy --edge`: the Worker under workerd on this machine,
//! with the native proxy's options and the keys from the same environment
//! variables.
//!
//! Offline-safe: worker-build would download wasm-bindgen and binaryen
//! from GitHub and esbuild from npm; it is given the wasm-bindgen CLI setup
//! installs (`WASM_BINDGEN_BIN`, the version in Cargo.lock), esbuild from
//! npm (`ESBUILD_BIN`), and no wasm-opt (`--no-opt`: a deploy builds with
//! it, see the README). `worker`, `worker-build` and `wasm-bindgen` are
//! pinned together.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// esbuild from npm: the one the site's build minifies with, which is also
// the version worker-build 0.8.7 expects.
use crate::minify::{ESBUILD_VERSION, esbuild};
use crate::util::{Result, cmd, exec, locked_version, output, root, step, tools_dir};

/// worker-build, at the version of the `worker` crate (crates/proxy-worker).
pub const WORKER_BUILD_VERSION: &str = "0.8.7";
/// workerd from npm (the binary is in `@cloudflare/workerd-linux-64`).
pub const WORKERD_VERSION: &str = "1.20261117.1";
/// The Worker's compatibility date (wrangler.toml says the same).
const COMPATIBILITY_DATE: &str = "2025-09-01";

/// The spend ledger's Durable Object: its binding and class
/// (crates/proxy-worker/src/spend.rs; wrangler.toml says the same).
const SPEND_BINDING: &str = "SPEND";
const SPEND_CLASS: &str = "SpendLedger";

fn workerd() -> PathBuf {
    tools_dir().join("node_modules/@cloudflare/workerd-linux-64/bin/workerd")
}

/// Where the Worker is built and its local configurations are written.
fn out_dir() -> PathBuf {
    root().join("target/edge")
}

/// Install worker-build (crates.io), workerd and esbuild (npm), checking versions.
pub fn setup() -> Result {
    step("setup: worker-build (crates.io)", || {
        let want = format!("worker-build {WORKER_BUILD_VERSION}");
        // It prints its version alone (`0.8.7`).
        match output(cmd("worker-build").arg("--version")) {
            Some(v) if v.split_whitespace().last() == Some(WORKER_BUILD_VERSION) => {
                crate::say!("    {v} already installed");
                return Ok(());
            }
            Some(v) => {
                crate::say!("    found `{v}`, need {want}: installing (about 8 minutes on 2 cores)")
            }
            None => crate::say!("    not found: installing {want} (about 8 minutes on 2 cores)"),
        }
        exec(crate::util::cargo_install().args([
            "--locked",
            "worker-build",
            "--version",
            WORKER_BUILD_VERSION,
            "--force",
        ]))
    })?;
    step("setup: workerd and esbuild (npm)", || {
        let have =
            |pkg: &str| crate::util::installed_npm_version(&tools_dir().join("node_modules"), pkg);
        if have("workerd").as_deref() == Some(WORKERD_VERSION)
            && have("esbuild").as_deref() == Some(ESBUILD_VERSION)
            && workerd().is_file()
            && esbuild().is_file()
        {
            crate::say!(
                "    workerd {WORKERD_VERSION} and esbuild {ESBUILD_VERSION} already installed"
            );
            return Ok(());
        }
        exec(
            cmd("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(tools_dir())
                .arg(format!("workerd@{WORKERD_VERSION}"))
                .arg(format!("esbuild@{ESBUILD_VERSION}")),
        )?;
        // The binaries come in their platform packages; npm here may not run
        // install scripts, which is fine: they are called directly.
        for bin in [workerd(), esbuild()] {
            if !bin.is_file() {
                return Err(format!("{} is missing after npm install", bin.display()));
            }
        }
        Ok(())
    })
}

/// Build the Worker into `target/edge/build/`.
pub fn build() -> Result {
    step("build the proxy's Worker (worker-build, release)", || {
        let version = locked_version("wasm-bindgen")?;
        let bindgen = output(cmd("wasm-bindgen").arg("--version")).unwrap_or_default();
        if bindgen != format!("wasm-bindgen {version}") {
            return Err(format!(
                "worker-build needs the wasm-bindgen CLI {version} (Cargo.lock), found `{bindgen}`: run `cargo xtask setup`"
            ));
        }
        let bindgen_bin = output(cmd("sh").args(["-c", "command -v wasm-bindgen"]))
            .ok_or("wasm-bindgen is not on PATH: run `cargo xtask setup`")?;
        exec(
            cmd("worker-build")
                .args(["--release", "--no-opt", "--out-dir"])
                .arg(out_dir().join("build"))
                .current_dir(root().join("crates/proxy-worker"))
                .env("WASM_BINDGEN_BIN", bindgen_bin)
                .env("ESBUILD_BIN", esbuild()),
        )
    })
}

/// The native proxy's options as the Worker's vars (DESIGN.md names the
/// options; the Worker reads them back with the same parser), and the
/// listening address. `--state` has no counterpart: the Worker keeps the
/// day in its Durable Object, and each local run starts with it empty, as
/// a native start without `--state` does.
fn vars_of(args: &[String]) -> Result<(String, Vec<(&'static str, String)>)> {
    let mut addr = "127.0.0.1:8788".to_string();
    let (mut origins, mut upstreams) = (Vec::new(), Vec::new());
    let mut single: Vec<(&'static str, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name {
            "--addr" => addr = value()?,
            "--allow-origin" => origins.push(value()?),
            "--upstream" => upstreams.push(value()?),
            "--rate-limit" => single.push(("RATE_LIMIT", value()?)),
            "--max-body" => single.push(("MAX_BODY", value()?)),
            "--upstream-timeout" => single.push(("UPSTREAM_TIMEOUT", value()?)),
            "--daily-budget" => single.push(("DAILY_BUDGET", value()?)),
            "--client-daily" => single.push(("CLIENT_DAILY", value()?)),
            "--trust-forwarded" => single.push(("TRUST_FORWARDED", "true".to_string())),
            "--state" => {
                return Err(
                    "--state is the native proxy's: the Worker keeps the day's spend in its Durable Object (SPEND), empty at each local start".into(),
                );
            }
            other => {
                return Err(format!(
                    "unknown option {other} (the proxy's options: --addr --allow-origin --upstream --rate-limit --max-body --upstream-timeout --daily-budget --client-daily --trust-forwarded)"
                ));
            }
        }
    }
    let mut vars = vec![
        ("ALLOW_ORIGINS", origins.join(" ")),
        ("UPSTREAMS", upstreams.join(" ")),
    ];
    vars.extend(single);
    Ok((addr, vars))
}

/// A capnp text literal.
fn capnp_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// workerd's configuration for one local run: the Worker, its bindings,
/// one socket, and an outbound network that reaches loopback (the mock,
/// the tests' fake providers) as well as the internet. Only this local
/// run opens loopback; Cloudflare never does. The spend ledger's Durable
/// Object (`SPEND`, class `SpendLedger`, as wrangler.toml binds it) keeps
/// its storage in workerd's memory: each start begins with an empty day.
fn config(addr: &str, vars: &[(&'static str, String)]) -> String {
    // The keys and the token secret, each read from the environment.
    let mut bindings: Vec<String> = crate::table::key_vars()
        .chain(["REMIX_PROXY_SECRET"])
        .map(|k| format!("    (name = \"{k}\", fromEnvironment = \"{k}\"),"))
        .collect();
    for (name, value) in vars {
        bindings.push(format!(
            "    (name = \"{name}\", text = {}),",
            capnp_string(value)
        ));
    }
    bindings.push(format!(
        "    (name = \"{SPEND_BINDING}\", durableObjectNamespace = \"{SPEND_CLASS}\"),"
    ));
    format!(
        r#"# Written by `cargo xtask proxy --edge` (xtask/src/edge.rs); not for deploys.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "proxy", worker = .proxy),
    (name = "outbound", network = (allow = ["public", "local"])),
  ],
  sockets = [ (name = "http", address = {addr}, http = (), service = "proxy") ],
);

const proxy :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "build/index.js"),
    (name = "index_bg.wasm", wasm = embed "build/index_bg.wasm"),
  ],
  compatibilityDate = "{COMPATIBILITY_DATE}",
  bindings = [
{bindings}
  ],
  durableObjectNamespaces = [
    (className = "{SPEND_CLASS}", uniqueKey = "reve-remix-proxy-{SPEND_CLASS}"),
  ],
  durableObjectStorage = (inMemory = void),
  globalOutbound = "outbound",
);
"#,
        addr = capnp_string(addr),
        bindings = bindings.join("\n"),
    )
}

/// `cargo xtask proxy --edge [--no-build] [options]`: build the Worker
/// (unless `--no-build`), run it under workerd, print `listening on
/// http://HOST:PORT` once it answers, then its log, until it stops.
pub fn run(args: &[String]) -> Result {
    let no_build = args.iter().any(|a| a == "--no-build");
    let args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--no-build")
        .cloned()
        .collect();
    let (addr, vars) = vars_of(&args)?;
    if !no_build {
        build()?;
    }
    let dir = out_dir();
    if !dir.join("build/index.js").is_file() {
        return Err(
            "the Worker is not built: run `cargo xtask proxy --edge` without --no-build".into(),
        );
    }
    let stamp = format!(
        "{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    let conf = dir.join(format!("workerd-{stamp}.capnp"));
    let control = dir.join(format!("workerd-{stamp}.control"));
    std::fs::write(&conf, config(&addr, &vars))
        .map_err(|e| format!("cannot write {}: {e}", conf.display()))?;
    std::fs::write(&control, "").map_err(|e| format!("cannot write {}: {e}", control.display()))?;
    // workerd says which port it bound (port 0) on a control descriptor;
    // std cannot hand a child fd 3, a shell can (and `exec` leaves
    // workerd itself as the child).
    let mut child = Command::new("sh")
        .args(["-c", r#"exec "$0" serve "$1" --control-fd 3 3>"$2""#])
        .arg(workerd())
        .arg(&conf)
        .arg(&control)
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start workerd ({}): {e}", workerd().display()))?;
    let listening = wait_for_port(&control, &mut child, &addr);
    let _ = std::fs::remove_file(&conf);
    let port = match listening {
        Ok(p) => p,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&control);
            return Err(e);
        }
    };
    let _ = std::fs::remove_file(&control);
    let host = addr.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    println!("listening on http://{host}:{port}");
    // Ctrl-C or SIGTERM stops workerd too: it is our child, not the
    // caller's, and would outlive us.
    let stdout = child.stdout.take();
    let child = Arc::new(Mutex::new(child));
    let stopping = Arc::new(AtomicBool::new(false));
    {
        let (child, stopping) = (child.clone(), stopping.clone());
        ctrlc::set_handler(move || {
            stopping.store(true, Ordering::SeqCst);
            if let Ok(mut c) = child.lock() {
                let _ = c.kill();
            }
        })
        .map_err(|e| format!("cannot catch Ctrl-C: {e}"))?;
    }
    // workerd's stdout is the Worker's console: its log, one line per request.
    if let Some(stdout) = stdout {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{line}");
        }
    }
    let status = child
        .lock()
        .map_err(|_| "workerd's handle is poisoned".to_string())?
        .wait()
        .map_err(|e| format!("workerd: {e}"))?;
    if status.success() || stopping.load(Ordering::SeqCst) {
        Ok(())
    } else {
        Err(format!("workerd exited with {status}"))
    }
}

/// The port workerd reports on its control file, once it listens.
fn wait_for_port(control: &Path, child: &mut std::process::Child, addr: &str) -> Result<u16> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(control).unwrap_or_default();
        if let Some(port) = text
            .lines()
            .filter(|l| l.contains("\"event\":\"listen\""))
            .find_map(|l| {
                let at = l.find("\"port\":")? + 7;
                let digits: String = l[at..].chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
        {
            return Ok(port);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "workerd stopped ({status}) before listening on {addr}"
            ));
        }
        if Instant::now() > deadline {
            return Err(format!("workerd did not listen on {addr} within 30 s"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxys_options_become_the_workers_vars() {
        let args: Vec<String> = [
            "--addr",
            "127.0.0.1:0",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--upstream",
            "reve=http://127.0.0.1:8787/reve",
            "--upstream=fal=http://127.0.0.1:8787/fal",
            "--rate-limit=5",
            "--daily-budget",
            "0.10",
            "--client-daily=2",
            "--trust-forwarded",
        ]
        .map(String::from)
        .to_vec();
        let (addr, vars) = vars_of(&args).expect("valid");
        assert_eq!(addr, "127.0.0.1:0");
        assert_eq!(
            vars,
            vec![
                ("ALLOW_ORIGINS", "http://127.0.0.1:8080".to_string()),
                (
                    "UPSTREAMS",
                    "reve=http://127.0.0.1:8787/reve fal=http://127.0.0.1:8787/fal".to_string()
                ),
                ("RATE_LIMIT", "5".to_string()),
                ("DAILY_BUDGET", "0.10".to_string()),
                ("CLIENT_DAILY", "2".to_string()),
                ("TRUST_FORWARDED", "true".to_string()),
            ]
        );
        assert!(vars_of(&["--bogus".to_string()]).is_err());
        let state = vars_of(&["--state".to_string(), "s.json".to_string()]);
        assert!(state.expect_err("refused").contains("Durable Object"));
    }

    #[test]
    fn config_values_are_quoted_for_capnp() {
        assert_eq!(capnp_string(r#"a"b\c"#), r#""a\"b\\c""#);
        let c = config("127.0.0.1:0", &[("ALLOW_ORIGINS", "https://a.test".into())]);
        assert!(c.contains(r#"(name = "FAL_KEY", fromEnvironment = "FAL_KEY"),"#));
        assert!(c.contains(r#"(name = "ALLOW_ORIGINS", text = "https://a.test"),"#));
        assert!(c.contains(r#"address = "127.0.0.1:0""#));
        assert!(c.contains(r#"(name = "SPEND", durableObjectNamespace = "SpendLedger"),"#));
        assert!(c.contains("durableObjectStorage = (inMemory = void)"));
    }
}
