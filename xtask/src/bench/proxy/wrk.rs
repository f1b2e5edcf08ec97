//! Throughput and latency under load: `wrk --latency` against one target,
//! its text output read into figures.

use std::process::Stdio;

use super::http::Target;
use crate::util::{Result, cmd};

pub(super) const WRK_THREADS: &str = "2";
pub(super) const WRK_CONNECTIONS: &str = "32";

#[derive(Clone, Debug, PartialEq)]
pub(super) struct WrkRun {
    pub(super) rps: f64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
    pub(super) requests: u64,
    pub(super) non_2xx: u64,
    pub(super) socket_errors: u64,
}

/// `635.91us`, `1.20ms`, `2.00s`, `1.00m`: in milliseconds.
fn parse_duration_ms(s: &str) -> Option<f64> {
    let units = [
        ("us", 0.001),
        ("ms", 1.0),
        ("s", 1000.0),
        ("m", 60_000.0),
        ("h", 3_600_000.0),
    ];
    units.iter().find_map(|(unit, scale)| {
        s.strip_suffix(unit)
            .and_then(|n| n.parse::<f64>().ok())
            .map(|n| n * scale)
    })
}

/// The figures of `wrk --latency`'s text output.
fn parse_wrk(text: &str) -> Option<WrkRun> {
    let mut run = WrkRun {
        rps: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        requests: 0,
        non_2xx: 0,
        socket_errors: 0,
    };
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            run.rps = v.trim().parse().ok()?;
        } else if words.first() == Some(&"50%") {
            run.p50_ms = parse_duration_ms(words.get(1)?)?;
        } else if words.first() == Some(&"99%") {
            run.p99_ms = parse_duration_ms(words.get(1)?)?;
        } else if words.get(1) == Some(&"requests") && words.get(2) == Some(&"in") {
            run.requests = words[0].parse().ok()?;
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            run.non_2xx = v.trim().parse().ok()?;
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // connect 0, read 0, write 0, timeout 0
            run.socket_errors = v
                .split(',')
                .filter_map(|p| p.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum();
        }
    }
    (run.rps.is_finite() && run.p50_ms.is_finite() && run.p99_ms.is_finite()).then_some(run)
}

pub(super) fn wrk(t: &Target, seconds: u32) -> Result<WrkRun> {
    let mut c = cmd("wrk");
    c.args(["-t", WRK_THREADS, "-c", WRK_CONNECTIONS])
        .arg(format!("-d{seconds}s"))
        .arg("--latency");
    for (k, v) in &t.get.headers {
        c.arg("-H").arg(format!("{k}: {v}"));
    }
    c.arg(format!("http://{}{}", t.addr, t.get.path));
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run wrk: {e} (run `cargo xtask setup`)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "wrk against {} exited with {}: {}{}",
            t.name,
            out.status,
            text,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    parse_wrk(&text).ok_or_else(|| format!("cannot read wrk's output for {}:\n{text}", t.name))
}

/// How long each measured run lasts, and the warm-up before a target's first.
pub(super) const WRK_SECONDS: u32 = 4;
pub(super) const WARMUP_SECONDS: u32 = 2;
/// How many times each target is measured, in turn.
pub(super) const ROUNDS: usize = 5;

