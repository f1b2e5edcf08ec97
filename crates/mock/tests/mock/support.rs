//! What every provider's tests share: a mock on loopback, requests to it,
//! real images to send, a valid submit per provider and its error shape.

// What nearly every test file names, brought in with `support::*`.
pub use base64::Engine as _;
pub use reqwest::header::HeaderMap;
pub use reve_remix_mock::Config;
pub use serde_json::{Value, json};
pub use std::time::{Duration, Instant};

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

/// One of the fixture images (fixtures/images: real files from real
/// encoders), the same files every crate's tests read.
pub fn fixture(name: &str) -> Vec<u8> {
    reve_remix_fixtures::bytes(name).to_vec()
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

/// A valid submit for each provider: (path, auth header name, auth value, body).
pub fn valid_submit(provider: &str, key: &str) -> (String, &'static str, String, Value) {
    match provider {
        "reve" => (
            "/reve/v1/image/remix".into(),
            "authorization",
            bearer(key),
            json!({"prompt": "a cat <img>0</img>", "reference_images": [b64(&png(32, 24))]}),
        ),
        "fal" => (
            "/fal/fal-ai/reve/remix".into(),
            "authorization",
            format!("Key {key}"),
            json!({"prompt": "a cat <img>0</img>", "image_urls": [URL_IMAGE]}),
        ),
        "inference-sh" => (
            "/inference-sh/apps/run".into(),
            "authorization",
            bearer(key),
            json!({"app": "reve/remix", "input": {"prompt": "a cat 0", "images": [URL_IMAGE]}}),
        ),
        "aimlapi" => (
            "/aimlapi/v1/images/generations".into(),
            "authorization",
            bearer(key),
            json!({"model": "reve/remix-edit-image", "prompt": "a cat", "image_urls": [URL_IMAGE]}),
        ),
        "onerouter" => (
            "/onerouter/v1/images/edits".into(),
            "authorization",
            key.to_string(),
            json!({"model": "reve-remix-image-to-image", "prompt": "a cat", "image_urls": [URL_IMAGE]}),
        ),
        "pixazo" => (
            "/pixazo/reve-image/v1/image-edit-remix".into(),
            "ocp-apim-subscription-key",
            key.to_string(),
            json!({"prompt": "a cat", "reference_images": [URL_IMAGE]}),
        ),
        "pixazo-edit" => (
            "/pixazo/reve-image/v1/image-edit".into(),
            "ocp-apim-subscription-key",
            key.to_string(),
            json!({"prompt": "a cat", "image": URL_IMAGE}),
        ),
        "replicate" => (
            "/replicate/v1/models/reve/remix/predictions".into(),
            "authorization",
            bearer(key),
            json!({"input": {"prompt": "a cat", "reference_images": [URL_IMAGE]}}),
        ),
        other => panic!("unknown provider {other}"),
    }
}

pub const ALL: [&str; 8] = [
    "reve",
    "fal",
    "inference-sh",
    "aimlapi",
    "onerouter",
    "pixazo",
    "pixazo-edit",
    "replicate",
];

/// The provider's error body has its documented shape.
pub fn assert_error_shape(provider: &str, res: &Res) {
    let v = res.json();
    match provider {
        "reve" => assert!(
            v["error_code"].is_string() && v["message"].is_string(),
            "{v}"
        ),
        "fal" => {
            assert!(v["detail"].is_string() || v["detail"].is_array(), "{v}");
            assert!(res.header("x-fal-retryable").is_some());
        }
        "inference-sh" => {
            assert_eq!(res.header("content-type"), Some("application/problem+json"));
            for k in ["type", "title", "status", "detail"] {
                assert!(!v[k].is_null(), "{k} in {v}");
            }
            assert_eq!(v["status"], res.status);
        }
        "aimlapi" => assert!(v["message"].is_string(), "{v}"),
        "onerouter" => {
            for k in ["code", "message", "type"] {
                assert!(v["error"][k].is_string(), "{k} in {v}");
            }
            assert!(v["error"].get("param").is_some());
        }
        "pixazo" | "pixazo-edit" => {
            assert!(v["error"].is_string() && v["message"].is_string(), "{v}")
        }
        "replicate" => assert!(v["detail"].is_string() && v["title"].is_string(), "{v}"),
        _ => unreachable!(),
    }
}

/// A provider's published OpenAPI spec: the copy the core's tests check
/// requests against (crates/core/tests/recorded), one for both.
pub fn spec(name: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/../core/tests/recorded/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("spec");
    serde_json::from_str(&text).expect("spec JSON")
}

/// A small JSON-schema check: types, nullable, required, enums, items.
pub fn conforms(schema: &Value, v: &Value, path: &str) {
    if v.is_null() {
        assert!(
            schema["nullable"] == true || schema.get("type").is_none(),
            "{path}: null not allowed"
        );
        return;
    }
    match schema["type"].as_str() {
        Some("object") => {
            let obj = v
                .as_object()
                .unwrap_or_else(|| panic!("{path}: not an object"));
            for r in schema["required"].as_array().into_iter().flatten() {
                assert!(
                    obj.contains_key(r.as_str().unwrap_or("")),
                    "{path}: missing {r}"
                );
            }
            if let Some(props) = schema["properties"].as_object() {
                for (k, s) in props {
                    if let Some(x) = obj.get(k) {
                        conforms(s, x, &format!("{path}.{k}"));
                    }
                }
            }
        }
        Some("array") => {
            for (i, x) in v
                .as_array()
                .unwrap_or_else(|| panic!("{path}: not an array"))
                .iter()
                .enumerate()
            {
                conforms(&schema["items"], x, &format!("{path}[{i}]"));
            }
        }
        Some("string") => assert!(v.is_string(), "{path}: not a string"),
        Some("number") => assert!(v.is_number(), "{path}: not a number"),
        Some("integer") => assert!(v.is_i64() || v.is_u64(), "{path}: not an integer"),
        Some("boolean") => assert!(v.is_boolean(), "{path}: not a boolean"),
        _ => {}
    }
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(allowed.contains(v), "{path}: {v} not in enum");
    }
}
