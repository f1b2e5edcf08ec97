//! Pixazo: both remix routes, the polling fallback and its errors.

use super::support::*;

/// Run the client's driver (`reve-remix-core`) against this mock over
/// loopback, on the real clock: what a page's fetch loop does. Returns the
/// outcome and the URLs of the requests sent.
async fn drive(
    m: &Mock,
    input: &reve_remix_core::provider::RemixInput,
    cfg: reve_remix_core::provider::Config,
) -> (
    Result<reve_remix_core::job::RemixResult, reve_remix_core::RemixError>,
    Vec<String>,
) {
    use reve_remix_core::driver::{Action, Driver, RunOptions};
    use reve_remix_core::http::{Body, HttpResponse};
    let started = Instant::now();
    let now = || started.elapsed().as_millis() as u64;
    let opts = RunOptions {
        timeout_ms: 20_000,
        ..RunOptions::default()
    };
    let mut d = Driver::start(input, cfg, opts, now()).expect("valid input");
    let mut sent = Vec::new();
    loop {
        match d.next(now()) {
            Action::Send(req) => {
                sent.push(req.url.clone());
                let method =
                    reqwest::Method::from_bytes(req.method.as_str().as_bytes()).expect("m");
                let mut r = m.client.request(method, &req.url);
                for (k, v) in &req.headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                if let Some(ct) = req.body.content_type() {
                    r = r.header("content-type", ct);
                }
                if !matches!(req.body, Body::None) {
                    r = r.body(req.body.bytes().to_vec());
                }
                match r.send().await {
                    Ok(res) => {
                        let mut out = HttpResponse::new(res.status().as_u16(), Vec::new());
                        for (k, v) in res.headers() {
                            out = out.with_header(k.as_str(), v.to_str().unwrap_or(""));
                        }
                        out.body = res.bytes().await.expect("body").to_vec();
                        d.on_response(now(), out);
                    }
                    Err(e) => d.on_network_error(now(), &e.to_string()),
                }
            }
            Action::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Action::Done(r) => return (Ok(r), sent),
            Action::Fail(e) => return (Err(e), sent),
            Action::Stream { .. } => panic!("Pixazo has no stream"),
        }
    }
}

/// Whichever of Pixazo's two edit paths the gateway serves, the client's
/// edit gets through: the captured page's first, the other page's after
/// its 404, and never a third submit.
#[tokio::test]
async fn the_clients_pixazo_edit_finds_whichever_path_is_served() {
    use reve_remix_core::provider::{Config as ClientConfig, ImageSource, RemixInput};
    use reve_remix_mock::PixazoEditPaths;
    let input = RemixInput {
        prompt: "Add a red hat".into(),
        images: vec![ImageSource::Url(URL_IMAGE.into())],
        ..Default::default()
    };
    for (paths, submits) in [
        (
            PixazoEditPaths::CapturedOnly,
            &["/reve-image/v1/image-edit"][..],
        ),
        (
            PixazoEditPaths::AlternateOnly,
            &[
                "/reve-image/v1/image-edit",
                "/reve-image/v1/reve-edit/generate",
            ][..],
        ),
    ] {
        let m = mock_with(|c| c.pixazo_edit_paths = paths).await;
        let mut cfg =
            ClientConfig::new(reve_remix_core::provider::ProviderId::PixazoEdit, "pz-key");
        cfg.base_url = Some(format!("{}/pixazo-edit", m.base));
        let (outcome, sent) = drive(&m, &input, cfg).await;
        let result = outcome.unwrap_or_else(|e| panic!("{paths:?}: {e:?}"));
        let url = result.images[0].url.clone().expect("a result URL");
        assert!(m.fetch_png(&url).await.0 > 0, "a real image");
        let tried: Vec<&str> = sent
            .iter()
            .filter(|u| u.contains("/reve-image/"))
            .map(|u| u.trim_start_matches(&format!("{}/pixazo-edit", m.base)))
            .collect();
        assert_eq!(tried, submits, "{paths:?}");
    }
}

