//! AI/ML API and OneRouter requests validate against their published
//! OpenAPI request schemas: the committed copies in tests/recorded/ (from
//! /work/shared/providers/), which the mock's tests read too. A missing
//! copy fails these tests.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use reve_remix_core::id::ProviderId;
use reve_remix_core::provider;
use serde_json::{Value, json};

/// The keywords the two specs use: type, required, properties, enum,
/// minItems, maxItems, maxLength, items (`format` is not checked).
fn validate(schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: not {t}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{path}: {v} not in {e:?}"));
    }
    if let (Some(max), Some(s)) = (schema.get("maxLength").and_then(Value::as_u64), v.as_str())
        && s.chars().count() as u64 > max
    {
        errors.push(format!("{path}: longer than {max}"));
    }
    if let Some(items) = v.as_array() {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            errors.push(format!("{path}: fewer than {min} items"));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            errors.push(format!("{path}: more than {max} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(item_schema, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(obj) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().expect("required names");
            if !obj.contains_key(r) {
                errors.push(format!("{path}: missing {r}"));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, val) in obj {
                match props.get(k) {
                    Some(s) => validate(s, val, &format!("{path}.{k}"), errors),
                    None => errors.push(format!("{path}: unknown property {k}")),
                }
            }
        }
    }
}

fn request_schema(file: &str, path: &str) -> Value {
    let spec: Value = serde_json::from_str(&recorded(file)).expect("spec JSON");
    spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"].clone()
}

fn check(provider_id: ProviderId, file: &str, path: &str) {
    let schema = request_schema(file, path);
    assert!(schema.is_object(), "schema found in {file}");
    let full = |images| {
        let mut i = input("Combine <img>0</img> with the rest", images);
        i.aspect_ratio = Some("16:9".into());
        i
    };
    let mut inputs = vec![
        input("x", vec![url_src("https://e.com/a.png")]),
        full(vec![
            png_src("a.png"),
            url_src("https://e.com/b.jpg"),
            png_src("c.png"),
            url_src("https://e.com/d.png"),
        ]),
    ];
    if provider_id == ProviderId::OneRouter {
        let mut i = full(vec![url_src("https://e.com/a.png")]);
        i.output_format = Some("b64_json".into());
        inputs.push(i);
    }
    for i in inputs {
        let (.., req) = provider::start(&i, &cfg(provider_id)).expect("valid");
        let b = body(&req);
        let mut errors = Vec::new();
        validate(&schema, &b, "$", &mut errors);
        assert!(errors.is_empty(), "{provider_id}: {errors:?}\n{b}");
    }
    // The validator itself notices a bad body.
    let mut errors = Vec::new();
    validate(
        &schema,
        &json!({"prompt": 1, "image_urls": [], "extra": true}),
        "$",
        &mut errors,
    );
    assert!(errors.len() >= 3, "{errors:?}");
}

#[test]
fn aimlapi_requests_match_its_openapi_schema() {
    check(
        ProviderId::AimlApi,
        "aimlapi.openapi.json",
        "/v1/images/generations",
    );
}

#[test]
fn onerouter_requests_match_its_openapi_schema() {
    check(
        ProviderId::OneRouter,
        "onerouter.openapi.json",
        "/v1/images/edits",
    );
}

/// The committed copies are what every test reads (the core's here, the
/// mock's too); where the shared folder with the originals sits beside the
/// repository (a machine of the project's), they must match it. A clone
/// elsewhere has only the copies, and says so.
#[test]
fn recorded_specs_match_the_shared_originals_where_they_are() {
    for f in ["aimlapi.openapi.json", "onerouter.openapi.json"] {
        let shared = format!(
            "{}/../../../shared/providers/{f}",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(orig) = std::fs::read_to_string(&shared) else {
            eprintln!("{shared}: not here; the committed copy stands alone");
            continue;
        };
        let a: Value = serde_json::from_str(&orig).expect("shared spec");
        let b: Value = serde_json::from_str(&recorded(f)).expect("recorded spec");
        assert_eq!(a, b, "{f} drifted from {shared}");
    }
}
