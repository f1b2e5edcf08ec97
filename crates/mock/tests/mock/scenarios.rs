//! The fault scenarios (`mock-429`, `mock-stuck`, …) on every provider, each in its provider's error shape.

use super::support::*;

#[tokio::test]
async fn early_scenarios_in_each_providers_shape() {
    let m = mock().await;
    for p in ALL {
        for (key, status) in [
            ("mock-429", 429),
            ("mock-500", 0),
            ("mock-401", 401),
            ("mock-402", 0),
        ] {
            let (path, h, v, body) = valid_submit(p, key);
            let res = m.post(&path, &[(h, &v)], &body).await;
            match key {
                "mock-500" => assert!(res.status >= 500, "{p} {key}: {}", res.status),
                "mock-402" => {
                    let expected: &[u16] = match p {
                        "aimlapi" | "fal" => &[403],
                        _ => &[402],
                    };
                    assert!(expected.contains(&res.status), "{p} {key}: {}", res.status);
                }
                _ => assert_eq!(res.status, status, "{p} {key}"),
            }
            if key == "mock-429" {
                assert_eq!(res.header("retry-after"), Some("2"), "{p}");
            }
            assert_error_shape(p, &res);
        }
    }
}

/// `mock-429-hidden` answers as `mock-429` does, but a page cannot read its
/// `Retry-After`: the CORS answer lists no exposed headers.
#[tokio::test]
async fn a_hidden_429_withholds_its_headers_from_pages() {
    let m = mock().await;
    for p in ALL {
        for (key, exposed) in [("mock-429", true), ("mock-429-hidden", false)] {
            let (path, h, v, body) = valid_submit(p, key);
            let res = m
                .post(&path, &[(h, &v), ("origin", "http://127.0.0.1:9")], &body)
                .await;
            assert_eq!(res.status, 429, "{p} {key}");
            assert_eq!(res.header("retry-after"), Some("2"), "{p} {key}");
            let list = res.header("access-control-expose-headers").unwrap_or("");
            assert_eq!(list.contains("retry-after"), exposed, "{p} {key}: {list:?}");
            assert_error_shape(p, &res);
        }
    }
}

#[tokio::test]
async fn malformed_and_dropped_answers() {
    let m = mock().await;
    for p in ALL {
        let (path, h, v, body) = valid_submit(p, "mock-malformed");
        let res = m.post(&path, &[(h, &v)], &body).await;
        assert_eq!(res.status, 200, "{p}");
        assert!(
            serde_json::from_slice::<Value>(&res.body).is_err(),
            "{p}: malformed body parsed"
        );

        let (path, h, v, body) = valid_submit(p, "mock-drop");
        let res = m
            .client
            .post(m.url(&path))
            .header(h, v.as_str())
            .json(&body)
            .send()
            .await
            .expect("headers arrive");
        assert_eq!(res.status().as_u16(), 200, "{p}");
        assert!(res.bytes().await.is_err(), "{p}: the body should break");
    }
}

#[tokio::test]
async fn slow_and_stuck_queued_jobs() {
    let m = mock().await;
    let submit = |key: &str| valid_submit("fal", key);
    let (path, h, v, body) = submit("ok-key");
    let normal = m.post(&path, &[(h, &v)], &body).await.json();
    let (path, h, v_slow, body) = submit("mock-slow");
    let slow = m.post(&path, &[(h, &v_slow)], &body).await.json();
    let (path, h, v_stuck, body) = submit("mock-stuck");
    let stuck = m.post(&path, &[(h, &v_stuck)], &body).await.json();
    tokio::time::sleep(JOB + Duration::from_millis(150)).await;
    let st = |url: &Value, key: &str| {
        let url = url.as_str().expect("status_url").to_string();
        let auth = format!("Key {key}");
        let m = &m;
        async move { m.get(&url, &[("authorization", &auth)]).await.json()["status"].clone() }
    };
    assert_eq!(st(&normal["status_url"], "ok-key").await, "COMPLETED");
    assert_ne!(st(&slow["status_url"], "mock-slow").await, "COMPLETED");
    tokio::time::sleep(JOB * 2).await;
    assert_eq!(st(&stuck["status_url"], "mock-stuck").await, "IN_PROGRESS");

    // Synchronous and slow: takes slow_factor × the usual quarter of job_duration.
    let (path, h, v, body) = valid_submit("onerouter", "mock-slow");
    let started = Instant::now();
    assert_eq!(m.post(&path, &[(h, &v)], &body).await.status, 200);
    assert!(started.elapsed() >= JOB);
}
