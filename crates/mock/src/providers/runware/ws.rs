//! Runware's WebSocket API on `/runware/v1`, as `@runware/sdk-js` 1.3.2
//! speaks it (read from its built `dist/index.js` and source map):
//!
//! - every client message is a JSON array of task objects (the SDK sends one
//!   at a time); every answer is `{data: [...]}` or `{errors: [...]}`;
//! - first `[{"taskType":"authentication","apiKey"}]` (on a reconnect also
//!   `connectionSessionUUID`) → `{data:[{"taskType":"authentication",
//!   "connectionSessionUUID"}]}`; a refused key → `{errors:[{"taskType":
//!   "authentication","code":"invalidApiKey",…}]}` and the socket closes
//!   (the SDK then stops reconnecting);
//! - heartbeat `[{"taskType":"ping","ping":true}]` → `{data:[{"taskType":
//!   "ping","pong":true}]}` (the SDK drops a socket after 3 missed pongs);
//! - tasks before authentication → `{errors:[{code:"missingApiKey",…}]}`;
//! - `imageInference` and `getResponse` as over REST ([`super::task`]),
//!   each answered when done, so pings are answered meanwhile.
//!
//! Fault keys, chosen by the authenticated key: mock-429/500/402 answer
//! each task with that error; mock-malformed answers text that is not JSON;
//! mock-drop closes the socket without a close frame when a task arrives;
//! mock-stuck never answers a task; mock-slow, mock-fail and
//! mock-violation act on the job as everywhere.

use axum::extract::ws::{Message, WebSocket};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{TaskError, api_error, task};
use crate::answer::ApiError;
use crate::scenario::{AuthError, Scenario};
use crate::state::AppState;

/// Serve one socket until the client leaves.
pub async fn serve(mut socket: WebSocket, state: AppState, origin: String) {
    let (tx, mut rx) = mpsc::channel::<String>(32);
    let mut scenario: Option<Scenario> = None;
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(text) = out else { break };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                match on_message(&text, &mut scenario, &state, &origin, &tx) {
                    Step::Go => {}
                    Step::Say(s) => {
                        if socket.send(Message::Text(s.into())).await.is_err() {
                            break;
                        }
                    }
                    Step::SayAndClose(s) => {
                        let _ = socket.send(Message::Text(s.into())).await;
                        let _ = socket.send(Message::Close(None)).await;
                        break;
                    }
                    Step::Drop => return,
                }
            }
        }
    }
}

enum Step {
    Go,
    Say(String),
    SayAndClose(String),
    /// Leave without a close frame (mock-drop).
    Drop,
}

fn errors(list: &[TaskError]) -> String {
    json!({"errors": list.iter().map(TaskError::to_json).collect::<Vec<_>>()}).to_string()
}

fn on_message(
    text: &str,
    scenario: &mut Option<Scenario>,
    state: &AppState,
    origin: &str,
    tx: &mpsc::Sender<String>,
) -> Step {
    let tasks = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(a)) => a,
        Ok(v @ Value::Object(_)) => vec![v],
        _ => {
            let mut e = api_error(ApiError::Server);
            e.code = "invalidJson";
            e.message = "Messages must be a JSON array of tasks.".into();
            return Step::Say(errors(&[e]));
        }
    };
    let mut said = Vec::new();
    for t in tasks {
        match t["taskType"].as_str() {
            Some("ping") => said.push(json!({"taskType": "ping", "pong": true})),
            Some("authentication") => {
                let key = t["apiKey"].as_str().unwrap_or("").trim();
                let refused = match Scenario::from_key(key) {
                    _ if key.is_empty() => Some(AuthError::Missing),
                    Scenario::Unauthorized => Some(AuthError::Invalid),
                    s => {
                        *scenario = Some(s);
                        None
                    }
                };
                if let Some(why) = refused {
                    let mut e = api_error(ApiError::Auth(why));
                    e.code = "invalidApiKey";
                    e.task_type = Some("authentication".into());
                    return Step::SayAndClose(errors(&[e]));
                }
                let session = t["connectionSessionUUID"]
                    .as_str()
                    .filter(|s| task::is_uuid(s))
                    .map(str::to_string)
                    .unwrap_or_else(|| state.uuid());
                said.push(json!({"taskType": "authentication", "connectionSessionUUID": session}));
            }
            _ => {
                let Some(s) = *scenario else {
                    let e = api_error(ApiError::Auth(AuthError::Missing)).about(&t);
                    return Step::Say(errors(&[e]));
                };
                if let Some(step) = fault(s, &t) {
                    return step;
                }
                let (state, origin, tx) = (state.clone(), origin.to_string(), tx.clone());
                tokio::spawn(async move {
                    let answer = match task::run(&state, &origin, s, &t).await {
                        Ok(items) => json!({ "data": items }).to_string(),
                        Err(e) if e.code == "timeoutProvider" && s == Scenario::Stuck => return,
                        Err(e) => errors(&[e]),
                    };
                    let _ = tx.send(answer).await;
                });
            }
        }
    }
    if said.is_empty() {
        Step::Go
    } else {
        Step::Say(json!({ "data": said }).to_string())
    }
}

/// The fault a scenario key answers a task with, if any.
fn fault(s: Scenario, t: &Value) -> Option<Step> {
    let e = match s {
        Scenario::RateLimited | Scenario::RateLimitedUnexposed => ApiError::RateLimited,
        Scenario::ServerError => ApiError::Server,
        Scenario::PaymentRequired => ApiError::Payment,
        Scenario::Malformed => {
            return Some(Step::Say(
                r#"{"data":[{"taskType":"imageInference","taskUUID":<html>502 Bad Gateway</html>"#
                    .into(),
            ));
        }
        Scenario::Drop => return Some(Step::Drop),
        _ => return None,
    };
    Some(Step::Say(errors(&[api_error(e).about(t)])))
}
