//! Reve's own API: the synchronous remix, its errors and limits.

use super::support::*;

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
