//! reve-remix-proxy: forwards what a page sends to the hosted Reve Remix
//! providers and adds the key there, so that no key reaches a page
//! (DESIGN.md, "The proxy").
//!
//! Everything that decides is pure and shared by both builds, the native
//! server ([`native`]) and the Cloudflare Worker:
//!
//! - [`rules`]: from the method, the target URL, the provider id and the
//!   `Origin`, forward (to which URL, with which key header) or refuse;
//!   the one table of what each provider may be sent is [`rules::table`];
//! - [`options`]: the command line (or the Worker's vars);
//! - [`cors`], [`headers`]: which headers go on, which come back;
//! - [`refusal`]: the proxy's own error codes and their JSON;
//! - [`rate_limit`]: requests per client address per minute;
//! - [`log`]: the one log line per request, with no key, query or body.

pub mod cors;
pub mod headers;
pub mod log;
pub mod options;
pub mod rate_limit;
pub mod refusal;
pub mod rules;
pub mod spend;
pub mod token;

#[cfg(feature = "native")]
pub mod native;
