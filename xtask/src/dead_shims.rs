//! The glue's functions for imports its wasm no longer takes (issue 25).
//! wasm-bindgen writes one per import it saw; wasm-opt then drops the
//! imports only removed code called (the classes `unused_classes.rs` takes
//! out leave a dozen: `__wbg_byobRequest_…`, `__wbg_enqueue_…`), and their
//! functions stayed in the glue, which nothing calls. Run after
//! [`crate::short_imports`] has given every import the wasm takes a short
//! name: a key still named `__wbg_…` is one it does not take.

/// `glue` (minified) without the import object's `__wbg_…:function(…){…}`
/// entries. A body this cannot read with certainty (a template literal)
/// is kept as it is.
pub fn drop(glue: &str) -> Result<String, String> {
    let mut out = String::with_capacity(glue.len());
    let mut from = 0;
    let mut search = 0;
    while let Some(found) = glue[search..].find("__wbg_") {
        let key = search + found;
        search = key + 1;
        let before = glue[..key].chars().next_back();
        if !matches!(before, Some(',' | '{')) {
            continue;
        }
        let name_end = key
            + glue[key..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(glue.len() - key);
        if !glue[name_end..].starts_with(":function(") {
            continue;
        }
        let Some(end) = function_end(glue, name_end + ":function".len())? else {
            continue;
        };
        // The entry and one comma beside it: the one before, or else after.
        let (start, end) = if before == Some(',') {
            (key - 1, end)
        } else if glue[end..].starts_with(',') {
            (key, end + 1)
        } else {
            (key, end)
        };
        if start < from {
            return Err("overlapping entries in the glue's import object".into());
        }
        out.push_str(&glue[from..start]);
        from = end;
        search = end;
    }
    out.push_str(&glue[from..]);
    Ok(out)
}

/// Where the function whose parameter list opens at `open` ends (just
/// past its body's `}`); `None` for a body with a template literal.
fn function_end(glue: &str, open: usize) -> Result<Option<usize>, String> {
    let bytes = glue.as_bytes();
    let params = matching(bytes, open, b'(', b')')?;
    let Some(params) = params else {
        return Ok(None);
    };
    if bytes.get(params) != Some(&b'{') {
        return Err(format!("a glue function without a body at byte {open}"));
    }
    matching(bytes, params, b'{', b'}')
}

/// Just past the `close` that matches the `open` at `at`, skipping quoted
/// strings; `None` if a template literal is met.
fn matching(bytes: &[u8], at: usize, open: u8, close: u8) -> Result<Option<usize>, String> {
    let mut depth = 0usize;
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'`' => return Ok(None),
            b'"' | b'\'' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 1,
                        c if c == b => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b if b == open => depth += 1,
            b if b == close => {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(format!(
        "an unclosed `{}` in the glue at byte {at}",
        open as char
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_long_named_shims_go_with_one_comma_each() {
        let glue = r#"function E(){return{"./a_bg.js":{__proto__:null,a:function(e){return e.x},__wbg_close_29:function(){return c(function(e){e.close()},arguments)},b:function(e,t){const n="}{",_='\'{';return n},__wbg_view_3b:function(e){const t=e.view;return s(t)?0:i(t)}},"./s.js":D}}"#;
        assert_eq!(
            drop(glue).expect("dropped"),
            r#"function E(){return{"./a_bg.js":{__proto__:null,a:function(e){return e.x},b:function(e,t){const n="}{",_='\'{';return n}},"./s.js":D}}"#
        );
        let first = "{__wbg_a_1:function(){return 1},b:function(){}}";
        assert_eq!(drop(first).expect("dropped"), "{b:function(){}}");
        let alone = "{__wbg_a_1:function(){return 1}}";
        assert_eq!(drop(alone).expect("dropped"), "{}");
    }

    #[test]
    fn what_is_not_a_dead_entry_is_kept() {
        // A call of a name, a string, a template literal, a short key.
        for kept in [
            "o.__wbg_x(1)",
            "const s=\"__wbg_a:function(){}\"",
            "{__wbg_t:function(){return`${1}`}}",
            "{a:function(){return 1}}",
        ] {
            assert_eq!(drop(kept).expect("kept"), kept);
        }
        assert!(drop("{__wbg_a:function(){return 1").is_err());
    }
}
