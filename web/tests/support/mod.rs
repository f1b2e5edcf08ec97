//! What the component tests share: mounting a view into the page, and
//! acting on it as a person does.
#![allow(dead_code)]

use leptos::prelude::*;
use leptos::task::tick;
use reve_remix_web::Page;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

pub const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");
pub const JPEG: &[u8] = reve_remix_fixtures::bytes("jpeg_baseline_80x60.jpg");
pub const WEBP: &[u8] = reve_remix_fixtures::bytes("webp_lossy_70x50.webp");
pub const GIF: &[u8] = reve_remix_fixtures::bytes("notes.gif");
pub const HEIC: &[u8] = reve_remix_fixtures::bytes("heic_64x40.heic");

/// A view mounted into a fresh element of the page; unmounted (its window
/// listeners removed) and taken out of the page when dropped.
pub struct Mounted {
    pub root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

pub fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> Mounted {
    let document = leptos::prelude::document();
    let root: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = leptos::mount::mount_to(root.clone(), view);
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

/// The site's page with a fresh state and no storage.
pub fn page() -> Mounted {
    mount(|| view! { <Page /> })
}

/// The page with Reve picked (it opens on fal with Reve 2.1): for what
/// Reve Remix's limits and `<img>N</img>` show.
pub async fn on_reve() -> Mounted {
    let page = page();
    settle().await;
    choose(&page.root, "provider", "reve");
    settle().await;
    page
}

/// Let Leptos run what the last change woke: the effects, then the views.
pub async fn settle() {
    tick().await;
    tick().await;
}

/// Wait until `done` holds, looking again each time the DOM under `root`
/// changes: for what the browser finishes in its own time (reading a file,
/// encoding an image).
pub async fn until(root: &HtmlElement, done: impl Fn() -> bool + 'static) {
    if done() {
        return;
    }
    let mut done = Some(done);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done = done.take().expect("the promise runs its executor once");
        let changed = Closure::<dyn FnMut(js_sys::Array, web_sys::MutationObserver)>::new(
            move |_, observer: web_sys::MutationObserver| {
                if done() {
                    observer.disconnect();
                    let _ = resolve.call0(&JsValue::NULL);
                }
            },
        );
        let observer =
            web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()).expect("observer");
        let options = web_sys::MutationObserverInit::new();
        options.set_subtree(true);
        options.set_child_list(true);
        options.set_attributes(true);
        options.set_character_data(true);
        observer
            .observe_with_options(root, &options)
            .expect("observe");
        changed.forget();
    });
    JsFuture::from(promise).await.expect("resolved");
}

pub fn find(root: &HtmlElement, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn count(root: &HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector).expect("query").length()
}

pub fn text_of(root: &HtmlElement, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

pub fn texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let all = root.query_selector_all(selector).expect("query");
    (0..all.length())
        .filter_map(|i| all.get(i)?.text_content())
        .collect()
}

pub fn prompt_value(root: &HtmlElement) -> String {
    find(root, "textarea#prompt")
        .unchecked_into::<web_sys::HtmlTextAreaElement>()
        .value()
}

pub fn fire(target: &web_sys::Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).expect("event");
    target.dispatch_event(&event).expect("dispatch");
}

/// Type into the prompt the way a person does: set the value, fire `input`.
pub fn type_prompt(root: &HtmlElement, text: &str) {
    let area = find(root, "textarea#prompt");
    area.unchecked_ref::<web_sys::HtmlTextAreaElement>()
        .set_value(text);
    fire(&area, "input");
}

/// Choose `value` in the select `#id`.
pub fn choose(root: &HtmlElement, id: &str, value: &str) {
    let select = find(root, &format!("select#{id}"));
    select
        .unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value(value);
    fire(&select, "change");
}

pub fn click(root: &HtmlElement, label: &str) {
    find(root, &format!("button[aria-label=\"{label}\"]"))
        .unchecked_into::<HtmlElement>()
        .click();
}

/// A `DataTransfer` holding `files` (name, bytes), as a drag or a picker makes.
pub fn transfer(files: &[(&str, &[u8])]) -> web_sys::DataTransfer {
    let dt = web_sys::DataTransfer::new().expect("DataTransfer");
    for (name, bytes) in files {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(*bytes));
        let file = web_sys::File::new_with_u8_array_sequence(&parts, name).expect("file");
        dt.items().add_with_file(&file).expect("add");
    }
    dt
}

/// Pick `files` in "Add reference images", as the browser's file dialog does.
pub fn pick(root: &HtmlElement, files: &[(&str, &[u8])]) {
    let input = find(root, "input[type=file]");
    input
        .unchecked_ref::<web_sys::HtmlInputElement>()
        .set_files(transfer(files).files().as_ref());
    fire(&input, "change");
}

/// Drag `files` over `target` and drop them there.
pub fn drop_files(target: &web_sys::Element, files: &[(&str, &[u8])]) {
    let dt = transfer(files);
    for kind in ["dragenter", "dragover", "drop"] {
        let init = web_sys::DragEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_data_transfer(Some(&dt));
        let event = web_sys::DragEvent::new_with_event_init_dict(kind, &init).expect("drag");
        target.dispatch_event(&event).expect("dispatch");
    }
}

/// Wait until the board shows `n` tiles.
pub async fn tiles(root: &HtmlElement, n: u32) {
    let r = root.clone();
    until(root, move || count(&r, ".tile") == n).await;
}

/// Wait until the "Not added" alert mentions `what`.
pub async fn alert_says(root: &HtmlElement, what: &'static str) {
    let r = root.clone();
    until(root, move || text_of(&r, "[role=alert]").contains(what)).await;
}
