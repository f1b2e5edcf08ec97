//! Runware's tasks, the same over REST and WebSocket: `imageInference`
//! (Reve 2.1) and `getResponse`.

use std::time::Instant;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{DOCS, PREFIX, api_error};
use crate::answer::ApiError;
use crate::check::{self, Invalid, Kind};
use crate::images::{self, RefImage, Transports};
use crate::providers::{NewJob, spec, start_job, wait_for};
use crate::render::OutFormat;
use crate::reve21;
use crate::scenario::Scenario;
use crate::state::{AppState, Job, Phase};

const PROVIDER: &str = "runware";
/// Reve 2.1's AIR id on Runware.
pub const MODEL: &str = "reve:2@1";
/// "from $0.2 per image" (schema.json `x-pricing`), reported with `includeCost`.
const COST: f64 = 0.2;

/// The keys an `imageInference` task for `reve:2@1` may carry.
const KNOWN: [&str; 16] = [
    "taskType",
    "taskUUID",
    "model",
    "positivePrompt",
    "inputs",
    "width",
    "height",
    "outputType",
    "outputFormat",
    "outputQuality",
    "numberResults",
    "includeCost",
    "deliveryMethod",
    "webhookURL",
    "seed",
    "uploadEndpoint",
];

/// One item of `errors`.
#[derive(Clone, Debug)]
pub struct TaskError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<String>,
    pub task_type: Option<String>,
    pub task_uuid: Option<String>,
    /// A polled task that ended in error says `status: "error"`.
    pub failed_task: bool,
}

impl TaskError {
    pub fn new(status: StatusCode, code: &'static str, message: &str) -> Self {
        Self {
            status,
            code,
            message: message.to_string(),
            parameter: None,
            task_type: None,
            task_uuid: None,
            failed_task: false,
        }
    }

    /// The same error, about `task`.
    pub fn about(mut self, task: &Value) -> Self {
        if self.task_type.is_none() {
            self.task_type = task["taskType"].as_str().map(str::to_string);
        }
        if self.task_uuid.is_none() {
            self.task_uuid = task["taskUUID"].as_str().map(str::to_string);
        }
        self
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "code": self.code,
            "message": self.message,
            "documentation": DOCS,
        });
        if let Some(p) = &self.parameter {
            v["parameter"] = json!(p);
            v["type"] = json!("string");
        }
        if let Some(t) = &self.task_type {
            v["taskType"] = json!(t);
        }
        if let Some(u) = &self.task_uuid {
            v["taskUUID"] = json!(u);
        }
        if self.failed_task {
            v["status"] = json!("error");
        }
        v
    }
}

