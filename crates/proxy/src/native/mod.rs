//! The native server: hyper's server in front, its client behind, the pure
//! [`rules`](crate::rules) deciding between them. Bodies stream both ways
//! (a request body goes on as it arrives, an SSE or NDJSON line comes back
//! as soon as the provider sends it); nothing is buffered whole except a
//! request body of unknown length, which must be measured against
//! `--max-body` before anything is connected.
//!
//! One thread per core, each with its own single-threaded runtime, its own
//! listening socket on the same port (`SO_REUSEPORT`: the kernel spreads
//! connections over them, as over nginx's workers) and its own pool of
//! connections to the providers: a request never changes threads.

mod accept;
mod client;
mod handler;
mod log_writer;
mod spend;
mod tls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::options::Options;
use crate::rate_limit::RateLimiter;
use crate::rules::Keys;

/// What every thread shares.
struct Shared {
    opts: Options,
    keys: Keys,
    limiter: Option<Mutex<RateLimiter>>,
    epoch: Instant,
    log: log_writer::Log,
    spend: spend::Spend,
}

/// Listen on `opts.addr`, call `on_listening` with the bound address, then
/// serve until the process ends. Fails when the address cannot be bound
/// or `--tls-cert`/`--tls-key` cannot be read.
pub fn run(
    opts: Options,
    keys: Keys,
    on_listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let tls = opts.tls.as_ref().map(tls::acceptor).transpose()?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let sockets = listen::sockets(&opts.addr, threads)?;
    let bound = sockets[0].local_addr()?;
    let limiter = (opts.rate_limit > 0).then(|| Mutex::new(RateLimiter::new(opts.rate_limit)));
    let spend = spend::Spend::open(opts.limits, opts.state.clone());
    let shared = Arc::new(Shared {
        spend,
        opts,
        keys,
        limiter,
        epoch: Instant::now(),
        log: log_writer::Log::start(),
    });
    // Say where it listens only once every socket does: a caller connects
    // as soon as it reads the line.
    let (ready, listening) = std::sync::mpsc::channel();
    let mut workers = Vec::new();
    for socket in sockets {
        let (shared, ready, tls) = (shared.clone(), ready.clone(), tls.clone());
        workers.push(std::thread::spawn(move || {
            serve_on(socket, shared, tls, ready)
        }));
    }
    drop(ready);
    for _ in 0..workers.len() {
        match listening.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(std::io::Error::other(
                    "a server thread ended before listening",
                ));
            }
        }
    }
    on_listening(bound);
    let mut first_error = Ok(());
    for w in workers {
        let result = w
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("a server thread panicked")));
        if first_error.is_ok() {
            first_error = result;
        }
    }
    first_error
}

/// One thread's server: its runtime, its listener, its client.
fn serve_on(
    socket: tokio::net::TcpSocket,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    ready: std::sync::mpsc::Sender<std::io::Result<()>>,
) -> std::io::Result<()> {
    let started = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .and_then(|runtime| {
            let listener = runtime.block_on(async { socket.listen(1024) })?;
            let client = client::Client::new().map_err(std::io::Error::other)?;
            Ok((runtime, listener, client))
        });
    let (runtime, listener, client) = match started {
        Ok(s) => {
            let _ = ready.send(Ok(()));
            s
        }
        Err(e) => {
            let _ = ready.send(Err(std::io::Error::new(e.kind(), e.to_string())));
            return Err(e);
        }
    };
    runtime.block_on(accept::serve(
        listener,
        Arc::new(handler::Proxy {
            log: shared.log.lines(),
            shared,
            client,
        }),
        tls,
    ))
}

mod listen {
    //! The listening sockets: one per thread, all on one port.

    use std::net::{SocketAddr, ToSocketAddrs};

    use tokio::net::TcpSocket;

    /// `n` sockets bound to `addr` (port 0: one free port for all).
    pub fn sockets(addr: &str, n: usize) -> std::io::Result<Vec<TcpSocket>> {
        let addr = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| std::io::Error::other(format!("{addr} names no address")))?;
        let first = bind(addr)?;
        let bound = first.local_addr()?;
        let mut all = vec![first];
        for _ in 1..n {
            match bind(bound) {
                Ok(s) => all.push(s),
                // No SO_REUSEPORT here: one socket serves it all.
                Err(_) => break,
            }
        }
        Ok(all)
    }

    fn bind(addr: SocketAddr) -> std::io::Result<TcpSocket> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        #[cfg(unix)]
        socket.set_reuseport(true)?;
        socket.set_nodelay(true)?;
        socket.bind(addr)?;
        Ok(socket)
    }
}
