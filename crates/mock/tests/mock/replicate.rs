//! Replicate's predictions for `reve/remix`: create, wait, poll, cancel, errors.

use super::support::*;

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
