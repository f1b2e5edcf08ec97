//! JS values for the core's types (`Job`, `RemixResult`, `JobUpdate`, `RemixError`),
//! in the shapes DESIGN.md gives the package. Shared by the package's exports
//! (`js/`) and the widget's events (reve-remix-web), so both speak the same
//! objects. Built without the `js` feature too, and natively (where nothing
//! calls it), so that every crate that uses it builds everywhere.

use js_sys::{Array, Error as JsError, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

use reve_remix_core::driver::JobUpdate;
use reve_remix_core::error::RemixError;
use reve_remix_core::http::HttpRequest;
use reve_remix_core::job::{Job, JobStatus, RemixResult};

/// Set `key` on `obj` when there is a value.
pub fn set_opt_str(obj: &JsValue, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(obj, key, &JsValue::from_str(v));
    }
}

/// `obj.logs = [...]`, when there are any.
pub fn logs_to_js(obj: &JsValue, logs: &[String]) {
    if !logs.is_empty() {
        let list: Array = logs.iter().map(|l| JsValue::from_str(l)).collect();
        set(obj, "logs", &list);
    }
}

/// The package's `RemixResult`: `{images: [{url?, dataUrl?, mime?}], jobId?, provider, model, creditsUsed?, cost?}`.
pub fn result_to_js(r: &RemixResult) -> JsValue {
    let obj: JsValue = Object::new().into();
    let images: Array = r
        .images
        .iter()
        .map(|i| {
            let img: JsValue = Object::new().into();
            set_opt_str(&img, "url", i.url.as_deref());
            set_opt_str(&img, "dataUrl", i.data_url.as_deref());
            set_opt_str(&img, "mime", i.mime.as_deref());
            img
        })
        .collect();
    set(&obj, "images", &images);
    set_opt_str(&obj, "jobId", r.job_id.as_deref());
    set(&obj, "provider", &JsValue::from_str(r.provider.as_str()));
    set(&obj, "model", &JsValue::from_str(r.model.as_str()));
    if let Some(c) = r.credits_used {
        set(&obj, "creditsUsed", &JsValue::from_f64(c));
    }
    if let Some(c) = &r.cost {
        let cost: JsValue = Object::new().into();
        set(&cost, "amount", &JsValue::from_f64(c.amount));
        set(&cost, "unit", &JsValue::from_str(c.unit));
        if let Some(left) = c.remaining {
            set(&cost, "remaining", &JsValue::from_f64(left));
        }
        set(&obj, "cost", &cost);
    }
    obj
}

/// The package's `JobUpdate`: `{status, queuePosition?, logs?, result?, error?, retryInMs?}`.
pub fn update_to_js(u: &JobUpdate) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "status", &JsValue::from_str(u.status.as_str()));
    if let Some(p) = u.queue_position {
        set(&obj, "queuePosition", &JsValue::from(p));
    }
    logs_to_js(&obj, &u.logs);
    if let Some(r) = &u.result {
        set(&obj, "result", &result_to_js(r));
    }
    if let Some(e) = &u.error {
        set(&obj, "error", &to_js_error(e));
    }
    if let Some(ms) = u.retry_in_ms {
        set(&obj, "retryInMs", &JsValue::from(ms as f64));
    }
    obj
}

/// A JS `Error` carrying the fields of a `RemixError`; `name` is
/// `"RemixError"` so that `String(err)` reads well in a console.
pub fn to_js_error(err: &RemixError) -> JsValue {
    let js = JsError::new(&err.message);
    js.set_name("RemixError");
    let obj: &JsValue = js.as_ref();
    set(obj, "code", &JsValue::from_str(err.code.as_str()));
    set(obj, "retryable", &JsValue::from_bool(err.retryable));
    if let Some(status) = err.status {
        set(obj, "status", &JsValue::from(status));
    }
    if let Some(provider) = err.provider {
        set(obj, "provider", &JsValue::from_str(provider.as_str()));
    }
    if let Some(id) = &err.request_id {
        set(obj, "requestId", &JsValue::from_str(id));
    }
    if let Some(secs) = err.retry_after_secs {
        set(obj, "retryAfter", &JsValue::from(secs));
    }
    if let Some(job) = &err.job {
        // Accepted, maybe paid for: follow it with `status`, not a new run.
        set(obj, "job", &job_to_js(job, None));
    }
    js.into()
}

/// `{method, url, headers, body?}`: the package's `HttpRequest`, and also
/// the init of the `fetch` call that sends it (`fetch` ignores `url`).
pub fn request_to_js(req: &HttpRequest) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "method", &JsValue::from_str(req.method.as_str()));
    set(&obj, "url", &JsValue::from_str(&req.url));
    let headers: JsValue = Object::new().into();
    for (name, value) in &req.headers {
        set(&headers, name, &JsValue::from_str(value));
    }
    if let Some(content_type) = req.body.content_type() {
        set(&headers, "content-type", &JsValue::from_str(content_type));
    }
    set(&obj, "headers", &headers);
    let body = req.body.bytes();
    if !body.is_empty() {
        set(&obj, "body", &Uint8Array::from(body));
    }
    obj
}

/// Set a property on a plain object we made (which cannot fail).
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// The package's `Job`: the core's one serialisation of it
/// ([`Job::to_json`]), plus the result of a provider that answered at once.
pub fn job_to_js(job: &Job, result: Option<&RemixResult>) -> JsValue {
    let obj = js_sys::JSON::parse(&job.to_json()).unwrap_or_else(|_| Object::new().into());
    if let Some(r) = result {
        set(
            &obj,
            "status",
            &JsValue::from_str(JobStatus::Completed.as_str()),
        );
        set(&obj, "result", &result_to_js(r));
    }
    obj
}
