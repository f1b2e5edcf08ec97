//! The JSON reader on any bytes, against serde_json.

use reve_remix_core::json::{self, MAX_DEPTH, Value};

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.iter().map(|(_, m)| depth(m)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Same strings, keys and shape; numbers are compared by the proptests.
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as S;
    match (ours, theirs) {
        (Value::Null, S::Null) => true,
        (Value::Bool(a), S::Bool(b)) => a == b,
        (Value::Number(_), S::Number(_)) => true,
        (Value::String(a), S::String(b)) => a == b,
        (Value::Array(a), S::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), S::Object(b)) => a.iter().all(|(k, _)| {
            b.get(k)
                .is_some_and(|y| ours.get(k).is_some_and(|x| same(x, y)))
        }),
        _ => false,
    }
}

/// Never panics, takes exactly what serde_json takes, reads the same
/// strings, and never nests deeper than `MAX_DEPTH`; but for its three
/// documented differences: a leading byte order mark is skipped, a lone
/// UTF-16 surrogate escape reads as U+FFFD, and a number past f64's range
/// reads as infinity (serde_json refuses the last two, and nests deeper).
pub fn json(bytes: &[u8]) {
    let ours = json::parse(bytes);
    let theirs = serde_json::from_slice::<serde_json::Value>(
        bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
    );
    match (&ours, &theirs) {
        (Ok(v), Ok(t)) => {
            assert!(depth(v) <= MAX_DEPTH);
            assert!(same(v, t), "{v:?} vs {t}");
        }
        (Ok(v), Err(e)) => {
            let e = e.to_string();
            assert!(
                e.contains("number out of range")
                    || e.contains("surrogate")
                    || e.contains("end of hex escape"),
                "we took what serde_json refuses ({e}): {v:?}"
            )
        }
        (Err(e), Ok(t)) => assert!(
            e.reason == "nesting too deep",
            "we refused what serde_json takes ({e}): {t}"
        ),
        (Err(_), Err(_)) => {}
    }
}
