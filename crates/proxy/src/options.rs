//! The proxy's options: DESIGN.md's command line, parsed once at start.
//! The Worker build reads the same options from its vars.

use std::path::PathBuf;
use std::time::Duration;

use reve_remix_core::provider::ProviderId;
use url::Url;

use crate::rules::table;

/// The usage text, as `--help` prints it.
pub const USAGE: &str = "\
usage: reve-remix-proxy [options]
  --addr HOST:PORT          where to listen (default 127.0.0.1:8788; port 0 picks one)
  --allow-origin ORIGIN     a page origin allowed to call it from a browser, e.g.
                            https://app.example.com (repeatable; none: no browser page may;
                            `*`: any page, only when given explicitly)
  --upstream ID=URL         send provider ID's requests to URL (origin + optional path
                            prefix) instead of its real host, and accept targets under URL
                            for ID (repeatable; for the mock and tests)
  --rate-limit N            requests per minute per client address (default 120; 0: no limit)
  --max-body BYTES          largest request body (default 25165824, 24 MiB: eight 1.5 MB
                            references in base64 always pass)
  --upstream-timeout SECS   how long a provider may take to start answering (default 90)
  --tls-cert PEM --tls-key PEM
                            serve HTTPS with this certificate chain and private key (PEM
                            files), HTTP/2 and HTTP/1.1; a browser then multiplexes every
                            request over one connection instead of queueing behind six
  --daily-budget USD        the most one UTC day's job submissions may cost, estimated from
                            the price table (a model without a price counts as the dearest);
                            past it a submission is refused (budget_exhausted, 429)
  --client-daily N          job submissions per client per UTC day (client_quota_exhausted)
  --trust-forwarded         take the client from X-Forwarded-For's first entry or
                            CF-Connecting-IP (only behind a CDN that sets them; off: ignored)
  --state FILE              keep the day's spend and quotas across restarts (written
                            atomically; a corrupt file refuses submissions until fixed)
with REMIX_PROXY_SECRET in the environment, every request needs x-remix-proxy-token;
`reve-remix-proxy token --ttl SECONDS [--sub ID]` prints one
keys come from the environment: REVE_API_KEY FAL_KEY INFERENCE_API_KEY AIMLAPI_KEY
ONEROUTER_API_KEY PIXAZO_API_KEY REPLICATE_API_TOKEN RUNWARE_API_KEY ATLASCLOUD_API_KEY
WAVESPEED_API_KEY";

/// Which browser origins may call the proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AllowOrigins {
    /// None (the default): requests from browser pages are refused.
    #[default]
    None,
    /// These, as `scheme://host[:port]`.
    List(Vec<String>),
    /// Any page (`--allow-origin '*'`).
    Any,
}

impl AllowOrigins {
    /// True if a page at `origin` may call the proxy.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Self::None => false,
            Self::Any => true,
            Self::List(list) => list.iter().any(|o| o == origin),
        }
    }
}

/// A provider sent somewhere else than its real host (`--upstream`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    /// The provider.
    pub provider: ProviderId,
    /// Origin and path prefix, without a trailing `/`.
    pub base: Url,
}

impl Upstream {
    /// The path prefix (`""` for a bare origin).
    pub fn prefix(&self) -> &str {
        self.base.path().trim_end_matches('/')
    }
}

/// Everything the proxy is told at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `HOST:PORT` to listen on (the native server).
    pub addr: String,
    /// Page origins allowed.
    pub allow_origins: AllowOrigins,
    /// Providers sent elsewhere.
    pub upstreams: Vec<Upstream>,
    /// Requests per minute per client address; 0: no limit.
    pub rate_limit: u32,
    /// The largest request body, in bytes.
    pub max_body: u64,
    /// How long a provider may take to send its answer's headers.
    pub upstream_timeout: Duration,
    /// Serve HTTPS (the native server); `None`: plain HTTP/1.1.
    pub tls: Option<TlsFiles>,
    /// `--daily-budget` and `--client-daily`.
    pub limits: crate::spend::Limits,
    /// `--trust-forwarded`: read the client from the CDN's headers.
    pub trust_forwarded: bool,
    /// `--state FILE` (native).
    pub state: Option<PathBuf>,
}

