//! The board of reference images: drop files on it (on the site, anywhere
//! on the page: a missed drop would otherwise open the file in place of the
//! app), drag an image in from another page (or a result back onto it),
//! paste them, pick them with "Add reference images", or add an https URL.
//! Every file is checked by the core before it joins; the provider's limit
//! is shown before the user reaches it.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dyn_view::{Dyn, Handler, click, handler, on_drag, read, text};
use super::rejected_list::RejectedList;
use super::tile::{TILE_DRAG_TYPE, Tile};
use super::url_adder::UrlAdder;
use crate::browser::{blob, page};
use crate::model::models::tag_syntax;
use crate::model::{Accepts, Board, NamedFile};
use crate::{fitting, lazy};

/// What the file picker offers: the five formats, by extension and MIME type.
pub const ACCEPT: &str = ".png,.jpg,.jpeg,.webp,.avif,.heic,.heif,image/png,image/jpeg,image/webp,image/avif,image/heic,image/heif";

/// Read `files` in order and add each to the board (or to the rejected list).
fn add_files(board: RwSignal<Board>, accepts: Dyn<Accepts>, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    board.update(Board::begin_adding);
    leptos::task::spawn_local(async move {
        for file in files {
            let name = file.name();
            match blob::read_blob(&file).await {
                Some(bytes) => lazy::add_file(board, accepts.clone(), name, bytes).await,
                // The board may be gone (a widget removed meanwhile).
                None => {
                    let _ = board.try_update(|b| {
                        b.reject(&name, format!("{name} could not be read; choose it again."));
                    });
                }
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

/// Whether an event with this composed path is meant for the board in
/// `section`: on the site, any (the page is the app); in a widget, one that
/// happened inside its shadow root, so that two widgets on a page do not
/// both take a paste or a drop.
fn owns(section: NodeRef<leptos::html::Section>, path: &js_sys::Array) -> bool {
    let Some(root) = section.get_untracked().map(|s| s.get_root_node()) else {
        return false;
    };
    root.is_instance_of::<web_sys::Document>() || path.includes(&root, 0)
}

/// The reference-image board.
#[component]
pub fn BoardPanel(
    /// The board; the panel changes it through its methods.
    board: RwSignal<Board>,
    /// What the board takes: the provider's limits and the cap.
    accepts: Dyn<Accepts>,
    /// What keeps the images from a run ("" when nothing does).
    problem: Dyn<String>,
    /// Write `<img>N</img>` for image N into the prompt, at its cursor.
    on_insert: Handler<usize>,
    /// The name and bytes of this page's result shown at a URL, if any: a
    /// result dragged back onto the board joins it as a file.
    result_file: Handler<String, Option<NamedFile>>,
) -> impl IntoView {
    let over = RwSignal::new(false);
    let section = NodeRef::<leptos::html::Section>::new();

    // Take what was dropped: one of this page's results dragged back (as
    // "Use as reference", by its name, though the browser may offer it as a
    // file too), files, or the image a page's drag carries.
    let take_drop = {
        let accepts = accepts.clone();
        move |ev: &web_sys::DragEvent| {
            let Some(dt) = ev.data_transfer() else { return };
            let uris = dt.get_data("text/uri-list").unwrap_or_default();
            if let Some((name, bytes)) =
                uris.lines().find_map(|u| result_file(u.trim().to_string()))
            {
                board.update(Board::begin_adding);
                leptos::task::spawn_local(lazy::add_file(
                    board,
                    accepts.clone(),
                    name,
                    bytes.to_vec(),
                ));
                return;
            }
            match dragged(ev) {
                Dragged::Files => add_files(board, accepts.clone(), page::files(dt.files())),
                Dragged::WebImage => {
                    let html = dt.get_data("text/html").unwrap_or_default();
                    if let Some(url) = first_web_url(&uris).filter(|_| html.contains("<img")) {
                        let accepted = untrack(|| accepts());
                        board.update(|b| {
                            b.begin_adding();
                            b.add_url(url, &accepted);
                        });
                    }
                }
                Dragged::Other => {}
            }
        }
    };

    // Pasting image files anywhere on the page adds them (text pastes as usual).
    let pasted = accepts.clone();
    let paste = window_event_listener(ev::paste, move |ev: web_sys::ClipboardEvent| {
        if !owns(section, &ev.composed_path()) {
            return;
        }
        let files = page::files(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            add_files(board, pasted.clone(), files);
        }
    });
    // Drops: files anywhere this board owns; a page's image except onto a
    // text field (where its URL is typed as text, as usual).
    let wanted = move |ev: &web_sys::DragEvent| {
        let what = dragged(ev);
        what != Dragged::Other
            && !(what == Dragged::WebImage && over_text_field(ev))
            && owns(section, &ev.composed_path())
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
            take_drop(&ev);
        }
    });
    on_cleanup(move || {
        paste.remove();
        drag_over.remove();
        drop.remove();
    });

    let limit = {
        let accepts = accepts.clone();
        text(move || accepts().summary(board.with(|b| b.images().len())))
    };
    let on_url = handler({
        let accepts = accepts.clone();
        move |url: String| {
            let accepted = untrack(|| accepts());
            board
                .try_update(|b| {
                    b.begin_adding();
                    b.add_url(&url, &accepted)
                })
                .unwrap_or(false)
        }
    });
    let (tiles, rejections) = (
        lazy::tiles_view(board, section, accepts.clone(), on_insert),
        lazy::rejections_view(board, accepts.clone()),
    );
    let on_change: Box<dyn FnMut(web_sys::Event)> = Box::new(move |ev| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            add_files(board, accepts.clone(), page::files(input.files()));
            input.set_value("");
        }
    });

    view! {
        <section
            class="panel board"
            class:drop-target=over
            aria-labelledby="board-title"
            node_ref=section
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
                {tiles}
            </ul>
            <p class="removed" aria-live="polite">
                {move || {
                    board
                        .with(|b| b.removed().map(str::to_string))
                        .map(|name| {
                            view! {
                                {format!("Removed {name}. ")}
                                <button
                                    type="button"
                                    class="link"
                                    aria-label=format!("Undo removing {name}")
                                    on:click=click(move || board.update(Board::undo_removal))
                                >
                                    "Undo"
                                </button>
                            }
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
                    aria-describedby="board-limit board-accepts"
                    on:change=on_change
                />
                <label class="button" for="add-images">"Add reference images"</label>
                <span class="hint" id="board-accepts">
                    "PNG, JPEG, WebP, AVIF or HEIF under 1.5 MB; or drop or paste them here."
                </span>
            </div>
            <UrlAdder on_add=on_url />
            {rejections}
            <p class="problem" id="images-problem">{problem}</p>
        </section>
    }
}

/// The board's tiles, in prompt order, each with what inserts, moves and
/// removes it. A split build renders them from the views' chunk
/// (`lazy::tiles_view`): a board has none until a file's header is read
/// or a reload's kept board comes back, and that chunk arrives first.
pub(crate) fn tiles(
    board: RwSignal<Board>,
    section: NodeRef<leptos::html::Section>,
    accepts: Dyn<Accepts>,
    on_insert: Handler<usize>,
) -> impl IntoView + use<> {
    let syntax_of = move || tag_syntax(accepts().provider);
    let images = move || board.with(|b| b.images().to_vec());
    let on_move = handler(move |(from, to)| board.update(|b| b.move_image(from, to)));
    // The removed tile's "Remove" had the focus: it goes to the next tile's
    // (or the one before), or with the board empty to "Undo".
    let on_remove = handler(move |index: usize| {
        board.update(|b| b.remove(index));
        request_animation_frame(move || {
            let Some(panel) = section.get_untracked() else {
                return;
            };
            if !page::focus_lost(&panel) {
                return;
            }
            let removes = panel.query_selector_all(".tiles button.remove").ok();
            let count = removes.as_ref().map_or(0, |l| l.length());
            let next = removes
                .filter(|_| count > 0)
                .and_then(|l| l.item(index.min(count as usize - 1) as u32))
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok());
            let undo = || panel.query_selector(".removed button").ok().flatten();
            page::focus(next.or_else(undo));
        });
    });
    move || {
        let images = images();
        let count = images.len();
        let syntax = syntax_of();
        images
            .into_iter()
            .enumerate()
            .map(|(index, image)| {
                view! {
                    <Tile
                        image
                        index
                        count
                        syntax
                        on_insert=on_insert.clone()
                        on_move=on_move.clone()
                        on_remove=on_remove.clone()
                    />
                }
            })
            .collect_view()
    }
}

/// The files the board turned away, with "Shrink and add" and "Dismiss"
/// ([`RejectedList`]); like [`tiles`], from the views' chunk in a split
/// build: nearly every refusal is the header reader's, which comes after
/// it, and one made sooner (a URL typed at once) is listed when it comes.
pub(crate) fn rejections(board: RwSignal<Board>, accepts: Dyn<Accepts>) -> impl IntoView + use<> {
    let rejected = read(move || board.with(|b| b.rejected().to_vec()));
    let on_shrink =
        handler(move |index| fitting::shrink_and_add(board, untrack(|| accepts()), index));
    let on_dismiss = handler(move |()| board.update(Board::dismiss_rejections));
    view! { <RejectedList rejected on_shrink on_dismiss /> }
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
