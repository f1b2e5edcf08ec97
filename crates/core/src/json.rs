//! A small, strict, panic-free JSON reader and an append-only JSON writer.
//!
//! serde_json would cost the wasm package more than its whole size budget,
//! and the core only needs to read a few fields out of provider answers and
//! write small request bodies, so this module does just that:
//!
//! * [`parse`] reads RFC 8259 JSON into a [`Value`] tree. It rejects what
//!   the grammar rejects (trailing commas, leading zeros, bare control
//!   characters in strings, trailing garbage), limits nesting to
//!   [`MAX_DEPTH`] so hostile input cannot overflow the stack, and never
//!   panics. A lone UTF-16 surrogate escape (valid grammar, not valid
//!   Unicode) becomes U+FFFD.
//! * Numbers are kept as `f64`, computed without the standard library's
//!   float parser (which is large in wasm): exact for integers up to 2^53
//!   and for decimals of at most 15 significant digits and a decimal
//!   exponent within ±22; otherwise within a few units in the last place.
//! * [`JsonWriter`] appends JSON to a `Vec<u8>`, escaping strings
//!   correctly; [`JsonWriter::raw_string`] lets base64 image data be
//!   written straight into a request body.

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

/// Parse a whole document. Leading and trailing whitespace (and a leading
/// UTF-8 byte order mark) are allowed; anything else after the value is an
/// error.
pub fn parse(input: &[u8]) -> Result<Value, JsonError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut p = Parser { s: input, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected data after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Parser<'_> {
    fn err(&self, reason: &'static str) -> JsonError {
        JsonError {
            offset: self.i,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &'static [u8], v: Value) -> Result<Value, JsonError> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nesting too deep"));
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nesting too deep"));
                }
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected ':'"));
                    }
                    self.i += 1;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    members.push((key, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Object(members));
                        }
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    /// At an opening quote: the unescaped string.
    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.extend_from_slice(&self.s[start..self.i]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| self.err("invalid UTF-8 in string"));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.i = save;
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("invalid escape"));
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn digits(&mut self, mantissa: &mut u64, exp: &mut i32, after_point: bool) -> usize {
        let mut n = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            if *mantissa < 1_000_000_000_000_000_000 {
                *mantissa = *mantissa * 10 + u64::from(c - b'0');
                if after_point {
                    *exp = exp.saturating_sub(1);
                }
            } else if !after_point {
                *exp = exp.saturating_add(1);
            }
            self.i += 1;
            n += 1;
        }
        n
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let mut mantissa = 0u64;
        let mut exp = 0i32;
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.err("leading zero in number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits(&mut mantissa, &mut exp, false);
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits(&mut mantissa, &mut exp, true) == 0 {
                return Err(self.err("digit expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            let mut neg_e = false;
            match self.peek() {
                Some(b'-') => {
                    neg_e = true;
                    self.i += 1;
                }
                Some(b'+') => self.i += 1,
                _ => {}
            }
            let mut e: i32 = 0;
            let mut n = 0;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                e = e
                    .saturating_mul(10)
                    .saturating_add(i32::from(c - b'0'))
                    .min(100_000);
                self.i += 1;
                n += 1;
            }
            if n == 0 {
                return Err(self.err("digit expected in exponent"));
            }
            exp = exp.saturating_add(if neg_e { -e } else { e });
        }
        let m = mantissa as f64;
        let v = if m == 0.0 {
            0.0
        } else if (0..=22).contains(&exp) {
            m * POW10[exp as usize]
        } else if (-22..0).contains(&exp) {
            m / POW10[(-exp) as usize]
        } else if exp > 0 {
            m * 10f64.powi(exp.min(400))
        } else {
            // Two steps keep 1e-320-ish values from flushing to zero early.
            m / 1e22 / 10f64.powi(exp.saturating_neg().saturating_sub(22).min(400))
        };
        Ok(Value::Number(if negative { -v } else { v }))
    }
}