fn invalid(field: &str, kind: Kind, message: impl Into<String>) -> TaskError {
    api_error(ApiError::Invalid(Invalid::new(field, kind, message)))
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Run one task; its `data` items, or its error.
pub async fn run(
    state: &AppState,
    origin: &str,
    scenario: Scenario,
    task: &Value,
) -> Result<Vec<Value>, TaskError> {
    let result = match task["taskType"].as_str() {
        Some("imageInference") => infer(state, origin, scenario, task).await,
        Some("getResponse") => get_response(state, task),
        Some(other) => Err(TaskError::new(
            StatusCode::BAD_REQUEST,
            "unsupportedTaskType",
            &format!("The mock serves imageInference and getResponse, not '{other}'."),
        )),
        None => Err(invalid("taskType", Kind::Missing, "taskType is required")),
    };
    result.map_err(|e| e.about(task))
}

/// What an accepted `imageInference` asks for.
struct Ask {
    uuid: String,
    copies: usize,
    sync: bool,
}

fn check(
    state: &AppState,
    t: &Map<String, Value>,
) -> Result<(Ask, crate::render::Spec, Map<String, Value>), TaskError> {
    if let Some(k) = t.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        let why = if k == "referenceImages" {
            "Reve 2.1 takes its references in inputs.referenceImages".to_string()
        } else {
            format!("'{k}' is not a parameter of {MODEL}")
        };
        let mut e = TaskError::new(StatusCode::BAD_REQUEST, "unsupportedParameter", &why);
        e.parameter = Some(k.clone());
        return Err(e);
    }
    let bad = |e: Invalid| api_error(ApiError::Invalid(e));
    let uuid = check::req_str(t, "taskUUID").map_err(bad)?;
    if !is_uuid(uuid) {
        return Err(invalid(
            "taskUUID",
            Kind::Type,
            "taskUUID must be a UUID v4",
        ));
    }
    let model = check::req_str(t, "model").map_err(bad)?;
    if model != MODEL {
        return Err(invalid(
            "model",
            Kind::Enum,
            format!("The mock serves {MODEL} (Reve 2.1), not '{model}'."),
        ));
    }
    let prompt = check::req_str(t, "positivePrompt").map_err(bad)?;
    let refs: Vec<&str> = match t.get("inputs") {
        None => Vec::new(),
        Some(Value::Object(inputs)) => {
            if let Some(k) = inputs.keys().find(|k| *k != "referenceImages") {
                let mut e = TaskError::new(
                    StatusCode::BAD_REQUEST,
                    "unsupportedParameter",
                    &format!("'inputs.{k}' is not a parameter of {MODEL}"),
                );
                e.parameter = Some(format!("inputs.{k}"));
                return Err(e);
            }
            reve21::opt_str_array(inputs, "referenceImages", reve21::MAX_REFERENCES).map_err(
                |e| {
                    bad(Invalid {
                        field: format!("inputs.{}", e.field),
                        ..e
                    })
                },
            )?
        }
        Some(_) => return Err(invalid("inputs", Kind::Type, "inputs must be an object")),
    };
    reve21::check_prompt(
        prompt,
        refs.len(),
        "positivePrompt",
        reve21::MAX_PROMPT_CHARS,
    )
    .map_err(bad)?;
    let width = check::opt_int(t, "width", 128, 8192).map_err(bad)?;
    let height = check::opt_int(t, "height", 128, 8192).map_err(bad)?;
    check::check_enum(t, "outputType", &["URL", "dataURI", "base64Data"]).map_err(bad)?;
    let format = match check::check_enum(t, "outputFormat", &["JPG", "PNG", "WEBP"]).map_err(bad)? {
        Some("PNG") => OutFormat::Png,
        Some("WEBP") => OutFormat::Webp,
        _ => OutFormat::Jpeg,
    };
    check::opt_int(t, "outputQuality", 20, 99).map_err(bad)?;
    check::opt_int(t, "seed", 0, i64::MAX).map_err(bad)?;
    let copies = check::opt_int(t, "numberResults", 1, 4)
        .map_err(bad)?
        .unwrap_or(1) as usize;
    check::opt_bool(t, "includeCost").map_err(bad)?;
    let sync =
        check::check_enum(t, "deliveryMethod", &["sync", "async"]).map_err(bad)? != Some("async");
    check::opt_str(t, "webhookURL").map_err(bad)?;
    check::opt_str(t, "uploadEndpoint").map_err(bad)?;
    let images = refs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let field = format!("inputs.referenceImages[{i}]");
            let raw = !v.starts_with("data:") && !v.contains("://");
            let tr = Transports {
                data_uri: true,
                url: true,
                raw_base64: raw,
                ..Default::default()
            };
            images::load(state, &field, v, tr)
        })
        .collect::<Result<Vec<RefImage>, _>>()
        .map_err(bad)?;
    let aspect = match (width, height) {
        (Some(w), Some(h)) => Some(nearest(w as f64 / h as f64)),
        _ => None,
    };
    let mut s = spec(images, prompt, aspect);
    s.format = format;
    let ask = Ask {
        uuid: uuid.to_string(),
        copies,
        sync,
    };
    Ok((ask, s, t.clone()))
}

/// The Reve 2.1 ratio nearest `width / height`.
fn nearest(r: f64) -> &'static str {
    let ratio = |a: &str| {
        let (w, h) = a.split_once(':').unwrap_or(("1", "1"));
        w.parse::<f64>().unwrap_or(1.0) / h.parse::<f64>().unwrap_or(1.0)
    };
    reve21::ASPECT_RATIOS
        .iter()
        .min_by(|a, b| {
            let da = (ratio(a).ln() - r.ln()).abs();
            let db = (ratio(b).ln() - r.ln()).abs();
            da.total_cmp(&db)
        })
        .copied()
        .unwrap_or("1:1")
}

