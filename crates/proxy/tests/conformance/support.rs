//! The two sides of the proxy under test: a fake provider on loopback that
//! records what reaches it, and the proxy itself as a child process (the
//! native binary, or whatever `REVE_REMIX_PROXY_CMD` starts: the Worker
//! under workerd), read from its stdout like a user would.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::stream;

/// The key every test gives the proxy; it must never come back.
pub const KEY: &str = "conformance-SECRET-key-9f3a";

/// One request the fake provider received.
#[derive(Clone, Debug)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The fake provider: what it does depends on the first path segment.
///
/// - `/echo/…`: 200, JSON naming what arrived, with a `set-cookie`, a CORS
///   header of its own and a request id (which the proxy must sort out);
/// - `/sse/…`: a server-sent-event stream, one event now and one 1.5 s later;
/// - `/redirect/…`: 302 to `/echo/followed` (which must never be asked);
/// - `/stall/…`: no answer for 30 s;
/// - `/limited/…`: 429 with `Retry-After: 7`;
/// - `/gzip/…`: a gzip body with `Content-Encoding: gzip`, as it is;
/// - `/close/…`: as `/echo/…`, then the connection closed (`Connection:
///   close`), as a provider ending an idle keep-alive does.
#[derive(Clone)]
pub struct Upstream {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Upstream {
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("hits").clone()
    }
}

/// `hello, gzip`, gzip-compressed (Python's gzip module).
pub const GZIP_BODY: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xd7,
    0x51, 0x48, 0xaf, 0xca, 0x2c, 0x00, 0x00, 0x4a, 0x9b, 0xb1, 0x5c, 0x0b, 0x00, 0x00, 0x00,
];

pub async fn upstream() -> Upstream {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake provider");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let up = Upstream {
        url: format!("http://{addr}"),
        hits: Arc::default(),
    };
    let app = Router::new().fallback(answer).with_state(up.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    up
}

async fn answer(State(up): State<Upstream>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default();
    let path = parts.uri.path().to_string();
    let hit = Hit {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body_len: body.len(),
    };
    up.hits.lock().expect("hits").push(hit.clone());
    let mode = path.split('/').nth(1).unwrap_or("");
    let mut res = match mode {
        "sse" => {
            let events = stream::unfold(0u8, |n| async move {
                match n {
                    0 => Some((Ok::<_, std::io::Error>("data: {\"n\":1}\n\n"), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(1500)).await;
                        Some((Ok("data: {\"n\":2}\n\n"), 2))
                    }
                    _ => None,
                }
            });
            let mut r = Response::new(Body::from_stream(events));
            r.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("text/event-stream"),
            );
            r
        }
        "redirect" => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::FOUND;
            r.headers_mut().insert(
                "location",
                HeaderValue::from_str(&format!("{}/echo/followed", up.url)).expect("url"),
            );
            r
        }
        "stall" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Response::new(Body::from("too late"))
        }
        "limited" => {
            let mut r = Response::new(Body::from(r#"{"error":{"message":"slow down"}}"#));
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("7"));
            r
        }
        "gzip" => {
            let mut r = Response::new(Body::from(GZIP_BODY));
            r.headers_mut()
                .insert("content-encoding", HeaderValue::from_static("gzip"));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("text/plain"));
            r
        }
        _ => {
            let text = format!(
                r#"{{"method":"{}","path":"{}","body_len":{}}}"#,
                hit.method, hit.path, hit.body_len
            );
            let mut r = Response::new(Body::from(text));
            let h = r.headers_mut();
            if mode == "close" {
                h.insert("connection", HeaderValue::from_static("close"));
            }
            h.insert("content-type", HeaderValue::from_static("application/json"));
            h.insert("set-cookie", HeaderValue::from_static("session=upstream"));
            h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
            h.insert("x-request-id", HeaderValue::from_static("up-req-1"));
            r
        }
    };
    res.headers_mut()
        .insert("x-upstream", HeaderValue::from_static("fake"));
    res
}

