//! The client behind the proxy: hyper's, which follows no redirect, with
//! rustls on ring and the webpki roots (no system TLS or CA files needed)
//! and a pool of kept-alive connections per provider.

use std::time::Duration;

use axum::body::Body;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The client type.
pub type Client = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Body>;

/// How long connecting to a provider may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A new client. `http` is allowed beside `https` only because the rules
/// send plain http to an operator's `--upstream` and nowhere else.
pub fn new() -> Result<Client, String> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.set_nodelay(true);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(
        hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector),
    )
}

/// Why a request got no answer, in a few words (never a header or a URL).
pub fn reason(e: &hyper_util::client::legacy::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last.chars().take(120).collect()
}
