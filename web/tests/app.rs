//! Component tests: mount into a fresh element in a real Chromium and look at
//! the DOM a person would see.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use reve_remix_web::{App, AppState, EARLIER_KEPT, Finished, Page};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PNG: &[u8] = include_bytes!("../../crates/core/tests/fixtures/png_rgb_64x48.png");
const JPEG: &[u8] = include_bytes!("../../crates/core/tests/fixtures/jpeg_baseline_80x60.jpg");
const WEBP: &[u8] = include_bytes!("../../crates/core/tests/fixtures/webp_lossy_70x50.webp");
const GIF: &[u8] = include_bytes!("../../crates/core/tests/fixtures/notes.gif");

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

/// Mount the page with a fresh state (no storage) and hand the state back.
fn mount_page() -> (web_sys::HtmlElement, AppState) {
    let root = fresh_root();
    let cell: Rc<Cell<Option<AppState>>> = Rc::new(Cell::new(None));
    let out = cell.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let state = AppState::new();
        out.set(Some(state));
        view! { <Page state /> }
    });
    handle.forget();
    (root, cell.get().expect("the page made its state"))
}

/// Let Leptos run its effects and render.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn find(root: &web_sys::HtmlElement, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn prompt_value(root: &web_sys::HtmlElement) -> String {
    find(root, "textarea#prompt")
        .unchecked_into::<web_sys::HtmlTextAreaElement>()
        .value()
}

/// Type into the prompt the way a person does: set the value, fire `input`.
fn type_prompt(root: &web_sys::HtmlElement, text: &str) {
    let area: web_sys::HtmlTextAreaElement = find(root, "textarea#prompt").unchecked_into();
    area.set_value(text);
    let event = web_sys::Event::new("input").expect("event");
    area.dispatch_event(&event).expect("dispatch");
}

