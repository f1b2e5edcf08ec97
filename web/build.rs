//! The site's split build (feature `split`) links with relocations kept:
//! wasm-split reads them to move functions into chunks. Only that binary,
//! so no other build (the widget, the tests) changes.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm =
        std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "wasm"));
    if split && wasm {
        println!("cargo::rustc-link-arg-bin=reve-remix-web=--emit-relocs");
    }
}
