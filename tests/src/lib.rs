//! The end-to-end harness: the built site (`dist/`) and the mock provider,
//! each on a free loopback port, for the browser tests in `tests/e2e/`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tower_http::services::ServeDir;

/// The repository root (this crate lives in `<root>/tests`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A running site and mock.
pub struct Site {
    pub site_url: String,
    pub mock_url: String,
}

/// Serve `dist` and start the mock, both on free ports of 127.0.0.1.
pub async fn start(dist: &Path, mock: reve_remix_mock::Config) -> std::io::Result<Site> {
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mock_addr = reve_remix_mock::spawn(loopback, mock).await?;

    let listener = tokio::net::TcpListener::bind(loopback).await?;
    let site_addr = listener.local_addr()?;
    let app = axum::Router::new().fallback_service(ServeDir::new(dist));
    tokio::spawn(async move { axum::serve(listener, app).await });

    Ok(Site {
        site_url: format!("http://{site_addr}"),
        mock_url: format!("http://{mock_addr}"),
    })
}
