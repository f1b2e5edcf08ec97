//! fal's queue for `fal-ai/reve/remix`: submit, status, stream, result, cancel, errors.

use super::support::*;

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
    // The position never goes up. That it counts down is state.rs's unit
    // test: on a loaded machine every poll of the queue may land in one slot.
    assert!(
        !positions.is_empty()
            && positions.iter().all(|&p| p < 3)
            && positions.windows(2).all(|w| w[0] >= w[1]),
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
