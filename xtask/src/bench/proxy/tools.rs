//! What the proxy bench needs beyond `cargo xtask setup`: Debian's nginx and
//! wrk at a version with the flags the bench uses, and fal's proxy from npm.

use std::path::Path;
use std::process::Stdio;

use crate::util::{Result, cmd, exec, output, step};

/// `nginx -e` (the error log before the config is read) is 1.19.5's.
pub(super) const NGINX_MIN: Version = (1, 19, 5);
/// `wrk --latency` is 4.0's.
pub(super) const WRK_MIN: Version = (4, 0, 0);
/// Not on a non-root user's PATH.
const NGINX_DEBIAN: &str = "/usr/sbin/nginx";

pub(super) type Version = (u32, u32, u32);

/// Install what the proxy bench needs, checking versions: Debian's nginx and
/// wrk, and the npm packages of `tests/bench/proxy` (fal's proxy, Express).
pub(crate) fn setup() -> Result {
    step(
        "setup: nginx and wrk (Debian) for the proxy bench",
        debian_tools,
    )?;
    step("setup: npm packages of the proxy bench", || {
        crate::setup::npm_packages(&super::bench_dir())
    })
}

pub(super) fn nginx_bin() -> &'static str {
    if Path::new(NGINX_DEBIAN).exists() {
        NGINX_DEBIAN
    } else {
        "nginx"
    }
}

/// The first `N.N[.N]` in `text`.
fn parse_version(text: &str) -> Option<Version> {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if !b.is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            continue;
        }
        let run: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts = run.split('.').map(|p| p.parse::<u32>().ok());
        if let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) {
            let patch = parts.next().flatten().unwrap_or(0);
            return Some((major, minor, patch));
        }
    }
    None
}

/// stdout and stderr of a version query, whatever its exit code (`wrk -v`
/// exits 1; `nginx -v` writes to stderr).
fn version_text(program: &str, arg: &str) -> Option<String> {
    let out = cmd(program).arg(arg).stdin(Stdio::null()).output().ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text)
}

pub(super) fn nginx_version() -> Option<Version> {
    let text = version_text(nginx_bin(), "-v")?;
    parse_version(&text[text.find("nginx/")?..])
}

pub(super) fn wrk_version() -> Option<Version> {
    let text = version_text("wrk", "-v")?;
    parse_version(&text[text.find("wrk")?..])
}

pub(super) fn show_version(v: Option<Version>) -> String {
    v.map_or("none".into(), |(a, b, c)| format!("{a}.{b}.{c}"))
}

fn debian_tools() -> Result {
    let tools = [
        ("nginx", nginx_version as fn() -> Option<Version>, NGINX_MIN),
        ("wrk", wrk_version, WRK_MIN),
    ];
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(_, version, min)| version().is_none_or(|v| v < *min))
        .map(|(name, _, _)| *name)
        .collect();
    if missing.is_empty() {
        println!(
            "    nginx {} and wrk {} already installed",
            show_version(nginx_version()),
            show_version(wrk_version())
        );
        return Ok(());
    }
    for (name, version, min) in &tools {
        if missing.contains(name) {
            println!(
                "    {name}: found {}, need {} or newer",
                show_version(version()),
                show_version(Some(*min))
            );
        }
    }
    let uid = output(cmd("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err(format!(
            "{} missing or too old and this user is not root: run `sudo apt-get install -y {}`, \
             then `cargo xtask setup` again",
            missing.join(" and "),
            missing.join(" ")
        ));
    }
    exec(cmd("apt-get").args(["update", "-q"]))?;
    exec(
        cmd("apt-get")
            // Wait for another apt-get (setup's Chromium) instead of failing.
            .args(["-o", "DPkg::Lock::Timeout=600"])
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    for (name, version, min) in &tools {
        match version() {
            Some(v) if v >= *min => println!("    {name} {}", show_version(Some(v))),
            other => {
                return Err(format!(
                    "after apt-get install, {name} is {}, need {} or newer",
                    show_version(other),
                    show_version(Some(*min))
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions() {
        assert_eq!(parse_version("nginx/1.22.1"), Some((1, 22, 1)));
        assert_eq!(
            parse_version("wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012"),
            Some((4, 1, 0))
        );
        assert_eq!(parse_version("wrk 4.2 [epoll]"), Some((4, 2, 0)));
        assert_eq!(parse_version("no version"), None);
    }
}