/// Append `s` as a JSON string literal (with quotes) to `out`.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(c >> 4)]);
            out.push(HEX[usize::from(c & 15)]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Append the decimal digits of `n` to `out`.
pub fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Builds a JSON document by appending to a byte buffer; it places the
/// commas and colons. The caller keeps begin/end calls balanced.
#[derive(Debug, Default)]
pub struct JsonWriter {
    buf: Vec<u8>,
    comma: bool,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            buf: Vec::with_capacity(n),
            comma: false,
        }
    }

    fn sep(&mut self) {
        if self.comma {
            self.buf.push(b',');
        }
        self.comma = true;
    }

    /// `{`
    pub fn begin_object(&mut self) -> &mut Self {
        self.sep();
        self.buf.push(b'{');
        self.comma = false;
        self
    }

    /// `}`
    pub fn end_object(&mut self) -> &mut Self {
        self.buf.push(b'}');
        self.comma = true;
        self
    }

    /// `[`
    pub fn begin_array(&mut self) -> &mut Self {
        self.sep();
        self.buf.push(b'[');
        self.comma = false;
        self
    }

    /// `]`
    pub fn end_array(&mut self) -> &mut Self {
        self.buf.push(b']');
        self.comma = true;
        self
    }

    /// An object key; the next call writes its value.
    pub fn key(&mut self, k: &str) -> &mut Self {
        self.sep();
        write_string(&mut self.buf, k);
        self.buf.push(b':');
        self.comma = false;
        self
    }

    /// A string value, escaped.
    pub fn string(&mut self, s: &str) -> &mut Self {
        self.sep();
        write_string(&mut self.buf, s);
        self
    }

    /// A string value whose contents `fill` appends directly to the buffer.
    /// `fill` must only write bytes that need no escaping (printable ASCII
    /// other than `"` and `\`), such as base64 or a base64 data URL.
    pub fn raw_string(&mut self, fill: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        self.sep();
        self.buf.push(b'"');
        fill(&mut self.buf);
        self.buf.push(b'"');
        self
    }

    /// An unsigned integer value.
    pub fn uint(&mut self, n: u64) -> &mut Self {
        self.sep();
        write_u64(&mut self.buf, n);
        self
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.buf
            .extend_from_slice(if b { b"true" } else { b"false" });
        self
    }

    /// `null`.
    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.extend_from_slice(b"null");
        self
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The finished document.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value, JsonError> {
        parse(s.as_bytes())
    }

    #[test]
    fn parses_the_shapes_providers_send() {
        let v = p(r#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "d\"\\\/\n\u00e9\ud83d\ude00"}} "#)
            .expect("valid");
        assert_eq!(
            v.get("a").and_then(|a| a.at(1)).and_then(Value::as_f64),
            Some(-2.5)
        );
        assert_eq!(
            v.get("a").and_then(|a| a.at(2)).and_then(Value::as_u64),
            Some(300)
        );
        assert_eq!(
            v.get_path(&["b", "c"]).and_then(Value::as_str),
            Some("d\"\\/\né😀")
        );
        assert!(v.field("missing").is_null());
        assert_eq!(p("0.1").expect("n").as_f64(), Some(0.1));
        assert_eq!(
            p("123456789012").expect("n").as_u64(),
            Some(123_456_789_012)
        );
        assert_eq!(p("1.5E-3").expect("n").as_f64(), Some(0.0015));
        assert_eq!(p(r#""\ud800x""#).expect("lone").as_str(), Some("\u{FFFD}x"));
        assert_eq!(
            p(r#"{"k":1,"k":2}"#)
                .expect("dup")
                .get("k")
                .and_then(Value::as_u64),
            Some(2)
        );
    }

    #[test]
    fn rejects_what_the_grammar_rejects() {
        for bad in [
            "",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "[1 2]",
            "{a:1}",
            "'a'",
            "\"\t\"",
            "\"\\x\"",
            "\"abc",
            "nul",
            "tru",
            "[",
            "{\"a\"}",
            "1 2",
            "NaN",
            "\"\\u12\"",
        ] {
            assert!(p(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse(b"\"\xff\"").is_err());
    }

    #[test]
    fn nesting_is_limited() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(p(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(p(&deep).is_err());
        assert!(p(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn writer_escapes_and_places_commas() {
        let mut w = JsonWriter::new();
        w.begin_object()
            .key("a")
            .string("x\"y\\z\n\u{1}é")
            .key("b")
            .begin_array();
        w.uint(0)
            .uint(42)
            .bool(true)
            .null()
            .raw_string(|b| b.extend_from_slice(b"QUJD"));
        w.end_array()
            .key("c")
            .begin_object()
            .end_object()
            .end_object();
        let out = w.finish();
        assert_eq!(
            String::from_utf8(out.clone()).expect("utf8"),
            r#"{"a":"x\"y\\z\n\u0001é","b":[0,42,true,null,"QUJD"],"c":{}}"#
        );
        let v = parse(&out).expect("round trip");
        assert_eq!(v.str_at("a"), Some("x\"y\\z\n\u{1}é"));
    }
}
