//! Component tests: mount into a fresh element in a real Chromium, act as a
//! person does (pick files in the file input, drop them on the board, type,
//! click, choose), and look at the DOM they would see. The rules behind it
//! (renumbering, undo, limits, the checks) are unit-tested natively in
//! `src/model/`; these prove that the page is wired to them.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use reve_remix_web::App;
use reve_remix_web::components::ResultView;
use reve_remix_web::model::{Finished, ImageUrl, Results};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

#[wasm_bindgen_test]
async fn app_shell_shows_the_remix_button() {
    let app = mount(App);
    settle().await;
    assert_eq!(text_of(&app.root, "button.remix"), "Remix");
    assert_eq!(text_of(&app.root, "h1"), "Reve Remix");
}

#[wasm_bindgen_test]
async fn picked_files_join_the_board_and_a_gif_is_turned_away_with_its_reason() {
    let page = page();
    let root = &page.root;
    pick(root, &[("cat.png", PNG), ("notes.heic", GIF)]);
    alert_says(root, "notes.heic").await;
    assert!(text_of(root, "[role=alert]").contains("GIF"));
    // The PNG is there, with its name, format and size.
    assert_eq!(count(root, "img[alt=\"Reference 0\"]"), 1);
    assert_eq!(count(root, "img[alt=\"Reference 1\"]"), 0);
    let tile = text_of(root, ".tile");
    assert!(
        tile.contains("cat.png") && tile.contains("PNG") && tile.contains("64 × 48"),
        "{tile}"
    );
    assert_eq!(count(root, "button[aria-label=\"Remove reference 0\"]"), 1);
    assert!(
        text_of(root, "#board-limit").starts_with("1 of 8 images"),
        "fal with Reve 2.1 takes eight"
    );
}

#[wasm_bindgen_test]
async fn files_dropped_on_the_board_join_it_in_order() {
    let page = page();
    let root = &page.root;
    drop_files(
        &find(root, "section.board"),
        &[("a.png", PNG), ("b.jpg", JPEG)],
    );
    tiles(root, 2).await;
    assert_eq!(texts(root, ".tile-name"), ["a.png", "b.jpg"]);
}

#[wasm_bindgen_test]
async fn a_file_too_large_is_shrunk_by_the_browser_and_joins_the_board() {
    let page = page();
    let root = &page.root;
    // A real PNG, padded after its end to 1.6 MB (over the 1.5 MB limit).
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    pick(root, &[("big.png", &big)]);
    alert_says(root, "big.png is 1.6 MB").await;
    let shrink = find(root, "button[aria-label=\"Shrink and add big.png\"]");
    assert!(!shrink.has_attribute("hidden"));
    shrink.unchecked_into::<HtmlElement>().click();
    // The browser decodes and encodes it.
    tiles(root, 1).await;
    let tile = text_of(root, ".tile");
    assert!(
        tile.contains("big.webp") && tile.contains("WebP") && tile.contains("64 × 48"),
        "{tile}"
    );
    // The tile says what it was, in the app's units.
    assert_eq!(text_of(root, ".tile-note"), "shrunk from 1.60 MB");
    assert_eq!(count(root, "[role=alert] li"), 0);
}

