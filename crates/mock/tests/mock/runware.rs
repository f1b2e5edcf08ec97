//! Runware's `reve:2@1` over REST (task arrays, both ways of giving the
//! key, sync and async with `getResponse`) and over the WebSocket as its
//! SDK speaks it (authentication, ping, tasks, faults).

use super::support::*;
use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message;

const UUID: &str = "a770f077-f413-47de-9dac-be0b26a35da6";

fn task(uuid: &str, refs: usize) -> Value {
    let refs: Vec<String> = (0..refs)
        .map(|i| data_url("image/png", &png(30 + i as u32, 20)))
        .collect();
    json!({
        "taskType": "imageInference",
        "taskUUID": uuid,
        "model": "reve:2@1",
        "positivePrompt": "<frame>0</frame> in a hat",
        "inputs": {"referenceImages": refs},
        "outputFormat": "PNG",
        "includeCost": true,
    })
}

fn uuid(n: u32) -> String {
    format!("{n:08x}-f413-47de-9dac-be0b26a35da6")
}

async fn rest(m: &Mock, key: Option<&str>, tasks: Value) -> Res {
    let auth = key.map(bearer);
    let h: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    m.post("/runware/v1", &h, &tasks).await
}

#[tokio::test]
async fn sync_inference_with_either_kind_of_key() {
    let m = mock().await;
    let res = rest(&m, Some("rw-key"), json!([task(UUID, 8)])).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let item = &res.json()["data"][0];
    assert_eq!(item["taskType"], "imageInference");
    assert_eq!(item["taskUUID"], UUID);
    assert_eq!(item["cost"], 0.2);
    assert!(item["imageUUID"].as_str().is_some_and(|u| u != UUID));
    m.fetch_png(item["imageURL"].as_str().expect("imageURL"))
        .await;

    // The key as an authentication task first; the result as a data URI.
    let mut t = task(&uuid(2), 1);
    t["outputType"] = json!("dataURI");
    t["width"] = json!(2048);
    t["height"] = json!(1024);
    let auth = json!({"taskType": "authentication", "apiKey": "rw-key"});
    let res = rest(&m, None, json!([auth, t])).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let uri = res.json()["data"][0]["imageDataURI"]
        .as_str()
        .expect("imageDataURI")
        .to_string();
    assert!(uri.starts_with("data:image/png;base64,"));
}