/// `--tls-cert` and `--tls-key`: PEM files, read when the server starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// The default `--addr`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8788";
/// The default `--max-body`, 24 MiB: eight references under 1.5 MB (Reve
/// 2.1's most) are at most 16,000,000 bytes in base64, and the rest of a
/// body (data-URL prefixes, a 4,000-character prompt escaped, Runware's task
/// wrapper) is kilobytes; 16 MiB would leave under 0.8 MB of room.
pub const DEFAULT_MAX_BODY: u64 = 24 * 1024 * 1024;
/// The default `--rate-limit`.
pub const DEFAULT_RATE_LIMIT: u32 = 120;
/// The default `--upstream-timeout`: Replicate holds a `Prefer: wait`
/// submit for up to 60 s before it answers.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(90);

impl Default for Options {
    fn default() -> Self {
        Self {
            addr: DEFAULT_ADDR.to_string(),
            allow_origins: AllowOrigins::None,
            upstreams: Vec::new(),
            rate_limit: DEFAULT_RATE_LIMIT,
            max_body: DEFAULT_MAX_BODY,
            upstream_timeout: DEFAULT_UPSTREAM_TIMEOUT,
            tls: None,
            limits: crate::spend::Limits::default(),
            trust_forwarded: false,
            state: None,
        }
    }
}

impl Options {
    /// Parse the command line (without the program name), with lexopt:
    /// `--name VALUE` or `--name=VALUE`. `Err` holds what to print: the
    /// problem and the usage, or for `-h`/`--help` the usage alone
    /// ([`USAGE`], which `main` prints and exits 0 on).
    pub fn parse<I, S>(args: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<std::ffi::OsString>,
    {
        use lexopt::prelude::*;
        let mut opts = Self::default();
        let mut origins = Vec::new();
        let mut any_origin = false;
        let (mut cert, mut key) = (None, None);
        let mut parser = lexopt::Parser::from_args(args);
        while let Some(arg) = parser.next().map_err(|e| format!("{e}\n\n{USAGE}"))? {
            let name = match &arg {
                Short('h') | Long("help") => return Err(USAGE.to_string()),
                Long(name) => format!("--{name}"),
                Short(c) => format!("-{c}"),
                Value(v) => return Err(format!("unknown option {}\n\n{USAGE}", v.display())),
            };
            let mut value = || -> Result<String, String> {
                let v = parser
                    .value()
                    .map_err(|_| format!("{name} needs a value\n\n{USAGE}"))?;
                v.into_string()
                    .map_err(|v| format!("{name} {}: not UTF-8", v.display()))
            };
            match name.as_str() {
                "--addr" => opts.addr = value()?,
                "--allow-origin" => {
                    let v = value()?;
                    if v.trim() == "*" {
                        any_origin = true;
                    } else {
                        origins.push(parse_origin(&v)?);
                    }
                }
                "--upstream" => {
                    let up = parse_upstream(&value()?)?;
                    opts.upstreams.retain(|u| u.provider != up.provider);
                    opts.upstreams.push(up);
                }
                "--rate-limit" => {
                    opts.rate_limit = number(
                        &name,
                        &value()?,
                        "a whole number of requests per minute (0: no limit)",
                    )?
                }
                "--max-body" => opts.max_body = number(&name, &value()?, "a number of bytes")?,
                "--upstream-timeout" => {
                    let secs: u64 = number(&name, &value()?, "whole seconds")?;
                    if secs == 0 {
                        return Err("--upstream-timeout must be at least 1 second".into());
                    }
                    opts.upstream_timeout = Duration::from_secs(secs);
                }
                "--daily-budget" => {
                    let v = value()?;
                    let usd: f64 = number(
                        &name,
                        v.trim().trim_start_matches('$'),
                        "US dollars, e.g. 25 or 0.10",
                    )?;
                    if !(usd.is_finite() && usd >= 0.0) {
                        return Err("--daily-budget must be 0 or more US dollars".into());
                    }
                    opts.limits.budget_micros = Some((usd * 1_000_000.0).round() as u64);
                }
                "--client-daily" => {
                    opts.limits.client_daily =
                        Some(number(&name, &value()?, "a whole number of submissions")?)
                }
                "--trust-forwarded" => opts.trust_forwarded = true,
                "--state" => opts.state = Some(PathBuf::from(value()?)),
                "--tls-cert" => cert = Some(PathBuf::from(value()?)),
                "--tls-key" => key = Some(PathBuf::from(value()?)),
                _ => return Err(format!("unknown option {name}\n\n{USAGE}")),
            }
        }
        opts.tls = match (cert, key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => {
                return Err(
                    "--tls-cert and --tls-key go together: give the certificate and its key".into(),
                );
            }
        };
        opts.allow_origins = if any_origin {
            AllowOrigins::Any
        } else if origins.is_empty() {
            AllowOrigins::None
        } else {
            AllowOrigins::List(origins)
        };
        Ok(opts)
    }

    /// The options from a Worker's vars, each named like its option:
    /// `ALLOW_ORIGINS` and `UPSTREAMS` (space- or comma-separated lists),
    /// `RATE_LIMIT`, `MAX_BODY`, `UPSTREAM_TIMEOUT`, `DAILY_BUDGET`,
    /// `CLIENT_DAILY`, and `TRUST_FORWARDED` (`true` or `false`). Read
    /// through [`Options::parse`], so both builds take and check the same
    /// values.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut args = Vec::new();
        for (name, flag) in [
            ("ALLOW_ORIGINS", "--allow-origin"),
            ("UPSTREAMS", "--upstream"),
        ] {
            if let Some(list) = var(name) {
                for item in list.split([' ', ',', '\n', '\t']).filter(|i| !i.is_empty()) {
                    args.push(flag.to_string());
                    args.push(item.to_string());
                }
            }
        }
        for (name, flag) in [
            ("RATE_LIMIT", "--rate-limit"),
            ("MAX_BODY", "--max-body"),
            ("UPSTREAM_TIMEOUT", "--upstream-timeout"),
            ("DAILY_BUDGET", "--daily-budget"),
            ("CLIENT_DAILY", "--client-daily"),
        ] {
            if let Some(v) = var(name).filter(|v| !v.trim().is_empty()) {
                args.push(flag.to_string());
                args.push(v);
            }
        }
        match var("TRUST_FORWARDED").as_deref().map(str::trim) {
            None | Some("" | "false" | "0") => {}
            Some("true" | "1") => args.push("--trust-forwarded".to_string()),
            Some(other) => {
                return Err(format!("TRUST_FORWARDED is {other:?}: give true or false"));
            }
        }
        Self::parse(args)
    }

