//! The end-to-end harness: the built site (`dist/`), the mock provider and
//! the proxy in front of it, each on a free loopback port, for the browser
//! and Node suites in `tests/e2e/` (run by `src/bin/e2e.rs`).

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use reve_remix_proxy::rules::table::TABLE;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The repository root (this crate lives in `<root>/tests`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A running site, mock and proxy.
pub struct Site {
    pub site_url: String,
    pub mock_url: String,
    pub proxy_url: String,
    /// The same proxy over HTTPS (HTTP/2 and HTTP/1.1) with a certificate
    /// made for this run, which a browser must be told to accept.
    pub proxy_tls_url: String,
    /// Kept so the proxies live as long as the site (killed on drop).
    _proxies: [tokio::process::Child; 2],
    /// The HTTPS proxy's certificate and key, removed with the site.
    _certificate: TempDir,
}

/// A folder of this run's, removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Serve `dist`, start the mock, and start the proxy binary `proxy_bin` in
/// front of the mock (every provider's upstream, the site's origin allowed,
/// the key `mock` for every provider) twice, over HTTP and over HTTPS, all
/// on free ports of 127.0.0.1.
pub async fn start(
    dist: &Path,
    mock: reve_remix_mock::Config,
    proxy_bin: &Path,
) -> std::io::Result<Site> {
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mock_addr = reve_remix_mock::spawn(loopback, mock).await?;
    let mock_url = format!("http://{mock_addr}");

    let site_addr = reve_remix_mock::site::spawn(loopback, dist).await?;
    let site_url = format!("http://{site_addr}");

    let (plain, proxy_url) = start_proxy(proxy_bin, &site_url, &mock_url, &[]).await?;
    let certificate = loopback_certificate()?;
    let (cert, key) = (
        certificate.0.join("cert.pem"),
        certificate.0.join("key.pem"),
    );
    let tls = [
        OsStr::new("--tls-cert"),
        cert.as_os_str(),
        OsStr::new("--tls-key"),
        key.as_os_str(),
    ];
    let (tls, proxy_tls_url) = start_proxy(proxy_bin, &site_url, &mock_url, &tls).await?;
    Ok(Site {
        site_url,
        mock_url,
        proxy_url,
        proxy_tls_url,
        _proxies: [plain, tls],
        _certificate: certificate,
    })
}

/// The proxy in front of the mock, with `extra` options; and the URL it
/// says it listens on.
async fn start_proxy(
    proxy_bin: &Path,
    site_url: &str,
    mock_url: &str,
    extra: &[&OsStr],
) -> std::io::Result<(tokio::process::Child, String)> {
    let mut cmd = tokio::process::Command::new(proxy_bin);
    cmd.args(["--addr", "127.0.0.1:0", "--allow-origin", site_url])
        .args(extra)
        .kill_on_drop(true)
        .stdout(Stdio::piped());
    // Every provider of the proxy's table, each served by the mock under
    // `/<id>`, with its key variable set (the mock takes any key).
    for entry in &TABLE {
        let id = entry.provider.as_str();
        cmd.arg("--upstream").arg(format!("{id}={mock_url}/{id}"));
        cmd.env(entry.key_env, "mock");
    }
    let mut proxy = cmd.spawn()?;
    let stdout = proxy
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("the proxy has no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next_line().await?.unwrap_or_default();
    let url = first
        .strip_prefix("listening on ")
        .ok_or_else(|| std::io::Error::other(format!("the proxy printed {first:?}")))?
        .to_string();
    // Keep reading its log so the pipe never fills.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((proxy, url))
}

/// A self-signed certificate for 127.0.0.1 and its key, made for this run
/// (nothing secret is committed), as `cert.pem` and `key.pem` in a fresh
/// temporary folder.
fn loopback_certificate() -> std::io::Result<TempDir> {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .map_err(std::io::Error::other)?;
    let dir = TempDir(std::env::temp_dir().join(format!("reve-remix-tls-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0)?;
    std::fs::write(dir.0.join("cert.pem"), made.cert.pem())?;
    std::fs::write(dir.0.join("key.pem"), made.signing_key.serialize_pem())?;
    Ok(dir)
}
