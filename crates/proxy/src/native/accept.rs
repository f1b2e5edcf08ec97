//! The connections: accept them, shake hands over TLS when asked, and hand
//! each request to [`handler::handle`] through hyper's server. No router:
//! the proxy answers every path the same way, so one function is the whole
//! service.
//!
//! Plain connections speak HTTP/1.1 (browsers speak HTTP/2 only over TLS,
//! so sniffing each plain connection for it would cost every request a
//! layer for nobody). Over TLS, the protocol is the one ALPN agreed on.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio_rustls::TlsAcceptor;

use super::handler::{self, Proxy};

/// How long a client may take over its TLS handshake: a socket that
/// connects and says nothing must not hold a task forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve on `listener` until the process ends: HTTPS when `tls` is given.
pub async fn serve(
    listener: tokio::net::TcpListener,
    proxy: Arc<Proxy>,
    tls: Option<TlsAcceptor>,
) -> std::io::Result<()> {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, or a connection reset before it was
            // taken: wait a moment rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let (proxy, tls) = (proxy.clone(), tls.clone());
        tokio::spawn(async move {
            match tls {
                None => connection(TokioIo::new(tcp), false, peer, proxy).await,
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
                    if let Ok(Ok(tls)) = handshake.await {
                        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                        connection(TokioIo::new(tls), h2, peer, proxy).await;
                    }
                }
            }
        });
    }
}

/// Serve one connection's requests until it closes: over HTTP/2 when `h2`.
async fn connection<I>(io: I, h2: bool, peer: SocketAddr, proxy: Arc<Proxy>)
where
    I: Read + Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let proxy = proxy.clone();
        async move { Ok::<_, Infallible>(handler::handle(&proxy, peer, req).await) }
    });
    // No protocol upgrades: the proxy forwards requests, never a tunnel. A
    // connection that ends badly (reset, a protocol error) ends only
    // itself; each request was logged as it was answered.
    let _ = if h2 {
        hyper::server::conn::http2::Builder::new(TokioExecutor::new())
            .serve_connection(io, service)
            .await
    } else {
        hyper::server::conn::http1::Builder::new()
            .serve_connection(io, service)
            .await
    };
}
