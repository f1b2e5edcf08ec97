//! Starting the bench's servers (nginx from a config written here, the
//! others telling where they listen) under a guard that stops them all,
//! however the bench ends.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::tools::nginx_bin;
use crate::util::{Result, cmd, output};

/// Every process the bench started; each is stopped when this is dropped,
/// on success or failure.
#[derive(Default)]
pub(super) struct Procs {
    children: Vec<(String, Child)>,
}

impl Procs {
    fn add(&mut self, name: &str, child: Child) -> usize {
        self.children.push((name.to_string(), child));
        self.children.len() - 1
    }

    /// `Some(status)` once process `i` has exited.
    pub(super) fn exited(&mut self, i: usize) -> Option<ExitStatus> {
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
pub(super) fn start_printing(
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
pub(super) fn free_port() -> Result<u16> {
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
pub(super) fn start_nginx(
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
        "# Written by `cargo xtask bench` (xtask/src/bench/proxy/procs.rs).
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
