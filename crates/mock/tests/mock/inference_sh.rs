//! inference.sh: uploads, `apps/run`, the task stream and its errors.

use super::support::*;

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
