//! The reader: [`parse`] and its recursive-descent parser.

use super::{JsonError, MAX_DEPTH, Value};

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

/// 10^0 to 10^22: each exactly an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^(22k) for k = 0 to 14 (10^308, the largest power below `f64::MAX`),
/// each the nearest `f64` (the compiler rounds literals correctly).
const POW10_22K: [f64; 15] = [
    1e0, 1e22, 1e44, 1e66, 1e88, 1e110, 1e132, 1e154, 1e176, 1e198, 1e220, 1e242, 1e264, 1e286,
    1e308,
];

/// `m × 10^exp` for a mantissa `m` of at most 19 digits, with at most four
/// roundings (`m` itself, the exact 10^(exp mod 22), the nearest 10^(22k)
/// and the product): within a few units in the last place, and exact (one
/// rounding) when `m` < 2^53 and |exp| ≤ 22. Out of range: ±0 or ∞.
fn scale(m: f64, exp: i32) -> f64 {
    if m == 0.0 {
        return 0.0;
    }
    let e = exp.unsigned_abs() as usize;
    let (big, small) = (e / 22, POW10[e % 22]);
    if exp >= 0 {
        // m < 10^19, so from 10^330 on the result is past f64::MAX.
        POW10_22K.get(big).map_or(f64::INFINITY, |b| m * small * b)
    } else if let Some(b) = POW10_22K.get(big) {
        m / small / b
    } else if let Some(b) = POW10_22K.get(big - 1) {
        // Down among the subnormals: one more step, so as not to divide by
        // a power past f64::MAX.
        m / small / 1e22 / b
    } else {
        0.0
    }
}

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
        let v = scale(mantissa as f64, exp);
        Ok(Value::Number(if negative { -v } else { v }))
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
}
