//! The proxy's contract (DESIGN.md, "The proxy"), end to end: a real
//! proxy process in front of a fake provider on loopback, asked over HTTP
//! the way a page or a script asks it. The same tests run against the
//! native server and the Cloudflare Worker (`REVE_REMIX_PROXY_CMD`).

mod budget;
mod forwarding;
mod refusals;
mod support;

/// The page the tests ask as.
pub const PAGE: &str = "http://127.0.0.1:8080";