fn click(root: &web_sys::HtmlElement, label: &str) {
    find(root, &format!("button[aria-label=\"{label}\"]"))
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
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

#[wasm_bindgen_test]
async fn a_gif_is_rejected_with_its_message_and_the_board_is_kept() {
    let (root, state) = mount_page();
    assert!(state.add_bytes("cat.png", PNG.to_vec()));
    state.begin_adding();
    assert!(!state.add_bytes("notes.heic", GIF.to_vec()));
    settle().await;
    let alert = text_of(&root, "[role=alert]");
    assert!(alert.contains("notes.heic"), "{alert}");
    assert!(alert.contains("GIF"), "{alert}");
    // The PNG is still there, with its name, format and size.
    assert!(
        root.query_selector("img[alt=\"Reference 0\"]")
            .expect("q")
            .is_some()
    );
    assert!(
        root.query_selector("img[alt=\"Reference 1\"]")
            .expect("q")
            .is_none()
    );
    let tile = text_of(&root, ".tile");
    assert!(
        tile.contains("cat.png") && tile.contains("PNG") && tile.contains("64 × 48"),
        "{tile}"
    );
    assert!(
        root.query_selector("button[aria-label=\"Remove reference 0\"]")
            .expect("q")
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_file_too_large_is_shrunk_by_the_browser_and_joins_the_board() {
    let (root, state) = mount_page();
    // A real PNG, padded after its end to 1.6 MB (over the 1.5 MB limit).
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    assert!(!state.add_bytes("big.png", big));
    settle().await;
    assert!(text_of(&root, "[role=alert]").contains("big.png is 1.6 MB"));
    let shrink = find(&root, "button[aria-label=\"Shrink big.png and add it\"]");
    assert!(!shrink.has_attribute("hidden"));
    shrink.unchecked_into::<web_sys::HtmlElement>().click();
    // The browser decodes and encodes it: wait for the tile.
    for _ in 0..100 {
        if state.images.with_untracked(Vec::len) == 1 {
            break;
        }
        settle().await;
    }
    settle().await;
    let tile = text_of(&root, ".tile");
    assert!(
        tile.contains("big.webp") && tile.contains("WebP") && tile.contains("64 × 48"),
        "{tile}"
    );
    assert!(state.rejected.with_untracked(Vec::is_empty));
}

#[wasm_bindgen_test]
async fn a_new_result_keeps_the_last_one_among_the_earlier_results() {
    let (root, state) = mount_page();
    let result = |n: u32| Finished {
        src: format!("data:image/png;base64,{n}"),
        bytes: None,
        file_name: format!("result-{n}.png"),
        prompt: format!("prompt {n}"),
        provider: "fal",
        elapsed_ms: 1_000.0,
        credits: None,
        job_id: None,
    };
    // "Download" is the link's text; the earlier ones are named by aria-label.
    let download = |label: &str| {
        let selector = match label {
            "Download" => ".result-actions a".to_string(),
            _ => format!("a[aria-label=\"{label}\"]"),
        };
        find(&root, &selector)
            .get_attribute("download")
            .unwrap_or_default()
    };
    state.show_result(result(1));
    settle().await;
    assert!(find(&root, ".earlier").has_attribute("hidden"));
    state.show_result(result(2));
    settle().await;
    assert!(!find(&root, ".earlier").has_attribute("hidden"));
    assert_eq!(download("Download"), "result-2.png");
    assert_eq!(download("Download earlier result 1"), "result-1.png");
    // Shown again, it swaps places with the result on show.
    click(&root, "Show earlier result 1");
    settle().await;
    assert_eq!(
        state
            .result
            .with_untracked(|r| r.as_ref().map(|r| r.file_name.clone())),
        Some("result-1.png".to_string())
    );
    assert_eq!(download("Download earlier result 1"), "result-2.png");
    // Only the newest few are kept.
    for n in 3..20 {
        state.show_result(result(n));
    }
    assert_eq!(state.earlier.with_untracked(Vec::len), EARLIER_KEPT);
}

#[wasm_bindgen_test]
async fn the_board_stops_at_the_providers_limit() {
    let (root, state) = mount_page();
    state.provider.set("fal".to_string());
    for i in 0..4 {
        assert!(state.add_bytes(&format!("{i}.png"), PNG.to_vec()));
    }
    assert!(!state.add_bytes("5.png", PNG.to_vec()));
    settle().await;
    assert!(text_of(&root, "#board-limit").contains("4 of 4"));
    assert!(text_of(&root, "[role=alert]").contains("at most 4"));
}

#[wasm_bindgen_test]
async fn the_count_is_live_and_problems_show_before_remix() {
    let (root, state) = mount_page();
    settle().await;
    assert_eq!(text_of(&root, "#prompt-count"), "0 / 2560");
    let remix = find(&root, "button.remix");
    assert!(remix.has_attribute("disabled"));
    assert!(text_of(&root, "#remix-reason").contains("Add at least one reference image"));

    state.add_bytes("cat.png", PNG.to_vec());
    type_prompt(&root, "A cat from <img>3</img> ✨");
    settle().await;
    assert_eq!(text_of(&root, "#prompt-count"), "25 / 2560");
    assert!(text_of(&root, "#prompt-problem").contains("<img>3</img>"));
    assert!(remix.has_attribute("disabled"));

    type_prompt(&root, &"x".repeat(2561));
    settle().await;
    assert!(find(&root, "#prompt-count").class_list().contains("over"));
    assert!(text_of(&root, "#prompt-problem").contains("limit is 2,560"));

    type_prompt(&root, "A cat from <img>0</img>");
    settle().await;
    assert!(
        !remix.has_attribute("disabled"),
        "{}",
        text_of(&root, "#remix-reason")
    );
}

#[wasm_bindgen_test]
async fn a_reference_shows_as_a_chip_naming_its_image() {
    let (root, state) = mount_page();
    state.add_bytes("cat.png", PNG.to_vec());
    type_prompt(&root, "Put <img>0</img> on <img>1</img>");
    settle().await;
    let chips = root.query_selector_all(".chips li").expect("chips");
    assert_eq!(chips.length(), 2);
    let first = chips
        .get(0)
        .expect("chip")
        .text_content()
        .unwrap_or_default();
    assert_eq!(first, "<img>0</img> → cat.png");
    let second: web_sys::Element = chips.get(1).expect("chip").unchecked_into();
    assert!(second.class_list().contains("bad"));
}

#[wasm_bindgen_test]
async fn insert_into_prompt_writes_the_tag_at_the_cursor() {
    let (root, state) = mount_page();
    state.add_bytes("cat.png", PNG.to_vec());
    state.add_bytes("dog.jpg", JPEG.to_vec());
    type_prompt(&root, "A  in the snow");
    settle().await;
    let area: web_sys::HtmlTextAreaElement = find(&root, "textarea#prompt").unchecked_into();
    area.set_selection_range(2, 2).expect("select");
    click(&root, "Insert reference 1 into prompt");
    settle().await;
    assert_eq!(prompt_value(&root), "A <img>1</img> in the snow");
}

/// a.png, b.jpg and c.webp on the board; the prompt refers to all three.
async fn three_tiles_and_a_prompt() -> (web_sys::HtmlElement, AppState) {
    let (root, state) = mount_page();
    state.add_bytes("a.png", PNG.to_vec());
    state.add_bytes("b.jpg", JPEG.to_vec());
    state.add_bytes("c.webp", WEBP.to_vec());
    type_prompt(&root, "<img>0</img> with <img>2</img> and <img>1</img>");
    settle().await;
    (root, state)
}

#[wasm_bindgen_test]
async fn undo_puts_a_removed_tile_back_with_the_prompt_as_it_was() {
    let (root, state) = three_tiles_and_a_prompt().await;
    let names = |state: &AppState| {
        state
            .images
            .with_untracked(|v| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>())
    };
    click(&root, "Remove reference 1");
    settle().await;
    assert!(text_of(&root, ".removed").contains("Removed b.jpg."));
    click(&root, "Undo removing b.jpg");
    settle().await;
    assert_eq!(names(&state), ["a.png", "b.jpg", "c.webp"]);
    assert_eq!(
        prompt_value(&root),
        "<img>0</img> with <img>2</img> and <img>1</img>"
    );
    assert!(state.orphaned.with_untracked(Vec::is_empty));
    assert_eq!(text_of(&root, ".removed"), "");

    // Edited since: the edit stays, and the tile comes back last.
    click(&root, "Remove reference 0");
    settle().await;
    type_prompt(&root, "<img>0</img> only");
    settle().await;
    click(&root, "Undo removing a.png");
    settle().await;
    assert_eq!(names(&state), ["b.jpg", "c.webp", "a.png"]);
    assert_eq!(prompt_value(&root), "<img>0</img> only");

    // Another change to the board ends the chance to undo.
    click(&root, "Remove reference 2");
    state.add_bytes("d.png", PNG.to_vec());
    settle().await;
    assert_eq!(text_of(&root, ".removed"), "");
}

#[wasm_bindgen_test]
async fn removing_a_tile_renumbers_the_prompt_and_flags_its_references() {
    let (root, state) = three_tiles_and_a_prompt().await;
    click(&root, "Remove reference 1");
    settle().await;
    // c moved down to 1; the reference to the removed b is kept and flagged.
    assert_eq!(
        prompt_value(&root),
        "<img>0</img> with <img>1</img> and <img>1</img>"
    );
    assert_eq!(state.orphaned.get_untracked(), vec![2]);
    let chips = root.query_selector_all(".chips li.bad").expect("chips");
    assert_eq!(chips.length(), 1);
    assert!(
        chips
            .get(0)
            .expect("chip")
            .text_content()
            .unwrap_or_default()
            .contains("removed")
    );
    assert!(find(&root, "button.remix").has_attribute("disabled"));
    assert!(
        root.query_selector("img[alt=\"Reference 2\"]")
            .expect("q")
            .is_none()
    );
    // Editing the prompt is the fix: the flag goes.
    type_prompt(&root, "<img>0</img> with <img>1</img>");
    settle().await;
    assert!(state.orphaned.get_untracked().is_empty());
    assert!(!find(&root, "button.remix").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn moving_a_tile_renumbers_the_prompt() {
    let (root, state) = mount_page();
    state.add_bytes("a.png", PNG.to_vec());
    state.add_bytes("b.jpg", JPEG.to_vec());
    type_prompt(&root, "<img>0</img> beside <img>1</img>");
    settle().await;
    click(&root, "Move reference 0 right");
    settle().await;
    assert_eq!(prompt_value(&root), "<img>1</img> beside <img>0</img>");
    let names: Vec<String> = (0..2)
        .map(|i| {
            root.query_selector_all(".tile-name")
                .expect("names")
                .get(i)
                .and_then(|n| n.text_content())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(names, ["b.jpg", "a.png"]);
}

#[wasm_bindgen_test]
async fn options_follow_the_provider() {
    let (root, state) = mount_page();
    settle().await;
    let hidden = |id: &str| {
        find(&root, &format!("#{id}"))
            .closest(".field")
            .expect("q")
            .expect("field")
            .has_attribute("hidden")
    };
    assert!(!hidden("tts"), "Reve takes test-time scaling");
    assert!(hidden("output-format"), "Reve has no output format");
    state.provider.set("fal".to_string());
    settle().await;
    assert!(hidden("tts"));
    assert!(!hidden("output-format"));
    assert!(!hidden("aspect-ratio"));
}
