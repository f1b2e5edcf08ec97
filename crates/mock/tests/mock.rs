//! The mock, end to end over loopback: every provider's happy path, its
//! documented errors, every fault scenario, the NDJSON and SSE streams.

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::HeaderMap;
use reve_remix_mock::Config;
use serde_json::{Value, json};

const JOB: Duration = Duration::from_millis(300);

struct Mock {
    base: String,
    client: reqwest::Client,
}

struct Res {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn mock() -> Mock {
    mock_with(|_| {}).await
}

async fn mock_with(f: impl FnOnce(&mut Config)) -> Mock {
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
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn send(
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

    async fn post(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Res {
        self.send("POST", path, headers, Some(body)).await
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Res {
        self.send("GET", path, headers, None).await
    }

    /// GET an image URL and decode it as PNG; its dimensions.
    async fn fetch_png(&self, url: &str) -> (u32, u32) {
        let res = self.get(url, &[]).await;
        assert_eq!(res.status, 200, "GET {url}");
        assert_eq!(res.header("content-type"), Some("image/png"));
        png_dims(&res.body)
    }
}

fn png_dims(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("decodes as PNG");
    (img.width(), img.height())
}

fn encode(img: image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

fn picture(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 160]))
}

fn png(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::Png)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::Jpeg)
}

fn webp(w: u32, h: u32) -> Vec<u8> {
    encode(picture(w, h), image::ImageFormat::WebP)
}

/// One of the core's fixture images (real files from real encoders): one
/// copy for the core's tests and the mock's.
fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../core/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// A real PNG padded past 1.5 MB.
fn too_big() -> Vec<u8> {
    let mut b = png(8, 8);
    b.resize(1_500_000, 0);
    b
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", b64(bytes))
}

const URL_IMAGE: &str = "https://example.com/cat.png";

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// A valid submit for each provider: (path, auth header name, auth value, body).
fn valid_submit(provider: &str, key: &str) -> (String, &'static str, String, Value) {
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

const ALL: [&str; 8] = [
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
fn assert_error_shape(provider: &str, res: &Res) {
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

// ---------------------------------------------------------------- general

#[tokio::test]
async fn index_lists_providers_and_scenarios() {
    let m = mock().await;
    let res = m.get("/", &[]).await;
    assert_eq!(res.status, 200);
    let text = String::from_utf8(res.body).expect("utf-8");
    for p in ALL {
        assert!(text.contains(p), "{p} missing");
    }
    assert!(text.contains(&format!("{}/reve", m.base)));
    for key in [
        "mock-429",
        "mock-429-hidden",
        "mock-500",
        "mock-401",
        "mock-402",
        "mock-malformed",
        "mock-violation",
        "mock-stuck",
        "mock-drop",
        "mock-slow",
        "mock-fail",
    ] {
        assert!(text.contains(key), "{key} missing");
    }
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let m = mock().await;
    for path in [
        "/reve/v1/image/remix",
        "/replicate/v1/models/reve/remix/predictions",
        "/pixazo/v2/requests/status/x",
    ] {
        let res = m
            .send(
                "OPTIONS",
                path,
                &[
                    ("origin", "http://localhost:8080"),
                    ("access-control-request-method", "POST"),
                    (
                        "access-control-request-headers",
                        "authorization,content-type,ocp-apim-subscription-key,prefer,x-remix-target-url,x-fal-queue-priority",
                    ),
                ],
                None,
            )
            .await;
        assert!(
            res.status == 200 || res.status == 204,
            "{path}: {}",
            res.status
        );
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));
        let allowed = res
            .header("access-control-allow-headers")
            .unwrap_or("")
            .to_ascii_lowercase();
        for h in [
            "authorization",
            "ocp-apim-subscription-key",
            "prefer",
            "x-remix-target-url",
            "x-fal-queue-priority",
        ] {
            assert!(allowed.contains(h), "{h} not allowed: {allowed}");
        }
        assert!(
            res.header("access-control-allow-methods")
                .unwrap_or("")
                .contains("PUT")
        );
    }
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("origin", "http://localhost:8080")],
            &json!({}),
        )
        .await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let exposed = res
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    for h in ["retry-after", "x-fal-retryable", "x-request-id"] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn hostile_requests_get_answers_not_panics() {
    let m = mock().await;
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!({"prompt": 5}),
        json!({"reference_images": "x"}),
    ];
    for p in ALL {
        let (path, h, v, _) = valid_submit(p, "k");
        for b in &bodies {
            let res = m.post(&path, &[(h, &v)], b).await;
            assert!((400..500).contains(&res.status), "{p} {b}: {}", res.status);
            assert_error_shape(p, &res);
        }
        let res = m
            .send(
                "POST",
                &path,
                &[(h, &v), ("content-type", "application/json")],
                None,
            )
            .await;
        assert!((400..500).contains(&res.status), "{p} empty body");
    }
    let huge_ref = json!({"prompt": "<img>99999999999999999999999</img>", "reference_images": [b64(&png(4, 4))]});
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer k")],
            &huge_ref,
        )
        .await;
    assert_eq!(res.status, 400);
    let res = m
        .get(
            "/fal/fal-ai/reve/requests/%2e%2e%2f/status",
            &[("authorization", "Key k")],
        )
        .await;
    assert_eq!(res.status, 404);
    let res = m.get("/nowhere", &[]).await;
    assert_eq!(res.status, 404);
}

// ---------------------------------------------------------------- reve

#[tokio::test]
async fn reve_happy_path() {
    let m = mock().await;
    let images = [
        png(64, 48),
        jpeg(80, 60),
        webp(40, 40),
        fixture("avif_64x40.avif"),
        fixture("avif_alpha_48x32.avif"),
        png(10, 30),
    ];
    let body = json!({
        "prompt": "Put the cat from <img>0</img> in the room of <img>5</img>",
        "reference_images": images.iter().map(|i| b64(i)).collect::<Vec<_>>(),
        "aspect_ratio": "16:9",
        "version": "latest",
        "test_time_scaling": 2,
        "postprocessing": [{"process": "upscale", "upscale_factor": 2}],
    });
    let started = Instant::now();
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer sk-test")],
            &body,
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert!(started.elapsed() >= JOB / 4);
    let v = res.json();
    assert_eq!(v["content_violation"], false);
    assert_eq!(v["version"], "reve-remix@20250915");
    assert!(v["request_id"].is_string());
    assert!(v["credits_used"].as_i64().is_some() && v["credits_remaining"].as_i64().is_some());
    let image = v["image"].as_str().expect("image");
    assert!(!image.starts_with("data:"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image)
        .expect("base64");
    assert_eq!(png_dims(&bytes), (512, 288));

    // Prompt at exactly 2560 scalar values (multi-byte) is fine; no ratio → the first image's.
    let body = json!({"prompt": "é".repeat(2560), "reference_images": [b64(&png(60, 80))]});
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer sk-test")],
            &body,
        )
        .await;
    assert_eq!(res.status, 200);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(res.json()["image"].as_str().expect("image"))
        .expect("b64");
    assert_eq!(png_dims(&bytes), (384, 512));
}

