//! WaveSpeedAI: `reve/2.1/remix` and `reve/remix-fast`, the `{code,
//! message, data}` envelope, polling on both result paths, failures as
//! HTTP 200 with `data.status: "failed"`, sync mode, the fault keys.

use super::support::*;

const V21: &str = "/wavespeed/api/v3/reve/2.1/remix";
const FAST: &str = "/wavespeed/api/v3/reve/remix-fast";

fn images(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| data_url("image/webp", &webp(24 + i as u32, 24)))
        .collect()
}

async fn submit(m: &Mock, path: &str, key: &str, body: &Value) -> Res {
    let auth = bearer(key);
    m.post(path, &[("authorization", &auth)], body).await
}

fn done(v: &Value) -> bool {
    matches!(v["data"]["status"].as_str(), Some("completed" | "failed"))
}

#[tokio::test]
async fn reve_21_runs_and_is_followed_on_both_paths() {
    let m = mock().await;
    let body = json!({"prompt": "<frame>0</frame> and <frame>7</frame>", "images": images(8), "aspect_ratio": "16:9"});
    let res = submit(&m, V21, "ws-key", &body).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let v = res.json();
    assert_eq!(
        (v["code"].as_u64(), v["message"].as_str()),
        (Some(200), Some("success"))
    );
    let d = &v["data"];
    assert_eq!(d["status"], "created");
    assert_eq!(d["model"], "reve/2.1/remix");
    let id = d["id"].as_str().expect("id");
    assert_eq!(
        d["urls"]["get"],
        format!("{}/wavespeed/api/v3/predictions/{id}", m.base)
    );
    let auth = bearer("ws-key");
    let h = [("authorization", auth.as_str())];
    let seen = poll(
        &m,
        &format!("/wavespeed/api/v3/predictions/{id}/result"),
        &h,
        done,
    )
    .await;
    assert!(seen.iter().any(|v| v["data"]["status"] == "processing"));
    let last = &seen.last().expect("last")["data"];
    assert_eq!(last["status"], "completed");
    assert_eq!(last["has_nsfw_contents"], json!([false]));
    m.fetch_png(last["outputs"][0].as_str().expect("output"))
        .await;
    let other = m
        .get(d["urls"]["get"].as_str().expect("get"), &h)
        .await
        .json();
    assert_eq!(other["data"]["outputs"], last["outputs"]);
}

#[tokio::test]
async fn remix_fast_is_v1_in_wavespeeds_envelope() {
    let m = mock().await;
    let body = json!({"prompt": "<img>0</img> in snow", "reference_images": images(4), "enable_sync_mode": true, "output_format": "png"});
    let v = submit(&m, FAST, "k", &body).await.json();
    assert_eq!(v["data"]["status"], "completed", "{v}");
    assert_eq!(v["data"]["model"], "reve/remix-fast");
    let refused = |res: Res| {
        assert_eq!(res.status, 400, "{}", String::from_utf8_lossy(&res.body));
        let v = res.json();
        assert_eq!(v["code"], 400);
        assert!(v["data"].is_null() && v["message"].is_string());
    };
    refused(
        submit(
            &m,
            FAST,
            "k",
            &json!({"prompt": "x", "reference_images": images(5)}),
        )
        .await,
    );
    refused(
        submit(
            &m,
            FAST,
            "k",
            &json!({"prompt": "<img>1</img>", "reference_images": images(1)}),
        )
        .await,
    );
    refused(
        submit(
            &m,
            FAST,
            "k",
            &json!({"prompt": long_prompt(2561), "reference_images": images(1)}),
        )
        .await,
    );
    refused(
        submit(
            &m,
            FAST,
            "k",
            &json!({"prompt": "x", "reference_images": images(1), "aspect_ratio": "21:9"}),
        )
        .await,
    );
    refused(submit(&m, V21, "k", &json!({"prompt": "x", "images": images(9)})).await);
    refused(
        submit(
            &m,
            V21,
            "k",
            &json!({"prompt": "<frame>1</frame>", "images": images(1)}),
        )
        .await,
    );
    refused(
        submit(
            &m,
            V21,
            "k",
            &json!({"prompt": "x", "images": images(1), "output_format": "gif"}),
        )
        .await,
    );
    refused(
        submit(
            &m,
            V21,
            "k",
            &json!({"prompt": "x", "reference_images": images(1)}),
        )
        .await,
    );
}

#[tokio::test]
async fn failures_answer_200_with_status_failed() {
    let m = mock().await;
    let body = json!({"prompt": "x", "images": images(1)});
    for (key, nsfw) in [("mock-fail", json!([])), ("mock-violation", json!([true]))] {
        let v = submit(&m, V21, key, &body).await.json();
        let auth = bearer(key);
        let url = format!(
            "/wavespeed/api/v3/predictions/{}/result",
            v["data"]["id"].as_str().expect("id")
        );
        let last = poll(&m, &url, &[("authorization", &auth)], done).await;
        let d = &last.last().expect("last")["data"];
        assert_eq!(d["status"], "failed", "{key}");
        assert!(!d["error"].as_str().unwrap_or("").is_empty());
        assert_eq!(d["has_nsfw_contents"], nsfw);
    }
}

#[tokio::test]
async fn fault_keys_in_wavespeeds_envelope() {
    let m = mock_with(|c| c.hang_limit = std::time::Duration::from_millis(400)).await;
    let body = json!({"prompt": "x", "images": images(1)});
    for (key, status) in [
        ("mock-429", 429),
        ("mock-500", 500),
        ("mock-401", 401),
        ("mock-402", 402),
    ] {
        let r = submit(&m, V21, key, &body).await;
        assert_eq!(r.status, status, "{key}");
        assert_eq!(r.json()["code"], status);
    }
    assert_eq!(
        submit(&m, V21, "mock-429", &body)
            .await
            .header("retry-after"),
        Some("2")
    );
    let no_key = m.post(V21, &[], &body).await;
    assert_eq!(no_key.status, 401);
    let bad = submit(&m, V21, "mock-malformed", &body).await;
    assert!(serde_json::from_slice::<Value>(&bad.body).is_err());
    // A stuck job in sync mode: the answer says it timed out, still processing.
    let mut sync = body.clone();
    sync["enable_sync_mode"] = json!(true);
    let v = submit(&m, V21, "mock-stuck", &sync).await.json();
    assert_eq!(v["data"]["status"], "processing");
    assert!(
        v["data"]["error"]
            .as_str()
            .unwrap_or("")
            .contains("Sync mode timed out")
    );
    let unknown = m
        .get(
            "/wavespeed/api/v3/predictions/nope/result",
            &[("authorization", "Bearer k")],
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn a_closed_partner_api_fails_the_job() {
    let m = mock().await;
    let body = json!({"prompt": "x", "images": images(1), "enable_sync_mode": true});
    let v = submit(&m, V21, "mock-partner-closed", &body).await.json();
    assert_eq!(v["data"]["status"], "failed");
    assert!(
        v["data"]["error"]
            .as_str()
            .unwrap_or("")
            .contains("PARTNER_API_CLOSED")
    );
}
