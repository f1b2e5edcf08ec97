//! OneRouter: the images edit route, its answers and errors.

use super::support::*;

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
