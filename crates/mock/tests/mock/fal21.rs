//! fal's Reve 2.1 app, `reve/2.1/remix`, beside its v1 `fal-ai/reve/remix`:
//! its own queue URLs, its limits (8 images, `<frame>N</frame>`, 4000
//! characters, 17 ratios + `auto`), its faults in fal's shapes.

use super::support::*;

const AUTH: [(&str, &str); 1] = [("authorization", "Key fal-key")];

fn body(images: usize, prompt: &str) -> Value {
    let urls: Vec<String> = (0..images)
        .map(|i| data_url("image/png", &png(40 + i as u32, 30)))
        .collect();
    json!({"prompt": prompt, "image_urls": urls})
}

async fn submit(m: &Mock, key: &str, body: &Value) -> Res {
    let auth = format!("Key {key}");
    m.post("/fal/reve/2.1/remix", &[("authorization", &auth)], body)
        .await
}

fn done(v: &Value) -> bool {
    v["status"] == "COMPLETED"
}

#[tokio::test]
async fn eight_references_run_through_the_21_queue() {
    let m = mock().await;
    let mut b = body(8, "<frame>0</frame> meets <frame>7</frame>");
    b["aspect_ratio"] = json!("21:9");
    b["image_urls"][3] = json!(URL_IMAGE);
    let res = submit(&m, "fal-key", &b).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let sub = res.json();
    let id = sub["request_id"].as_str().expect("request_id");
    // fal's URLs drop the app's `/remix` subpath.
    let base = format!("{}/fal/reve/2.1/requests/{id}", m.base);
    assert_eq!(sub["status_url"], format!("{base}/status"));
    assert_eq!(sub["response_url"], base);
    assert_eq!(sub["cancel_url"], format!("{base}/cancel"));
    assert_eq!(sub["status"], "IN_QUEUE");

    let seen = poll(&m, &format!("{base}/status?logs=1"), &AUTH, done).await;
    let statuses: Vec<&str> = seen.iter().filter_map(|v| v["status"].as_str()).collect();
    assert!(statuses.contains(&"IN_QUEUE") && statuses.contains(&"IN_PROGRESS"));
    let result = m.get(&base, &AUTH).await;
    assert_eq!(result.status, 200);
    let img = &result.json()["images"][0];
    let (w, h) = m.fetch_png(img["url"].as_str().expect("url")).await;
    let ratio = f64::from(w) / f64::from(h);
    assert!((ratio - 21.0 / 9.0).abs() < 0.05, "{w}x{h}");

    // The v1 app knows nothing of a 2.1 request, and the other way round.
    let v1 = m
        .get(
            &format!("{}/fal/fal-ai/reve/requests/{id}/status", m.base),
            &AUTH,
        )
        .await;
    assert_eq!(v1.status, 404);
}

#[tokio::test]
async fn the_21_limits_in_fals_422() {
    let m = mock().await;
    let refused = |res: &Res, loc: Value| {
        assert_eq!(res.status, 422, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.header("x-fal-retryable"), Some("false"));
        assert_eq!(res.json()["detail"][0]["loc"], loc);
    };
    refused(
        &submit(&m, "k", &body(9, "nine")).await,
        json!(["body", "image_urls"]),
    );
    refused(
        &submit(&m, "k", &body(2, "<frame>2</frame>")).await,
        json!(["body", "prompt"]),
    );
    refused(
        &submit(&m, "k", &body(1, &long_prompt(4001))).await,
        json!(["body", "prompt"]),
    );
    let mut b = body(1, "x");
    b["aspect_ratio"] = json!("5:3");
    refused(&submit(&m, "k", &b).await, json!(["body", "aspect_ratio"]));
    let mut b = body(1, "x");
    b["image_urls"][0] = json!(data_url("image/png", &too_big()));
    refused(&submit(&m, "k", &b).await, json!(["body", "image_urls", 0]));

    // At the limits, and `<img>N</img>` is only text to Reve 2.1.
    let mut b = body(1, &long_prompt(4000));
    b["aspect_ratio"] = json!("auto");
    assert_eq!(submit(&m, "k", &b).await.status, 200);
    assert_eq!(submit(&m, "k", &body(1, "<img>5</img>")).await.status, 200);
    // The v1 app keeps its six.
    let v1 = m
        .post("/fal/fal-ai/reve/remix", &AUTH, &body(7, "seven"))
        .await;
    assert_eq!(v1.status, 422);
}

#[tokio::test]
async fn faults_in_fals_shapes() {
    let m = mock().await;
    let b = body(1, "<frame>0</frame>");
    let res = submit(&m, "mock-429", &b).await;
    assert_eq!(res.status, 429);
    assert_eq!(res.header("retry-after"), Some("2"));
    assert!(res.json()["detail"].is_string());
    assert_eq!(submit(&m, "mock-500", &b).await.status, 500);
    assert_eq!(submit(&m, "mock-401", &b).await.status, 401);
    assert_eq!(submit(&m, "mock-402", &b).await.status, 403);
    let bad = submit(&m, "mock-malformed", &b).await;
    assert!(serde_json::from_slice::<Value>(&bad.body).is_err());
    let dropped = m
        .client
        .post(m.url("/fal/reve/2.1/remix"))
        .header("authorization", "Key mock-drop")
        .json(&b)
        .send()
        .await;
    if let Ok(r) = dropped {
        assert!(r.bytes().await.is_err(), "the body is cut short");
    }

    for (key, status, kind) in [
        ("mock-fail", 500, "internal_server_error"),
        ("mock-violation", 422, "content_policy_violation"),
    ] {
        let auth = format!("Key {key}");
        let h = [("authorization", auth.as_str())];
        let sub = submit(&m, key, &b).await.json();
        let last = poll(&m, sub["status_url"].as_str().expect("url"), &h, done).await;
        assert_eq!(last.last().expect("last")["error_type"], kind);
        let res = m.get(sub["response_url"].as_str().expect("url"), &h).await;
        assert_eq!(res.status, status, "{key}");
    }
}

#[tokio::test]
async fn cancel_and_the_event_stream_on_21_paths() {
    let m = mock_with(|c| c.job_duration = std::time::Duration::from_secs(5)).await;
    let sub = submit(&m, "k", &body(1, "x")).await.json();
    let cancel = m
        .send("PUT", sub["cancel_url"].as_str().expect("url"), &AUTH, None)
        .await;
    assert_eq!(cancel.status, 202);
    assert_eq!(cancel.json()["status"], "CANCELLATION_REQUESTED");
    let status = m
        .get(sub["status_url"].as_str().expect("url"), &AUTH)
        .await
        .json();
    assert_eq!(status["error_type"], "request_cancelled");

    let m = mock().await;
    let sub = submit(&m, "k", &body(1, "x")).await.json();
    let stream = format!("{}/stream", sub["status_url"].as_str().expect("url"));
    let res = m.get(&stream, &AUTH).await;
    assert_eq!(res.header("content-type"), Some("text/event-stream"));
    let text = String::from_utf8_lossy(&res.body);
    assert!(text.contains("\"COMPLETED\""), "{text}");
}

#[tokio::test]
async fn a_closed_partner_api_fails_the_request() {
    let m = mock().await;
    let sub = submit(&m, "mock-partner-closed", &body(1, "x"))
        .await
        .json();
    let h = [("authorization", "Key mock-partner-closed")];
    let seen = poll(&m, sub["status_url"].as_str().expect("url"), &h, done).await;
    let last = seen.last().expect("last");
    assert!(
        last["error"]
            .as_str()
            .unwrap_or("")
            .contains("PARTNER_API_CLOSED"),
        "{last}"
    );
}
