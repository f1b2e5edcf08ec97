//! The JSON reader never panics, agrees with serde_json on what is JSON,
//! and the writer's strings read back as written.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use reve_remix_core::json::{self, JsonWriter, Value};

fn to_serde(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::String(s) => s.clone().into(),
        Value::Array(a) => a.iter().map(to_serde).collect(),
        Value::Object(m) => {
            let mut o = serde_json::Map::new();
            for (k, v) in m {
                o.insert(k.clone(), to_serde(v));
            }
            o.into()
        }
    }
}

/// serde_json keeps integers apart from floats; we keep every number as f64.
fn norm(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        serde_json::Value::Array(a) => a.into_iter().map(norm).collect(),
        serde_json::Value::Object(m) => m
            .into_iter()
            .map(|(k, v)| (k, norm(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => other,
    }
}

fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        any::<u32>().prop_map(|n| format!("{}.{}", n / 1000, n % 1000)),
        "[a-zA-Z0-9 é\\\\\"\\n\u{1F600}]{0,12}".prop_map(|s| serde_json::to_string(&s).expect("s")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z_]{1,6}", inner), 0..6).prop_map(|v| {
                let m: Vec<String> = v
                    .into_iter()
                    .map(|(k, x)| format!("\"{k}\" : {x}"))
                    .collect();
                format!("{{ {} }}", m.join(" , "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = json::parse(&bytes);
    }

    #[test]
    fn parse_never_panics_on_mangled_json(text in json_text(), cut in any::<prop::sample::Index>(), junk in any::<u8>()) {
        let mut b = text.into_bytes();
        if !b.is_empty() {
            let i = cut.index(b.len());
            b[i] = junk;
            let _ = json::parse(&b);
            let _ = json::parse(&b[..i]);
        }
    }

    #[test]
    fn parse_agrees_with_serde_json(text in json_text()) {
        let ours = json::parse(text.as_bytes()).expect("valid JSON");
        let theirs: serde_json::Value = serde_json::from_str(&text).expect("serde");
        prop_assert_eq!(to_serde(&ours), norm(theirs));
    }

    #[test]
    fn validity_agrees_with_serde_json(text in "[\\[\\]{}\",:0-9.eE+\\-a-z \\\\]{0,24}") {
        let ours = json::parse(text.as_bytes()).is_ok();
        let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        prop_assert_eq!(ours, theirs, "{:?}", text);
    }

    #[test]
    fn written_strings_read_back(s in any::<String>()) {
        let mut w = JsonWriter::new();
        w.begin_object().key(&s).string(&s).end_object();
        let bytes = w.finish();
        let theirs: serde_json::Value = serde_json::from_slice(&bytes).expect("serde reads our output");
        prop_assert_eq!(theirs[&s].as_str(), Some(s.as_str()));
        let ours = json::parse(&bytes).expect("we read our output");
        prop_assert_eq!(ours.str_at(&s).unwrap_or(""), s.as_str());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(1_000_000);
    assert!(json::parse(deep.as_bytes()).is_err());
    let deep = "{\"a\":".repeat(100_000);
    assert!(json::parse(deep.as_bytes()).is_err());
}
