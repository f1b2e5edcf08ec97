//! The settings and the keys as Web Storage keeps them: `name=value` lines
//! under a first line that names the format. Not JSON, because the first
//! screen reads them back before it shows anything (no flash of the default
//! provider), and the core's JSON reader, with the float parsing its numbers
//! bring, is 5 KB gzipped that the first screen would fetch for nothing
//! (issue 25): only the run's chunk and the views' chunk need it.

/// The first line: text without it is another format (an earlier version's
/// JSON, a hand's edit) and reads as nothing.
const FORMAT: &str = "reve-remix/2";

/// Text in this format, written a line at a time.
pub struct LinesWriter(String);

impl LinesWriter {
    /// Nothing but the format's line yet.
    pub fn new() -> Self {
        Self(FORMAT.to_string())
    }

    /// A line `name=value`: `name` must hold neither `=` nor a line break
    /// (ours are fixed names and provider ids); any `value` round-trips.
    pub fn put(&mut self, name: &str, value: &str) -> &mut Self {
        self.0.push('\n');
        self.0.push_str(name);
        self.0.push('=');
        for c in value.chars() {
            match c {
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// A flag: `1`, or empty for false.
    pub fn flag(&mut self, name: &str, on: bool) -> &mut Self {
        self.put(name, if on { "1" } else { "" })
    }

    /// The text.
    pub fn finish(self) -> String {
        self.0
    }
}

/// The `(name, value)` pairs of text [`LinesWriter`] wrote, in order (a
/// line without `=` is skipped); `None` for text of another format.
pub fn read(text: &str) -> Option<impl Iterator<Item = (&str, String)>> {
    let rest = text.strip_prefix(FORMAT)?;
    if !rest.is_empty() && !rest.starts_with('\n') {
        return None;
    }
    Some(rest.split('\n').filter_map(|line| {
        let (name, value) = line.split_once('=')?;
        Some((name, unescape(value)))
    }))
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_value_round_trips_and_other_formats_read_as_nothing() {
        let odd = "a=b\\n\n\r\\\u{e9}=";
        let mut w = LinesWriter::new();
        w.put("odd", odd)
            .flag("on", true)
            .flag("off", false)
            .put("odd", "");
        let text = w.finish();
        let pairs: Vec<_> = read(&text).expect("our format").collect();
        assert_eq!(
            pairs,
            [
                ("odd", odd.to_string()),
                ("on", "1".into()),
                ("off", String::new()),
                ("odd", String::new())
            ]
        );
        assert_eq!(read(FORMAT).map(Iterator::count), Some(0));
        for other in [
            "",
            "{\"provider\":\"fal\"}",
            "reve-remix/20\nx=1",
            "x=1",
            "\u{0}",
        ] {
            assert!(read(other).is_none(), "{other:?}");
        }
        // A trailing lone backslash (a hand's edit) is dropped, not a panic.
        let cut = format!("{FORMAT}\nx=ab\\\nno-equals\ny=\\q");
        let pairs: Vec<_> = read(&cut).expect("our format").collect();
        assert_eq!(pairs, [("x", "ab".to_string()), ("y", "q".to_string())]);
    }
}
