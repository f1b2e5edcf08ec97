//! Reading options from JS objects: a field, present or not, of the type
//! asked for, or an `invalid_option` RemixError that names it. Shared by
//! the checks' `fitImage` and the client's configurations and inputs.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use reve_remix_core::error::{ErrorCode, RemixError};

pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() && !obj.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

pub(crate) fn wrong_type(field: &str, wanted: &str) -> RemixError {
    let mut msg = String::from(field);
    msg.push_str(" must be ");
    msg.push_str(wanted);
    RemixError::new(ErrorCode::InvalidOption, msg)
}

pub(crate) fn opt_string(
    obj: &JsValue,
    key: &str,
    field: &str,
) -> Result<Option<String>, RemixError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| wrong_type(field, "a string"))
}

pub(crate) fn opt_number(obj: &JsValue, key: &str) -> Result<Option<f64>, RemixError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(wrong_type(key, "a non-negative number")),
    }
}

pub(crate) fn opt_u32(obj: &JsValue, key: &str) -> Result<Option<u32>, RemixError> {
    match opt_number(obj, key)? {
        Some(n) if n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(Some(n as u32)),
        Some(_) => Err(wrong_type(key, "a whole number")),
        None => Ok(None),
    }
}