#[tokio::test]
async fn reve_validation_errors() {
    let m = mock().await;
    let ok = b64(&png(16, 16));
    let auth = [("authorization", "Bearer sk-test")];
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"reference_images": [ok]}),
            400,
            "MISSING_REQUIRED_PARAMETER",
        ),
        (
            json!({"prompt": "x", "reference_images": []}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": vec![ok.clone(); 7]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x".repeat(2561), "reference_images": [ok]}),
            400,
            "PROMPT_TOO_LONG",
        ),
        (
            json!({"prompt": "x", "reference_images": [ok], "aspect_ratio": "5:4"}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "<img>1</img>", "reference_images": [ok]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [data_url("image/png", &png(4, 4))]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [URL_IMAGE]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": ["%%%not base64"]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [ok], "version": "v9"}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [ok], "test_time_scaling": 6}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [ok, b64(&fixture("heic_64x40.heic"))]}),
            422,
            "INVALID_REFERENCE_IMAGE",
        ),
        (
            json!({"prompt": "x", "reference_images": [ok], "postprocessing": [{"process": "sharpen"}]}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            json!({"prompt": "x", "reference_images": [b64(&too_big())]}),
            422,
            "INVALID_REFERENCE_IMAGE",
        ),
        (
            json!({"prompt": "x", "reference_images": [b64(b"hello world")]}),
            422,
            "INVALID_REFERENCE_IMAGE",
        ),
    ];
    for (body, status, code) in cases {
        let res = m.post("/reve/v1/image/remix", &auth, &body).await;
        let v = res.json();
        assert_eq!(
            (res.status, v["error_code"].as_str()),
            (status, Some(code)),
            "{v}"
        );
        assert!(res.header("x-reve-request-id").is_some());
    }
    // Reve's own sniffer takes no HEIF: the refusal names the image and the format.
    let heic = m
        .post(
            "/reve/v1/image/remix",
            &auth,
            &json!({"prompt": "x", "reference_images": [ok, b64(&fixture("heic_64x40.heic"))]}),
        )
        .await;
    let said = heic.json()["message"].as_str().unwrap_or("").to_string();
    assert!(
        said.contains("reference_images[1]") && said.contains("HEIF"),
        "{said}"
    );
    let too_big = m
        .post(
            "/reve/v1/image/remix",
            &auth,
            &json!({"prompt": "x", "reference_images": [b64(&too_big())]}),
        )
        .await;
    assert!(
        too_big.json()["message"]
            .as_str()
            .unwrap_or("")
            .contains("1.5"),
        "{}",
        too_big.json()
    );

    for headers in [
        vec![],
        vec![("authorization", "Key sk-test")],
        vec![("authorization", "Bearer ")],
        vec![("authorization", "Bearer mock-401")],
    ] {
        let res = m
            .post(
                "/reve/v1/image/remix",
                &headers,
                &json!({"prompt": "x", "reference_images": [ok]}),
            )
            .await;
        assert_eq!(res.status, 401);
        assert_error_shape("reve", &res);
    }
    let res = m
        .send(
            "POST",
            "/reve/v1/image/remix",
            &[auth[0], ("content-type", "application/json")],
            None,
        )
        .await;
    assert_eq!(res.json()["error_code"], "INVALID_JSON");
}

#[tokio::test]
async fn reve_violation_fail_and_stuck() {
    let m = mock().await;
    let body = json!({"prompt": "x", "reference_images": [b64(&png(16, 16))]});
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer mock-violation")],
            &body,
        )
        .await;
    assert_eq!(res.status, 200);
    let v = res.json();
    assert_eq!(v["content_violation"], true);
    assert!(v.get("image").is_none());

    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer mock-fail")],
            &body,
        )
        .await;
    assert_eq!(res.status, 500);
    assert_error_shape("reve", &res);

    let started = Instant::now();
    let res = m
        .post(
            "/reve/v1/image/remix",
            &[("authorization", "Bearer mock-stuck")],
            &body,
        )
        .await;
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "held until hang_limit"
    );
    assert_eq!(res.status, 504);
    assert_error_shape("reve", &res);
}

// ---------------------------------------------------------------- scenarios, every provider

#[tokio::test]
async fn early_scenarios_in_each_providers_shape() {
    let m = mock().await;
    for p in ALL {
        for (key, status) in [
            ("mock-429", 429),
            ("mock-500", 0),
            ("mock-401", 401),
            ("mock-402", 0),
        ] {
            let (path, h, v, body) = valid_submit(p, key);
            let res = m.post(&path, &[(h, &v)], &body).await;
            match key {
                "mock-500" => assert!(res.status >= 500, "{p} {key}: {}", res.status),
                "mock-402" => {
                    let expected: &[u16] = match p {
                        "aimlapi" | "fal" => &[403],
                        _ => &[402],
                    };
                    assert!(expected.contains(&res.status), "{p} {key}: {}", res.status);
                }
                _ => assert_eq!(res.status, status, "{p} {key}"),
            }
            if key == "mock-429" {
                assert_eq!(res.header("retry-after"), Some("2"), "{p}");
            }
            assert_error_shape(p, &res);
        }
    }
}

