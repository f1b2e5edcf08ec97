//! Short names for the imports a wasm takes from its wasm-bindgen glue
//! (issue 25). wasm-bindgen names each one after the JS it calls plus a
//! 16-digit hash (`__wbg_setAttribute_f75317b2b5cabfb4`): the app's 212
//! names cost about 3.5 KB gzipped in the wasm and as much again as the
//! keys of the glue's import object, where nothing else reads them. They
//! become `a`, `b`, … `ba`, … on both sides; the rest of the wasm is copied
//! byte for byte. So do the exports only the glue calls that wasm-bindgen
//! names after a closure's whole signature (up to 334 characters each:
//! `wasm_bindgen_<hash>___convert__closures_____invoke___js_sys_…`), which
//! become `_0`, `_1`, …; and the glue's functions for imports the wasm no
//! longer takes are dropped (`dead_shims.rs`).

use std::path::Path;

use crate::util::{Result, read, read_text, write};
use crate::wasm_read::{Reader, push_leb, rewrite_section};

/// Rename the imports `wasm` takes from its glue module (`./<name>_bg.js`,
/// as wasm-bindgen names it), in the wasm and in the glue `js` beside it.
pub fn shorten(wasm: &Path, js: &Path, module: &str) -> Result {
    let bytes = read(wasm)?;
    let glue = read_text(js)?;
    let (bytes, renamed) =
        rename_imports(&bytes, module).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let glue = rename_keys(&glue, &renamed).map_err(|e| format!("{}: {e}", js.display()))?;
    let glue = crate::dead_shims::drop(&glue).map_err(|e| format!("{}: {e}", js.display()))?;
    let (bytes, renamed) =
        rename_invokers(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let glue = rename_calls(&glue, &renamed).map_err(|e| format!("{}: {e}", js.display()))?;
    write(wasm, bytes)?;
    write(js, glue)
}

/// How wasm-bindgen names the exports that call a Rust closure from JS.
const INVOKER: &str = "__convert__closures_";

/// `wasm` with its closure invokers' exports ([`INVOKER`]) renamed `_0`,
/// `_1`, …, and the renames made.
fn rename_invokers(wasm: &[u8]) -> std::result::Result<(Vec<u8>, Renames), String> {
    let mut renamed = Vec::new();
    let out = rewrite_section(wasm, 7, |body| {
        let mut s = Reader::new(body);
        let count = s.u32()?;
        let mut exports = Vec::new();
        for _ in 0..count {
            let name =
                std::str::from_utf8(s.name()?).map_err(|_| "an export's name is not UTF-8")?;
            exports.push((name.to_string(), s.byte()?, s.u32()?));
        }
        if !s.done() {
            return Err("the export section has bytes after its exports".into());
        }
        let mut section = Vec::new();
        push_leb(&mut section, u64::from(count));
        for (name, kind, index) in &exports {
            let new = if name.contains(INVOKER) {
                let new = format!("_{}", renamed.len());
                if exports.iter().any(|(n, ..)| *n == new) {
                    return Err(format!("an export is named {new} already"));
                }
                renamed.push((name.clone(), new.clone()));
                new
            } else {
                name.clone()
            };
            push_name(&mut section, new.as_bytes());
            section.push(*kind);
            push_leb(&mut section, u64::from(*index));
        }
        Ok(section)
    })?;
    Ok((out, renamed))
}

/// The glue calling each renamed export by its new name: each old name
/// must be there exactly once, as a whole name, or nothing is changed.
fn rename_calls(glue: &str, renamed: &[(String, String)]) -> std::result::Result<String, String> {
    let mut glue = glue.to_string();
    for (old, new) in renamed {
        let name_char =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        let whole = |at: &usize| {
            !name_char(glue[..*at].chars().next_back())
                && !name_char(glue[at + old.len()..].chars().next())
        };
        let found: Vec<usize> = glue
            .match_indices(old.as_str())
            .map(|(at, _)| at)
            .filter(whole)
            .collect();
        let [at] = found[..] else {
            return Err(format!("expected the export {old} called once in the glue"));
        };
        glue.replace_range(at..at + old.len(), new);
    }
    Ok(glue)
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then two letters, and so on.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn push_name(out: &mut Vec<u8>, name: &[u8]) {
    push_leb(out, name.len() as u64);
    out.extend_from_slice(name);
}

/// The renames made: (old name, new name), in import order.
type Renames = Vec<(String, String)>;

/// `wasm` with the imports from `module` renamed, and the renames made.
fn rename_imports(wasm: &[u8], module: &str) -> std::result::Result<(Vec<u8>, Renames), String> {
    let mut renamed = Vec::new();
    let out = rewrite_section(wasm, 2, |body| {
        let mut s = Reader::new(body);
        let count = s.u32()?;
        let mut section = Vec::new();
        push_leb(&mut section, u64::from(count));
        for _ in 0..count {
            let (from, field) = (s.name()?, s.name()?);
            let desc_start = s.at;
            s.import_desc()?;
            push_name(&mut section, from);
            if from == module.as_bytes() {
                let new = short_name(renamed.len());
                push_name(&mut section, new.as_bytes());
                let old =
                    std::str::from_utf8(field).map_err(|_| "an import's name is not UTF-8")?;
                renamed.push((old.to_string(), new));
            } else {
                push_name(&mut section, field);
            }
            section.extend_from_slice(&body[desc_start..s.at]);
        }
        if !s.done() {
            return Err("the import section has bytes after its imports".into());
        }
        Ok(section)
    })?;
    if renamed.is_empty() {
        return Err(format!(
            "no import from {module}: is that the glue's module name?"
        ));
    }
    Ok((out, renamed))
}

/// The glue with each import object key `old:` renamed; each old name must
/// be there exactly once, as a key, or nothing is changed.
fn rename_keys(glue: &str, renamed: &[(String, String)]) -> std::result::Result<String, String> {
    let mut glue = glue.to_string();
    for (old, new) in renamed {
        let key = format!("{old}:");
        if glue.matches(old.as_str()).count() != 1 || !glue.contains(&key) {
            return Err(format!(
                "expected {old} once, as a key of the import object"
            ));
        }
        glue = glue.replacen(&key, &format!("{new}:"), 1);
    }
    Ok(glue)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a type section, three imports (two from the glue, a
    /// memory from elsewhere) and a custom section after them.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        push_leb(&mut imports, 3);
        for (from, field, desc) in [
            (
                "./app_bg.js",
                "__wbg_remove_8228e91d7ddbc755",
                &[0x00, 0x00][..],
            ),
            ("env", "memory", &[0x02, 0x01, 0x01, 0x02][..]),
            (
                "./app_bg.js",
                "__wbg_now_463ac581d2fc7ea3",
                &[0x00, 0x00][..],
            ),
        ] {
            push_name(&mut imports, from.as_bytes());
            push_name(&mut imports, field.as_bytes());
            imports.extend_from_slice(desc);
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
        m.push(2);
        push_leb(&mut m, imports.len() as u64);
        m.extend_from_slice(&imports);
        m.extend_from_slice(&[0x00, 0x03, 0x01, b'x', 0xff]);
        m
    }

    #[test]
    fn the_glues_imports_get_short_names_and_the_rest_is_kept() {
        let (out, renamed) = rename_imports(&module(), "./app_bg.js").expect("renames");
        assert_eq!(
            renamed,
            [
                ("__wbg_remove_8228e91d7ddbc755".to_string(), "a".to_string()),
                ("__wbg_now_463ac581d2fc7ea3".to_string(), "b".to_string()),
            ]
        );
        let mut want = b"\0asm\x01\0\0\0".to_vec();
        want.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
        let mut imports = Vec::new();
        push_leb(&mut imports, 3);
        for (from, field, desc) in [
            ("./app_bg.js", "a", &[0x00, 0x00][..]),
            ("env", "memory", &[0x02, 0x01, 0x01, 0x02][..]),
            ("./app_bg.js", "b", &[0x00, 0x00][..]),
        ] {
            push_name(&mut imports, from.as_bytes());
            push_name(&mut imports, field.as_bytes());
            imports.extend_from_slice(desc);
        }
        want.push(2);
        push_leb(&mut want, imports.len() as u64);
        want.extend_from_slice(&imports);
        want.extend_from_slice(&[0x00, 0x03, 0x01, b'x', 0xff]);
        assert_eq!(out, want);
    }

    #[test]
    fn a_truncated_or_foreign_module_is_an_error_not_a_panic() {
        let m = module();
        for cut in 0..m.len() {
            let _ = rename_imports(&m[..cut], "./app_bg.js");
        }
        assert!(rename_imports(&m[..m.len() - 3], "./app_bg.js").is_err());
        assert!(rename_imports(b"not wasm", "./app_bg.js").is_err());
        assert!(rename_imports(&m, "./other_bg.js").is_err());
    }

    #[test]
    fn the_glues_keys_follow_and_a_name_used_elsewhere_stops_it() {
        let renamed = [("__wbg_now_463ac581d2fc7ea3".to_string(), "b".to_string())];
        let glue = r#"{"./app_bg.js":{__proto__:null,__wbg_now_463ac581d2fc7ea3:function(){return Date.now()}}}"#;
        assert_eq!(
            rename_keys(glue, &renamed).expect("renames"),
            r#"{"./app_bg.js":{__proto__:null,b:function(){return Date.now()}}}"#
        );
        let twice = format!("{glue}x.__wbg_now_463ac581d2fc7ea3");
        assert!(rename_keys(&twice, &renamed).is_err());
        assert!(rename_keys("{}", &renamed).is_err());
    }

    /// A module of one section, exporting functions 0, 1, … as `names`.
    fn exporting(names: &[&str]) -> Vec<u8> {
        let mut exports = Vec::new();
        push_leb(&mut exports, names.len() as u64);
        for (i, name) in names.iter().enumerate() {
            push_name(&mut exports, name.as_bytes());
            exports.extend_from_slice(&[0x00, i as u8]);
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.push(7);
        push_leb(&mut m, exports.len() as u64);
        m.extend_from_slice(&exports);
        m
    }

    #[test]
    fn closure_invokers_get_short_names_in_the_wasm_and_where_the_glue_calls_them() {
        let long = "wasm_bindgen_abded294517b0d63___convert__closures_____invoke_______true_";
        // As stable's wasm-bindgen names one.
        let longer = "wasm_bindgen__convert__closures_____invoke__h5e84aab8614c9381".to_string();
        let (out, renamed) =
            rename_invokers(&exporting(&["main", long, &longer])).expect("renames");
        assert_eq!(out, exporting(&["main", "_0", "_1"]));
        assert_eq!(
            renamed,
            [
                (long.to_string(), "_0".to_string()),
                (longer.clone(), "_1".to_string())
            ]
        );
        let glue = format!("function M(r,e){{o.{long}(r,e)}}function F(r){{o.{longer}(r)}}");
        assert_eq!(
            rename_calls(&glue, &renamed).expect("renames"),
            "function M(r,e){o._0(r,e)}function F(r){o._1(r)}"
        );
        assert!(rename_calls("o.main()", &renamed).is_err());
        assert!(rename_calls(&format!("{glue}o.{long}()"), &renamed).is_err());
        // Inside a longer name is not a call of it.
        assert!(rename_calls(&format!("o.x{long}(r,e)"), &renamed[..1]).is_err());
        assert!(rename_invokers(&exporting(&["_0", long])).is_err());
        let m = exporting(&["main", long]);
        for cut in 0..m.len() {
            let _ = rename_invokers(&m[..cut]);
        }
    }

    #[test]
    fn short_names_run_through_letters_then_pairs() {
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(51), "Z");
        assert_eq!(short_name(52), "aa");
        assert_eq!(short_name(53), "ab");
        let names: std::collections::HashSet<String> = (0..5000).map(short_name).collect();
        assert_eq!(names.len(), 5000);
    }
}
