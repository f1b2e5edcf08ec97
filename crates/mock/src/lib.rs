//! reve-remix-mock: every hosted Reve Remix provider, simulated on loopback.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::cors::CorsLayer;

/// How the simulated providers behave.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long a queued job takes from submit to completed.
    pub job_duration: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self { job_duration: Duration::from_secs(4) }
    }
}

/// The mock's routes: every provider under `/<provider-id>/…`.
pub fn router(_config: Config) -> Router {
    Router::new().route("/", get(index)).layer(CorsLayer::very_permissive())
}

async fn index() -> &'static str {
    "reve-remix-mock: Reve Remix providers on loopback\n"
}

/// Serve on `listener` until the future is dropped.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// Bind `addr` (port 0 picks a free one) and serve in the background;
/// returns the bound address. For tests.
pub async fn spawn(addr: SocketAddr, config: Config) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(serve(listener, config));
    Ok(bound)
}
