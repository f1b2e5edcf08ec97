//! The built site (`dist/`), served the way a static host should serve it:
//! each file's precompressed `.br` or `.gz` beside it (`cargo xtask build`
//! writes them) by the request's `Accept-Encoding`, with the original's
//! `Content-Type`. Not a provider: `cargo xtask serve` and the end-to-end
//! harness serve the site from here so that both load it as it is deployed.

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use tower_http::services::ServeDir;

/// `dist` at `/` (a directory's `index.html` for its path).
pub fn router(dist: &Path) -> Router {
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    Router::new().fallback_service(files)
}

/// Bind `addr` and serve `dist` in the background; returns the bound address.
pub async fn spawn(addr: SocketAddr, dist: &Path) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(dist);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(bound)
}
