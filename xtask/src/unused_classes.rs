//! Classes a Leptos wasm exports that no code of ours can reach (issue 25).
//!
//! `leptos` always turns on `server_fn`'s `browser` feature, whose
//! `wasm-streams` exports three `#[wasm_bindgen]` classes to JS. An export
//! is a root no linker or wasm-opt may remove, so the app and the widget
//! carried their code (11 KB of wasm before wasm-opt) and their glue, though
//! only a server function's streaming body would use them and the app has
//! none: no Rust code hands such an object to JS (the glue has no `__wrap`
//! for them), and only JS calls their methods.
//!
//! After wasm-bindgen, [`drop`] takes the classes out of the glue and their
//! exports out of the wasm; wasm-opt then removes the code only they reached.
//! If the glue still names a class or calls one of its exports afterwards,
//! something does use it, and this is an error rather than a broken page.
//!
//! Not all of it, though: their methods' futures become promises through
//! closures whose code sits in the function table, and a split build exports
//! its table (the chunks call through it), so wasm-opt must keep every entry
//! and what it reaches (5 KB of wasm, 2.5 KB gzipped, before the first
//! click). Only code instantiated for wasm-streams' own types names the
//! crate, and only those classes make such values: [`drop`] also sets those
//! table entries to null, so a call through one traps as a call of any
//! missing function would, and wasm-opt removes their code.

use std::collections::HashMap;
use std::path::Path;

use crate::util::{Result, read, read_text, write};
use crate::wasm_read::{Reader, function_names, push_leb, rewrite_section, sections};

/// `wasm-streams`' classes, as wasm-bindgen names them in the glue.
const CLASSES: [&str; 3] = [
    "IntoUnderlyingByteSource",
    "IntoUnderlyingSink",
    "IntoUnderlyingSource",
];

/// The crate whose name, in a function's symbol, marks code only
/// [`CLASSES`] reach: its own functions and everything instantiated for its
/// types.
const THEIR_CRATE: &str = "wasm_streams";

