//! Single requests through a forwarder, on a bare HTTP/1.1 client over
//! `TcpStream` (xtask has no HTTP dependency): the checks before measuring,
//! the 12 MB body and its timing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::util::Result;

/// The large request body: a 12 MB JSON (a few base64 images' worth).
pub(super) const BIG_BODY: usize = 12_000_000;
pub(super) const BIG_REPEATS: usize = 10;

/// One request: a path on the forwarder and the headers that say where it goes.
#[derive(Clone, Debug)]
pub(super) struct Req {
    pub(super) path: String,
    pub(super) headers: Vec<(String, String)>,
}

impl Req {
    pub(super) fn new(path: &str, headers: &[(&str, &str)]) -> Self {
        Req {
            path: path.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// What one forwarder (or the upstream itself) is sent.
pub(super) struct Target {
    pub(super) name: &'static str,
    /// Index in `Procs`.
    pub(super) proc: usize,
    pub(super) addr: SocketAddr,
    pub(super) get: Req,
    pub(super) post: Req,
    /// A request whose upstream cannot be reached (none for the upstream):
    /// what it is, its method, the request.
    pub(super) unreachable: Option<(&'static str, &'static str, Req)>,
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: String,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The body of a `Transfer-Encoding: chunked` message.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(rest, b"\r\n") {
        let line = String::from_utf8_lossy(&rest[..eol]);
        let size = line.split(';').next().unwrap_or("").trim();
        let Ok(n) = usize::from_str_radix(size, 16) else {
            break;
        };
        rest = &rest[eol + 2..];
        if n == 0 || rest.len() < n {
            out.extend_from_slice(&rest[..n.min(rest.len())]);
            break;
        }
        out.extend_from_slice(&rest[..n]);
        rest = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// An HTTP/1.1 response read to the end (`Connection: close`).
fn parse_reply(raw: &[u8]) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    if raw.is_empty() {
        return Err(bad("connection closed with no answer"));
    }
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| bad("no complete response head"))?;
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let body = &raw[end + 4..];
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Ok(Reply {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One request on a fresh connection, read to the end.
pub(super) fn send(
    addr: SocketAddr,
    method: &str,
    req: &Req,
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    stream.set_nodelay(true)?;
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n",
        req.path
    );
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if method != "GET" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_reply(&raw)
}

/// Checks one GET and one small POST through `t` before measuring it.
pub(super) fn sanity(t: &Target) -> Result {
    let get =
        send(t.addr, "GET", &t.get, b"").map_err(|e| format!("GET through {}: {e}", t.name))?;
    if !(200..300).contains(&get.status) || !get.body.contains("\"id\":\"abc\"") {
        return Err(format!(
            "GET through {} answered {} `{}`",
            t.name,
            get.status,
            get.body.chars().take(200).collect::<String>()
        ));
    }
    let body = br#"{"input":{"prompt":"check"}}"#;
    let post =
        send(t.addr, "POST", &t.post, body).map_err(|e| format!("POST through {}: {e}", t.name))?;
    let want = format!("\"received\":{}", body.len());
    if !(200..300).contains(&post.status) || !post.body.contains(&want) {
        return Err(format!(
            "POST through {} answered {} `{}`",
            t.name,
            post.status,
            post.body.chars().take(200).collect::<String>()
        ));
    }
    Ok(())
}

/// A JSON body of exactly `len` bytes, like a request with a few base64
/// images (noise, so nothing along the way can compress it).
pub(super) fn big_json(len: usize) -> Vec<u8> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let prefix =
        br#"{"input":{"prompt":"the cat from <img>0</img>","image":"data:image/png;base64,"#;
    let suffix = br#""}}"#;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(prefix);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < len - suffix.len() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(B64[(x % 64) as usize]);
    }
    out.extend_from_slice(suffix);
    out
}

/// Median and extremes of the seconds one large POST takes through `t`
/// (one unmeasured first), checking the upstream got every byte.
pub(super) fn time_big(t: &Target, body: &[u8]) -> Result<Stats> {
    let want = format!("\"received\":{}", body.len());
    let mut secs = Vec::new();
    for i in 0..=BIG_REPEATS {
        let start = Instant::now();
        let reply = send(t.addr, "POST", &t.post, body)
            .map_err(|e| format!("12 MB POST through {}: {e}", t.name))?;
        let elapsed = start.elapsed().as_secs_f64();
        if !(200..300).contains(&reply.status) || !reply.body.contains(&want) {
            return Err(format!(
                "12 MB POST through {} answered {} `{}`",
                t.name,
                reply.status,
                reply.body.chars().take(200).collect::<String>()
            ));
        }
        if i > 0 {
            secs.push(elapsed);
        }
    }
    Ok(Stats::of(secs))
}

pub(super) struct Stats {
    pub(super) median: f64,
    pub(super) min: f64,
    pub(super) max: f64,
}

impl Stats {
    fn of(mut v: Vec<f64>) -> Self {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stats {
            median,
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chunked_and_plain_replies() {
        let raw = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"rec\r\n9;x=y\r\neived\":1}\r\n0\r\n\r\n";
        let r = parse_reply(raw).expect("reply");
        assert_eq!(r.status, 201);
        assert_eq!(r.body, "{\"received\":1}");
        let raw = b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 2\r\n\r\n{}";
        let r = parse_reply(raw).expect("reply");
        assert_eq!((r.status, r.body.as_str()), (502, "{}"));
        assert!(parse_reply(b"").is_err());
    }

    #[test]
    fn big_json_has_the_exact_size() {
        let body = big_json(10_000);
        assert_eq!(body.len(), 10_000);
        assert!(body.starts_with(b"{\"input\":") && body.ends_with(b"\"}}"));
    }

    #[test]
    fn medians() {
        let s = Stats::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Stats::of(vec![4.0, 1.0, 2.0, 3.0]).median, 2.5);
    }
}
