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

use std::path::Path;

use crate::short_imports::push_leb;
use crate::util::{Result, read, read_text, write};
use crate::wasm_read::{Reader, sections};

/// `wasm-streams`' classes, as wasm-bindgen names them in the glue.
const CLASSES: [&str; 3] = [
    "IntoUnderlyingByteSource",
    "IntoUnderlyingSink",
    "IntoUnderlyingSource",
];

/// Take [`CLASSES`] out of wasm-bindgen's `js` glue and their exports out
/// of `wasm`, in place.
pub fn drop(wasm: &Path, js: &Path) -> Result {
    let glue = read_text(js)?;
    let glue = without_classes(&glue).map_err(|e| format!("{}: {e}", js.display()))?;
    let (bytes, dropped) =
        without_exports(&read(wasm)?).map_err(|e| format!("{}: {e}", wasm.display()))?;
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
    let mut out = wasm.get(..8).ok_or("not a WebAssembly module")?.to_vec();
    let mut dropped = Vec::new();
    for (id, body) in sections(wasm)? {
        let body = if id == 7 {
            let mut s = Reader::new(body);
            let count = s.u32()?;
            let mut kept = 0u64;
            let mut entries = Vec::new();
            for _ in 0..count {
                let start = s.at;
                let name = s.name()?;
                s.byte()?;
                s.u32()?;
                let name =
                    std::str::from_utf8(name).map_err(|_| "an export's name is not UTF-8")?;
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
            section
        } else {
            body.to_vec()
        };
        out.push(id);
        push_leb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    if dropped.is_empty() {
        return Err(
            "none of the classes' exports is there: has leptos dropped wasm-streams?".into(),
        );
    }
    Ok((out, dropped))
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
}
