//! The board of reference images: drop files anywhere on it, paste them,
//! pick them with "Add reference images", or add an https URL. Every file
//! is checked by the core before it joins; the provider's limit is shown
//! before the user reaches it.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::dyn_view::{on_drag, text};
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
            match browser::read_blob(&file).await {
                Some(bytes) => {
                    state.add_bytes(&name, bytes);
                }
                None => state.reject(&name, format!("{name} could not be read; choose it again.")),
            }
        }
    });
}

/// The files of a `FileList`, in order.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// True when a drag carries files (not a tile being reordered).
fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer().is_some_and(|dt| {
        let types = dt.types();
        types.includes(&"Files".into(), 0) && !types.includes(&TILE_DRAG_TYPE.into(), 0)
    })
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
        if !state.takes_paste(&ev.composed_path()) {
            return;
        }
        let files = file_list(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            add_files(state, files);
        }
    });
    on_cleanup(move || paste.remove());

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
            add_files(state, file_list(input.files()));
            input.set_value("");
        }
    });

    view! {
        <section
            class="panel board"
            class:drop-target=over
            aria-labelledby="board-title"
            on:dragover=on_drag(move |ev| {
                if carries_files(&ev) {
                    ev.prevent_default();
                    over.set(true);
                }
            })
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
            on:drop=on_drag(move |ev| {
                over.set(false);
                if carries_files(&ev) {
                    ev.prevent_default();
                    add_files(state, file_list(ev.data_transfer().and_then(|d| d.files())));
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
