//! Where a wasm's bytes are: the code section's function bodies, each
//! named by the name section rustc writes (before wasm-bindgen and
//! wasm-opt strip it), added up by crate. Printed by `cargo xtask bench
//! sizes` for the app and the package, so that a change to the bytes
//! before the first click starts from what they are (issue 25).
//!
//! The figures are of rustc's output, before wasm-opt: shares, not the
//! shipped bytes (wasm-opt takes about a third off, evenly enough).
//! wasm-bindgen's `__wbindgen_describe` functions are left out: it
//! removes them.
//!
//! It reads the module through `wasm_read`: every read bounds-checked.

use std::collections::HashMap;

use crate::wasm_read::{Reader, function_names, sections};

/// Code bytes per crate, largest first, and the total.
pub struct Profile {
    pub crates: Vec<(String, usize)>,
    pub total: usize,
}

impl Profile {
    /// The `top` largest crates and the rest, with their shares.
    pub fn print(&self, what: &str, top: usize) {
        println!("  where {what}'s code is (rustc's output, before wasm-opt; by crate):");
        let share = |n: usize| 100.0 * n as f64 / self.total.max(1) as f64;
        for (name, bytes) in self.crates.iter().take(top) {
            println!("    {name:<28} {bytes:>9} B {:>5.1}%", share(*bytes));
        }
        let rest: usize = self.crates.iter().skip(top).map(|c| c.1).sum();
        if rest > 0 {
            let others = format!("{} others", self.crates.len() - top);
            println!("    {others:<28} {rest:>9} B {:>5.1}%", share(rest));
        }
        println!("    {:<28} {:>9} B", "total", self.total);
    }
}

/// Profile a wasm file's bytes.
pub fn profile(wasm: &[u8]) -> Result<Profile, String> {
    let module = Module::read(wasm)?;
    let mut by_crate: HashMap<String, usize> = HashMap::new();
    let mut total = 0;
    for (i, &size) in module.bodies.iter().enumerate() {
        let index = module.imported_functions + i as u32;
        let name = module.names.get(&index).map(String::as_str).unwrap_or("");
        if name.starts_with("__wbindgen_describe") || name.contains("WasmDescribe") {
            continue;
        }
        total += size;
        *by_crate.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, usize)> = by_crate.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Profile { crates, total })
}

/// The crate a symbol's code belongs to: its path's first segment, or for
/// `<T as Trait>::f` with a generic or borrowed `T`, the trait's crate.
fn crate_of(symbol: &str) -> String {
    if symbol.is_empty() {
        return "(unnamed)".into();
    }
    let demangled = format!("{:#}", rustc_demangle::demangle(symbol));
    let path = demangled.trim_start_matches(['<', '&', '*', '[', '(']);
    let path = path.trim_start_matches("mut ").trim_start_matches("const ");
    let head: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let is_path = path[head.len()..].starts_with("::");
    if is_path && !head.is_empty() {
        return head;
    }
    if let Some((_, rest)) = demangled.split_once(" as ") {
        let of_trait: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !of_trait.is_empty() {
            return of_trait;
        }
    }
    if demangled.contains("::") || head.is_empty() {
        "(other)".into()
    } else {
        // An export or import shim: a C-style name with no path.
        "(exports and shims)".into()
    }
}

/// What the profile needs of a module.
struct Module {
    imported_functions: u32,
    /// Each defined function's body size, in order.
    bodies: Vec<usize>,
    /// Function index → name, from the `name` section.
    names: HashMap<u32, String>,
}

impl Module {
    fn read(bytes: &[u8]) -> Result<Module, String> {
        let mut module = Module {
            imported_functions: 0,
            bodies: Vec::new(),
            names: HashMap::new(),
        };
        for (id, body) in sections(bytes)? {
            let mut section = Reader::new(body);
            match id {
                2 => module.imported_functions = count_function_imports(&mut section)?,
                10 => {
                    for _ in 0..section.u32()? {
                        let size = section.u32()? as usize;
                        section.take(size)?;
                        module.bodies.push(size);
                    }
                }
                0 if section.name()? == b"name" => module.names = function_names(&mut section)?,
                _ => {}
            }
        }
        Ok(module)
    }
}

fn count_function_imports(r: &mut Reader<'_>) -> Result<u32, String> {
    let mut functions = 0;
    for _ in 0..r.u32()? {
        r.name()?;
        r.name()?;
        if r.import_desc()? == 0 {
            functions += 1;
        }
    }
    Ok(functions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_crate_of_paths_impls_and_shims() {
        // Legacy and v0 manglings of the same kind of paths.
        assert_eq!(
            crate_of("_ZN15reve_remix_core5image7inspect17ha51265e4e4815a5aE"),
            "reve_remix_core"
        );
        assert_eq!(
            crate_of(
                "_ZN94_$LT$tachys..html..element..HtmlElement$LT$E$C$At$C$Ch$GT$$u20$as$u20$tachys..view..Render$GT$5build17h910c47b85c794210E"
            ),
            "tachys"
        );
        assert_eq!(
            crate_of(
                "_ZN49_$LT$T$u20$as$u20$reactive_graph..traits..Set$GT$3set17h30699866b552f563E"
            ),
            "reactive_graph"
        );
        assert_eq!(crate_of("_RNvNtCsgXGp5Oqx2Ny_4core3fmt5write"), "core");
        assert_eq!(
            crate_of("mountBoard_81932f4c3050f6fa"),
            "(exports and shims)"
        );
        assert_eq!(crate_of(""), "(unnamed)");
    }

    /// A module of one imported and two defined functions, the second named.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // Type section: one type, () -> ().
        m.extend([1, 4, 1, 0x60, 0, 0]);
        // Import section: "e" "f", a function of type 0.
        m.extend([2, 7, 1, 1, b'e', 1, b'f', 0, 0]);
        // Function section: two functions of type 0.
        m.extend([3, 3, 2, 0, 0]);
        // Code section: bodies of 2 and 4 bytes.
        m.extend([10, 9, 2, 2, 0, 0x0b, 4, 0, 0x01, 0x01, 0x0b]);
        // Name section: function 2 is core::fmt::write.
        let name = b"_RNvNtCsgXGp5Oqx2Ny_4core3fmt5write";
        let mut names = vec![1, (name.len() + 3) as u8, 1, 2, name.len() as u8];
        names.extend(name);
        let mut custom = vec![4];
        custom.extend(b"name");
        custom.extend(names);
        m.push(0);
        m.push(custom.len() as u8);
        m.extend(custom);
        m
    }

    #[test]
    fn adds_up_bodies_by_crate() {
        let p = profile(&module()).expect("a valid module");
        assert_eq!(p.total, 6);
        assert_eq!(
            p.crates,
            vec![("core".to_string(), 4), ("(unnamed)".to_string(), 2)]
        );
    }

    #[test]
    fn a_length_past_the_end_is_an_error_not_a_panic() {
        let mut m = module();
        // The code section claims 200 bytes.
        let at = m.iter().position(|&b| b == 10).expect("code section");
        m[at + 1] = 200;
        assert!(profile(&m).is_err());
        assert!(profile(b"\0asm").is_err());
        assert!(profile(b"not wasm").is_err());
    }
}