/// `mock-429-hidden` answers as `mock-429` does, but a page cannot read its
/// `Retry-After`: the CORS answer lists no exposed headers.
#[tokio::test]
async fn a_hidden_429_withholds_its_headers_from_pages() {
    let m = mock().await;
    for p in ALL {
        for (key, exposed) in [("mock-429", true), ("mock-429-hidden", false)] {
            let (path, h, v, body) = valid_submit(p, key);
            let res = m
                .post(&path, &[(h, &v), ("origin", "http://127.0.0.1:9")], &body)
                .await;
            assert_eq!(res.status, 429, "{p} {key}");
            assert_eq!(res.header("retry-after"), Some("2"), "{p} {key}");
            let list = res.header("access-control-expose-headers").unwrap_or("");
            assert_eq!(list.contains("retry-after"), exposed, "{p} {key}: {list:?}");
            assert_error_shape(p, &res);
        }
    }
}

#[tokio::test]
async fn malformed_and_dropped_answers() {
    let m = mock().await;
    for p in ALL {
        let (path, h, v, body) = valid_submit(p, "mock-malformed");
        let res = m.post(&path, &[(h, &v)], &body).await;
        assert_eq!(res.status, 200, "{p}");
        assert!(
            serde_json::from_slice::<Value>(&res.body).is_err(),
            "{p}: malformed body parsed"
        );

        let (path, h, v, body) = valid_submit(p, "mock-drop");
        let res = m
            .client
            .post(m.url(&path))
            .header(h, v.as_str())
            .json(&body)
            .send()
            .await
            .expect("headers arrive");
        assert_eq!(res.status().as_u16(), 200, "{p}");
        assert!(res.bytes().await.is_err(), "{p}: the body should break");
    }
}

#[tokio::test]
async fn slow_and_stuck_queued_jobs() {
    let m = mock().await;
    let submit = |key: &str| valid_submit("fal", key);
    let (path, h, v, body) = submit("ok-key");
    let normal = m.post(&path, &[(h, &v)], &body).await.json();
    let (path, h, v_slow, body) = submit("mock-slow");
    let slow = m.post(&path, &[(h, &v_slow)], &body).await.json();
    let (path, h, v_stuck, body) = submit("mock-stuck");
    let stuck = m.post(&path, &[(h, &v_stuck)], &body).await.json();
    tokio::time::sleep(JOB + Duration::from_millis(150)).await;
    let st = |url: &Value, key: &str| {
        let url = url.as_str().expect("status_url").to_string();
        let auth = format!("Key {key}");
        let m = &m;
        async move { m.get(&url, &[("authorization", &auth)]).await.json()["status"].clone() }
    };
    assert_eq!(st(&normal["status_url"], "ok-key").await, "COMPLETED");
    assert_ne!(st(&slow["status_url"], "mock-slow").await, "COMPLETED");
    tokio::time::sleep(JOB * 2).await;
    assert_eq!(st(&stuck["status_url"], "mock-stuck").await, "IN_PROGRESS");

    // Synchronous and slow: takes slow_factor × the usual quarter of job_duration.
    let (path, h, v, body) = valid_submit("onerouter", "mock-slow");
    let started = Instant::now();
    assert_eq!(m.post(&path, &[(h, &v)], &body).await.status, 200);
    assert!(started.elapsed() >= JOB);
}

// ---------------------------------------------------------------- fal

