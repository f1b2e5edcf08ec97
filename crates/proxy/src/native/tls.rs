//! HTTPS (`--tls-cert`, `--tls-key`): rustls in front of the same router,
//! offering HTTP/2 and HTTP/1.1 by ALPN. A browser opens at most six
//! HTTP/1.1 connections to one origin, and every request to the proxy has
//! the proxy's origin: in a comparison, fal's event stream, inference.sh's
//! stream and Replicate's `Prefer: wait` each hold one for the whole job,
//! and the other providers' requests can wait behind them. Over HTTP/2 they
//! all share one connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::options::TlsFiles;

/// How long a client may take over its TLS handshake: a socket that
/// connects and says nothing must not hold a task forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The acceptor for `files`, or what is wrong with them, naming the file.
pub fn acceptor(files: &TlsFiles) -> std::io::Result<TlsAcceptor> {
    let bad = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        std::io::Error::other(format!("{what} {}: {e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| bad("--tls-cert", &files.cert, &e))?;
    if chain.is_empty() {
        return Err(bad(
            "--tls-cert",
            &files.cert,
            &"holds no CERTIFICATE block",
        ));
    }
    let key =
        PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad("--tls-key", &files.key, &e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| bad("--tls-key", &files.key, &e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serve `app` over TLS on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
) -> std::io::Result<()> {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, or a connection reset before it was
            // taken: wait a moment rather than spin (as axum::serve does).
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
            else {
                return;
            };
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                app.clone().oneshot(req)
            });
            // No protocol upgrades: the proxy forwards requests, never a
            // tunnel. A connection that ends badly (reset, a protocol
            // error) ends only itself; each request was logged as it was
            // answered.
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