/// Take [`CLASSES`] out of wasm-bindgen's `js` glue and their exports out
/// of `wasm`, in place.
pub fn drop(wasm: &Path, js: &Path) -> Result {
    let glue = read_text(js)?;
    let glue = without_classes(&glue).map_err(|e| format!("{}: {e}", js.display()))?;
    let (bytes, dropped) =
        without_exports(&read(wasm)?).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let bytes =
        without_their_table_entries(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    if let Some(called) = dropped
        .iter()
        .find(|name| glue.contains(&format!("wasm.{name}(")))
    {
        return Err(format!(
            "{}: the glue still calls `{called}`, an export of a class it should not need",
            js.display()
        ));
    }
    write(wasm, bytes)?;
    write(js, glue)
}

/// Whether a wasm export belongs to one of [`CLASSES`]: its methods
/// (`intounderlyingsink_write`) and its destructor (`__wbg_…_free`).
fn is_class_export(name: &str) -> bool {
    CLASSES.iter().any(|class| {
        let lower = class.to_ascii_lowercase();
        name.strip_prefix(&lower)
            .is_some_and(|rest| rest.starts_with('_'))
            || name == format!("__wbg_{lower}_free")
    })
}

/// The glue without each class's declaration, its `Symbol.dispose` line
/// and its finalization registry; each must be there, in the shape
/// wasm-bindgen writes, and the class named nowhere else.
fn without_classes(glue: &str) -> std::result::Result<String, String> {
    let mut glue = glue.to_string();
    for class in CLASSES {
        let start = format!("export class {class} {{");
        let end = format!(
            "if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n"
        );
        glue = cut(&glue, &start, &end)?;
        glue = cut(
            &glue,
            &format!("const {class}Finalization = "),
            "_free(ptr, 1));\n",
        )?;
        if glue.contains(class) {
            return Err(format!(
                "{class} is still named after its class was taken out"
            ));
        }
    }
    Ok(glue)
}

/// `text` without the one span from `start` to the first `end` after it.
fn cut(text: &str, start: &str, end: &str) -> std::result::Result<String, String> {
    let (Some(from), 1) = (text.find(start), text.matches(start).count()) else {
        return Err(format!("expected `{start}` once"));
    };
    let to = text[from..]
        .find(end)
        .map(|at| from + at + end.len())
        .ok_or_else(|| format!("no `{}` after `{start}`", end.trim_end()))?;
    Ok(format!("{}{}", &text[..from], &text[to..]))
}

/// `wasm` without the exports [`is_class_export`] picks, and their names.
fn without_exports(wasm: &[u8]) -> std::result::Result<(Vec<u8>, Vec<String>), String> {
    let mut dropped = Vec::new();
    let out = rewrite_section(wasm, 7, |body| {
        let mut s = Reader::new(body);
        let count = s.u32()?;
        let mut kept = 0u64;
        let mut entries = Vec::new();
        for _ in 0..count {
            let start = s.at;
            let name = s.name()?;
            s.byte()?;
            s.u32()?;
            let name = std::str::from_utf8(name).map_err(|_| "an export's name is not UTF-8")?;
            if is_class_export(name) {
                dropped.push(name.to_string());
            } else {
                entries.extend_from_slice(&body[start..s.at]);
                kept += 1;
            }
        }
        if !s.done() {
            return Err("the export section has bytes after its exports".into());
        }
        let mut section = Vec::new();
        push_leb(&mut section, kept);
        section.extend_from_slice(&entries);
        Ok(section)
    })?;
    if dropped.is_empty() {
        return Err(
            "none of the classes' exports is there: has leptos dropped wasm-streams?".into(),
        );
    }
    Ok((out, dropped))
}

/// `wasm` with every table entry whose function's symbol names
/// [`THEIR_CRATE`] set to null (the `name` section says which). An active
/// segment that lists function indices and holds one is written again as
/// expressions (`ref.func`, `ref.null func`), at the same offset; every
/// other segment is copied as it is.
fn without_their_table_entries(wasm: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut names = HashMap::new();
    for (id, body) in sections(wasm)? {
        let mut s = Reader::new(body);
        if id == 0 && s.name()? == b"name" {
            names = function_names(&mut s)?;
        }
    }
    let theirs = |f: u32| names.get(&f).is_some_and(|n| n.contains(THEIR_CRATE));
    let mut nulled = 0;
    let out = rewrite_section(wasm, 9, |body| {
        let (body, n) = null_entries(body, theirs)?;
        nulled += n;
        Ok(body)
    })?;
    if nulled == 0 {
        return Err(format!(
            "no table entry is code of {THEIR_CRATE}: has leptos dropped it, or the build its \
             function names (the `name` section)?"
        ));
    }
    Ok(out)
}

/// An element section with the entries `dead` picks nulled, and how many.
fn null_entries(
    body: &[u8],
    dead: impl Fn(u32) -> bool,
) -> std::result::Result<(Vec<u8>, usize), String> {
    let mut r = Reader::new(body);
    let count = r.u32()?;
    let mut out = Vec::new();
    push_leb(&mut out, u64::from(count));
    let mut nulled = 0;
    for _ in 0..count {
        let start = r.at;
        let kind = r.u32()?;
        if kind == 0 {
            let offset = const_expr(&mut r)?;
            let functions = (0..r.u32()?)
                .map(|_| r.u32())
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if functions.iter().any(|&f| dead(f)) {
                // Kind 4: an active segment of table 0 whose entries are expressions.
                out.push(4);
                out.extend_from_slice(offset);
                push_leb(&mut out, functions.len() as u64);
                for f in functions {
                    if dead(f) {
                        out.extend_from_slice(&[0xd0, 0x70, 0x0b]);
                        nulled += 1;
                    } else {
                        out.push(0xd2);
                        push_leb(&mut out, u64::from(f));
                        out.push(0x0b);
                    }
                }
                continue;
            }
        } else {
            skip_segment(kind, &mut r)?;
        }
        out.extend_from_slice(&body[start..r.at]);
    }
    if !r.done() {
        return Err("the element section has bytes after its segments".into());
    }
    Ok((out, nulled))
}

/// Past an element segment of `kind` 1 to 7, its kind read already.
fn skip_segment(kind: u32, r: &mut Reader<'_>) -> std::result::Result<(), String> {
    // Kinds 2 and 6 name their table and, like 4, have an offset.
    if kind == 2 || kind == 6 {
        r.u32()?;
    }
    if matches!(kind, 2 | 4 | 6) {
        const_expr(r)?;
    }
    // All but 4 have an element kind or reference type.
    if kind != 4 {
        r.byte()?;
    }
    for _ in 0..r.u32()? {
        match kind {
            1..=3 => {
                r.u32()?;
            }
            4..=7 => {
                const_expr(r)?;
            }
            _ => return Err(format!("an element segment of unknown kind {kind}")),
        }
    }
    Ok(())
}

/// A constant expression's bytes, its `end` included.
fn const_expr<'a>(r: &mut Reader<'a>) -> std::result::Result<&'a [u8], String> {
    let start = r.at;
    loop {
        match r.byte()? {
            0x0b => return Ok(&r.bytes[start..r.at]),
            // i32.const, i64.const: a signed LEB128.
            0x41 | 0x42 => while r.byte()? & 0x80 != 0 {},
            // global.get, ref.func: an index.
            0x23 | 0xd2 => {
                r.u32()?;
            }
            // ref.null: a type.
            0xd0 => {
                r.byte()?;
            }
            // The extended constants' add, sub and mul.
            0x6a..=0x6c | 0x7c..=0x7e => {}
            op => return Err(format!("a constant expression with opcode {op:#04x}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with an export section: two exports of a dropped class, one
    /// of the app's, and a custom section after it.
    fn module() -> Vec<u8> {
        let mut exports = Vec::new();
        push_leb(&mut exports, 3);
        for name in [
            "intounderlyingsink_write",
            "main",
            "__wbg_intounderlyingsink_free",
        ] {
            push_leb(&mut exports, name.len() as u64);
            exports.extend_from_slice(name.as_bytes());
            exports.extend_from_slice(&[0x00, 0x01]);
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.push(7);
        push_leb(&mut m, exports.len() as u64);
        m.extend_from_slice(&exports);
        m.extend_from_slice(&[0, 4, 3, b'a', b'b', b'c']);
        m
    }

    #[test]
    fn only_the_classes_exports_go_and_the_rest_is_copied() {
        let (out, dropped) = without_exports(&module()).expect("drops");
        assert_eq!(
            dropped,
            ["intounderlyingsink_write", "__wbg_intounderlyingsink_free"]
        );
        let mut expected = b"\0asm\x01\0\0\0\x07\x08\x01\x04main\x00\x01".to_vec();
        expected.extend_from_slice(&[0, 4, 3, b'a', b'b', b'c']);
        assert_eq!(out, expected);
    }

    #[test]
    fn a_module_without_the_classes_is_an_error() {
        let m = b"\0asm\x01\0\0\0\x07\x08\x01\x04main\x00\x01".to_vec();
        assert!(without_exports(&m).is_err());
    }

    #[test]
    fn class_exports_are_told_from_look_alikes() {
        assert!(is_class_export("intounderlyingsource_pull"));
        assert!(is_class_export("__wbg_intounderlyingbytesource_free"));
        assert!(!is_class_export("intounderlyingsourcex"));
        assert!(!is_class_export("__wbg_intounderlyingsink_new"));
        assert!(!is_class_export("main"));
    }

    fn class_text(class: &str) -> String {
        format!(
            "export class {class} {{\n    free() {{ wasm.__wbg_{l}_free(this.__wbg_ptr, 0); }}\n}}\n\
             if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n",
            l = class.to_ascii_lowercase()
        )
    }

    fn registry_text(class: &str) -> String {
        format!(
            "const {class}Finalization = (typeof FinalizationRegistry === 'undefined')\n    \
             ? {{ register: () => {{}}, unregister: () => {{}} }}\n    \
             : new FinalizationRegistry(ptr => wasm.__wbg_{l}_free(ptr, 1));\n",
            l = class.to_ascii_lowercase()
        )
    }

    #[test]
    fn the_glue_loses_each_class_and_its_registry_and_nothing_else() {
        let mut glue = String::from("import * as a from \"./x.js\"\n");
        for class in CLASSES {
            glue += &class_text(class);
        }
        glue += "function keep() { return 1; }\n";
        for class in CLASSES {
            glue += &registry_text(class);
        }
        glue += "export { keep };\n";
        assert_eq!(
            without_classes(&glue).expect("cut"),
            "import * as a from \"./x.js\"\nfunction keep() { return 1; }\nexport { keep };\n"
        );
    }

    #[test]
    fn a_class_still_used_elsewhere_is_an_error() {
        let mut glue = String::new();
        for class in CLASSES {
            glue += &class_text(class);
            glue += &registry_text(class);
        }
        glue += "function f(p) { return IntoUnderlyingSink.__wrap(p); }\n";
        let err = without_classes(&glue).expect_err("used");
        assert!(err.contains("IntoUnderlyingSink"), "{err}");
    }

    /// A module whose table holds functions 0, 1 and 2 at offset 1 (an
    /// active segment of indices) and function 2 again (a segment of
    /// expressions), with function 1 named as wasm-streams' code.
    fn module_with_table() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([9, 17, 2]);
        m.extend([0, 0x41, 1, 0x0b, 3, 0, 1, 2]);
        m.extend([4, 0x41, 4, 0x0b, 1, 0xd2, 2, 0x0b]);
        let mut names = Vec::new();
        push_leb(&mut names, 2);
        for (index, name) in [(0u8, "main"), (1, "future_to_promise<wasm_streams::Pull>")] {
            names.push(index);
            push_leb(&mut names, name.len() as u64);
            names.extend_from_slice(name.as_bytes());
        }
        let mut section = b"\x04name\x01".to_vec();
        push_leb(&mut section, names.len() as u64);
        section.extend_from_slice(&names);
        m.push(0);
        push_leb(&mut m, section.len() as u64);
        m.extend_from_slice(&section);
        m
    }

    #[test]
    fn their_table_entries_become_null_and_the_rest_stay_where_they_were() {
        let m = module_with_table();
        let out = without_their_table_entries(&m).expect("nulls");
        let mut expected = b"\0asm\x01\0\0\0".to_vec();
        // The first segment as expressions, at the same offset; the second as it was.
        expected.extend([9, 23, 2]);
        expected.extend([
            4, 0x41, 1, 0x0b, 3, 0xd2, 0, 0x0b, 0xd0, 0x70, 0x0b, 0xd2, 2, 0x0b,
        ]);
        expected.extend([4, 0x41, 4, 0x0b, 1, 0xd2, 2, 0x0b]);
        expected.extend_from_slice(&m[8 + 19..]);
        assert_eq!(out, expected);
    }

    #[test]
    fn a_table_without_their_code_is_an_error() {
        let mut m = module_with_table();
        // Rename function 1: nothing of wasm-streams' is left in the table.
        let at = m
            .windows(12)
            .position(|w| w == b"wasm_streams")
            .expect("named");
        m[at] = b'W';
        let err = without_their_table_entries(&m).expect_err("none");
        assert!(err.contains("no table entry"), "{err}");
    }

    #[test]
    fn every_kind_of_segment_is_read_past() {
        // Kinds 1 (passive indices), 2 (table 0, offset, indices), 5
        // (passive expressions) and 6 (table 0, offset, expressions), then
        // a kind no module has.
        let mut body = vec![4];
        body.extend([1, 0, 1, 7]);
        body.extend([2, 0, 0x41, 0, 0x0b, 0, 2, 7, 8]);
        body.extend([5, 0x70, 1, 0xd0, 0x70, 0x0b]);
        body.extend([6, 0, 0x23, 0, 0x0b, 0x70, 1, 0xd2, 7, 0x0b]);
        let (out, nulled) = null_entries(&body, |f| f == 7).expect("copies");
        assert_eq!((out, nulled), (body, 0));
        assert!(null_entries(&[1, 9, 0], |_| false).is_err());
    }
}
