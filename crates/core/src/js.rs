//! The npm package's API (`#[wasm_bindgen]` exports), as DESIGN.md names it.
//!
//! A thin adapter: it converts JS values to the pure types and back and
//! turns every `RemixError` into a real JS `Error` with `code`, `message`,
//! `status`, `retryable`, `provider` and `requestId`.

use js_sys::{Error as JsError, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::RemixError;

/// A JS `Error` carrying the fields of a `RemixError`; `name` is
/// `"RemixError"` so that `String(err)` reads well in a console.
pub(crate) fn to_js_error(err: &RemixError) -> JsValue {
    let js = JsError::new(&err.message);
    js.set_name("RemixError");
    let obj: &JsValue = js.as_ref();
    set(obj, "code", &JsValue::from_str(err.code.as_str()));
    set(obj, "retryable", &JsValue::from_bool(err.retryable));
    if let Some(status) = err.status {
        set(obj, "status", &JsValue::from(status));
    }
    if let Some(provider) = err.provider {
        set(obj, "provider", &JsValue::from_str(provider));
    }
    if let Some(id) = &err.request_id {
        set(obj, "requestId", &JsValue::from_str(id));
    }
    if let Some(secs) = err.retry_after_secs {
        set(obj, "retryAfter", &JsValue::from(secs));
    }
    js.into()
}

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn remix_errors_reach_js_as_real_errors_with_their_code() {
        let err = RemixError::new(ErrorCode::RateLimited, "wait 3 s and try again")
            .with_status(429)
            .with_provider("fal")
            .with_retry_after(3);
        let js = to_js_error(&err);
        assert!(js.is_instance_of::<JsError>());
        let get = |k: &str| Reflect::get(&js, &JsValue::from_str(k)).expect("property");
        assert_eq!(get("code").as_string().as_deref(), Some("rate_limited"));
        assert_eq!(get("message").as_string().as_deref(), Some("wait 3 s and try again"));
        assert_eq!(get("status").as_f64(), Some(429.0));
        assert_eq!(get("retryable").as_bool(), Some(true));
        assert_eq!(get("provider").as_string().as_deref(), Some("fal"));
        assert_eq!(get("name").as_string().as_deref(), Some("RemixError"));
    }
}
