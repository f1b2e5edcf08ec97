//! The client behind the proxy: hyper's HTTP/1.1 connections, which follow
//! no redirect, with rustls on ring and the webpki roots (no system TLS or
//! CA files needed), kept alive in one small pool per server thread.
//!
//! Why not hyper-util's pooled `Client`: it is built for many threads
//! sharing one pool (a lock, a checkout future and a spawned task per
//! request to put the connection back), and under load that was the
//! largest piece of the proxy's own time. Each server thread has its own
//! runtime and its own [`Client`], so the pool here is a list per origin
//! that a request scans for a connection that is free.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper::header::HOST;
use hyper::{Request, Response, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use tower::ServiceExt;
use url::{Position, Url};

/// A body either way: streamed as it arrives, or whole.
pub type Body = Either<Incoming, Full<Bytes>>;

/// A whole body.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Either::Right(Full::new(bytes.into()))
}

/// How long connecting to a provider may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive connection may sit unused before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The most connections kept per origin; past that, a connection serves
/// one request and closes.
const MAX_PER_ORIGIN: usize = 256;

/// Where a connection goes: scheme, host and port, as the URL says them.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Origin<'u> {
    https: bool,
    host: &'u str,
    port: u16,
}

/// An origin's kept connections. A few origins per thread: a list is
/// searched faster than a map is hashed, and a lookup allocates nothing.
struct Kept {
    https: bool,
    host: String,
    port: u16,
    conns: Vec<Conn>,
}

impl Kept {
    fn is(&self, o: Origin<'_>) -> bool {
        self.https == o.https && self.port == o.port && self.host == o.host
    }
}

struct Conn {
    sender: http1::SendRequest<Body>,
    used: Instant,
}

impl Conn {
    /// Closed, or free and unused for too long.
    fn stale(&self, now: Instant) -> bool {
        self.sender.is_closed() || (self.sender.is_ready() && now - self.used > IDLE_TIMEOUT)
    }
}

/// A kept connection's answer, or the request back when it closed before
/// the request went out.
type TryAnswer = Result<Response<Incoming>, hyper::client::conn::TrySendError<Request<Body>>>;

/// One server thread's client.
pub struct Client {
    connector: HttpsConnector<HttpConnector>,
    pool: Mutex<Vec<Kept>>,
}

/// Why a request got no answer.
pub enum Failure {
    Connect(Box<dyn std::error::Error + Send + Sync>),
    Send(hyper::Error),
}

impl Failure {
    /// Why, in a few words (never a header or a URL).
    pub fn reason(&self) -> String {
        let (mut last, mut source): (String, Option<&dyn std::error::Error>) = match self {
            Failure::Connect(e) => ("cannot connect".into(), Some(e.as_ref())),
            Failure::Send(e) => ("the connection failed".into(), std::error::Error::source(e)),
        };
        while let Some(s) = source {
            last = s.to_string();
            source = s.source();
        }
        last.chars().take(120).collect()
    }
}

impl Client {
    /// A new client. `http` is allowed beside `https` only because the
    /// rules send plain http to an operator's `--upstream` and nowhere else.
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
        Ok(Client {
            connector,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// Send `req` to `url` (its path and query become the request's target,
    /// its host the `Host` header) on a free kept-alive connection, or a
    /// new one. A request that a kept connection closed under before it
    /// was sent goes out again on a new connection.
    pub async fn request(
        &self,
        mut req: Request<Body>,
        url: &Url,
    ) -> Result<Response<Incoming>, Failure> {
        let origin = Origin {
            https: url.scheme() == "https",
            host: url.host_str().unwrap_or_default(),
            port: url.port_or_known_default().unwrap_or(80),
        };
        *req.uri_mut() = url[Position::BeforePath..Position::AfterQuery]
            .parse()
            .unwrap_or_else(|_| Uri::from_static("/"));
        if let Ok(host) = url[Position::BeforeHost..Position::AfterPort].parse() {
            req.headers_mut().insert(HOST, host);
        }
        match self.send_on_kept(origin, req) {
            Ok(sent) => match sent.await {
                Ok(res) => return Ok(res),
                Err(mut e) => match e.take_message() {
                    Some(unsent) => req = unsent,
                    None => return Err(Failure::Send(e.into_error())),
                },
            },
            Err(unsent) => req = unsent,
        }
        // Boxed: connecting (TLS included) is a large future, rarely
        // awaited, and every request's future would otherwise carry room
        // for it and copy that room as it moves.
        let mut sender = Box::pin(self.connect(origin, url)).await?;
        let sent = sender.send_request(req);
        self.keep(origin, sender);
        sent.await.map_err(Failure::Send)
    }

    /// `req` sent on a kept connection to `origin` that is free now
    /// (closing the ones that closed or sat unused too long on the way),
    /// or handed back when none is. The connection stays in the pool: it
    /// is busy until this answer has been read, then free again.
    #[allow(
        clippy::result_large_err,
        reason = "the request is handed back whole, not an error"
    )]
    fn send_on_kept(
        &self,
        origin: Origin<'_>,
        req: Request<Body>,
    ) -> Result<impl Future<Output = TryAnswer> + use<>, Request<Body>> {
        let Ok(mut pool) = self.pool.lock() else {
            return Err(req);
        };
        let Some(Kept { conns, .. }) = pool.iter_mut().find(|k| k.is(origin)) else {
            return Err(req);
        };
        let now = Instant::now();
        conns.retain(|c| !c.stale(now));
        match conns.iter_mut().find(|c| c.sender.is_ready()) {
            Some(free) => {
                free.used = now;
                Ok(free.sender.try_send_request(req))
            }
            None => Err(req),
        }
    }

    fn keep(&self, origin: Origin<'_>, sender: http1::SendRequest<Body>) {
        if let Ok(mut pool) = self.pool.lock() {
            let at = match pool.iter().position(|k| k.is(origin)) {
                Some(at) => at,
                None => {
                    pool.push(Kept {
                        https: origin.https,
                        host: origin.host.to_string(),
                        port: origin.port,
                        conns: Vec::new(),
                    });
                    pool.len() - 1
                }
            };
            let conns = &mut pool[at].conns;
            if conns.len() < MAX_PER_ORIGIN {
                conns.push(Conn {
                    sender,
                    used: Instant::now(),
                });
            }
        }
    }

    async fn connect(
        &self,
        origin: Origin<'_>,
        url: &Url,
    ) -> Result<http1::SendRequest<Body>, Failure> {
        let scheme = if origin.https { "https" } else { "http" };
        let authority = &url[Position::BeforeHost..Position::AfterPort];
        let uri: Uri = format!("{scheme}://{authority}/")
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| Failure::Connect(e.into()))?;
        let io = self
            .connector
            .clone()
            .oneshot(uri)
            .await
            .map_err(Failure::Connect)?;
        let (sender, conn) = http1::handshake(io).await.map_err(Failure::Send)?;
        // The connection runs beside the requests; an error ends it, and
        // the request on it learns that from its own future.
        tokio::spawn(conn);
        Ok(sender)
    }
}