#[tokio::test]
async fn async_delivery_polls_with_get_response() {
    let m = mock().await;
    let mut t = task(UUID, 1);
    t["deliveryMethod"] = json!("async");
    let ack = rest(&m, Some("k"), json!([t])).await.json();
    assert_eq!(
        ack["data"][0],
        json!({"taskType": "imageInference", "taskUUID": UUID})
    );
    let mut statuses = Vec::new();
    let last = loop {
        let v = rest(
            &m,
            Some("k"),
            json!([{"taskType": "getResponse", "taskUUID": UUID}]),
        )
        .await
        .json();
        let item = v["data"][0].clone();
        statuses.push(item["status"].as_str().unwrap_or("").to_string());
        if item["status"] == "success" {
            break item;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(statuses.first().map(String::as_str), Some("processing"));
    m.fetch_png(last["imageURL"].as_str().expect("imageURL"))
        .await;

    // A failed async task: the poll answers 200 with the task's error.
    let mut t = task(&uuid(3), 1);
    t["deliveryMethod"] = json!("async");
    rest(&m, Some("mock-fail"), json!([t])).await;
    tokio::time::sleep(JOB * 2).await;
    let res = rest(
        &m,
        Some("mock-fail"),
        json!([{"taskType": "getResponse", "taskUUID": uuid(3)}]),
    )
    .await;
    assert_eq!(res.status, 200);
    let e = &res.json()["errors"][0];
    assert_eq!(
        (e["status"].as_str(), e["taskUUID"].as_str()),
        (Some("error"), Some(uuid(3).as_str()))
    );
}

#[tokio::test]
async fn tasks_refused_in_runwares_errors() {
    let m = mock().await;
    let refused = |res: Res, code: &str, parameter: &str| {
        assert_eq!(res.status, 400, "{}", String::from_utf8_lossy(&res.body));
        let e = &res.json()["errors"][0];
        assert_eq!(e["code"], code, "{e}");
        assert_eq!(e["parameter"], parameter, "{e}");
        assert_eq!(e["taskType"], "imageInference");
        assert!(e["message"].is_string() && e["documentation"].is_string());
    };
    let with = |f: &dyn Fn(&mut Value)| {
        let mut t = task(UUID, 1);
        f(&mut t);
        json!([t])
    };
    // Where the SDK's own option puts references: not Reve 2.1's schema.
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["referenceImages"] = json!([URL_IMAGE])),
        )
        .await,
        "unsupportedParameter",
        "referenceImages",
    );
    refused(
        rest(&m, Some("k"), with(&|t| t["CFGScale"] = json!(7))).await,
        "unsupportedParameter",
        "CFGScale",
    );
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["inputs"]["referenceImages"] = json!(vec![URL_IMAGE; 9])),
        )
        .await,
        "invalidParameter",
        "inputs.referenceImages",
    );
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["positivePrompt"] = json!("<frame>1</frame>")),
        )
        .await,
        "invalidParameter",
        "positivePrompt",
    );
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["positivePrompt"] = json!(long_prompt(4001))),
        )
        .await,
        "invalidParameter",
        "positivePrompt",
    );
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["model"] = json!("runware:100@1")),
        )
        .await,
        "invalidParameter",
        "model",
    );
    refused(
        rest(&m, Some("k"), with(&|t| t["taskUUID"] = json!("one"))).await,
        "invalidParameter",
        "taskUUID",
    );
    refused(
        rest(&m, Some("k"), with(&|t| t["outputFormat"] = json!("GIF"))).await,
        "invalidParameter",
        "outputFormat",
    );
    refused(
        rest(
            &m,
            Some("k"),
            with(&|t| t["inputs"]["referenceImages"][0] = json!(data_url("image/png", &too_big()))),
        )
        .await,
        "invalidParameter",
        "inputs.referenceImages[0]",
    );
    let not_array = rest(&m, Some("k"), task(UUID, 1)).await;
    assert_eq!(not_array.status, 400);
}

