//! The writer: [`JsonWriter`] appends JSON to a `Vec<u8>`, escaping
//! strings correctly; [`JsonWriter::raw_string`] lets base64 image data be
//! written straight into a request body.

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

    /// `n / 10^decimals` as a decimal number, without trailing zeros:
    /// `fixed(60_000, 6)` is `0.06` (money kept in millionths).
    pub fn fixed(&mut self, n: u64, decimals: u32) -> &mut Self {
        self.sep();
        let scale = 10u64.pow(decimals.min(19));
        write_u64(&mut self.buf, n / scale);
        let mut frac = n % scale;
        if frac != 0 {
            self.buf.push(b'.');
            let mut digits = decimals.min(19);
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            let mut text = Vec::new();
            write_u64(&mut text, frac);
            self.buf
                .extend(std::iter::repeat_n(b'0', digits as usize - text.len()));
            self.buf.extend_from_slice(&text);
        }
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
    use crate::json::parse;

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
