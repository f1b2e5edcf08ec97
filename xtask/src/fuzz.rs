//! `cargo xtask fuzz [--seconds N] [--runs N]`: every cargo-fuzz target, N
//! seconds each (default 60) or until N executions (`--runs 1000000` is the
//! million the project asks of every target, however long each takes), over
//! its committed seeds, then a table of executions and coverage per target
//! from libFuzzer's final stats.
//!
//! The nightly toolchain comes with the machine image; cargo-fuzz is
//! installed here on demand (`cargo install cargo-fuzz`, as TOOLCHAIN.md
//! checked it; its lock file is not used) (never by `setup`, which CI runs before
//! `cargo xtask test`, where the corpora are replayed on stable instead).
//! New inputs go to `fuzz/corpus/<target>` (ignored by git); a crash is left
//! in `fuzz/artifacts/<target>` and stops the run: once fixed, copy it into
//! `fuzz/seeds/<target>` so `cargo test` keeps replaying it. Seeds that are
//! files the tests already keep (the image fixtures for `inspect`, the
//! recorded answers for `json`: `crates/core/fuzz/src/shared.rs`) are
//! copied into the corpus before a run rather than committed twice.

use std::path::Path;
use std::process::Stdio;

use crate::util::{Result, cmd, output, root};

/// The fuzz crates (relative to the root, the directory `cargo fuzz` runs
/// in) and their targets.
const CRATES: [(&str, &[&str]); 2] = [
    (
        "crates/core",
        &[
            "inspect",
            "prompt",
            "json",
            "provider",
            "stream",
            "driver",
            "job",
            "job_roundtrip",
        ],
    ),
    ("crates/proxy", &["rules"]),
];

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--runs N] [TARGET...]";

/// When a run stops: after so many seconds, or so many executions, or
/// whichever comes first.
#[derive(Clone, Copy)]
struct Limit {
    seconds: Option<u64>,
    runs: Option<u64>,
}

pub fn run(args: &[String]) -> Result {
    let mut limit = Limit {
        seconds: None,
        runs: None,
    };
    let mut only = Vec::new();
    let mut it = args.iter();
    let positive = |flag: &str, v: Option<&String>| {
        v.and_then(|s| s.parse::<u64>().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{flag} takes a positive number\n{USAGE}"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => limit.seconds = Some(positive(a, it.next())?),
            "--runs" => limit.runs = Some(positive(a, it.next())?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            name => only.push(name.to_string()),
        }
    }
    if limit.seconds.is_none() && limit.runs.is_none() {
        limit.seconds = Some(60);
    }
    cargo_fuzz()?;
    let mut rows = Vec::new();
    for (dir, targets) in CRATES {
        for target in targets
            .iter()
            .filter(|t| only.is_empty() || only.iter().any(|o| o == *t))
        {
            rows.push((*target, fuzz(dir, target, limit)?));
        }
    }
    println!(
        "\n{:<14} {:>12} {:>9} {:>8} {:>8}",
        "target", "executions", "exec/s", "cov", "ft"
    );
    for (target, s) in &rows {
        println!(
            "{target:<14} {:>12} {:>9} {:>8} {:>8}",
            s.execs, s.per_sec, s.cov, s.features
        );
    }
    Ok(())
}

/// cargo-fuzz from crates.io, when it is not there yet.
fn cargo_fuzz() -> Result {
    if output(cmd("cargo").args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    crate::util::step("cargo-fuzz", || {
        crate::util::exec(cmd("cargo").args(["install", "cargo-fuzz"]))
    })
}

/// What libFuzzer said at the end of a run.
#[derive(Debug, Default, PartialEq)]
struct Stats {
    execs: u64,
    per_sec: u64,
    cov: u64,
    features: u64,
}

/// Reads `stat::number_of_executed_units: N` (`-print_final_stats=1`) and
/// the last status line (`#N DONE cov: C ft: F ... exec/s: E ...`).
fn parse_stats(log: &str) -> Stats {
    let mut s = Stats::default();
    let field = |line: &str, name: &str| -> Option<u64> {
        let mut words = line.split_whitespace();
        words.find(|w| *w == name)?;
        words.next()?.parse().ok()
    };
    for line in log.lines() {
        if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
            s.execs = v.trim().parse().unwrap_or(s.execs);
        } else if line.starts_with('#') && line.contains("cov:") {
            s.cov = field(line, "cov:").unwrap_or(s.cov);
            s.features = field(line, "ft:").unwrap_or(s.features);
            s.per_sec = field(line, "exec/s:").unwrap_or(s.per_sec);
        }
    }
    s
}

fn fuzz(dir: &str, target: &str, limit: Limit) -> Result<Stats> {
    let crate_dir = root().join(dir);
    let corpus = Path::new("fuzz/corpus").join(target);
    let seeds = Path::new("fuzz/seeds").join(target);
    std::fs::create_dir_all(crate_dir.join(&corpus))
        .map_err(|e| format!("{}: {e}", corpus.display()))?;
    for file in crate::fuzz_shared::shared_seeds(&root(), target) {
        let name = file.file_name().unwrap_or_default();
        std::fs::copy(&file, crate_dir.join(&corpus).join(name))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let until = match limit {
        Limit {
            seconds: Some(s),
            runs: Some(n),
        } => format!("{n} executions or {s} s"),
        Limit { runs: Some(n), .. } => format!("{n} executions"),
        Limit { seconds, .. } => format!("{} s", seconds.unwrap_or(0)),
    };
    crate::say!("==> fuzz {target} ({dir}), {until}");
    let out = cmd("cargo")
        .current_dir(&crate_dir)
        // The fuzz crates build in their own target directories, with
        // sanitizer flags the workspace's must never see.
        .env_remove("CARGO_TARGET_DIR")
        .args(["+nightly", "fuzz", "run", "-O", target])
        .arg(&corpus)
        .arg(&seeds)
        .args([
            "--".to_string(),
            // 0: no time limit (libFuzzer's own default).
            format!("-max_total_time={}", limit.seconds.unwrap_or(0)),
            // -1: no limit on executions.
            format!("-runs={}", limit.runs.map_or(-1, |n| n as i64)),
            "-print_final_stats=1".to_string(),
            // The driver keeps a run's state small; more is a leak.
            "-rss_limit_mb=2048".to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    let log = [out.stdout, out.stderr].concat();
    let log = String::from_utf8_lossy(&log);
    if !out.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "fuzz target {target} failed ({}); its input is in {dir}/fuzz/artifacts/{target}:\n{}",
            out.status,
            tail.join("\n")
        ));
    }
    let stats = parse_stats(&log);
    crate::say!(
        "    {target}: {} executions, cov {}, ft {}",
        stats.execs,
        stats.cov,
        stats.features
    );
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzers_final_lines() {
        let log = "#2574\tNEW    cov: 2432 ft: 4817 corp: 187/17Kb lim: 201 exec/s: 2574 rss: 76Mb\n\
                   #128883\tDONE   cov: 3046 ft: 8968 corp: 812/63Kb lim: 215 exec/s: 2112 rss: 484Mb\n\
                   Done 128883 runs in 61 second(s)\n\
                   stat::number_of_executed_units: 128883\n\
                   stat::average_exec_per_sec:     2112\n";
        assert_eq!(
            parse_stats(log),
            Stats {
                execs: 128_883,
                per_sec: 2112,
                cov: 3046,
                features: 8968
            }
        );
    }
}