#[tokio::test]
async fn fault_keys_in_runwares_errors() {
    let m = mock_with(|c| c.hang_limit = Duration::from_millis(500)).await;
    let none = rest(&m, None, json!([task(UUID, 1)])).await;
    assert_eq!(
        (none.status, none.json()["errors"][0]["code"].clone()),
        (401, json!("missingApiKey"))
    );
    for (key, status, code) in [
        ("mock-401", 401, "invalidApiKey"),
        ("mock-402", 402, "insufficientCredits"),
        ("mock-429", 429, "rateLimitExceeded"),
        ("mock-500", 500, "internalServerError"),
    ] {
        let r = rest(&m, Some(key), json!([task(UUID, 1)])).await;
        assert_eq!(r.status, status, "{key}");
        assert_eq!(r.json()["errors"][0]["code"], code, "{key}");
    }
    let r = rest(&m, Some("mock-429"), json!([task(UUID, 1)])).await;
    assert_eq!(r.header("retry-after"), Some("2"));
    let bad = rest(&m, Some("mock-malformed"), json!([task(UUID, 1)])).await;
    assert!(serde_json::from_slice::<Value>(&bad.body).is_err());
    let failed = rest(&m, Some("mock-fail"), json!([task(&uuid(5), 1)])).await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.json()["errors"][0]["taskUUID"], uuid(5));
    let flagged = rest(&m, Some("mock-violation"), json!([task(&uuid(6), 1)])).await;
    assert_eq!(flagged.json()["errors"][0]["code"], "contentModerated");
    let stuck = rest(&m, Some("mock-stuck"), json!([task(&uuid(7), 1)])).await;
    assert_eq!(stuck.status, 504);
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(m: &Mock) -> Socket {
    let url = format!(
        "{}/runware/v1?sdk=js&version=1.3.2",
        m.base.replacen("http", "ws", 1)
    );
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

/// Send `[msg]` as the SDK does.
async fn say(ws: &mut Socket, msg: Value) {
    ws.send(Message::text(json!([msg]).to_string()))
        .await
        .expect("send");
}

/// The next text message (JSON), or `None` when the socket ends.
async fn hear(ws: &mut Socket) -> Option<Result<Value, String>> {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an answer in time");
        match m {
            Some(Ok(Message::Text(t))) => {
                return Some(serde_json::from_str(&t).map_err(|_| t.to_string()));
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

async fn authenticated(m: &Mock, key: &str) -> Socket {
    let mut ws = socket(m).await;
    say(
        &mut ws,
        json!({"apiKey": key, "taskType": "authentication"}),
    )
    .await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    let session = v["data"][0]["connectionSessionUUID"]
        .as_str()
        .expect("session");
    assert_eq!(v["data"][0]["taskType"], "authentication");
    assert_eq!(session.len(), 36);
    ws
}

#[tokio::test]
async fn the_websocket_as_the_sdk_speaks_it() {
    let m = mock().await;
    // Tasks before authentication are refused.
    let mut ws = socket(&m).await;
    say(&mut ws, task(UUID, 1)).await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v["errors"][0]["taskUUID"], UUID);

    let mut ws = authenticated(&m, "rw-key").await;
    say(&mut ws, json!({"taskType": "ping", "ping": true})).await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v, json!({"data": [{"taskType": "ping", "pong": true}]}));
    say(&mut ws, task(UUID, 2)).await;
    // Pings are answered while the task runs.
    say(&mut ws, json!({"taskType": "ping", "ping": true})).await;
    let pong = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(pong["data"][0]["pong"], true);
    let v = hear(&mut ws).await.expect("answer").expect("json");
    let item = &v["data"][0];
    assert_eq!(item["taskUUID"], UUID);
    m.fetch_png(item["imageURL"].as_str().expect("imageURL"))
        .await;
    let mut bad = task(&uuid(9), 1);
    bad["referenceImages"] = json!([URL_IMAGE]);
    say(&mut ws, bad).await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v["errors"][0]["code"], "unsupportedParameter");
    assert_eq!(v["errors"][0]["taskUUID"], uuid(9));
}

#[tokio::test]
async fn websocket_faults() {
    let m = mock().await;
    let mut ws = socket(&m).await;
    say(
        &mut ws,
        json!({"apiKey": "mock-401", "taskType": "authentication"}),
    )
    .await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v["errors"][0]["code"], "invalidApiKey");
    assert_eq!(v["errors"][0]["taskType"], "authentication");
    assert!(hear(&mut ws).await.is_none(), "the socket closes");

    let mut ws = authenticated(&m, "mock-429").await;
    say(&mut ws, task(UUID, 1)).await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v["errors"][0]["code"], "rateLimitExceeded");
    assert_eq!(v["errors"][0]["taskUUID"], UUID);

    let mut ws = authenticated(&m, "mock-malformed").await;
    say(&mut ws, task(UUID, 1)).await;
    assert!(hear(&mut ws).await.expect("answer").is_err(), "not JSON");

    let mut ws = authenticated(&m, "mock-drop").await;
    say(&mut ws, task(UUID, 1)).await;
    assert!(hear(&mut ws).await.is_none(), "dropped");

    let mut ws = authenticated(&m, "mock-fail").await;
    say(&mut ws, task(&uuid(4), 1)).await;
    let v = hear(&mut ws).await.expect("answer").expect("json");
    assert_eq!(v["errors"][0]["taskUUID"], uuid(4));
}

#[tokio::test]
async fn a_closed_partner_api_fails_the_task() {
    let m = mock().await;
    let r = rest(&m, Some("mock-partner-closed"), json!([task(UUID, 1)])).await;
    let e = &r.json()["errors"][0];
    assert_eq!(e["taskUUID"], UUID);
    assert!(
        e["message"]
            .as_str()
            .unwrap_or("")
            .contains("PARTNER_API_CLOSED"),
        "{e}"
    );
}
