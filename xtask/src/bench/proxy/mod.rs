//! The proxy bench: reve-remix-proxy beside nginx and fal's own Express
//! proxy (`@fal-ai/server-proxy`), all on loopback, in front of one fast
//! upstream (`tests/src/bin/bench_upstream.rs`), side by side in one run.
//!
//! For the upstream directly and each forwarder: `wrk` throughput and latency
//! (and the latency each forwarder adds), the time to forward a 12 MB JSON
//! body, the goals of the issue, and whether the forwarder stays up after a
//! request whose upstream cannot be reached.
//!
//! `setup()` (tools.rs) installs what it needs: Debian's nginx and wrk, the
//! npm packages of `tests/bench/proxy`. `run()` (here) measures and prints,
//! with the servers of procs.rs, the single requests of http.rs and the load
//! of wrk.rs.

mod http;
mod procs;
mod tools;
mod wrk;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{Result, cmd, exec, root, step};
use http::{BIG_BODY, BIG_REPEATS, Req, Stats, Target, big_json, sanity, send, time_big};
use procs::{Procs, free_port, start_nginx, start_printing};
use tools::{NGINX_MIN, WRK_MIN, nginx_version, show_version, wrk_version};
use wrk::{ROUNDS, Rounds, WARMUP_SECONDS, WRK_CONNECTIONS, WRK_SECONDS, WRK_THREADS};

pub(super) use tools::setup;

/// Issue goals: ours/nginx req/s, ours/fal req/s; ours' 12 MB added time
/// at most nginx's.
const GOAL_VS_NGINX: f64 = 0.5;
const GOAL_VS_FAL: f64 = 10.0;
/// Issue 26: with a budget, quotas and tokens on.
const GOAL_BUDGETED_VS_NGINX: f64 = 0.9;

const KEY: &str = "bench-key";
const GET_PATH: &str = "/v1/predictions/abc";
const POST_PATH: &str = "/v1/models/reve/remix/predictions";
const REPLICATE: &str = "https://api.replicate.com";
const REVE_REMIX: &str = "https://api.reve.com/v1/image/remix";
/// fal's Express route (`@fal-ai/server-proxy/express`'s `route`).
const FAL_ROUTE: &str = "/api/fal/proxy";
/// Where our proxy listens for forwarded requests (the target is in a header).
const OURS_PATH: &str = "/";

fn bench_dir() -> PathBuf {
    root().join("tests/bench/proxy")
}

/// Where cargo puts what it builds (`CARGO_TARGET_DIR` or `target/`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

fn goal(what: &str, shown: &str, goal: &str, meets: bool) {
    let mark = if meets { "meets goal" } else { "misses goal" };
    println!("  -> {what}: {shown}, goal {goal}: {mark}");
}