#[tokio::test]
async fn fal_queue_happy_path() {
    let m = mock().await;
    let auth = [("authorization", "Key fal-key")];
    let body = json!({
        "prompt": "<img>0</img> meets <img>1</img>",
        "image_urls": [data_url("image/jpeg", &jpeg(50, 40)), URL_IMAGE],
        "aspect_ratio": "1:1",
    });
    let res = m.post("/fal/fal-ai/reve/remix", &auth, &body).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let sub = res.json();
    let id = sub["request_id"].as_str().expect("request_id");
    let base = format!("{}/fal/fal-ai/reve/requests/{id}", m.base);
    assert_eq!(sub["status_url"], format!("{base}/status"));
    assert_eq!(sub["response_url"], base);
    assert_eq!(sub["cancel_url"], format!("{base}/cancel"));

    let mut seen = Vec::new();
    let mut positions = Vec::new();
    let mut logs = 0;
    loop {
        let v = m.get(&format!("{base}/status?logs=1"), &auth).await.json();
        let s = v["status"].as_str().expect("status").to_string();
        if s == "IN_QUEUE" {
            positions.push(v["queue_position"].as_u64().expect("queue_position"));
        }
        if s == "IN_PROGRESS" {
            let l = v["logs"].as_array().expect("logs when ?logs=1");
            for line in l {
                assert!(line["message"].is_string() && line["timestamp"].is_string());
            }
            logs = logs.max(l.len());
        }
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    assert_eq!(seen, ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
    assert!(
        positions.windows(2).all(|w| w[0] >= w[1]) && positions.first() > positions.last(),
        "{positions:?}"
    );
    assert!(logs > 0);
    let status_no_logs = m.get(&format!("{base}/status"), &auth).await.json();
    assert!(status_no_logs["logs"].is_null());

    let result = m.get(&base, &auth).await;
    assert_eq!(result.status, 200);
    // fal's own client takes the result's requestId from this header.
    assert_eq!(
        result
            .headers
            .get("x-fal-request-id")
            .and_then(|v| v.to_str().ok()),
        Some(id)
    );
    let img = &result.json()["images"][0];
    assert_eq!(img["content_type"], "image/png");
    assert_eq!(
        (img["width"].as_u64(), img["height"].as_u64()),
        (Some(512), Some(512))
    );
    assert_eq!(
        m.fetch_png(img["url"].as_str().expect("url")).await,
        (512, 512)
    );
}

#[tokio::test]
async fn fal_errors_and_cancel() {
    let m = mock().await;
    let auth = [("authorization", "Key fal-key")];
    let res = m
        .post(
            "/fal/fal-ai/reve/remix",
            &[("authorization", "Bearer fal-key")],
            &json!({}),
        )
        .await;
    assert_eq!(
        (res.status, res.header("x-fal-retryable")),
        (401, Some("false"))
    );

    // Six are taken (fal's client types), seven are not.
    let six = json!({"prompt": "x", "image_urls": vec![URL_IMAGE; 6]});
    let res = m.post("/fal/fal-ai/reve/remix", &auth, &six).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let seven = json!({"prompt": "x", "image_urls": vec![URL_IMAGE; 7]});
    let res = m.post("/fal/fal-ai/reve/remix", &auth, &seven).await;
    assert_eq!(res.status, 422);
    let d = &res.json()["detail"][0];
    assert_eq!(d["loc"], json!(["body", "image_urls"]));
    assert!(d["msg"].is_string() && d["type"].is_string());

    for (body, loc) in [
        (
            json!({"prompt": "x", "image_urls": [data_url("image/png", b"not an image")]}),
            json!(["body", "image_urls", 0]),
        ),
        (
            json!({"prompt": "x", "image_urls": [URL_IMAGE], "aspect_ratio": "2:1"}),
            json!(["body", "aspect_ratio"]),
        ),
        (
            json!({"prompt": "<img>3</img>", "image_urls": [URL_IMAGE]}),
            json!(["body", "prompt"]),
        ),
        (
            json!({"image_urls": [URL_IMAGE]}),
            json!(["body", "prompt"]),
        ),
        (
            json!({"prompt": "x", "image_urls": ["http://example.com/a.png"]}),
            json!(["body", "image_urls", 0]),
        ),
    ] {
        let res = m.post("/fal/fal-ai/reve/remix", &auth, &body).await;
        assert_eq!(res.status, 422, "{body}");
        assert_eq!(res.json()["detail"][0]["loc"], loc);
    }

    let sub = m
        .post(
            "/fal/fal-ai/reve/remix",
            &auth,
            &json!({"prompt": "x", "image_urls": [URL_IMAGE]}),
        )
        .await
        .json();
    let early = m
        .get(sub["response_url"].as_str().expect("url"), &auth)
        .await;
    assert_eq!(early.status, 400);
    let cancel = m
        .send("PUT", sub["cancel_url"].as_str().expect("url"), &auth, None)
        .await;
    assert_eq!(
        (cancel.status, cancel.json()["status"].clone()),
        (202, json!("CANCELLATION_REQUESTED"))
    );
    let again = m
        .send("PUT", sub["cancel_url"].as_str().expect("url"), &auth, None)
        .await;
    assert_eq!(
        (again.status, again.json()["status"].clone()),
        (400, json!("ALREADY_COMPLETED"))
    );
    let st = m
        .get(sub["status_url"].as_str().expect("url"), &auth)
        .await
        .json();
    assert_eq!(st["status"], "COMPLETED");
    assert!(st["error"].is_string());

    let missing = m.get("/fal/fal-ai/reve/requests/nope/status", &auth).await;
    assert_eq!(missing.status, 404);
    let no_auth = m.get(sub["status_url"].as_str().expect("url"), &[]).await;
    assert_eq!(no_auth.status, 401);

    // Failures surface on the result.
    for (key, status, kind) in [
        ("mock-violation", 422, "content_policy_violation"),
        ("mock-fail", 500, ""),
    ] {
        let a = format!("Key {key}");
        let sub = m
            .post(
                "/fal/fal-ai/reve/remix",
                &[("authorization", &a)],
                &json!({"prompt": "x", "image_urls": [URL_IMAGE]}),
            )
            .await
            .json();
        tokio::time::sleep(JOB + Duration::from_millis(100)).await;
        let st = m
            .get(
                sub["status_url"].as_str().expect("url"),
                &[("authorization", &a)],
            )
            .await
            .json();
        assert_eq!(st["status"], "COMPLETED");
        assert!(st["error"].is_string());
        let res = m
            .get(
                sub["response_url"].as_str().expect("url"),
                &[("authorization", &a)],
            )
            .await;
        assert_eq!(res.status, status);
        if !kind.is_empty() {
            assert_eq!(res.json()["detail"][0]["type"], kind);
        }
    }
}

#[tokio::test]
async fn fal_status_stream_sse() {
    let m = mock().await;
    let auth = [("authorization", "Key fal-key")];
    let sub = m
        .post(
            "/fal/fal-ai/reve/remix",
            &auth,
            &json!({"prompt": "x", "image_urls": [URL_IMAGE]}),
        )
        .await
        .json();
    let url = format!("{}/stream?logs=1", sub["status_url"].as_str().expect("url"));
    let res = m
        .get(&url, &[auth[0], ("accept", "text/event-stream")])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("text/event-stream"));
    let text = String::from_utf8(res.body).expect("utf-8");
    let events: Vec<Value> = text
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).expect("event JSON"))
        .collect();
    assert_eq!(
        events.first().map(|e| e["status"].clone()),
        Some(json!("IN_QUEUE"))
    );
    assert_eq!(
        events.last().map(|e| e["status"].clone()),
        Some(json!("COMPLETED"))
    );
    assert!(events.iter().any(|e| e["status"] == "IN_PROGRESS"));
    let total_logs: usize = events
        .iter()
        .filter_map(|e| e["logs"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(total_logs, 8, "each log line sent once");
}

// ---------------------------------------------------------------- inference.sh

async fn upload(m: &Mock, auth: &str, bytes: &[u8], name: &str, mime: &str) -> String {
    let files = json!({"files": [{"uri": "", "filename": name, "content_type": mime, "size": bytes.len()}]});
    let res = m
        .post("/inference-sh/files", &[("authorization", auth)], &files)
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let rec = res.json()["data"][0].clone();
    assert!(rec["id"].is_string());
    let put = m
        .client
        .put(rec["upload_url"].as_str().expect("upload_url"))
        .header("content-type", mime)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("PUT");
    assert_eq!(put.status().as_u16(), 200);
    let uri = rec["uri"].as_str().expect("uri").to_string();
    let back = m.get(&uri, &[]).await;
    assert_eq!(back.body, bytes);
    uri
}

#[tokio::test]
async fn inference_upload_run_and_poll() {
    let m = mock().await;
    let auth = "Bearer inf-key";
    let a = upload(&m, auth, &png(40, 30), "a.png", "image/png").await;
    let b = upload(
        &m,
        auth,
        &fixture("heic_64x40.heic"),
        "b.heic",
        "image/heic",
    )
    .await;
    let run = json!({"app": "reve/remix", "input": {
        "prompt": "the dog from 0 on the sofa of 1", "images": [a, b, URL_IMAGE],
        "aspect_ratio": "3:4", "test_time_scaling": 2, "upscale_factor": 2, "remove_background": false,
    }});
    let res = m
        .post("/inference-sh/apps/run", &[("authorization", auth)], &run)
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let task = res.json()["data"].clone();
    let id = task["id"].as_str().expect("id").to_string();
    assert!(task["status"].is_number());

    let mut statuses = Vec::new();
    loop {
        let v = m
            .get(
                &format!("/inference-sh/tasks/{id}/status"),
                &[("authorization", auth)],
            )
            .await
            .json();
        let s = v["data"]["status"].as_u64().expect("status number");
        assert_eq!(v["data"]["id"], id.as_str());
        assert!(v["data"]["updated_at"].is_string());
        if statuses.last() != Some(&s) {
            statuses.push(s);
        }
        if s >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(statuses.windows(2).all(|w| w[0] < w[1]), "{statuses:?}");
    assert!(
        statuses.contains(&9) && statuses.contains(&7),
        "passes running and uploading: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&10));
    let full = m
        .get(
            &format!("/inference-sh/tasks/{id}"),
            &[("authorization", auth)],
        )
        .await
        .json();
    let uri = full["data"]["output"]["image"]["uri"]
        .as_str()
        .expect("output.image.uri");
    assert_eq!(m.fetch_png(uri).await, (384, 512));
}

#[tokio::test]
async fn inference_ndjson_stream() {
    let m = mock().await;
    let auth = "Bearer inf-key";
    let (path, _, _, body) = valid_submit("inference-sh", "inf-key");
    let id = m
        .post(&path, &[("authorization", auth)], &body)
        .await
        .json()["data"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let res = m
        .get(
            &format!("/inference-sh/tasks/{id}/stream"),
            &[("authorization", auth), ("accept", "application/x-ndjson")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    let lines: Vec<Value> = String::from_utf8(res.body)
        .expect("utf-8")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(lines.iter().any(|l| l["type"] == "heartbeat"), "heartbeats");
    let partials: Vec<u64> = lines
        .iter()
        .filter(|l| l["fields"].is_array())
        .map(|l| l["data"]["status"].as_u64().expect("status"))
        .collect();
    assert!(
        partials.len() >= 3 && partials.windows(2).all(|w| w[0] < w[1]),
        "{partials:?}"
    );
    assert!(partials.contains(&9));
    let last = lines.last().expect("lines");
    assert_eq!(last["data"]["status"], 10);
    let uri = last["data"]["output"]["image"]["uri"]
        .as_str()
        .expect("uri");
    assert_eq!(m.fetch_png(uri).await.0, 512);
}

#[tokio::test]
async fn inference_errors_envelopes_and_cancel() {
    let m = mock().await;
    let run =
        |images: Value| json!({"app": "reve/remix", "input": {"prompt": "x", "images": images}});
    let auth = [("authorization", "Bearer inf-key")];

    let res = m
        .post("/inference-sh/apps/run", &[], &run(json!([URL_IMAGE])))
        .await;
    assert_eq!(res.status, 401);
    assert_error_shape("inference-sh", &res);

    let files = m
        .post(
            "/inference-sh/files",
            &auth,
            &json!({"files": [{"filename": "x.png", "content_type": "image/png"}]}),
        )
        .await;
    let never_uploaded = files.json()["data"][0]["uri"]
        .as_str()
        .expect("uri")
        .to_string();
    let cut = upload(
        &m,
        "Bearer inf-key",
        &png(4, 4)[..20],
        "cut.png",
        "image/png",
    )
    .await;
    for (images, field) in [
        (json!([never_uploaded]), "input.images[0]"),
        (json!([URL_IMAGE, cut]), "input.images[1]"),
        (
            json!([data_url("image/png", &png(4, 4))]),
            "input.images[0]",
        ),
        (json!(vec![URL_IMAGE; 7]), "input.images"),
        (
            json!([format!("{}/inference-sh/cdn/unknown/x.png", m.base)]),
            "input.images[0]",
        ),
    ] {
        let res = m
            .post("/inference-sh/apps/run", &auth, &run(images.clone()))
            .await;
        assert_eq!(res.status, 422, "{images}");
        assert_error_shape("inference-sh", &res);
        assert_eq!(res.json()["errors"][0]["field"], field);
    }
    let bad_opt = json!({"app": "reve/remix", "input": {"prompt": "x", "images": [URL_IMAGE], "test_time_scaling": 6}});
    assert_eq!(
        m.post("/inference-sh/apps/run", &auth, &bad_opt)
            .await
            .status,
        422
    );
    let bad_app = json!({"app": "other/app", "input": {"prompt": "x", "images": [URL_IMAGE]}});
    assert_eq!(
        m.post("/inference-sh/apps/run", &auth, &bad_app)
            .await
            .status,
        404
    );

    // Envelopes: bare and legacy, by key and by query.
    let bare = m
        .post(
            "/inference-sh/apps/run",
            &[("authorization", "Bearer mock-bare")],
            &run(json!([URL_IMAGE])),
        )
        .await
        .json();
    assert!(bare["id"].is_string() && bare.get("data").is_none());
    let legacy = m
        .post(
            "/inference-sh/apps/run?envelope=legacy",
            &auth,
            &run(json!([URL_IMAGE])),
        )
        .await
        .json();
    assert_eq!(legacy["success"], true);
    let id = legacy["data"]["id"].as_str().expect("id").to_string();
    let err = m
        .post(
            "/inference-sh/apps/run",
            &[("authorization", "Bearer mock-legacy")],
            &run(json!([])),
        )
        .await;
    assert_eq!(err.status, 422);
    let err = err.json();
    assert_eq!(err["success"], false);
    assert!(err["error"]["code"].is_string() && err["error"]["message"].is_string());

    // Cancel.
    let c = m
        .post(
            &format!("/inference-sh/tasks/{id}/cancel"),
            &auth,
            &json!({}),
        )
        .await;
    assert_eq!(c.status, 200);
    let s = m
        .get(&format!("/inference-sh/tasks/{id}/status"), &auth)
        .await
        .json();
    assert_eq!(s["data"]["status"], 12);
    assert_eq!(
        m.post(
            &format!("/inference-sh/tasks/{id}/cancel"),
            &auth,
            &json!({})
        )
        .await
        .status,
        409
    );
    assert_eq!(m.get("/inference-sh/tasks/nope", &auth).await.status, 404);

    // A failing job ends at 11 with its error.
    for key in ["mock-fail", "mock-violation"] {
        let a = format!("Bearer {key}");
        let id = m
            .post(
                "/inference-sh/apps/run",
                &[("authorization", &a)],
                &run(json!([URL_IMAGE])),
            )
            .await
            .json()["data"]["id"]
            .as_str()
            .expect("id")
            .to_string();
        tokio::time::sleep(JOB + Duration::from_millis(100)).await;
        let t = m
            .get(
                &format!("/inference-sh/tasks/{id}"),
                &[("authorization", &a)],
            )
            .await
            .json();
        assert_eq!(t["data"]["status"], 11);
        assert!(!t["data"]["error"].as_str().unwrap_or("").is_empty());
        assert!(t["data"]["output"].is_null());
    }
}

// ---------------------------------------------------------------- AIML API

/// A provider's published OpenAPI spec: the copy the core's tests check
/// requests against (crates/core/tests/recorded), one for both.
fn spec(name: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/../core/tests/recorded/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("spec");
    serde_json::from_str(&text).expect("spec JSON")
}

/// A small JSON-schema check: types, nullable, required, enums, items.
fn conforms(schema: &Value, v: &Value, path: &str) {
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

#[tokio::test]
async fn aimlapi_against_its_spec() {
    let m = mock().await;
    let spec = spec("aimlapi.openapi.json");
    let op = &spec["paths"]["/v1/images/generations"]["post"];
    let request = &op["requestBody"]["content"]["application/json"]["schema"];
    let response = &op["responses"]["200"]["content"]["application/json"]["schema"];
    let auth = [("authorization", "Bearer aiml-key")];
    let path = "/aimlapi/v1/images/generations";

    // The spec's own limits are the mock's.
    let max = request["properties"]["image_urls"]["maxItems"]
        .as_u64()
        .expect("maxItems") as usize;
    let ratios = request["properties"]["aspect_ratio"]["enum"]
        .as_array()
        .expect("enum")
        .clone();
    let ok = |n: usize, extra: Value| {
        let mut b = json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": vec![URL_IMAGE; n]});
        for (k, v) in extra.as_object().into_iter().flatten() {
            b[k] = v.clone();
        }
        conforms(request, &b, "request");
        b
    };
    for r in &ratios {
        let res = m
            .post(path, &auth, &ok(1, json!({"aspect_ratio": r})))
            .await;
        assert_eq!(res.status, 201, "{r}");
        conforms(response, &res.json(), "response");
    }
    let over = json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": vec![URL_IMAGE; max + 1]});
    let res = m.post(path, &auth, &over).await;
    assert_eq!(
        (res.status, res.json()["message"].clone()),
        (400, json!("Body validation error"))
    );

    // URL by default (3:2), base64 when asked; data URIs are images too.
    let res = m.post(path, &auth, &json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": [data_url("image/webp", &webp(30, 20))]})).await;
    assert_eq!(res.status, 201);
    let v = res.json();
    assert!(v["data"][0]["b64_json"].is_null());
    assert!(v["meta"]["usage"]["credits_used"].is_number());
    assert_eq!(
        m.fetch_png(v["data"][0]["url"].as_str().expect("url"))
            .await,
        (512, 341)
    );
    let res = m
        .post(path, &auth, &ok(2, json!({"convert_base64_to_url": false})))
        .await;
    let v = res.json();
    assert!(v["data"][0]["url"].is_null());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v["data"][0]["b64_json"].as_str().expect("b64"))
        .expect("b64");
    png_dims(&bytes);

    for bad in [
        json!({"model": "other", "prompt": "x", "image_urls": [URL_IMAGE]}),
        json!({"model": "reve/remix-edit-image", "image_urls": [URL_IMAGE]}),
        json!({"model": "reve/remix-edit-image", "prompt": "x".repeat(2561), "image_urls": [URL_IMAGE]}),
        json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": []}),
        json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": [data_url("image/png", &too_big())]}),
        json!({"model": "reve/remix-edit-image", "prompt": "x", "image_urls": [URL_IMAGE], "aspect_ratio": "21:9"}),
    ] {
        let res = m.post(path, &auth, &bad).await;
        assert_eq!(
            (res.status, res.json()["message"].clone()),
            (400, json!("Body validation error")),
            "{bad}"
        );
    }
    let res = m.post(path, &[], &ok(1, json!({}))).await;
    assert_eq!(res.status, 401);
    let res = m
        .post(
            path,
            &[("authorization", "Bearer mock-violation")],
            &ok(1, json!({})),
        )
        .await;
    assert_eq!(res.status, 201);
    let v = res.json();
    assert_eq!(v["data"][0]["content_violation"], true);
    assert!(v["data"][0]["url"].is_null() && v["data"][0]["b64_json"].is_null());
    conforms(response, &v, "violation");
    let res = m
        .post(
            path,
            &[("authorization", "Bearer mock-stuck")],
            &ok(1, json!({})),
        )
        .await;
    assert!(res.status >= 500);
}

// ---------------------------------------------------------------- OneRouter

#[tokio::test]
async fn onerouter_against_its_spec() {
    let m = mock().await;
    let spec = spec("onerouter.openapi.json");
    let op = &spec["paths"]["/v1/images/edits"]["post"];
    let request = &op["requestBody"]["content"]["application/json"]["schema"];
    let response = &op["responses"]["200"]["content"]["application/json"]["schema"];
    let path = "/onerouter/v1/images/edits";
    let body = |extra: Value| {
        let mut b = json!({"model": "reve-remix-image-to-image", "prompt": "<img>0</img> twice", "image_urls": [URL_IMAGE, data_url("image/png", &png(20, 20))], "n": 1});
        for (k, v) in extra.as_object().into_iter().flatten() {
            b[k] = v.clone();
        }
        conforms(request, &b, "request");
        b
    };
    for auth in ["router-key", "Bearer router-key"] {
        let res = m
            .post(
                path,
                &[("authorization", auth)],
                &body(json!({"aspect_ratio": "9:16"})),
            )
            .await;
        assert_eq!(res.status, 200, "{auth}");
        let v = res.json();
        conforms(response, &v, "response");
        assert_eq!(v["data"][0]["revised_prompt"], "<img>0</img> twice");
        assert_eq!(
            m.fetch_png(v["data"][0]["url"].as_str().expect("url"))
                .await,
            (288, 512)
        );
    }
    let res = m
        .post(
            path,
            &[("authorization", "router-key")],
            &body(json!({"output_format": "b64_json"})),
        )
        .await;
    let v = res.json();
    conforms(response, &v, "b64");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v["data"][0]["b64_json"].as_str().expect("b64"))
        .expect("b64");
    png_dims(&bytes);

    for (extra, param) in [
        (json!({"n": 2}), "n"),
        (json!({"model": "dall-e"}), "model"),
        (json!({"image_urls": vec![URL_IMAGE; 5]}), "image_urls"),
        (json!({"output_format": "png"}), "output_format"),
        (json!({"prompt": "<img>2</img>"}), "prompt"),
        (
            json!({"image_urls": [data_url("image/png", b"not a png")]}),
            "image_urls",
        ),
    ] {
        let mut b = body(json!({}));
        for (k, v) in extra.as_object().into_iter().flatten() {
            b[k] = v.clone();
        }
        let res = m.post(path, &[("authorization", "router-key")], &b).await;
        assert_eq!(res.status, 400, "{extra}");
        assert_error_shape("onerouter", &res);
        assert_eq!(res.json()["error"]["param"], param);
    }
    let res = m.post(path, &[], &body(json!({}))).await;
    assert_eq!(res.status, 401);
    assert_error_shape("onerouter", &res);
    let res = m
        .post(
            path,
            &[("authorization", "mock-violation")],
            &body(json!({})),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["type"].clone()),
        (403, json!("moderation"))
    );
    let res = m
        .post(path, &[("authorization", "mock-stuck")], &body(json!({})))
        .await;
    assert_eq!(res.status, 408);
    let res = m
        .post(path, &[("authorization", "mock-fail")], &body(json!({})))
        .await;
    assert_eq!(res.status, 502);
    assert_error_shape("onerouter", &res);
}

// ---------------------------------------------------------------- Pixazo

/// Run the client's driver (`reve-remix-core`) against this mock over
/// loopback, on the real clock: what a page's fetch loop does. Returns the
/// outcome and the URLs of the requests sent.
async fn drive(
    m: &Mock,
    input: &reve_remix_core::provider::RemixInput,
    cfg: reve_remix_core::provider::Config,
) -> (
    Result<reve_remix_core::job::RemixResult, reve_remix_core::RemixError>,
    Vec<String>,
) {
    use reve_remix_core::driver::{Action, Driver, RunOptions};
    use reve_remix_core::http::{Body, HttpResponse};
    let started = Instant::now();
    let now = || started.elapsed().as_millis() as u64;
    let opts = RunOptions {
        timeout_ms: 20_000,
        ..RunOptions::default()
    };
    let mut d = Driver::start(input, cfg, opts, now()).expect("valid input");
    let mut sent = Vec::new();
    loop {
        match d.next(now()) {
            Action::Send(req) => {
                sent.push(req.url.clone());
                let method =
                    reqwest::Method::from_bytes(req.method.as_str().as_bytes()).expect("m");
                let mut r = m.client.request(method, &req.url);
                for (k, v) in &req.headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                if let Some(ct) = req.body.content_type() {
                    r = r.header("content-type", ct);
                }
                if !matches!(req.body, Body::None) {
                    r = r.body(req.body.bytes().to_vec());
                }
                match r.send().await {
                    Ok(res) => {
                        let mut out = HttpResponse::new(res.status().as_u16(), Vec::new());
                        for (k, v) in res.headers() {
                            out = out.with_header(k.as_str(), v.to_str().unwrap_or(""));
                        }
                        out.body = res.bytes().await.expect("body").to_vec();
                        d.on_response(now(), out);
                    }
                    Err(e) => d.on_network_error(now(), &e.to_string()),
                }
            }
            Action::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Action::Done(r) => return (Ok(r), sent),
            Action::Fail(e) => return (Err(e), sent),
            Action::Stream { .. } => panic!("Pixazo has no stream"),
        }
    }
}

/// Whichever of Pixazo's two edit paths the gateway serves, the client's
/// edit gets through: the captured page's first, the other page's after
/// its 404, and never a third submit.
#[tokio::test]
async fn the_clients_pixazo_edit_finds_whichever_path_is_served() {
    use reve_remix_core::provider::{Config as ClientConfig, ImageSource, RemixInput};
    use reve_remix_mock::PixazoEditPaths;
    let input = RemixInput {
        prompt: "Add a red hat".into(),
        images: vec![ImageSource::Url(URL_IMAGE.into())],
        ..Default::default()
    };
    for (paths, submits) in [
        (
            PixazoEditPaths::CapturedOnly,
            &["/reve-image/v1/image-edit"][..],
        ),
        (
            PixazoEditPaths::AlternateOnly,
            &[
                "/reve-image/v1/image-edit",
                "/reve-image/v1/reve-edit/generate",
            ][..],
        ),
    ] {
        let m = mock_with(|c| c.pixazo_edit_paths = paths).await;
        let mut cfg =
            ClientConfig::new(reve_remix_core::provider::ProviderId::PixazoEdit, "pz-key");
        cfg.base_url = Some(format!("{}/pixazo-edit", m.base));
        let (outcome, sent) = drive(&m, &input, cfg).await;
        let result = outcome.unwrap_or_else(|e| panic!("{paths:?}: {e:?}"));
        let url = result.images[0].url.clone().expect("a result URL");
        assert!(m.fetch_png(&url).await.0 > 0, "a real image");
        let tried: Vec<&str> = sent
            .iter()
            .filter(|u| u.contains("/reve-image/"))
            .map(|u| u.trim_start_matches(&format!("{}/pixazo-edit", m.base)))
            .collect();
        assert_eq!(tried, submits, "{paths:?}");
    }
}

async fn pixazo_follow(m: &Mock, key: &str, polling_url: &str) -> (Vec<String>, Value) {
    let mut seen: Vec<String> = Vec::new();
    loop {
        let v = m
            .get(polling_url, &[("ocp-apim-subscription-key", key)])
            .await
            .json();
        let s = v["status"].as_str().expect("status").to_string();
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if !matches!(s.as_str(), "QUEUED" | "PROCESSING") {
            return (seen, v);
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

#[tokio::test]
async fn pixazo_remix_and_edit() {
    let m = mock().await;
    let key = [("ocp-apim-subscription-key", "pix-key")];
    let body = json!({"prompt": "<img>0</img> and <img>1</img>", "reference_images": [URL_IMAGE, "https://example.com/b.jpg"], "aspect_ratio": "4:3", "version": "latest"});
    let res = m
        .post("/pixazo/reve-image/v1/image-edit-remix", &key, &body)
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let v = res.json();
    assert_eq!(v["status"], "QUEUED");
    let id = v["request_id"].as_str().expect("id");
    assert_eq!(
        v["polling_url"],
        format!("{}/pixazo/v2/requests/status/{id}", m.base)
    );
    let (seen, done) = pixazo_follow(&m, "pix-key", v["polling_url"].as_str().expect("url")).await;
    assert_eq!(seen, ["QUEUED", "PROCESSING", "COMPLETED"]);
    assert_eq!(done["output"]["media_type"], "image/png");
    assert!(done["completed_at"].is_string() && done["error"].is_null());
    assert_eq!(
        m.fetch_png(done["output"]["media_url"][0].as_str().expect("url"))
            .await,
        (512, 384)
    );

    // The single-image edit, also under /pixazo-edit.
    for prefix in ["/pixazo", "/pixazo-edit"] {
        let res = m
            .post(
                &format!("{prefix}/reve-image/v1/image-edit"),
                &key,
                &json!({"prompt": "add a hat", "image": URL_IMAGE}),
            )
            .await;
        assert_eq!(res.status, 202);
        let url = res.json()["polling_url"].as_str().expect("url").to_string();
        assert!(url.starts_with(&format!("{}{prefix}/v2/", m.base)));
        let (_, done) = pixazo_follow(&m, "pix-key", &url).await;
        assert_eq!(done["status"], "COMPLETED");
    }

    for (path, bad) in [
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [data_url("image/png", &png(4, 4))]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": ["http://example.com/a.png"]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": vec![URL_IMAGE; 5]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [URL_IMAGE], "aspect_ratio": "1:2"}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [URL_IMAGE], "version": "reve-edit@20250915"}),
        ),
        (
            "image-edit",
            json!({"prompt": "x", "image": [URL_IMAGE, URL_IMAGE]}),
        ),
        (
            "image-edit",
            json!({"prompt": "<img>1</img>", "image": URL_IMAGE}),
        ),
        ("image-edit", json!({"prompt": "x"})),
    ] {
        let res = m
            .post(&format!("/pixazo/reve-image/v1/{path}"), &key, &bad)
            .await;
        assert_eq!(res.status, 400, "{bad}");
        assert_error_shape("pixazo", &res);
    }
    let res = m
        .post("/pixazo/reve-image/v1/image-edit-remix", &[], &body)
        .await;
    assert_eq!(res.status, 401);
    assert_error_shape("pixazo", &res);
    assert_eq!(
        m.get("/pixazo/v2/requests/status/nope", &key).await.status,
        404
    );

    for key in ["mock-fail", "mock-violation"] {
        let res = m
            .post(
                "/pixazo/reve-image/v1/image-edit-remix",
                &[("ocp-apim-subscription-key", key)],
                &body,
            )
            .await;
        let (_, done) =
            pixazo_follow(&m, key, res.json()["polling_url"].as_str().expect("url")).await;
        assert_eq!(done["status"], "FAILED");
        assert!(done["error"].is_string() && done["output"].is_null());
    }
}

// ---------------------------------------------------------------- Replicate

#[tokio::test]
async fn replicate_predictions() {
    let m = mock().await;
    let auth = [("authorization", "Bearer r8_key")];
    let path = "/replicate/v1/models/reve/remix/predictions";
    let body = json!({"input": {"prompt": "<img>0</img>", "reference_images": [data_url("image/png", &png(30, 30)), URL_IMAGE], "aspect_ratio": "2:3"}});

    let res = m.post(path, &[auth[0], ("prefer", "wait")], &body).await;
    assert_eq!(res.status, 201);
    let p = res.json();
    assert_eq!(p["status"], "succeeded");
    assert_eq!(
        m.fetch_png(p["output"].as_str().expect("output URL")).await,
        (341, 512)
    );
    assert!(p["logs"].as_str().unwrap_or("").contains("Denoising"));

    let res = m.post(path, &auth, &body).await;
    let p = res.json();
    assert_eq!((res.status, p["status"].clone()), (201, json!("starting")));
    let get = p["urls"]["get"].as_str().expect("urls.get").to_string();
    assert!(p["urls"]["cancel"].is_string());
    let mut seen: Vec<String> = Vec::new();
    let done = loop {
        let v = m.get(&get, &auth).await.json();
        let s = v["status"].as_str().expect("status").to_string();
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "succeeded" {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    };
    assert_eq!(seen, ["starting", "processing", "succeeded"]);
    assert!(done["completed_at"].is_string() && done["output"].is_string());

    let p = m.post(path, &auth, &body).await.json();
    let c = m
        .post(
            p["urls"]["cancel"].as_str().expect("cancel"),
            &auth,
            &json!({}),
        )
        .await;
    assert_eq!(
        (c.status, c.json()["status"].clone()),
        (200, json!("canceled"))
    );

    let res = m.post(path, &[], &body).await;
    assert_eq!(res.status, 401);
    assert_error_shape("replicate", &res);
    for bad in [
        json!({"input": {"prompt": "x", "reference_images": vec![URL_IMAGE; 5]}}),
        json!({"input": {"reference_images": [URL_IMAGE]}}),
        json!({"prompt": "x"}),
        json!({"input": {"prompt": "x", "reference_images": [data_url("image/png", b"not an image")]}}),
    ] {
        let res = m.post(path, &auth, &bad).await;
        assert_eq!(res.status, 422, "{bad}");
        let v = res.json();
        assert!(
            v["detail"].is_string() && v["invalid_fields"].is_array(),
            "{v}"
        );
    }
    assert_eq!(
        m.get("/replicate/v1/predictions/nope", &auth).await.status,
        404
    );

    // Prefer: wait on a stuck job gives up at N seconds with the prediction as it is.
    let started = Instant::now();
    let p = m
        .post(
            path,
            &[("authorization", "Bearer mock-stuck"), ("prefer", "wait=1")],
            &body,
        )
        .await
        .json();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(p["status"], "processing");
    let p = m
        .post(
            path,
            &[
                ("authorization", "Bearer mock-violation"),
                ("prefer", "wait"),
            ],
            &body,
        )
        .await
        .json();
    assert_eq!(p["status"], "failed");
    assert!(p["error"].is_string());
}
