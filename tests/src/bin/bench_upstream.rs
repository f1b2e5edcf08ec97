//! `bench_upstream`: the fast upstream behind the forwarders that
//! `cargo xtask bench` compares (reve-remix-proxy, nginx, fal's Express proxy).
//!
//! Listens on a free port of 127.0.0.1 and prints `listening on http://HOST:PORT`
//! first. A GET of any path answers a small fixed JSON (about 100 B); a POST of
//! any path reads the whole body (up to 20 MB) and answers `{"received":N}`
//! with its byte count, so the bench can check the body arrived whole.

use std::process::ExitCode;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The largest POST body read: above the 12 MB the bench sends.
const MAX_BODY: usize = 20 * 1024 * 1024;

/// What a GET answers: the size of a small prediction status.
const STATUS_JSON: &str = r#"{"id":"abc","status":"processing","output":null,"error":null,"urls":{"get":"/v1/predictions/abc"}}"#;

async fn answer(method: Method, body: Bytes) -> Response {
    let (status, json) = match method {
        Method::GET | Method::HEAD => (StatusCode::OK, STATUS_JSON.to_string()),
        Method::POST => (
            StatusCode::CREATED,
            format!(r#"{{"received":{}}}"#, body.len()),
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            r#"{"error":"GET or POST only"}"#.to_string(),
        ),
    };
    (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}

#[tokio::main]
async fn main() -> ExitCode {
    let app = Router::new()
        .fallback(answer)
        .layer(DefaultBodyLimit::max(MAX_BODY));
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", 0)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bench_upstream: cannot listen on 127.0.0.1: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("listening on http://{addr}"),
        Err(e) => {
            eprintln!("bench_upstream: no local address: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("bench_upstream: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