async fn pixazo_follow(m: &Mock, key: &str, polling_url: &str) -> (Vec<String>, Value) {
    let mut seen: Vec<String> = Vec::new();
    loop {
        let v = m
            .get(polling_url, &[("ocp-apim-subscription-key", key)])
            .await
            .json();
        let s = v["status"].as_str().expect("status").to_string();
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if !matches!(s.as_str(), "QUEUED" | "PROCESSING") {
            return (seen, v);
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

#[tokio::test]
async fn pixazo_remix_and_edit() {
    let m = mock().await;
    let key = [("ocp-apim-subscription-key", "pix-key")];
    let body = json!({"prompt": "<img>0</img> and <img>1</img>", "reference_images": [URL_IMAGE, "https://example.com/b.jpg"], "aspect_ratio": "4:3", "version": "latest"});
    let res = m
        .post("/pixazo/reve-image/v1/image-edit-remix", &key, &body)
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let v = res.json();
    assert_eq!(v["status"], "QUEUED");
    let id = v["request_id"].as_str().expect("id");
    assert_eq!(
        v["polling_url"],
        format!("{}/pixazo/v2/requests/status/{id}", m.base)
    );
    let (seen, done) = pixazo_follow(&m, "pix-key", v["polling_url"].as_str().expect("url")).await;
    assert_eq!(seen, ["QUEUED", "PROCESSING", "COMPLETED"]);
    assert_eq!(done["output"]["media_type"], "image/png");
    assert!(done["completed_at"].is_string() && done["error"].is_null());
    assert_eq!(
        m.fetch_png(done["output"]["media_url"][0].as_str().expect("url"))
            .await,
        (512, 384)
    );

    // The single-image edit, also under /pixazo-edit.
    for prefix in ["/pixazo", "/pixazo-edit"] {
        let res = m
            .post(
                &format!("{prefix}/reve-image/v1/image-edit"),
                &key,
                &json!({"prompt": "add a hat", "image": URL_IMAGE}),
            )
            .await;
        assert_eq!(res.status, 202);
        let url = res.json()["polling_url"].as_str().expect("url").to_string();
        assert!(url.starts_with(&format!("{}{prefix}/v2/", m.base)));
        let (_, done) = pixazo_follow(&m, "pix-key", &url).await;
        assert_eq!(done["status"], "COMPLETED");
    }

    for (path, bad) in [
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [data_url("image/png", &png(4, 4))]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": ["http://example.com/a.png"]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": vec![URL_IMAGE; 5]}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [URL_IMAGE], "aspect_ratio": "1:2"}),
        ),
        (
            "image-edit-remix",
            json!({"prompt": "x", "reference_images": [URL_IMAGE], "version": "reve-edit@20250915"}),
        ),
        (
            "image-edit",
            json!({"prompt": "x", "image": [URL_IMAGE, URL_IMAGE]}),
        ),
        (
            "image-edit",
            json!({"prompt": "<img>1</img>", "image": URL_IMAGE}),
        ),
        ("image-edit", json!({"prompt": "x"})),
    ] {
        let res = m
            .post(&format!("/pixazo/reve-image/v1/{path}"), &key, &bad)
            .await;
        assert_eq!(res.status, 400, "{bad}");
        assert_error_shape("pixazo", &res);
    }
    let res = m
        .post("/pixazo/reve-image/v1/image-edit-remix", &[], &body)
        .await;
    assert_eq!(res.status, 401);
    assert_error_shape("pixazo", &res);
    assert_eq!(
        m.get("/pixazo/v2/requests/status/nope", &key).await.status,
        404
    );

    for key in ["mock-fail", "mock-violation"] {
        let res = m
            .post(
                "/pixazo/reve-image/v1/image-edit-remix",
                &[("ocp-apim-subscription-key", key)],
                &body,
            )
            .await;
        let (_, done) =
            pixazo_follow(&m, key, res.json()["polling_url"].as_str().expect("url")).await;
        assert_eq!(done["status"], "FAILED");
        assert!(done["error"].is_string() && done["output"].is_null());
    }
}
