//! A small, strict, panic-free JSON reader and an append-only JSON writer.
//!
//! The core only reads a few fields out of provider answers and writes
//! small request bodies, so this module does just that, in less code than
//! serde_json (see *Size* below):
//!
//! * [`parse`] reads RFC 8259 JSON into a [`Value`] tree. It rejects what
//!   the grammar rejects (trailing commas, leading zeros, bare control
//!   characters in strings, trailing garbage), limits nesting to
//!   [`MAX_DEPTH`] so hostile input cannot overflow the stack, and never
//!   panics. A lone UTF-16 surrogate escape (valid grammar, not valid
//!   Unicode) becomes U+FFFD.
//! * Numbers are kept as `f64`, computed without the standard library's
//!   float parser (which is large in wasm) in at most four roundings: exact
//!   for integers up to 2^53 and for decimals of at most 15 significant
//!   digits with a decimal exponent within ±22; otherwise within 3 units in
//!   the last place of the correctly rounded value (the worst of 20 million
//!   random decimals of 1–40 digits with exponents in ±360; serde_json, as
//!   the workspace builds it, is within 2). A number past `f64`'s range
//!   reads as ±infinity, as `JSON.parse` has it (serde_json refuses it).
//!   Provider bodies carry ids, counts, positions and credits, for which
//!   this is exact.
//! * [`JsonWriter`] appends JSON to a `Vec<u8>`, escaping strings
//!   correctly; [`JsonWriter::raw_string`] lets base64 image data be
//!   written straight into a request body.
//!
//! # Size
//!
//! Reading with this module instead of serde_json saves **12.6 KB of wasm,
//! 6.6 KB gzipped** (measured with rustc 1.95.0 and serde_json 1.0.154).
//! How: three throwaway `cdylib`s for `wasm32-unknown-unknown`, built with
//! the workspace's release profile (`opt-level = "z"`, `lto = true`,
//! `codegen-units = 1`, `panic = "abort"`), each exporting one function
//! that parses a provider body from linear memory and reads a string, a
//! number and a field of an array's first object (`json::parse` and
//! [`Value`] in one, `serde_json::from_slice::<serde_json::Value>` in the
//! other, no parser in the third); all three also link what the package
//! links anyway (an allocator, integer `format!`, UTF-8 checks), so the
//! differences are the parsers' own. Then binaryen's `wasm-opt -Oz`
//! (version 132) and `gzip -9`:
//!
//! | probe | wasm-opt -Oz | gzip -9 |
//! |---|---:|---:|
//! | no parser | 13,297 B | 6,215 B |
//! | `json::parse` | 21,250 B | 10,059 B |
//! | `serde_json::from_slice` | 33,849 B | 16,677 B |
//!
//! That is 3.8 KB gzipped for this reader against 10.5 KB for serde_json's,
//! where the npm package's budget is 40 KB gzipped for its wasm and JS.

mod read;
mod write;

pub use read::parse;
pub use write::{JsonWriter, write_string, write_u64};

/// The deepest nesting of arrays and objects [`parse`] accepts.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value. Objects keep their members in order, duplicates
/// included; [`Value::get`] answers with the last one, as `JSON.parse` does.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any number.
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order.
    Object(Vec<(String, Value)>),
}

/// Why a document is not JSON, and the byte offset where that was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset into the input.
    pub offset: usize,
    /// What was wrong.
    pub reason: &'static str,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.reason, self.offset)
    }
}

impl std::error::Error for JsonError {}

static NULL: Value = Value::Null;

impl Value {
    /// The member `key` of an object (the last one if repeated); `None` for
    /// a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follow object keys: `get_path(&["output", "media_url"])`.
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        let mut v = self;
        for key in path {
            v = v.get(key)?;
        }
        Some(v)
    }

    /// Element `i` of an array.
    pub fn at(&self, i: usize) -> Option<&Value> {
        match self {
            Value::Array(items) => items.get(i),
            _ => None,
        }
    }

    /// `get(key)`, or `Null` when missing: for chained lookups.
    pub fn field(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// `get(key)` as a non-empty string.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as an unsigned integer, if it is a whole number from 0 to
    /// 2^53.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) if *n >= 0.0 && *n <= 9_007_199_254_740_992.0 && n.fract() == 0.0 => {
                Some(*n as u64)
            }
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}
