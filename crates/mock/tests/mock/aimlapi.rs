//! AI/ML API: the synchronous images route, its answers and errors.

use super::support::*;

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