    /// The upstream `provider` is sent to, if any.
    pub fn upstream(&self, provider: ProviderId) -> Option<&Upstream> {
        self.upstreams.iter().find(|u| u.provider == provider)
    }
}

/// An option's number, or what it takes.
fn number<T: std::str::FromStr>(name: &str, text: &str, what: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name} takes {what}"))
}

/// `scheme://host[:port]` of an origin as browsers send it.
fn parse_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "--allow-origin {text:?} is not an origin: give scheme://host[:port], e.g. https://app.example.com"
        )
    };
    let url = Url::parse(text).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || !matches!(url.path(), "" | "/")
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// `ID=URL` of `--upstream`.
fn parse_upstream(text: &str) -> Result<Upstream, String> {
    let (id, url) = text
        .split_once('=')
        .ok_or_else(|| format!("--upstream takes ID=URL, got {text:?}"))?;
    let id = id.trim();
    let entry = table::entry(id).ok_or_else(|| {
        format!(
            "--upstream {id}: unknown provider; use one of {}",
            table::ids().join(", ")
        )
    })?;
    let base = Url::parse(url.trim()).map_err(|e| format!("--upstream {id}: {e}"))?;
    if !matches!(base.scheme(), "http" | "https")
        || base.host().is_none()
        || base.query().is_some()
        || base.fragment().is_some()
        || !base.username().is_empty()
        || base.password().is_some()
    {
        return Err(format!(
            "--upstream {id}: give an http(s) origin with an optional path prefix, e.g. http://127.0.0.1:8787/{id}"
        ));
    }
    Ok(Upstream {
        provider: entry.provider,
        base,
    })
}

#[cfg(test)]
mod tests;
