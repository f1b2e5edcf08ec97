//! The board of reference images: drop files on it (on the site, anywhere
//! on the page: a missed drop would otherwise open the file in place of the
//! app), drag an image in from another page (or a result back onto it),
//! paste them, pick them with "Add reference images", or add an https URL.
//! Every file is checked by the core before it joins; the provider's limit
//! is shown before the user reaches it.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::dyn_view::{click, on_drag, text};
use crate::rejected_list::RejectedList;
use crate::state::AppState;
use crate::tile::{TILE_DRAG_TYPE, Tile};
use crate::url_adder::UrlAdder;
use crate::validation::Problems;

/// What the file picker offers: the five formats, by extension and MIME type.
pub const ACCEPT: &str = ".png,.jpg,.jpeg,.webp,.avif,.heic,.heif,image/png,image/jpeg,image/webp,image/avif,image/heic,image/heif";

/// Read `files` in order and add each to the board (or to the rejected list).
pub fn add_files(state: AppState, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    state.begin_adding();
    leptos::task::spawn_local(async move {
        for file in files {
            let name = file.name();
            match browser::blob::read_blob(&file).await {
                Some(bytes) => {
                    state.add_bytes(&name, bytes);
                }
                None => state.reject(&name, format!("{name} could not be read; choose it again.")),
            }
        }
    });
}

/// What a drag brings the board.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dragged {
    /// Files (from the desktop, a file manager).
    Files,
    /// An image from another page, by its URL.
    WebImage,
    /// Anything else: text, a link, a tile being reordered.
    Other,
}

fn dragged(ev: &web_sys::DragEvent) -> Dragged {
    let Some(dt) = ev.data_transfer() else {
        return Dragged::Other;
    };
    let types = dt.types();
    let has = |t: &str| types.includes(&t.into(), 0);
    if has(TILE_DRAG_TYPE) {
        Dragged::Other
    } else if has("Files") {
        Dragged::Files
    } else if has("text/uri-list") && has("text/html") {
        // A browser drags an image with its markup; a plain link has no `<img`.
        // (Drag data is only readable on drop: until then, assume an image.)
        Dragged::WebImage
    } else {
        Dragged::Other
    }
}

/// The first http(s) URL of a `text/uri-list` (one per line, `#` comments).
pub fn first_web_url(uri_list: &str) -> Option<&str> {
    uri_list.lines().map(str::trim).find(|line| {
        let lower = line.get(..8).unwrap_or(line).to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    })
}

/// Whether the drag is over a text field (where a URL is typed, not added).
fn over_text_field(ev: &web_sys::DragEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT"))
}

/// Take what was dropped: one of this page's results dragged back (as "Use
/// as reference", by its name, though the browser may offer it as a file
/// too), files, or the image a page's drag carries.
fn take_drop(state: AppState, ev: &web_sys::DragEvent) {
    let Some(dt) = ev.data_transfer() else { return };
    let uris = dt.get_data("text/uri-list").unwrap_or_default();
    if let Some((name, bytes)) = uris.lines().find_map(|u| state.result_at(u.trim())) {
        state.begin_adding();
        state.add_bytes(&name, bytes.to_vec());
        return;
    }
    match dragged(ev) {
        Dragged::Files => add_files(state, browser::page::files(dt.files())),
        Dragged::WebImage => {
            let html = dt.get_data("text/html").unwrap_or_default();
            if let Some(url) = first_web_url(&uris).filter(|_| html.contains("<img")) {
                state.begin_adding();
                state.add_url(url);
            }
        }
        Dragged::Other => {}
    }
}

