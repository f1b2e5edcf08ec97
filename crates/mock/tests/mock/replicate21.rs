//! Replicate's `reve/reve-2.1`: its own create path, the v1 polling and
//! cancel, its inputs (0–8 `reference_images`, never `null`), Replicate's
//! error shapes.

use super::support::*;

const PATH: &str = "/replicate/v1/models/reve/reve-2.1/predictions";

async fn create(m: &Mock, key: &str, input: Value, wait: bool) -> Res {
    let auth = bearer(key);
    let mut h = vec![("authorization", auth.as_str())];
    if wait {
        h.push(("prefer", "wait=5"));
    }
    m.post(PATH, &h, &json!({ "input": input })).await
}

fn refs(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| data_url("image/jpeg", &jpeg(30 + i as u32, 20)))
        .collect()
}

#[tokio::test]
async fn a_prediction_waits_and_succeeds() {
    let m = mock().await;
    let input = json!({
        "prompt": "<frame>0</frame> in the style of <frame>7</frame>",
        "reference_images": refs(8),
        "aspect_ratio": "auto",
    });
    let res = create(&m, "r8_key", input, true).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let p = res.json();
    assert_eq!(p["status"], "succeeded");
    assert_eq!(p["model"], "reve/reve-2.1");
    let (w, h) = m.fetch_png(p["output"].as_str().expect("output")).await;
    assert!(w > 0 && h > 0);
    // Followed on the same path as v1.
    let id = p["id"].as_str().expect("id");
    let auth = bearer("r8_key");
    let again = m
        .get(
            &format!("/replicate/v1/predictions/{id}"),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(again.json()["status"], "succeeded");
    assert_eq!(
        p["urls"]["get"],
        format!("{}/replicate/v1/predictions/{id}", m.base)
    );
}

#[tokio::test]
async fn no_references_is_text_to_image_and_polls_through() {
    let m = mock().await;
    let res = create(
        &m,
        "k",
        json!({"prompt": "a red hat", "aspect_ratio": "4:1"}),
        false,
    )
    .await;
    assert_eq!(res.status, 201);
    let p = res.json();
    assert_eq!(p["status"], "starting");
    let auth = bearer("k");
    let seen = poll(
        &m,
        p["urls"]["get"].as_str().expect("get"),
        &[("authorization", &auth)],
        |v| v["status"] == "succeeded",
    )
    .await;
    assert!(seen.iter().any(|v| v["status"] == "processing"));
}

#[tokio::test]
async fn inputs_refused_as_replicate_refuses() {
    let m = mock().await;
    let refused = |res: Res, field: &str| {
        assert_eq!(res.status, 422, "{}", String::from_utf8_lossy(&res.body));
        let v = res.json();
        assert_eq!(v["title"], "Input validation failed");
        assert_eq!(v["invalid_fields"][0]["field"], field);
    };
    refused(
        create(
            &m,
            "k",
            json!({"prompt": "x", "reference_images": null}),
            false,
        )
        .await,
        "input.reference_images",
    );
    refused(
        create(
            &m,
            "k",
            json!({"prompt": "x", "reference_images": refs(9)}),
            false,
        )
        .await,
        "input.reference_images",
    );
    refused(
        create(
            &m,
            "k",
            json!({"prompt": "<frame>1</frame>", "reference_images": refs(1)}),
            false,
        )
        .await,
        "input.prompt",
    );
    refused(
        create(&m, "k", json!({"prompt": long_prompt(4001)}), false).await,
        "input.prompt",
    );
    refused(
        create(
            &m,
            "k",
            json!({"prompt": "x", "aspect_ratio": "7:5"}),
            false,
        )
        .await,
        "input.aspect_ratio",
    );
}

#[tokio::test]
async fn faults_and_cancel() {
    let m = mock().await;
    let input = json!({"prompt": "x"});
    let r = create(&m, "mock-429", input.clone(), false).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("2")));
    assert_eq!(r.json()["status"], 429);
    assert_eq!(
        create(&m, "mock-402", input.clone(), false).await.status,
        402
    );
    assert_eq!(
        create(&m, "mock-401", input.clone(), false).await.status,
        401
    );
    assert_eq!(
        create(&m, "mock-500", input.clone(), false).await.status,
        500
    );
    let p = create(&m, "mock-fail", input.clone(), true).await.json();
    assert_eq!(p["status"], "failed");
    assert!(p["error"].is_string());
    let p = create(&m, "mock-violation", input.clone(), true)
        .await
        .json();
    assert_eq!(p["status"], "failed");

    let m = mock_with(|c| c.job_duration = std::time::Duration::from_secs(5)).await;
    let p = create(&m, "k", input, false).await.json();
    let auth = bearer("k");
    let c = m
        .send(
            "POST",
            p["urls"]["cancel"].as_str().expect("cancel"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(c.json()["status"], "canceled");
    assert_eq!(c.json()["model"], "reve/reve-2.1");
}

#[tokio::test]
async fn a_closed_partner_api_fails_the_prediction() {
    let m = mock().await;
    let p = create(&m, "mock-partner-closed", json!({"prompt": "x"}), true).await;
    assert_eq!(p.status, 201, "accepted first");
    let p = p.json();
    assert_eq!(p["status"], "failed");
    assert!(
        p["error"]
            .as_str()
            .unwrap_or("")
            .contains("PARTNER_API_CLOSED")
    );
}
