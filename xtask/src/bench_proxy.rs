//! The proxy bench: reve-remix-proxy beside nginx and fal's own Express
//! proxy (`@fal-ai/server-proxy`), all on loopback, in front of one fast
//! upstream (`tests/src/bin/bench_upstream.rs`), side by side in one run.
//!
//! For the upstream directly and each forwarder: `wrk` throughput and latency
//! (and the latency each forwarder adds), the time to forward a 12 MB JSON
//! body, the goals of the issue, and whether the forwarder stays up after a
//! request whose upstream cannot be reached.
//!
//! `setup()` installs what it needs (Debian's nginx and wrk, the npm packages
//! of `tests/bench/proxy`); `run()` measures and prints.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::{Result, cmd, exec, output, root, step};

/// `nginx -e` (the error log before the config is read) is 1.19.5's.
const NGINX_MIN: Version = (1, 19, 5);
/// `wrk --latency` is 4.0's.
const WRK_MIN: Version = (4, 0, 0);
const NGINX_DEBIAN: &str = "/usr/sbin/nginx";

const WRK_THREADS: &str = "2";
const WRK_CONNECTIONS: &str = "32";
const WRK_SECONDS: u32 = 10;
const WARMUP_SECONDS: u32 = 2;

/// The large request body: a 12 MB JSON (a few base64 images' worth).
const BIG_BODY: usize = 12_000_000;
const BIG_REPEATS: usize = 10;

/// Issue goals: ours/nginx req/s, ours/fal req/s; ours' 12 MB added time
/// at most nginx's.
const GOAL_VS_NGINX: f64 = 0.5;
const GOAL_VS_FAL: f64 = 10.0;

const KEY: &str = "bench-key";
const GET_PATH: &str = "/v1/predictions/abc";
const POST_PATH: &str = "/v1/models/reve/remix/predictions";
const REPLICATE: &str = "https://api.replicate.com";
const REVE_REMIX: &str = "https://api.reve.com/v1/image/remix";
/// fal's Express route (`@fal-ai/server-proxy/express`'s `route`).
const FAL_ROUTE: &str = "/api/fal/proxy";
/// Where our proxy listens for forwarded requests (the target is in a header).
const OURS_PATH: &str = "/";

type Version = (u32, u32, u32);

// ---------------------------------------------------------------- setup

/// Install what the proxy bench needs, checking versions: Debian's nginx and
/// wrk, and the npm packages of `tests/bench/proxy` (fal's proxy, Express).
pub fn setup() -> Result {
    step(
        "setup: nginx and wrk (Debian) for the proxy bench",
        debian_tools,
    )?;
    step("setup: npm packages of the proxy bench", bench_packages)
}

fn nginx_bin() -> &'static str {
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

fn nginx_version() -> Option<Version> {
    let text = version_text(nginx_bin(), "-v")?;
    parse_version(&text[text.find("nginx/")?..])
}

fn wrk_version() -> Option<Version> {
    let text = version_text("wrk", "-v")?;
    parse_version(&text[text.find("wrk")?..])
}

