//! The mock provider as a child process on a free loopback port, for the
//! browser and Node tests of the core.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::util::{Result, cmd, exec, root};

/// A running mock; stopped when dropped.
pub struct Mock {
    child: Child,
    /// `http://127.0.0.1:<port>`
    pub url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Build and start the mock with queued jobs taking `job_seconds`.
pub fn start(job_seconds: &str) -> Result<Mock> {
    let cargo = crate::util::cargo();
    exec(cmd(&cargo).args(["build", "--quiet", "--package", "reve-remix-mock"]))?;
    let mut child = cmd(&root()
        .join("target/debug/reve-remix-mock")
        .to_string_lossy())
    .args(["--addr", "127.0.0.1:0", "--job-seconds", job_seconds])
    .stdout(Stdio::piped())
    .spawn()
    .map_err(|e| format!("cannot start the mock: {e}"))?;
    let stdout = child.stdout.take().ok_or("the mock has no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(|u| u.trim_end_matches('/').to_string());
    // Keep draining its request log so the pipe never fills up.
    std::thread::spawn(move || lines.for_each(drop));
    match url {
        Some(url) => {
            println!("    mock provider on {url}");
            Ok(Mock { child, url })
        }
        None => {
            let _ = child.kill();
            Err(format!(
                "the mock did not say where it listens (it printed `{first}`)"
            ))
        }
    }
}
