//! Atlas Cloud's `reve-ai/reve-2.1/remix`: both readings of its body, its
//! `{code, msg, data}` envelope, failures as HTTP 200, its limits (6
//! images, 2560 characters), no `Retry-After`.

use super::support::*;

const SUBMIT: &str = "/atlascloud/api/v1/model/generateImage";
const MODEL: &str = "reve-ai/reve-2.1/remix";

fn images(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| data_url("image/png", &png(20 + i as u32, 20)))
        .collect()
}

async fn submit(m: &Mock, key: &str, body: &Value) -> Res {
    let auth = bearer(key);
    m.post(SUBMIT, &[("authorization", &auth)], body).await
}

async fn follow(m: &Mock, key: &str, id: &str) -> Vec<Value> {
    let auth = bearer(key);
    poll(
        m,
        &format!("/atlascloud/api/v1/model/prediction/{id}"),
        &[("authorization", &auth)],
        |v| matches!(v["data"]["status"].as_str(), Some("completed" | "failed")),
    )
    .await
}

#[tokio::test]
async fn flat_and_nested_bodies_both_run() {
    let m = mock().await;
    let flat = json!({
        "model": MODEL,
        "prompt": "<frame>0</frame> with <frame>5</frame>",
        "images": images(6),
        "aspect_ratio": "auto",
        "resolution": "4k",
        "output_format": "png",
    });
    let nested = json!({"model": MODEL, "input": {"prompt": "<frame>0</frame>", "images": [b64(&png(16, 16))]}});
    for body in [flat, nested] {
        let res = submit(&m, "atlas-key", &body).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let v = res.json();
        assert_eq!(
            (v["code"].as_u64(), v["msg"].as_str()),
            (Some(200), Some("success"))
        );
        assert_eq!(v["data"]["status"], "processing");
        let seen = follow(&m, "atlas-key", v["data"]["id"].as_str().expect("id")).await;
        let d = &seen.last().expect("last")["data"];
        assert_eq!(d["status"], "completed");
        assert_eq!(d["model"], MODEL);
        m.fetch_png(d["outputs"][0].as_str().expect("outputs[0]"))
            .await;
    }
}

#[tokio::test]
async fn limits_refused_in_atlas_envelope() {
    let m = mock().await;
    let refused = |res: Res, what: &str| {
        assert_eq!(
            res.status,
            400,
            "{what}: {}",
            String::from_utf8_lossy(&res.body)
        );
        assert!(res.header("x-request-id").is_some());
        let v = res.json();
        assert_eq!(v["code"], 400);
        assert!(v["data"].is_null() && v["request_id"].is_string());
        assert!(v["msg"].as_str().unwrap_or("").contains(what), "{v}");
    };
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = json!({"model": MODEL, "prompt": "x", "images": images(1)});
        f(&mut b);
        b
    };
    refused(
        submit(&m, "k", &with(&|b| b["images"] = json!(images(7)))).await,
        "images",
    );
    refused(
        submit(&m, "k", &with(&|b| b["prompt"] = json!(long_prompt(2561)))).await,
        "prompt",
    );
    refused(
        submit(&m, "k", &with(&|b| b["prompt"] = json!("<frame>1</frame>"))).await,
        "prompt",
    );
    refused(
        submit(
            &m,
            "k",
            &with(&|b| b["model"] = json!("reve-ai/reve-2.1/edit")),
        )
        .await,
        "model",
    );
    refused(
        submit(&m, "k", &with(&|b| b["aspect_ratio"] = json!("2:5"))).await,
        "aspect_ratio",
    );
    refused(
        submit(&m, "k", &with(&|b| b["images"] = json!([]))).await,
        "images",
    );
    let nested = json!({"model": MODEL, "input": {"prompt": "x", "images": images(7)}});
    refused(submit(&m, "k", &nested).await, "input.images");
    // 2560 is Atlas's limit for this model, not Reve's 4000.
    assert_eq!(
        submit(&m, "k", &with(&|b| b["prompt"] = json!(long_prompt(2560))))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn failed_jobs_answer_200_with_an_error_code() {
    let m = mock().await;
    let body = json!({"model": MODEL, "prompt": "x", "images": images(1)});
    for (key, code) in [("mock-fail", 1000), ("mock-violation", 1039)] {
        let v = submit(&m, key, &body).await.json();
        let seen = follow(&m, key, v["data"]["id"].as_str().expect("id")).await;
        let d = &seen.last().expect("last")["data"];
        assert_eq!(d["status"], "failed");
        assert_eq!(d["error_code"], code);
        assert!(d["error"].is_string());
    }
}

#[tokio::test]
async fn fault_keys_without_retry_after() {
    let m = mock().await;
    let body = json!({"model": MODEL, "prompt": "x", "images": images(1)});
    let r = submit(&m, "mock-429", &body).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), None, "Atlas sends no Retry-After");
    assert_eq!(r.json()["code"], 429);
    for (key, status) in [("mock-500", 500), ("mock-401", 401), ("mock-402", 402)] {
        let r = submit(&m, key, &body).await;
        assert_eq!(
            (r.status, r.json()["code"].as_u64()),
            (status, Some(u64::from(status))),
            "{key}"
        );
    }
    assert_eq!(m.post(SUBMIT, &[], &body).await.status, 401);
    let bad = submit(&m, "mock-malformed", &body).await;
    assert!(serde_json::from_slice::<Value>(&bad.body).is_err());
    let missing = m
        .get(
            "/atlascloud/api/v1/model/prediction/nope",
            &[("authorization", "Bearer k")],
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_closed_partner_api_fails_the_job() {
    let m = mock().await;
    let body = json!({"model": MODEL, "prompt": "x", "images": images(1)});
    let v = submit(&m, "mock-partner-closed", &body).await.json();
    let seen = follow(
        &m,
        "mock-partner-closed",
        v["data"]["id"].as_str().expect("id"),
    )
    .await;
    let d = &seen.last().expect("last")["data"];
    assert_eq!(d["status"], "failed");
    assert!(
        d["error"]
            .as_str()
            .unwrap_or("")
            .contains("PARTNER_API_CLOSED")
    );
}
