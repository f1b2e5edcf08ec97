//! The first-load bench (issue 25): the site's page beside an Uppy 6
//! dashboard page, both served gzipped by one local server, loaded in
//! Chromium over emulated links (`tests/bench/load.mjs`); and the peers the
//! issue's size goals are set against: the providers' JS clients the package
//! replaces, and Uppy's page with fal's client.
//!
//! `tests/bench/load/` is an npm project of its own (Uppy, esbuild, the
//! inference.sh client), installed by `setup()` with `npm ci` as the proxy
//! bench's is; `build_uppy()` bundles the Uppy page into
//! `target/bench-load/uppy/`.

use std::path::PathBuf;

use crate::util::{Result, cmd, exec, gzip_len, output, root, step};

/// The figure for the three clients the package replaces (fal's,
/// inference.sh's and Replicate's), quoted when they cannot be measured here.
pub(super) const QUOTED_CLIENTS_GZ: usize = 52_600;
/// The figure for Uppy's dashboard stack plus fal's client.
pub(super) const QUOTED_UPPY_FAL_GZ: usize = 112_000;

fn load_dir() -> PathBuf {
    root().join("tests/bench/load")
}

/// Where the Uppy page is built (rebuilt on every run: seconds).
fn uppy_out() -> PathBuf {
    root().join("target/bench-load/uppy")
}

/// `npm ci` in `tests/bench/load` unless already installed, and the browser
/// tests' packages (playwright-core, the providers' clients).
pub(super) fn setup() -> Result {
    step("setup: npm packages of the browser tests", || {
        crate::setup::npm_packages(&root().join("tests"))
    })?;
    step(
        "setup: npm packages of the load bench (Uppy, esbuild)",
        || crate::setup::npm_packages(&load_dir()),
    )
}

/// The Uppy page: esbuild --bundle --minify, JS and CSS.
pub(super) fn build_uppy() -> Result {
    step(
        "the load bench's Uppy page (esbuild --bundle --minify)",
        || {
            exec(
                cmd("node")
                    .arg(load_dir().join("build.mjs"))
                    .arg("uppy")
                    .arg(uppy_out()),
            )
        },
    )
}

/// Both pages over each link, 7 interleaved loads each.
pub(super) fn run() -> Result {
    println!("\n== first load: the site beside an Uppy 6 dashboard page (issue 25) ==");
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err("dist/index.html is missing: run `cargo xtask build` first".into());
    }
    exec(
        cmd("node")
            .arg("tests/bench/load.mjs")
            .arg(&dist)
            .arg(uppy_out()),
    )
    .map_err(|e| {
        format!("{e}: the load bench failed (it says why above: Chromium, a page that never became usable, or a missing build)")
    })
}

/// One JS client, bundled and minified for the browser, gzipped.
#[derive(Debug, PartialEq)]
pub(super) struct Client {
    pub name: String,
    /// `None` when not installed here.
    pub version: Option<String>,
    pub raw: usize,
    pub gz: usize,
}

/// The peers of the size goals, measured where they are installed.
pub(super) struct Peers {
    /// fal's, inference.sh's and Replicate's clients (those installed).
    pub clients: Vec<Client>,
    /// The Uppy page's JS + CSS, gzipped, when built.
    pub uppy_gz: Option<usize>,
}

impl Peers {
    /// Measure what can be: the clients need `tests/node_modules` and the
    /// load bench's packages (esbuild); the Uppy page, its build.
    pub fn measure() -> Peers {
        let modules = [
            root().join("tests/node_modules"),
            load_dir().join("node_modules"),
        ];
        let clients = if load_dir().join("node_modules/esbuild").is_dir() {
            let mut c = cmd("node");
            c.arg(load_dir().join("build.mjs"))
                .arg("peers")
                .args(modules);
            output(&mut c)
                .map(|o| parse_clients(&o))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let uppy_gz = ["uppy.js", "uppy.css"]
            .iter()
            .map(|f| std::fs::read(uppy_out().join(f)).ok().map(|b| gzip_len(&b)))
            .sum();
        Peers { clients, uppy_gz }
    }

    fn client(&self, name: &str) -> Option<&Client> {
        self.clients
            .iter()
            .find(|c| c.name == name && c.version.is_some())
    }

    /// All three clients, when all three were measured.
    pub fn clients_gz(&self) -> Option<usize> {
        let found: Vec<&Client> = self
            .clients
            .iter()
            .filter(|c| c.version.is_some())
            .collect();
        (found.len() == 3).then(|| found.iter().map(|c| c.gz).sum())
    }

    /// Uppy's page plus fal's client, when both were measured.
    pub fn uppy_fal_gz(&self) -> Option<usize> {
        Some(self.uppy_gz? + self.client("@fal-ai/client")?.gz)
    }

    pub fn print_clients(&self) {
        println!(
            "the JS clients the package replaces (esbuild --bundle --minify, browser, gzip -9):"
        );
        if self.clients.is_empty() {
            println!(
                "  not measured (`cargo xtask bench load` installs what measures them); the issue's figure: {QUOTED_CLIENTS_GZ} B together (quoted)"
            );
            return;
        }
        for c in &self.clients {
            match &c.version {
                Some(v) => {
                    let name = format!("{} {v}", c.name);
                    println!("  {name:<40} {:>9} B {:>9} B", c.raw, c.gz);
                }
                None => println!("  {:<40} not installed here", c.name),
            }
        }
        match self.clients_gz() {
            Some(gz) => println!(
                "  {:<40} {:>9} B {gz:>9} B  (the issue says {QUOTED_CLIENTS_GZ} B)",
                "together",
                self.clients.iter().map(|c| c.raw).sum::<usize>()
            ),
            None => println!(
                "  together: not all measured; the issue's figure, quoted: {QUOTED_CLIENTS_GZ} B"
            ),
        }
    }
}

/// `name version raw gz` per line, or `name - missing -`.
fn parse_clients(text: &str) -> Vec<Client> {
    text.lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [name, "-", "missing", "-"] => Some(Client {
                name: name.into(),
                version: None,
                raw: 0,
                gz: 0,
            }),
            [name, version, raw, gz] => Some(Client {
                name: name.into(),
                version: Some(version.into()),
                raw: raw.parse().ok()?,
                gz: gz.parse().ok()?,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_clients_and_adds_up_only_a_full_set() {
        let text = "@fal-ai/client 1.10.1 70365 21154\n@inferencesh/sdk - missing -\nreplicate 1.4.0 20785 7198\n";
        let clients = parse_clients(text);
        assert_eq!(clients.len(), 3);
        assert_eq!(clients[1].version, None);
        let peers = Peers {
            clients,
            uppy_gz: Some(96_000),
        };
        assert_eq!(peers.clients_gz(), None);
        assert_eq!(peers.uppy_fal_gz(), Some(96_000 + 21_154));
        let full = Peers {
            clients: parse_clients("a 1 10 5\nb 2 20 6\nc 3 30 7\nnoise\n"),
            uppy_gz: None,
        };
        assert_eq!(full.clients_gz(), Some(18));
        assert_eq!(full.uppy_fal_gz(), None);
    }
}