/// Start everything, measure, print; every process started is stopped on
/// return, also on failure.
pub(super) fn run() -> Result {
    println!("\n== the proxy beside nginx and fal's Express proxy (all on loopback) ==");
    let nginx = nginx_version();
    let wrk_v = wrk_version();
    if nginx.is_none_or(|v| v < NGINX_MIN) || wrk_v.is_none_or(|v| v < WRK_MIN) {
        return Err(format!(
            "the proxy bench needs nginx ≥ {} and wrk ≥ {} (found {} and {}): run `cargo xtask setup`",
            show_version(Some(NGINX_MIN)),
            show_version(Some(WRK_MIN)),
            show_version(nginx),
            show_version(wrk_v)
        ));
    }
    if !bench_dir()
        .join("node_modules/@fal-ai/server-proxy")
        .exists()
    {
        return Err(
            "tests/bench/proxy has no node_modules (fal's proxy): run `cargo xtask setup`".into(),
        );
    }
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;

    step("build the bench upstream (release)", || {
        exec(cmd(&crate::util::cargo()).args([
            "build",
            "--release",
            "-p",
            "reve-remix-e2e",
            "--bin",
            "bench_upstream",
        ]))
    })?;
    crate::proxy::build()?;

    let mut procs = Procs::default();
    let mut targets = start_targets(&mut procs, &dir)?;

    // Anything that does not forward correctly is left out of the figures.
    let mut failures = Vec::new();
    targets.retain(|t| match sanity(t) {
        Ok(()) => true,
        Err(e) => {
            println!("    {}: FAILED its first requests: {e}", t.name);
            failures.push(e);
            false
        }
    });
    if !targets.iter().any(|t| t.name == "upstream direct") {
        return Err(failures.join("; "));
    }

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\n  wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} --latency, GET: each {WARMUP_SECONDS} s of warm-up, then {ROUNDS} rounds of \
         {WRK_SECONDS} s each in turn, the median round shown (load before: {}; other work on the machine skews these)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let rounds = Rounds::measure(&targets, &mut failures);
    let rates = rounds.medians(&mut failures);
    let rate = |name: &str| rates.iter().find(|(n, _)| *n == name).map(|(_, r)| r);
    let ratio_to = |name: &str, other: &str| rounds.ratio(name, other);
    println!(
        "  {:<18} {:>9} {:>10} {:>10} {:>11} {:>11}   {:>}",
        "", "req/s", "median", "p99", "+median", "+p99", "req/s of each round"
    );
    let direct = rate("upstream direct");
    for (name, r) in &rates {
        let (added_50, added_99) = match direct {
            Some(d) if *name != "upstream direct" => (
                format!("{:+.2} ms", r.p50_ms - d.p50_ms),
                format!("{:+.2} ms", r.p99_ms - d.p99_ms),
            ),
            _ => (String::new(), String::new()),
        };
        let each = rounds.shown(name);
        println!(
            "  {name:<18} {:>9.0} {:>7.2} ms {:>7.2} ms {added_50:>11} {added_99:>11}   {each}",
            r.rps, r.p50_ms, r.p99_ms
        );
    }

    println!("\n  a {BIG_BODY} B JSON body (POST), median of {BIG_REPEATS} after one unmeasured");
    let body = big_json(BIG_BODY);
    let mut bigs: Vec<(&str, Stats)> = Vec::new();
    for t in &targets {
        match time_big(t, &body) {
            Ok(s) => bigs.push((t.name, s)),
            Err(e) => {
                println!("    {}: FAILED: {e}", t.name);
                failures.push(e);
            }
        }
    }
    let big = |name: &str| bigs.iter().find(|(n, _)| *n == name).map(|(_, s)| s);
    let big_direct = big("upstream direct").map(|s| s.median);
    let big_added = |name: &str| Some((big(name)?.median - big_direct?) * 1000.0);
    println!(
        "  {:<18} {:>10} {:>10} {:>10} {:>11}",
        "", "median", "min", "max", "added"
    );
    for (name, s) in &bigs {
        let added = match big_added(name) {
            Some(ms) if *name != "upstream direct" => format!("{ms:+.1} ms"),
            _ => String::new(),
        };
        println!(
            "  {name:<18} {:>7.1} ms {:>7.1} ms {:>7.1} ms {added:>11}",
            s.median * 1000.0,
            s.min * 1000.0,
            s.max * 1000.0
        );
    }

    println!("\n  goals");
    let ours = rate("reve-remix-proxy");
    match (ours, rate("nginx"), ratio_to("reve-remix-proxy", "nginx")) {
        (Some(o), Some(n), Some(ratio)) => {
            goal(
                "reve-remix-proxy / nginx req/s",
                &format!(
                    "{ratio:.2} (median of the rounds' ratios; medians {:.0} / {:.0})",
                    o.rps, n.rps
                ),
                &format!("≥ {GOAL_VS_NGINX}"),
                ratio >= GOAL_VS_NGINX,
            );
        }
        _ => println!("  -> reve-remix-proxy / nginx req/s: not measured"),
    }
    match (rate(BUDGETED), rate("nginx"), ratio_to(BUDGETED, "nginx")) {
        (Some(o), Some(n), Some(ratio)) => {
            goal(
                "…with budget + token / nginx req/s",
                &format!(
                    "{ratio:.2} (median of the rounds' ratios; medians {:.0} / {:.0})",
                    o.rps, n.rps
                ),
                &format!("≥ {GOAL_BUDGETED_VS_NGINX}"),
                ratio >= GOAL_BUDGETED_VS_NGINX,
            );
        }
        _ => println!("  -> …with budget + token / nginx req/s: not measured"),
    }
    match (ours, rate("fal's proxy")) {
        (Some(o), Some(f)) => {
            let ratio = o.rps / f.rps;
            goal(
                "reve-remix-proxy / fal's proxy req/s",
                &format!("{ratio:.1} ({:.0} / {:.0})", o.rps, f.rps),
                &format!("≥ {GOAL_VS_FAL}"),
                ratio >= GOAL_VS_FAL,
            );
        }
        _ => println!("  -> reve-remix-proxy / fal's proxy req/s: not measured"),
    }
    match (big_added("reve-remix-proxy"), big_added("nginx")) {
        (Some(o), Some(n)) => goal(
            "12 MB body, time reve-remix-proxy adds",
            &format!("{o:+.1} ms (nginx {n:+.1} ms)"),
            "≤ nginx's",
            o <= n,
        ),
        _ => println!("  -> 12 MB body, time reve-remix-proxy adds: not measured"),
    }

    resilience(&targets, &mut procs);
    println!(
        "  (logs: {})",
        dir.strip_prefix(root()).unwrap_or(&dir).display()
    );
    drop(procs);

    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// The upstream, then each forwarder in front of it, with what each is sent:
