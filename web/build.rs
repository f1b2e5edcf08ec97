//! The split builds (features `split`, the site's release app, and
//! `split-embedded`, the widget's, which `split` implies) link with
//! relocations kept: wasm-split reads them to move functions
//! into chunks. Only those binaries, so no other build (the tests) changes.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT_EMBEDDED").is_some();
    let wasm =
        std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "wasm"));
    if split && wasm {
        for bin in ["reve-remix-web", "reve-remix-widget"] {
            println!("cargo::rustc-link-arg-bin={bin}=--emit-relocs");
        }
    }
}
