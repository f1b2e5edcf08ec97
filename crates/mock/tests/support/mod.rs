//! What the per-host test files share: a mock on loopback, requests to it,
//! and real images to send (a copy of `mock.rs`'s helpers, which that file
//! keeps for itself).

#![allow(dead_code, reason = "each test file uses a part")]

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::HeaderMap;
use reve_remix_mock::Config;
use serde_json::Value;

pub const JOB: Duration = Duration::from_millis(300);

pub struct Mock {
    pub base: String,
    pub client: reqwest::Client,
}

pub struct Res {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn mock() -> Mock {
    mock_with(|_| {}).await
}

pub async fn mock_with(f: impl FnOnce(&mut Config)) -> Mock {
    let mut config = Config {
        job_duration: JOB,
        hang_limit: Duration::from_millis(700),
        wait_limit: Duration::from_secs(5),
        log_requests: false,
        ..Default::default()
    };
    f(&mut config);
    let addr = reve_remix_mock::spawn(([127, 0, 0, 1], 0).into(), config)
        .await
        .expect("spawn the mock");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");
    Mock {
        base: format!("http://{addr}"),
        client,
    }
}

impl Mock {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Res {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(serde_json::to_vec(b).expect("json"));
        }
        let res = req.send().await.expect("send");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.bytes().await.expect("body").to_vec();
        Res {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Res {
        self.send("POST", path, headers, Some(body)).await
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Res {
        self.send("GET", path, headers, None).await
    }

    /// GET an image URL and decode it as PNG; its dimensions.
    pub async fn fetch_png(&self, url: &str) -> (u32, u32) {
        let res = self.get(url, &[]).await;
        assert_eq!(res.status, 200, "GET {url}");
        assert_eq!(res.header("content-type"), Some("image/png"));
        png_dims(&res.body)
    }
}

pub fn png_dims(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("decodes as PNG");
    (img.width(), img.height())
}

pub fn encode(img: image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

pub fn picture(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 160]))
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::Png)
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::Jpeg)
}

pub fn webp(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::WebP)
}

/// One of the core's fixture images (real files from real encoders): one
/// copy for the core's tests and the mock's.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../core/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// A real PNG padded past 1.5 MB.
pub fn too_big() -> Vec<u8> {
    let mut b = png(8, 8);
    b.resize(1_500_000, 0);
    b
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", b64(bytes))
}

pub const URL_IMAGE: &str = "https://example.com/cat.png";

pub fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// Follow `url` (GET with `headers`) until `done` says the answer is final;
/// every answer seen, the last one final.
pub async fn poll(
    m: &Mock,
    url: &str,
    headers: &[(&str, &str)],
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let res = m.get(url, headers).await;
        assert_eq!(
            res.status,
            200,
            "GET {url}: {}",
            String::from_utf8_lossy(&res.body)
        );
        let v = res.json();
        let last = done(&v);
        seen.push(v);
        if last {
            return seen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never done: {:?}",
            seen.last()
        );
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

/// A prompt of `n` characters.
pub fn long_prompt(n: usize) -> String {
    "é".repeat(n)
}