/// the same GET and POST reach the upstream, whatever each forwarder needs
/// to be told where they go.
fn start_targets(procs: &mut Procs, dir: &Path) -> Result<Vec<Target>> {
    let (up_proc, upstream) = start_printing(
        procs,
        "upstream",
        cmd(&target_dir()
            .join("release/bench_upstream")
            .to_string_lossy()),
        &dir.join("upstream.log"),
    )?;
    let closed = free_port()?;
    let up_url = format!("http://{upstream}");
    let closed_url = format!("http://127.0.0.1:{closed}");

    let mut targets = vec![Target {
        name: "upstream direct",
        proc: up_proc,
        addr: upstream,
        get: Req::new(GET_PATH, &[]),
        post: Req::new(POST_PATH, &[("content-type", "application/json")]),
        unreachable: None,
    }];

    let (nginx_proc, nginx_addr) = start_nginx(procs, dir, upstream, closed)?;
    targets.push(Target {
        name: "nginx",
        proc: nginx_proc,
        addr: nginx_addr,
        get: Req::new(GET_PATH, &[]),
        post: Req::new(POST_PATH, &[("content-type", "application/json")]),
        unreachable: Some((
            "GET /closed/… (a closed port)",
            "GET",
            Req::new(&format!("/closed{GET_PATH}"), &[]),
        )),
    });

    let mut fal = cmd("node");
    fal.arg(bench_dir().join("fal-proxy.cjs"))
        .env("FAL_KEY", KEY)
        .env("PORT", "0");
    let (fal_proc, fal_addr) =
        start_printing(procs, "fal's proxy", fal, &dir.join("fal-proxy.log"))?;
    let fal_target = |path: &str| format!("{up_url}{path}");
    targets.push(Target {
        name: "fal's proxy",
        proc: fal_proc,
        addr: fal_addr,
        get: Req::new(FAL_ROUTE, &[("x-fal-target-url", &fal_target(GET_PATH))]),
        post: Req::new(
            FAL_ROUTE,
            &[
                ("x-fal-target-url", &fal_target(POST_PATH)),
                ("content-type", "application/json"),
            ],
        ),
        unreachable: Some((
            "GET, x-fal-target-url on a closed port",
            "GET",
            Req::new(
                FAL_ROUTE,
                &[("x-fal-target-url", &format!("{closed_url}{GET_PATH}"))],
            ),
        )),
    });

    targets.push(ours(
        procs,
        dir,
        "reve-remix-proxy",
        &up_url,
        &closed_url,
        None,
    )?);
    // The same with what a public deployment turns on (issue 26): a daily
    // budget and per-client quotas (never reached here: wrk's GETs are
    // status reads, which always pass, and the big POSTs are a handful of
    // submissions), and a token checked on every request.
    let token = mint_token()?;
    targets.push(ours(
        procs,
        dir,
        BUDGETED,
        &up_url,
        &closed_url,
        Some(&token),
    )?);
    Ok(targets)
}

