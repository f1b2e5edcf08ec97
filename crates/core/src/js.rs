//! The npm package's API (`#[wasm_bindgen]` exports), as DESIGN.md names it.
//!
//! A thin adapter: it converts JS values to the pure types and back and
//! turns every `RemixError` into a real JS `Error` with `code`, `message`,
//! `status`, `retryable`, `provider` and `requestId`.

use js_sys::{Error as JsError, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::RemixError;
use crate::image::{self, ImageInfo, ImageLimits};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What a reference image is, read from its bytes (never from its name). */
export interface ImageInfo {
  format: "png" | "jpeg" | "webp" | "avif" | "heif";
  mime: string;
  width: number;
  height: number;
  bytes: number;
}

/** Every failure: a JS Error with a stable `code` (see the README). */
export interface RemixError extends Error {
  name: "RemixError";
  code: RemixErrorCode;
  status?: number;
  retryable: boolean;
  provider?: string;
  requestId?: string;
  /** Seconds the provider asked to wait before trying again. */
  retryAfter?: number;
}

export type RemixErrorCode =
  | "unknown_provider" | "missing_api_key" | "empty_prompt" | "prompt_too_long" | "no_images"
  | "too_many_images" | "empty_image" | "unsupported_format" | "truncated_image" | "corrupt_image"
  | "image_too_large" | "image_dimensions" | "unknown_reference" | "invalid_option"
  | "unauthorized" | "insufficient_credits" | "rate_limited" | "content_violation"
  | "provider_rejected" | "provider_error" | "malformed_response" | "job_failed" | "network"
  | "timeout" | "cancelled";
"#;

/// Inspect a reference image: its format (from the bytes), size and
/// dimensions, checked against Reve's limits. Throws a `RemixError`
/// (`empty_image`, `unsupported_format`, `truncated_image`,
/// `corrupt_image`, `image_too_large`, `image_dimensions`) whose message
/// names `name`.
#[wasm_bindgen(js_name = inspectImage, unchecked_return_type = "ImageInfo")]
pub fn inspect_image(bytes: &[u8], name: Option<String>) -> Result<JsValue, JsValue> {
    let info =
        image::inspect(bytes, name.as_deref(), &ImageLimits::REVE).map_err(|e| to_js_error(&e))?;
    Ok(image_info_to_js(&info))
}

/// `data:<mime>;base64,…` for a reference image, after the same checks as
/// `inspectImage`; the MIME type is the sniffed one, never the file name's.
#[wasm_bindgen(js_name = toDataUrl)]
pub fn to_data_url(bytes: &[u8]) -> Result<String, JsValue> {
    let info = image::inspect(bytes, None, &ImageLimits::REVE).map_err(|e| to_js_error(&e))?;
    let mut out = Vec::with_capacity(bytes.len() / 3 * 4 + 40);
    image::data_url_into(&mut out, &info, bytes);
    // base64 and a MIME type are ASCII.
    Ok(String::from_utf8(out).unwrap_or_default())
}

pub(crate) fn image_info_to_js(info: &ImageInfo) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "format", &JsValue::from_str(info.format.as_str()));
    set(&obj, "mime", &JsValue::from_str(info.format.mime()));
    set(&obj, "width", &JsValue::from(info.width));
    set(&obj, "height", &JsValue::from(info.height));
    set(&obj, "bytes", &JsValue::from(info.bytes as f64));
    obj
}

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
        assert_eq!(
            get("message").as_string().as_deref(),
            Some("wait 3 s and try again")
        );
        assert_eq!(get("status").as_f64(), Some(429.0));
        assert_eq!(get("retryable").as_bool(), Some(true));
        assert_eq!(get("provider").as_string().as_deref(), Some("fal"));
        assert_eq!(get("name").as_string().as_deref(), Some("RemixError"));
    }
}