fn show_version(v: Option<Version>) -> String {
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

fn bench_dir() -> PathBuf {
    root().join("tests/bench/proxy")
}

fn bench_packages() -> Result {
    let dir = bench_dir();
    let lock = std::fs::read_to_string(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read tests/bench/proxy/package-lock.json: {e}"))?;
    // npm writes node_modules/.package-lock.json on install; when it names the
    // same versions as the lock file, nothing changed since.
    let installed =
        std::fs::read_to_string(dir.join("node_modules/.package-lock.json")).unwrap_or_default();
    let wanted = lock_packages(&lock);
    if !wanted.is_empty() && wanted == lock_packages(&installed) {
        let shown: Vec<&String> = wanted
            .iter()
            .filter(|p| p.starts_with("express@") || p.starts_with("@fal-ai/"))
            .collect();
        println!(
            "    already installed ({} packages: {})",
            wanted.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(());
    }
    if output(cmd("npm").arg("--version")).is_none() {
        return Err("npm is not installed: install Node.js 20 or newer with npm, then run `cargo xtask setup` again".into());
    }
    exec(
        cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )
}

/// `name@version` of every package a package-lock.json names.
fn lock_packages(lock: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = lock;
    while let Some(i) = rest.find("\"node_modules/") {
        rest = &rest[i + 14..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        let Some(v) = rest.find("\"version\": \"") else {
            break;
        };
        let vs = &rest[v + 12..];
        let version = &vs[..vs.find('"').unwrap_or(0)];
        out.push(format!("{name}@{version}"));
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- processes

/// Every process the bench started; each is stopped when this is dropped,
/// on success or failure.
#[derive(Default)]
struct Procs {
    children: Vec<(String, Child)>,
}

impl Procs {
    fn add(&mut self, name: &str, child: Child) -> usize {
        self.children.push((name.to_string(), child));
        self.children.len() - 1
    }

    /// `Some(status)` once process `i` has exited.
    fn exited(&mut self, i: usize) -> Option<ExitStatus> {
        self.children[i].1.try_wait().ok().flatten()
    }
}

impl Drop for Procs {
    fn drop(&mut self) {
        for (_, mut child) in self.children.drain(..).rev() {
            stop(&mut child);
        }
    }
}

/// SIGTERM (nginx's master then stops its workers), SIGKILL after 3 s.
fn stop(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn log_file(path: &Path) -> Result<File> {
    File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Start a server that prints `listening on http://HOST:PORT` as its first
/// stdout line; stdout is drained after that (request logs), stderr goes to
/// `log`. Returns its index in `procs` and its address.
fn start_printing(
    procs: &mut Procs,
    name: &str,
    mut command: Command,
    log: &Path,
) -> Result<(usize, SocketAddr)> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file(log)?);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let index = procs.add(name, child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = tx.send(first);
        // Keep reading its request log so the pipe never fills up.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let first = rx.recv_timeout(Duration::from_secs(60)).map_err(|_| {
        format!(
            "{name} did not say where it listens within 60 s (see {})",
            log.display()
        )
    })?;
    let addr = first
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .and_then(|a| a.trim_end_matches('/').parse::<SocketAddr>().ok())
        .ok_or_else(|| {
            // Give it a moment to write why it stopped.
            std::thread::sleep(Duration::from_millis(200));
            format!(
                "{name} printed `{}` instead of `listening on http://HOST:PORT`; {}:\n{}",
                first.trim(),
                log.display(),
                last_lines(log, 10)
            )
        })?;
    println!("    {name} on http://{addr}");
    Ok((index, addr))
}

/// A loopback port nothing listens on (bound, then released).
fn free_port() -> Result<u16> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free loopback port: {e}"))
}

fn last_lines(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// nginx under `dir` (config, pid, temp files, error log), as this user, in
/// the foreground; `/` goes to the upstream with keep-alive, `/closed/` to a
/// port where nothing listens.
fn start_nginx(
    procs: &mut Procs,
    dir: &Path,
    upstream: SocketAddr,
    closed: u16,
) -> Result<(usize, SocketAddr)> {
    let prefix = dir.join("nginx");
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let port = free_port()?;
    let root_user = output(cmd("id").arg("-u")).as_deref() == Some("0");
    let p = prefix.display();
    let config = format!(
        "# Written by `cargo xtask bench` (xtask/src/bench_proxy.rs).
{user}worker_processes auto;
daemon off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_max_body_size 20m;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    upstream bench_upstream {{
        server {upstream};
        keepalive 64;
    }}
    upstream closed_upstream {{
        server 127.0.0.1:{closed};
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection \"\";
        location /closed/ {{
            proxy_pass http://closed_upstream/;
        }}
        location / {{
            proxy_pass http://bench_upstream;
        }}
    }}
}}
",
        // As root, workers would otherwise switch to `nobody`, who cannot
        // write the temp paths under target/.
        user = if root_user { "user root;\n" } else { "" },
    );
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config).map_err(|e| format!("cannot write {}: {e}", conf.display()))?;
    let log = prefix.join("error.log");
    let mut command = cmd(nginx_bin());
    command
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(&prefix.join("stderr.log"))?);
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start nginx: {e}"))?;
    let index = procs.add("nginx", child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = procs.exited(index) {
            return Err(format!(
                "nginx exited ({status}):\n{}\n{}",
                last_lines(&prefix.join("stderr.log"), 5),
                last_lines(&log, 5)
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "nginx does not listen on {addr} after 10 s (see {})",
                log.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("    nginx on http://{addr} (config {})", conf.display());
    Ok((index, addr))
}

// ---------------------------------------------------------------- requests

/// One request: a path on the forwarder and the headers that say where it goes.
#[derive(Clone, Debug)]
struct Req {
    path: String,
    headers: Vec<(String, String)>,
}

impl Req {
    fn new(path: &str, headers: &[(&str, &str)]) -> Self {
        Req {
            path: path.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// What one forwarder (or the upstream itself) is sent.
struct Target {
    name: &'static str,
    /// Index in `Procs`.
    proc: usize,
    addr: SocketAddr,
    get: Req,
    post: Req,
    /// A request whose upstream cannot be reached (none for the upstream):
    /// what it is, its method, the request.
    unreachable: Option<(&'static str, &'static str, Req)>,
}

struct Reply {
    status: u16,
    body: String,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The body of a `Transfer-Encoding: chunked` message.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(rest, b"\r\n") {
        let line = String::from_utf8_lossy(&rest[..eol]);
        let size = line.split(';').next().unwrap_or("").trim();
        let Ok(n) = usize::from_str_radix(size, 16) else {
            break;
        };
        rest = &rest[eol + 2..];
        if n == 0 || rest.len() < n {
            out.extend_from_slice(&rest[..n.min(rest.len())]);
            break;
        }
        out.extend_from_slice(&rest[..n]);
        rest = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// An HTTP/1.1 response read to the end (`Connection: close`).
fn parse_reply(raw: &[u8]) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    if raw.is_empty() {
        return Err(bad("connection closed with no answer"));
    }
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| bad("no complete response head"))?;
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let body = &raw[end + 4..];
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Ok(Reply {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One request on a fresh connection, read to the end.
fn send(addr: SocketAddr, method: &str, req: &Req, body: &[u8]) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    stream.set_nodelay(true)?;
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n",
        req.path
    );
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if method != "GET" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_reply(&raw)
}

/// Checks one GET and one small POST through `t` before measuring it.
fn sanity(t: &Target) -> Result {
    let get =
        send(t.addr, "GET", &t.get, b"").map_err(|e| format!("GET through {}: {e}", t.name))?;
    if !(200..300).contains(&get.status) || !get.body.contains("\"id\":\"abc\"") {
        return Err(format!(
            "GET through {} answered {} `{}`",
            t.name,
            get.status,
            get.body.chars().take(200).collect::<String>()
        ));
    }
    let body = br#"{"input":{"prompt":"check"}}"#;
    let post =
        send(t.addr, "POST", &t.post, body).map_err(|e| format!("POST through {}: {e}", t.name))?;
    let want = format!("\"received\":{}", body.len());
    if !(200..300).contains(&post.status) || !post.body.contains(&want) {
        return Err(format!(
            "POST through {} answered {} `{}`",
            t.name,
            post.status,
            post.body.chars().take(200).collect::<String>()
        ));
    }
    Ok(())
}

/// A JSON body of exactly `len` bytes, like a request with a few base64
/// images (noise, so nothing along the way can compress it).
fn big_json(len: usize) -> Vec<u8> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let prefix =
        br#"{"input":{"prompt":"the cat from <img>0</img>","image":"data:image/png;base64,"#;
    let suffix = br#""}}"#;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(prefix);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < len - suffix.len() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(B64[(x % 64) as usize]);
    }
    out.extend_from_slice(suffix);
    out
}

/// Median and extremes of the seconds one large POST takes through `t`
/// (one unmeasured first), checking the upstream got every byte.
fn time_big(t: &Target, body: &[u8]) -> Result<Stats> {
    let want = format!("\"received\":{}", body.len());
    let mut secs = Vec::new();
    for i in 0..=BIG_REPEATS {
        let start = Instant::now();
        let reply = send(t.addr, "POST", &t.post, body)
            .map_err(|e| format!("12 MB POST through {}: {e}", t.name))?;
        let elapsed = start.elapsed().as_secs_f64();
        if !(200..300).contains(&reply.status) || !reply.body.contains(&want) {
            return Err(format!(
                "12 MB POST through {} answered {} `{}`",
                t.name,
                reply.status,
                reply.body.chars().take(200).collect::<String>()
            ));
        }
        if i > 0 {
            secs.push(elapsed);
        }
    }
    Ok(Stats::of(secs))
}

struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(mut v: Vec<f64>) -> Self {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stats {
            median,
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
        }
    }
}

// ---------------------------------------------------------------- wrk

#[derive(Debug, PartialEq)]
struct WrkRun {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    non_2xx: u64,
    socket_errors: u64,
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

fn wrk(t: &Target, seconds: u32) -> Result<WrkRun> {
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

// ---------------------------------------------------------------- run

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Where cargo puts what it builds (`CARGO_TARGET_DIR` or `target/`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Whether the workspace has the `reve-remix-proxy` package and its binary's
/// source yet (while it is being written, the bench goes on without it).
fn proxy_crate_exists() -> bool {
    root().join("crates/proxy/src/main.rs").exists()
        && output(cmd(&cargo()).args(["metadata", "--no-deps", "--format-version", "1", "--quiet"]))
            .is_some_and(|m| m.contains("\"name\":\"reve-remix-proxy\""))
}

fn goal(what: &str, shown: &str, goal: &str, meets: bool) {
    let mark = if meets { "meets goal" } else { "misses goal" };
    println!("  -> {what}: {shown}, goal {goal}: {mark}");
}

/// Start everything, measure, print; every process started is stopped on
/// return, also on failure.
pub fn run() -> Result {
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
        exec(cmd(&cargo()).args([
            "build",
            "--release",
            "-p",
            "reve-remix-e2e",
            "--bin",
            "bench_upstream",
        ]))
    })?;
    let ours_exists = proxy_crate_exists();
    if ours_exists {
        step("build reve-remix-proxy (release)", || {
            exec(cmd(&cargo()).args(["build", "--release", "-p", "reve-remix-proxy"]))
        })?;
    } else {
        println!(
            "    reve-remix-proxy (crates/proxy/src/main.rs) is not in the workspace yet: \
             measuring nginx and fal's proxy only"
        );
    }

    let mut procs = Procs::default();
    let release = target_dir().join("release");
    let (up_proc, upstream) = start_printing(
        &mut procs,
        "upstream",
        cmd(&release.join("bench_upstream").to_string_lossy()),
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

    let (nginx_proc, nginx_addr) = start_nginx(&mut procs, &dir, upstream, closed)?;
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
        start_printing(&mut procs, "fal's proxy", fal, &dir.join("fal-proxy.log"))?;
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

    if ours_exists {
        let mut ours = cmd(&release.join("reve-remix-proxy").to_string_lossy());
        ours.args(["--addr", "127.0.0.1:0", "--rate-limit", "0"])
            .arg("--upstream")
            .arg(format!("replicate={up_url}"))
            .arg("--upstream")
            .arg(format!("reve={closed_url}"))
            .env("REPLICATE_API_TOKEN", KEY)
            .env("REVE_API_KEY", KEY);
        let (ours_proc, ours_addr) =
            start_printing(&mut procs, "reve-remix-proxy", ours, &dir.join("proxy.log"))?;
        targets.push(Target {
            name: "reve-remix-proxy",
            proc: ours_proc,
            addr: ours_addr,
            get: Req::new(
                OURS_PATH,
                &[
                    ("x-remix-target-url", &format!("{REPLICATE}{GET_PATH}")),
                    ("x-remix-provider", "replicate"),
                ],
            ),
            post: Req::new(
                OURS_PATH,
                &[
                    ("x-remix-target-url", &format!("{REPLICATE}{POST_PATH}")),
                    ("x-remix-provider", "replicate"),
                    ("content-type", "application/json"),
                ],
            ),
            unreachable: Some((
                "POST to reve, whose upstream is a closed port",
                "POST",
                Req::new(
                    OURS_PATH,
                    &[
                        ("x-remix-target-url", REVE_REMIX),
                        ("x-remix-provider", "reve"),
                        ("content-type", "application/json"),
                    ],
                ),
            )),
        });
    }

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
        "\n  wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s --latency, GET, after {WARMUP_SECONDS} s of warm-up \
         (load before: {}; other work on the machine skews these)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut rates: Vec<(&str, WrkRun)> = Vec::new();
    for t in &targets {
        let measured = wrk(t, WARMUP_SECONDS).and_then(|_| wrk(t, WRK_SECONDS));
        match measured {
            // Quick refusals would look fast: such a run is no figure.
            Ok(run) if run.non_2xx > 0 => {
                let e = format!(
                    "{}: {} of {} answers under wrk were not 2xx",
                    t.name, run.non_2xx, run.requests
                );
                println!("    FAILED: {e}");
                failures.push(e);
            }
            Ok(run) => {
                if run.socket_errors > 0 {
                    println!(
                        "    {}: {} socket errors (connect, read, write or timeout) in {} requests",
                        t.name, run.socket_errors, run.requests
                    );
                }
                rates.push((t.name, run));
            }
            Err(e) => {
                println!("    {}: FAILED: {e}", t.name);
                failures.push(e);
            }
        }
    }
    let rate = |name: &str| rates.iter().find(|(n, _)| *n == name).map(|(_, r)| r);
    println!(
        "  {:<18} {:>9} {:>10} {:>10} {:>11} {:>11}",
        "", "req/s", "median", "p99", "+median", "+p99"
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
        println!(
            "  {name:<18} {:>9.0} {:>7.2} ms {:>7.2} ms {added_50:>11} {added_99:>11}",
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
    match (ours, rate("nginx")) {
        (Some(o), Some(n)) => {
            let ratio = o.rps / n.rps;
            goal(
                "reve-remix-proxy / nginx req/s",
                &format!("{ratio:.2} ({:.0} / {:.0})", o.rps, n.rps),
                &format!("≥ {GOAL_VS_NGINX}"),
                ratio >= GOAL_VS_NGINX,
            );
        }
        _ => println!("  -> reve-remix-proxy / nginx req/s: not measured"),
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

    println!("\n  resilience: a request whose upstream cannot be reached, then a normal one");
    for t in &targets {
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
    println!(
        "  (logs: {})",
        dir.strip_prefix(root()).unwrap_or(&dir).display()
    );
    drop(procs);

    if !ours_exists {
        println!(
            "\n  reve-remix-proxy was not measured: the workspace has no `reve-remix-proxy` binary yet"
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
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

    #[test]
    fn reads_chunked_and_plain_replies() {
        let raw = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"rec\r\n9;x=y\r\neived\":1}\r\n0\r\n\r\n";
        let r = parse_reply(raw).expect("reply");
        assert_eq!(r.status, 201);
        assert_eq!(r.body, "{\"received\":1}");
        let raw = b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 2\r\n\r\n{}";
        let r = parse_reply(raw).expect("reply");
        assert_eq!((r.status, r.body.as_str()), (502, "{}"));
        assert!(parse_reply(b"").is_err());
    }

    #[test]
    fn big_json_has_the_exact_size() {
        let body = big_json(10_000);
        assert_eq!(body.len(), 10_000);
        assert!(body.starts_with(b"{\"input\":") && body.ends_with(b"\"}}"));
    }

    #[test]
    fn medians() {
        let s = Stats::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Stats::of(vec![4.0, 1.0, 2.0, 3.0]).median, 2.5);
    }
}