/// The name of our proxy's run with a budget, quotas and tokens.
const BUDGETED: &str = "…budget + token";
/// The token secret of that run.
const SECRET: &str = "bench-secret-0123456789abcdef";

/// Our proxy in front of the upstream as Replicate (and Reve on a closed
/// port); with `token`, also with a budget, quotas and that token's secret.
fn ours(
    procs: &mut Procs,
    dir: &Path,
    name: &'static str,
    up_url: &str,
    closed_url: &str,
    token: Option<&str>,
) -> Result<Target> {
    let mut command = cmd(&crate::proxy::binary());
    command
        .args(["--addr", "127.0.0.1:0", "--rate-limit", "0"])
        .arg("--upstream")
        .arg(format!("replicate={up_url}"))
        .arg("--upstream")
        .arg(format!("reve={closed_url}"))
        .env("REPLICATE_API_TOKEN", KEY)
        .env("REVE_API_KEY", KEY);
    if token.is_some() {
        command
            .args(["--daily-budget", "1000000", "--client-daily", "1000000"])
            .env("REMIX_PROXY_SECRET", SECRET);
    }
    let log = dir.join(format!(
        "proxy{}.log",
        if token.is_some() { "-budget" } else { "" }
    ));
    let (proc, addr) = start_printing(procs, name, command, &log)?;
    let req = |target: &str, provider: &str, json: bool| {
        let mut h = vec![
            ("x-remix-target-url", target),
            ("x-remix-provider", provider),
        ];
        if json {
            h.push(("content-type", "application/json"));
        }
        if let Some(t) = token {
            h.push(("x-remix-proxy-token", t));
        }
        Req::new(OURS_PATH, &h)
    };
    Ok(Target {
        name,
        proc,
        addr,
        get: req(&format!("{REPLICATE}{GET_PATH}"), "replicate", false),
        post: req(&format!("{REPLICATE}{POST_PATH}"), "replicate", true),
        unreachable: Some((
            "POST to reve, whose upstream is a closed port",
            "POST",
            req(REVE_REMIX, "reve", true),
        )),
    })
}

/// A token for [`SECRET`], an hour long, from the proxy's own `token` command.
fn mint_token() -> Result<String> {
    let out = cmd(&crate::proxy::binary())
        .args(["token", "--ttl", "3600"])
        .env("REMIX_PROXY_SECRET", SECRET)
        .output()
        .map_err(|e| format!("cannot run the proxy's token command: {e}"))?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || token.is_empty() {
        return Err(format!(
            "the proxy's token command failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(token)
}

/// Whether each forwarder survives a request it cannot forward: one such
/// request, then a normal GET.
fn resilience(targets: &[Target], procs: &mut Procs) {
    println!("\n  resilience: a request whose upstream cannot be reached, then a normal one");
    for t in targets {
        let Some((what, method, req)) = &t.unreachable else {
            continue;
        };
        let body: &[u8] = if *method == "GET" {
            b""
        } else {
            br#"{"prompt":"bench"}"#
        };
        let bad = match send(t.addr, method, req, body) {
            Ok(r) => r.status.to_string(),
            Err(e) => e.to_string(),
        };
        // Let a crash (fal's proxy: an unhandled rejection) happen first.
        std::thread::sleep(Duration::from_millis(500));
        let after = match send(t.addr, "GET", &t.get, b"") {
            Ok(r) => r.status.to_string(),
            Err(e) => e.to_string(),
        };
        let verdict = match procs.exited(t.proc) {
            Some(status) => format!("crashed ({status})"),
            None if after.starts_with('2') => "stays up".to_string(),
            None => "stops answering".to_string(),
        };
        println!(
            "  {:<18} {what}: {bad}; then a normal GET: {after} -> {verdict}",
            t.name
        );
    }
}