/// Each target's runs, one per round. Every target is measured once per
/// round, all rounds interleaved, so a burst of other work on the machine
/// falls on all of them alike rather than on whichever ran during it.
pub(super) struct Rounds(Vec<(&'static str, Vec<WrkRun>)>);

impl Rounds {
    /// Warm each target up, then measure them all [`ROUNDS`] times in turn.
    /// A target whose run fails is named in `failures`.
    pub(super) fn measure(targets: &[Target], failures: &mut Vec<String>) -> Self {
        let mut rounds = Vec::new();
        for t in targets {
            match wrk(t, WARMUP_SECONDS) {
                Ok(_) => rounds.push((t.name, Vec::new())),
                Err(e) => {
                    println!("    {}: FAILED: {e}", t.name);
                    failures.push(e);
                }
            }
        }
        for _ in 0..ROUNDS {
            for (name, runs) in &mut rounds {
                let Some(t) = targets.iter().find(|t| t.name == *name) else {
                    continue;
                };
                match wrk(t, WRK_SECONDS) {
                    Ok(run) => runs.push(run),
                    Err(e) => {
                        println!("    {}: FAILED: {e}", t.name);
                        failures.push(e);
                    }
                }
            }
        }
        Rounds(rounds)
    }

    fn runs(&self, name: &str) -> Option<&[WrkRun]> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, runs)| runs.as_slice())
    }

    /// Each target's median run, leaving out (and naming in `failures`)
    /// one that had answers other than 2xx: quick refusals would look fast.
    pub(super) fn medians(&self, failures: &mut Vec<String>) -> Vec<(&'static str, WrkRun)> {
        let mut rates = Vec::new();
        for (name, runs) in &self.0 {
            let requests: u64 = runs.iter().map(|r| r.requests).sum();
            let non_2xx: u64 = runs.iter().map(|r| r.non_2xx).sum();
            let socket_errors: u64 = runs.iter().map(|r| r.socket_errors).sum();
            if non_2xx > 0 {
                let e = format!("{name}: {non_2xx} of {requests} answers under wrk were not 2xx");
                println!("    FAILED: {e}");
                failures.push(e);
                continue;
            }
            if socket_errors > 0 {
                println!(
                    "    {name}: {socket_errors} socket errors (connect, read, write or timeout) in {requests} requests"
                );
            }
            let mut sorted: Vec<&WrkRun> = runs.iter().collect();
            sorted.sort_by(|a, b| a.rps.total_cmp(&b.rps));
            if let Some(median) = sorted.get(sorted.len() / 2) {
                rates.push((*name, (*median).clone()));
            }
        }
        rates
    }

    /// `name`'s rate over `other`'s: the median of each round's own ratio,
    /// the two measured seconds apart, under the same weather.
    pub(super) fn ratio(&self, name: &str, other: &str) -> Option<f64> {
        let (a, b) = (self.runs(name)?, self.runs(other)?);
        let mut each: Vec<f64> = a.iter().zip(b).map(|(a, b)| a.rps / b.rps).collect();
        each.sort_by(f64::total_cmp);
        each.get(each.len() / 2).copied()
    }

    /// `name`'s rate in each round, as the table shows it.
    pub(super) fn shown(&self, name: &str) -> String {
        self.runs(name)
            .unwrap_or_default()
            .iter()
            .map(|r| format!("{:.0}", r.rps))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK_OUTPUT: &str = "Running 10s test @ http://127.0.0.1:8080/v1/predictions/abc
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   635.91us    0.89ms  12.92ms   93.69%
    Req/Sec    21.20k     8.07k   32.00k    86.54%
  Latency Distribution
     50%  250.00us
     75%  491.00us
     90%  700.00us
     99%    5.00ms
  424648 requests in 10.00s, 61.37MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 12
Requests/sec:  42464.81
Transfer/sec:      6.12MB
";

    #[test]
    fn reads_wrk_output() {
        let run = parse_wrk(WRK_OUTPUT).expect("parsed");
        assert_eq!(run.rps, 42464.81);
        assert!((run.p50_ms - 0.25).abs() < 1e-9);
        assert!((run.p99_ms - 5.0).abs() < 1e-9);
        assert_eq!(run.requests, 424648);
        assert_eq!(run.non_2xx, 12);
        assert_eq!(run.socket_errors, 5);
        assert!(parse_wrk("Running 10s test").is_none());
    }

    #[test]
    fn reads_wrk_durations() {
        assert_eq!(parse_duration_ms("2.00s"), Some(2000.0));
        assert_eq!(parse_duration_ms("1.50ms"), Some(1.5));
        assert_eq!(parse_duration_ms("1.00m"), Some(60_000.0));
        assert_eq!(parse_duration_ms("fast"), None);
    }
}