async fn infer(
    state: &AppState,
    origin: &str,
    scenario: Scenario,
    task: &Value,
) -> Result<Vec<Value>, TaskError> {
    let Some(t) = task.as_object() else {
        return Err(invalid("", Kind::Type, "each task must be an object"));
    };
    let (ask, s, input) = check(state, t)?;
    let job = start_job(
        state,
        NewJob {
            provider: PROVIDER,
            id: ask.uuid.clone(),
            prefix: PREFIX,
            origin,
            scenario,
            input: Value::Object(input),
            spec: s,
            copies: ask.copies,
            violation_message: "The generated image was flagged by the content moderation of the provider.",
            failure_message: "The provider failed to generate the image.",
        },
    )
    .await;
    if !ask.sync {
        return Ok(vec![
            json!({"taskType": "imageInference", "taskUUID": ask.uuid}),
        ]);
    }
    let job = wait_for(state, job, state.config().hang_limit).await;
    match job.phase(Instant::now()) {
        Phase::Completed => Ok(items(state, &job, false)),
        Phase::Queued { .. } | Phase::Running { .. } => Err(api_error(ApiError::Timeout)),
        phase => Err(failure(&phase)),
    }
}

fn failure(phase: &Phase) -> TaskError {
    match phase {
        Phase::Violation(m) => TaskError::new(StatusCode::BAD_REQUEST, "contentModerated", m),
        Phase::Failed(m) => api_error(ApiError::Failed(m.clone())),
        _ => TaskError::new(
            StatusCode::BAD_REQUEST,
            "taskCancelled",
            "The task was cancelled.",
        ),
    }
}

/// The task's images as `data` items.
fn items(state: &AppState, job: &Job, with_status: bool) -> Vec<Value> {
    let output_type = job.input["outputType"].as_str().unwrap_or("URL");
    let include_cost = job.input["includeCost"] == json!(true);
    job.results
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let mut item = json!({
                "taskType": "imageInference",
                "taskUUID": job.id,
                "imageUUID": image_uuid(&job.id, k),
                "seed": 42 + k,
                "NSFWContent": false,
            });
            let id = r
                .url
                .rsplit('/')
                .next()
                .and_then(|f| f.rsplit_once('.'))
                .map(|(i, _)| i);
            let bytes = id.and_then(|i| state.result(i)).map(|s| s.bytes.clone());
            match (output_type, bytes) {
                ("dataURI", Some(b)) => {
                    item["imageDataURI"] = json!(format!("data:{};base64,{}", r.mime, b64(&b)));
                }
                ("base64Data", Some(b)) => item["imageBase64Data"] = json!(b64(&b)),
                _ => item["imageURL"] = json!(r.url),
            }
            if include_cost {
                item["cost"] = json!(COST);
            }
            if with_status {
                item["status"] = json!("success");
            }
            item
        })
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A UUID for the k-th image of a task, told apart from the task's own.
fn image_uuid(task: &str, k: usize) -> String {
    let tail = task.get(8..).unwrap_or("-0000-4000-8000-000000000000");
    format!("{:08x}{tail}", 0x1a3e_0000_u32 + k as u32)
}

fn get_response(state: &AppState, task: &Value) -> Result<Vec<Value>, TaskError> {
    let uuid = task["taskUUID"].as_str().unwrap_or("");
    let Some(job) = state.job(PROVIDER, uuid) else {
        return Err(TaskError::new(
            StatusCode::BAD_REQUEST,
            "taskNotFound",
            &format!("No task with taskUUID '{uuid}'."),
        ));
    };
    match job.phase(Instant::now()) {
        Phase::Completed => Ok(items(state, &job, true)),
        Phase::Queued { .. } | Phase::Running { .. } => Ok(vec![json!({
            "taskType": "imageInference",
            "taskUUID": job.id,
            "status": "processing",
        })]),
        phase => {
            let mut e = failure(&phase);
            e.task_type = Some("imageInference".into());
            e.task_uuid = Some(job.id.clone());
            e.status = StatusCode::OK;
            e.failed_task = true;
            Err(e)
        }
    }
}