/// The reference-image board.
#[component]
pub fn Board(
    /// The app's state.
    state: AppState,
    /// What stands between the input and a run.
    problems: Memo<Problems>,
) -> impl IntoView {
    let over = RwSignal::new(false);

    // Pasting image files anywhere on the page adds them (text pastes as usual).
    let paste = window_event_listener(ev::paste, move |ev: web_sys::ClipboardEvent| {
        if !state.owns_event(&ev.composed_path()) {
            return;
        }
        let files = browser::page::files(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            add_files(state, files);
        }
    });
    // Drops: files anywhere this board owns; a page's image except onto a
    // text field (where its URL is typed as text, as usual).
    let wanted = move |ev: &web_sys::DragEvent| {
        let what = dragged(ev);
        what != Dragged::Other
            && !(what == Dragged::WebImage && over_text_field(ev))
            && state.owns_event(&ev.composed_path())
    };
    let drag_over = window_event_listener(ev::dragover, move |ev: web_sys::DragEvent| {
        if wanted(&ev) {
            ev.prevent_default();
        }
    });
    let drop = window_event_listener(ev::drop, move |ev: web_sys::DragEvent| {
        over.set(false);
        if wanted(&ev) {
            ev.prevent_default();
            take_drop(state, &ev);
        }
    });
    on_cleanup(move || {
        paste.remove();
        drag_over.remove();
        drop.remove();
    });

    let limit = text(move || {
        let info = state.info();
        let max = state.max_images();
        let n = state.images.with(Vec::len);
        let more = match max.saturating_sub(n) {
            0 => "the board is full".to_string(),
            1 => "1 more can be added".to_string(),
            k => format!("{k} more can be added"),
        };
        // A widget's `max-images` may be lower than the provider's limit.
        let who = if max < info.max_images {
            "this board"
        } else {
            info.name
        };
        format!("{n} of {max} images ({who} takes up to {max}): {more}.")
    });
    let on_change: Box<dyn FnMut(web_sys::Event)> = Box::new(move |ev| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            add_files(state, browser::page::files(input.files()));
            input.set_value("");
        }
    });

    view! {
        <section
            class="panel board"
            class:drop-target=over
            aria-labelledby="board-title"
            on:dragover=on_drag(move |ev| over.set(dragged(&ev) != Dragged::Other))
            on:dragleave=on_drag(move |ev| {
                let inside = ev
                    .related_target()
                    .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                    .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                    .is_some_and(|(to, board)| board.contains(Some(&to)));
                if !inside {
                    over.set(false);
                }
            })
        >
            <div class="panel-head">
                <h2 id="board-title">"Reference images"</h2>
                <p class="limit" id="board-limit">{limit}</p>
            </div>
            <ul class="tiles" aria-label="Reference images, in prompt order">
                {move || {
                    let images = state.images.get();
                    let count = images.len();
                    images
                        .into_iter()
                        .enumerate()
                        .map(|(index, image)| view! { <Tile state image index count /> })
                        .collect_view()
                }}
            </ul>
            <p class="removed" aria-live="polite">
                {move || {
                    state.removed.with(|r| {
                        r.as_ref().map(|r| {
                            let name = r.image.name.clone();
                            view! {
                                {format!("Removed {name}. ")}
                                <button
                                    type="button"
                                    class="link"
                                    aria-label=format!("Undo removing {name}")
                                    on:click=click(move || state.undo_removal())
                                >
                                    "Undo"
                                </button>
                            }
                        })
                    })
                }}
            </p>
            <div class="add-row">
                <input
                    id="add-images"
                    class="visually-hidden"
                    type="file"
                    multiple
                    accept=ACCEPT
                    aria-describedby="board-limit"
                    on:change=on_change
                />
                <label class="button" for="add-images">"Add reference images"</label>
                <span class="hint">"PNG, JPEG, WebP, AVIF or HEIF under 1.5 MB; or drop or paste them here."</span>
            </div>
            <UrlAdder state />
            <RejectedList state />
            <p class="problem" id="images-problem">{text(move || problems.with(|p| p.images.clone().unwrap_or_default()))}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::first_web_url;

    #[test]
    fn the_first_web_url_of_a_uri_list_skips_comments_and_other_schemes() {
        let list = "# dragged from a page\r\nfile:///tmp/x.png\r\nHTTPS://cdn.example.com/cat.png\r\nhttps://b/";
        assert_eq!(first_web_url(list), Some("HTTPS://cdn.example.com/cat.png"));
        assert_eq!(first_web_url("data:image/png;base64,AAAA"), None);
        assert_eq!(first_web_url(""), None);
    }
}
