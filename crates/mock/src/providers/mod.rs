//! One module per provider: its paths, auth, validation and shapes.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use crate::images::RefImage;
use crate::render::{self, OutFormat, Rendered, Spec};
use crate::scenario::Scenario;
use crate::state::{AppState, Job, Outcome, ResultRef, Stored};

pub mod aimlapi;
pub mod atlascloud;
pub mod fal;
pub mod inference;
pub mod onerouter;
pub mod pixazo;
pub mod replicate;
pub mod reve;
pub mod runware;
pub mod wavespeed;

/// `GET /<provider>/results/{id}.png`: a rendered result (no auth, like a CDN link).
pub fn results_routes() -> Router<AppState> {
    Router::new().route("/results/{file}", get(result_file))
}

async fn result_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let id = file.rsplit_once('.').map(|(id, _)| id).unwrap_or(&file);
    match state.result(id) {
        Some(stored) => {
            let mut res = (StatusCode::OK, stored.bytes.clone()).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(stored.mime));
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            res
        }
        None => (
            StatusCode::NOT_FOUND,
            "result not found (results are kept for the last 300 jobs)\n",
        )
            .into_response(),
    }
}

/// Draw the result off the async threads.
pub async fn draw(spec: Spec) -> Rendered {
    match tokio::task::spawn_blocking(move || render::render(&spec)).await {
        Ok(r) => r,
        // The render panicked (it should not): answer a blank tile rather than fail.
        Err(_) => render::render(&Spec {
            images: Vec::new(),
            prompt: String::new(),
            aspect: None,
            transparent: false,
            format: OutFormat::Png,
        }),
    }
}

/// Draw and store a result under `id`; its public URL under `{origin}{prefix}`.
pub async fn draw_and_store(
    state: &AppState,
    origin: &str,
    prefix: &str,
    id: &str,
    spec: Spec,
) -> (ResultRef, Rendered) {
    let rendered = draw(spec).await;
    let r = store(state, origin, prefix, id, &rendered);
    (r, rendered)
}

/// Store a rendered image under `id`.
pub fn store(
    state: &AppState,
    origin: &str,
    prefix: &str,
    id: &str,
    rendered: &Rendered,
) -> ResultRef {
    state.insert_result(
        id.to_string(),
        Arc::new(Stored {
            bytes: rendered.bytes.clone(),
            mime: rendered.format.mime(),
        }),
    );
    ResultRef {
        url: format!("{origin}{prefix}/results/{id}.{}", rendered.format.ext()),
        width: rendered.width,
        height: rendered.height,
        mime: rendered.format.mime(),
        size: rendered.bytes.len(),
    }
}

/// A queued job about to be stored.
pub struct NewJob<'a> {
    pub provider: &'static str,
    pub id: String,
    pub prefix: &'a str,
    pub origin: &'a str,
    pub scenario: Scenario,
    pub input: Value,
    pub spec: Spec,
    /// How many copies of the result (fal `num_images`).
    pub copies: usize,
    pub violation_message: &'a str,
    pub failure_message: &'a str,
}

/// How a resold Reve job fails since Reve retired its API: Reve's own
/// error body `{error_code, message}` passed on in the host's error text
/// (Replicate's failed predictions carry it; the wording around the code
/// is the mock's).
pub const PARTNER_CLOSED: &str =
    r#"{"error_code":"PARTNER_API_CLOSED","message":"The Reve partner API is closed."}"#;

/// Render (unless the job is doomed), then store the job; it runs by the clock.
pub async fn start_job(state: &AppState, new: NewJob<'_>) -> Job {
    let outcome = match new.scenario {
        Scenario::Violation => Outcome::Violation(new.violation_message.to_string()),
        Scenario::Fail => Outcome::Fail(new.failure_message.to_string()),
        Scenario::PartnerClosed => Outcome::Fail(PARTNER_CLOSED.to_string()),
        _ => Outcome::Success,
    };
    let image_count = new.spec.images.len();
    let mut results = Vec::new();
    if matches!(outcome, Outcome::Success) {
        let rendered = draw(new.spec).await;
        for k in 0..new.copies.max(1) {
            let rid = if k == 0 {
                new.id.clone()
            } else {
                format!("{}-{k}", new.id)
            };
            results.push(store(state, new.origin, new.prefix, &rid, &rendered));
        }
    }
    let config = state.config();
    let job = Job {
        id: new.id,
        provider: new.provider,
        created: Instant::now(),
        created_at: SystemTime::now(),
        duration: crate::faults::job_duration(config, new.scenario),
        stuck: new.scenario == Scenario::Stuck,
        outcome,
        cancelled: None,
        input: new.input,
        results,
        prefix: new.prefix.to_string(),
        image_count,
        scenario: new.scenario,
    };
    state.insert_job(job.clone());
    job
}

/// A reference image list for the renderer.
pub fn spec(images: Vec<RefImage>, prompt: &str, aspect: Option<&str>) -> Spec {
    Spec {
        images,
        prompt: prompt.to_string(),
        aspect: aspect.map(str::to_string),
        transparent: false,
        format: OutFormat::Png,
    }
}

/// Hold a synchronous answer until the job ends or `wait` passes; the job
/// as it then stands.
pub async fn wait_for(state: &AppState, mut job: Job, wait: std::time::Duration) -> Job {
    let deadline = Instant::now() + wait;
    let tick = (job.duration / 50).clamp(
        std::time::Duration::from_millis(10),
        std::time::Duration::from_millis(200),
    );
    while Instant::now() < deadline {
        match state.job(job.provider, &job.id) {
            Some(j) if j.phase(Instant::now()).is_terminal() => return j,
            Some(j) => job = j,
            None => break,
        }
        tokio::time::sleep(tick.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
    job
}