/// A running proxy; stopped when dropped.
pub struct Proxy {
    child: Child,
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // SIGTERM first: a start command such as `xtask proxy --edge` runs
        // the server (workerd) as a child of its own and stops it on
        // SIGTERM; SIGKILL (`Child::kill`) would leave it running.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    /// Every line it printed so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

/// Every key variable the proxy reads (its table's) and its token secret:
/// cleared for the child, so a developer's real keys never take part in a
/// test.
fn secret_vars() -> impl Iterator<Item = &'static str> {
    reve_remix_proxy::rules::table::TABLE
        .iter()
        .map(|e| e.key_env)
        .chain(["REMIX_PROXY_SECRET"])
}

/// The command that starts a proxy: `REVE_REMIX_PROXY_CMD` (words split on
/// spaces), else the native binary cargo built for these tests.
fn command() -> Command {
    match std::env::var("REVE_REMIX_PROXY_CMD") {
        Ok(line) if !line.trim().is_empty() => {
            let mut words = line.split_whitespace();
            let mut c = Command::new(words.next().unwrap_or_default());
            c.args(words);
            c
        }
        _ => Command::new(env!("CARGO_BIN_EXE_reve-remix-proxy")),
    }
}

/// Start a proxy with `args` (after `--addr 127.0.0.1:0`) and these keys.
pub fn start(args: &[String], keys: &[(&str, &str)]) -> Proxy {
    let mut c = command();
    c.args(["--addr", "127.0.0.1:0"]).args(args);
    for var in secret_vars() {
        c.env_remove(var);
    }
    for (k, v) in keys {
        c.env(k, v);
    }
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the proxy");
    let stdout = child.stdout.take().expect("stdout");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut first = Some(tx);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(tx) = first.take() {
                let _ = tx.send(line.clone());
            }
            sink.lock().expect("log").push(line);
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the proxy printed nothing");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the first line must be `listening on …`, got {first:?}"))
        .trim_end_matches('/')
        .to_string();
    Proxy { child, url, log }
}

/// The options every test starts from: each fake behaviour as a provider's
/// upstream, and `extra`.
pub fn args(up: &Upstream, extra: &[&str]) -> Vec<String> {
    let mut a = Vec::new();
    for (id, mode) in [
        ("replicate", "echo"),
        ("fal", "sse"),
        ("reve", "redirect"),
        ("aimlapi", "stall"),
        ("onerouter", "limited"),
        ("pixazo", "gzip"),
    ] {
        a.push("--upstream".to_string());
        a.push(format!("{id}={}/{mode}", up.url));
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// A client that follows no redirect and asks for no compression.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

/// A request through `proxy` to `target` for `provider`.
pub fn to(
    client: &reqwest::Client,
    proxy: &Proxy,
    method: reqwest::Method,
    provider: &str,
    target: &str,
) -> reqwest::RequestBuilder {
    client
        .request(method, &proxy.url)
        .header("x-remix-target-url", target)
        .header("x-remix-provider", provider)
}

/// Fails if `text` holds the key.
pub fn assert_no_key(what: &str, text: &str) {
    assert!(!text.contains(KEY), "the key is in {what}: {text}");
}

/// Pixazo's remix: priced at $0.06 a submission in the table.
pub const SUBMIT: &str = "https://gateway.pixazo.ai/reve-image/v1/image-edit-remix";
/// A status read of a Pixazo job: never priced, never refused for spend.
pub const STATUS: &str = "https://gateway.pixazo.ai/v2/requests/status/reve-image_1";
/// The token secret the budget tests give the proxy.
pub const SECRET: &str = "the-site-secret";

/// The time, in Unix seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// A Pixazo job submission through `proxy`, with `extra` headers.
pub async fn submit(
    c: &reqwest::Client,
    proxy: &Proxy,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = to(c, proxy, reqwest::Method::POST, "pixazo", SUBMIT).body("{}");
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.expect("answer")
}

/// The proxy's refusal code on `res`, or `-`.
pub fn code(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-remix-proxy-error")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

/// A proxy for Pixazo with no rate limit and `extra` options, and with
/// [`SECRET`] as its token secret when `secret`.
pub fn start_with(up: &Upstream, extra: &[&str], secret: bool) -> Proxy {
    let mut keys = vec![("PIXAZO_API_KEY", KEY)];
    if secret {
        keys.push(("REMIX_PROXY_SECRET", SECRET));
    }
    let mut a = vec!["--rate-limit", "0"];
    a.extend_from_slice(extra);
    start(&args(up, &a), &keys)
}
