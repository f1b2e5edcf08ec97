//! Component tests: mount into a fresh element in a real Chromium and look at
//! the DOM a person would see.
#![cfg(target_arch = "wasm32")]

use reve_remix_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> web_sys::HtmlElement {
    let document = leptos::prelude::document();
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    root.unchecked_into()
}

#[wasm_bindgen_test]
fn app_shell_shows_the_remix_button() {
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), App);
    let button = root
        .query_selector("button.remix")
        .expect("query")
        .expect("a Remix button");
    assert_eq!(button.text_content().as_deref(), Some("Remix"));
    assert_eq!(
        root.query_selector("h1")
            .expect("query")
            .expect("a heading")
            .text_content()
            .as_deref(),
        Some("Reve Remix")
    );
}
