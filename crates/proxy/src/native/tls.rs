//! HTTPS (`--tls-cert`, `--tls-key`): rustls in front of the same handler,
//! offering HTTP/2 and HTTP/1.1 by ALPN. A browser opens at most six
//! HTTP/1.1 connections to one origin, and every request to the proxy has
//! the proxy's origin: in a comparison, fal's event stream, inference.sh's
//! stream and Replicate's `Prefer: wait` each hold one for the whole job,
//! and the other providers' requests can wait behind them. Over HTTP/2 they
//! all share one connection.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::options::TlsFiles;

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