#[wasm_bindgen_test]
async fn an_heic_the_browser_cannot_draw_shows_a_drawn_placeholder_from_the_start() {
    let page = page();
    let root = &page.root;
    // fal (the default) takes HEIF; Chromium cannot decode it.
    pick(root, &[("IMG_0001.heic", HEIC)]);
    tiles(root, 1).await;
    // Before the browser has even tried: no broken-image icon, no alt text.
    let img = find(root, ".tile .preview img");
    assert!(img.has_attribute("hidden"), "the <img> waits hidden");
    let placeholder = find(root, ".tile .no-preview");
    assert!(!placeholder.has_attribute("hidden"));
    assert_eq!(
        placeholder.get_attribute("aria-label").as_deref(),
        Some("Reference 0")
    );
    let said = placeholder.text_content().unwrap_or_default();
    assert!(said.contains("HEIF") && said.contains("64 × 40"), "{said}");
    // And after it failed to decode, still the placeholder.
    settle().await;
    settle().await;
    assert!(find(root, ".tile .preview img").has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn the_board_stops_at_the_chosen_providers_limit() {
    let page = page();
    let root = &page.root;
    // OneRouter takes four references.
    choose(root, "provider", "onerouter");
    settle().await;
    let five: Vec<(String, &[u8])> = (0..5).map(|i| (format!("{i}.png"), PNG)).collect();
    let five: Vec<(&str, &[u8])> = five.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    pick(root, &five);
    alert_says(root, "at most 4").await;
    assert_eq!(count(root, ".tile"), 4);
    assert!(text_of(root, "#board-limit").contains("4 of 4"));
}

#[wasm_bindgen_test]
async fn the_count_is_live_and_problems_show_before_remix() {
    let page = on_reve().await;
    let root = &page.root;
    settle().await;
    assert_eq!(text_of(root, "#prompt-count"), "0 / 2560");
    let remix = find(root, "button.remix");
    assert!(remix.has_attribute("disabled"));
    assert!(text_of(root, "#remix-reason").contains("Add at least one reference image"));

    pick(root, &[("cat.png", PNG)]);
    tiles(root, 1).await;
    type_prompt(root, "A cat from <img>3</img> ✨");
    settle().await;
    assert_eq!(text_of(root, "#prompt-count"), "25 / 2560");
    assert!(text_of(root, "#prompt-problem").contains("<img>3</img>"));
    assert!(remix.has_attribute("disabled"));

    type_prompt(root, &"x".repeat(2561));
    settle().await;
    assert!(find(root, "#prompt-count").class_list().contains("over"));
    assert!(text_of(root, "#prompt-problem").contains("limit is 2,560"));

    type_prompt(root, "A cat from <img>0</img>");
    settle().await;
    assert!(
        !remix.has_attribute("disabled"),
        "{}",
        text_of(root, "#remix-reason")
    );
}

#[wasm_bindgen_test]
async fn a_reference_shows_as_a_chip_naming_its_image() {
    let page = on_reve().await;
    let root = &page.root;
    pick(root, &[("cat.png", PNG)]);
    tiles(root, 1).await;
    type_prompt(root, "Put <img>0</img> on <img>1</img>");
    settle().await;
    assert_eq!(
        texts(root, ".chips li"),
        ["<img>0</img> → cat.png", "<img>1</img> → no image 1"]
    );
    assert_eq!(count(root, ".chips li.bad"), 1);
}

#[wasm_bindgen_test]
async fn insert_into_prompt_writes_the_tag_at_the_cursor() {
    let page = on_reve().await;
    let root = &page.root;
    pick(root, &[("cat.png", PNG), ("dog.jpg", JPEG)]);
    tiles(root, 2).await;
    type_prompt(root, "A  in the snow");
    settle().await;
    let area: web_sys::HtmlTextAreaElement = find(root, "textarea#prompt").unchecked_into();
    area.set_selection_range(2, 2).expect("select");
    click(root, "Insert reference 1 into prompt: <img>1</img>");
    settle().await;
    assert_eq!(prompt_value(root), "A <img>1</img> in the snow");
}

#[wasm_bindgen_test]
async fn the_app_opens_on_fal_with_reve_2_1_which_writes_frames() {
    let page = page();
    let root = &page.root;
    settle().await;
    let value = |id: &str| {
        find(root, &format!("select#{id}"))
            .unchecked_into::<web_sys::HtmlSelectElement>()
            .value()
    };
    assert_eq!(
        (value("provider"), value("model")),
        ("fal".into(), "reve-2.1".into())
    );
    assert_eq!(
        texts(root, "select#model option"),
        ["Reve Remix", "Reve 2.1, $0.25 per image"]
    );
    assert!(
        text_of(root, "#model-why")
            .starts_with("Reve 2.1 (the newest model) takes up to 8 references")
    );
    assert_eq!(text_of(root, "#prompt-count"), "0 / 4000");
    pick(root, &[("cat.png", PNG), ("dog.jpg", JPEG)]);
    tiles(root, 2).await;
    click(root, "Insert reference 1 into prompt: <frame>1</frame>");
    settle().await;
    assert_eq!(prompt_value(root), "<frame>1</frame>");
    // Reve Remix writes <img>N</img>: the prompt follows the model.
    choose(root, "model", "reve-remix");
    settle().await;
    assert_eq!(prompt_value(root), "<img>1</img>");
    assert_eq!(text_of(root, "#prompt-count"), "12 / 2560");
    // Reve's notice is a note, not an alert.
    assert!(find(root, ".notice").has_attribute("hidden"));
    choose(root, "provider", "reve");
    settle().await;
    assert!(!find(root, "[role=note]").has_attribute("hidden"));
}

/// a.png, b.jpg and c.webp on the board; the prompt refers to all three.
async fn three_tiles_and_a_prompt() -> Mounted {
    let page = on_reve().await;
    let root = &page.root;
    pick(root, &[("a.png", PNG), ("b.jpg", JPEG), ("c.webp", WEBP)]);
    tiles(root, 3).await;
    type_prompt(root, "<img>0</img> with <img>2</img> and <img>1</img>");
    settle().await;
    page
}

#[wasm_bindgen_test]
async fn removing_a_tile_renumbers_and_flags_the_prompt_and_undo_puts_it_back() {
    let page = three_tiles_and_a_prompt().await;
    let root = &page.root;
    click(root, "Remove reference 1");
    settle().await;
    // c moved down to 1; the reference to the removed b is kept and flagged.
    assert_eq!(texts(root, ".tile-name"), ["a.png", "c.webp"]);
    assert_eq!(
        prompt_value(root),
        "<img>0</img> with <img>1</img> and <img>1</img>"
    );
    assert_eq!(
        texts(root, ".chips li.bad"),
        ["<img>1</img> → its image was removed"]
    );
    assert!(!find(root, ".warning").has_attribute("hidden"));
    assert!(find(root, "button.remix").has_attribute("disabled"));
    assert!(text_of(root, ".removed").contains("Removed b.jpg."));

    click(root, "Undo removing b.jpg");
    settle().await;
    assert_eq!(texts(root, ".tile-name"), ["a.png", "b.jpg", "c.webp"]);
    assert_eq!(
        prompt_value(root),
        "<img>0</img> with <img>2</img> and <img>1</img>"
    );
    assert_eq!(count(root, ".chips li.bad"), 0);
    assert_eq!(text_of(root, ".removed"), "");
    assert!(!find(root, "button.remix").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn moving_a_tile_renumbers_the_prompt() {
    let page = three_tiles_and_a_prompt().await;
    let root = &page.root;
    click(root, "Move reference 0 right");
    settle().await;
    assert_eq!(texts(root, ".tile-name"), ["b.jpg", "a.png", "c.webp"]);
    assert_eq!(
        prompt_value(root),
        "<img>1</img> with <img>2</img> and <img>0</img>"
    );
}

#[wasm_bindgen_test]
async fn options_follow_the_provider() {
    let page = on_reve().await;
    let root = &page.root;
    settle().await;
    let hidden = |id: &str| {
        find(root, &format!("#{id}"))
            .closest(".field")
            .expect("q")
            .expect("field")
            .has_attribute("hidden")
    };
    assert!(!hidden("tts"), "Reve takes test-time scaling");
    assert!(hidden("output-format"), "Reve has no output format");
    choose(root, "provider", "fal");
    settle().await;
    assert!(hidden("tts"));
    assert!(!hidden("output-format"));
    assert!(!hidden("aspect-ratio"));
}

#[wasm_bindgen_test]
async fn a_new_result_keeps_the_last_one_among_the_earlier_results() {
    let results = RwSignal::new(Results::default());
    let used = RwSignal::new(Vec::<String>::new());
    let view = mount(move || {
        let on_use: reve_remix_web::components::Handler<Finished> =
            std::sync::Arc::new(move |done: Finished| used.update(|u| u.push(done.file_name)));
        view! { <ResultView results on_use /> }
    });
    let root = &view.root;
    let result = |n: u32| Finished {
        src: ImageUrl::new(format!("data:image/png;base64,{n}")),
        bytes: None,
        file_name: format!("result-{n}.png"),
        prompt: format!("prompt {n}"),
        provider: "fal",
        elapsed_ms: 1_000.0,
        credits: None,
        job_id: None,
    };
    // "Download" is the link's text; the earlier ones are named by aria-label.
    let download = |selector: &str| find(root, selector).get_attribute("download");
    settle().await;
    assert!(find(root, "section.result").has_attribute("hidden"));
    results.update(|r| r.show(result(1)));
    settle().await;
    assert!(!find(root, "section.result").has_attribute("hidden"));
    assert!(find(root, ".earlier").has_attribute("hidden"));
    results.update(|r| r.show(result(2)));
    settle().await;
    assert!(!find(root, ".earlier").has_attribute("hidden"));
    assert_eq!(
        download(".result-actions a").as_deref(),
        Some("result-2.png")
    );
    let first_earlier = "a[aria-label=\"Download earlier result 1\"]";
    assert_eq!(download(first_earlier).as_deref(), Some("result-1.png"));
    // Shown again, it swaps places with the result on show.
    click(root, "Show earlier result 1");
    settle().await;
    assert_eq!(
        download(".result-actions a").as_deref(),
        Some("result-1.png")
    );
    assert_eq!(download(first_earlier).as_deref(), Some("result-2.png"));
    assert_eq!(
        text_of(root, ".result > .used-prompt"),
        "From the prompt: prompt 1"
    );
    // "Use as reference" hands the result shown to the board.
    find(root, ".result-actions button")
        .unchecked_into::<HtmlElement>()
        .click();
    assert_eq!(used.get_untracked(), ["result-1.png"]);
}
