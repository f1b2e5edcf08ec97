//! One reference image on the board: its preview (or, where the browser
//! cannot decode the format, its format and size), its number N as the
//! prompt's `<img>N</img>` uses it, and buttons to insert it into the
//! prompt, move it and remove it. Tiles also reorder by dragging.

use leptos::prelude::*;

use super::dyn_view::{Handler, click, flag, on_drag};
use crate::browser;
use crate::model::format;
use crate::model::models::tag;
use crate::model::{RefImage, Source};
use reve_remix_core::prompt::ReferenceSyntax;

/// The drag data type of a tile being moved (its index).
pub const TILE_DRAG_TYPE: &str = "application/x-reve-remix-tile";

/// Move the tile at `from` by `delta` and keep the keyboard focus on its
/// arrow at the new place. The button is found by its name among the
/// list's (`tiles`, which outlives the re-render), not by a node kept from
/// before: the list may be rebuilt in place or anew, and in either order
/// with the next frame, so the focus is checked again a frame later.
fn move_tile(
    on_move: &Handler<(usize, usize)>,
    tiles: Option<web_sys::Element>,
    from: usize,
    delta: isize,
) {
    let Some(to) = from.checked_add_signed(delta) else {
        return;
    };
    on_move((from, to));
    let Some(tiles) = tiles else { return };
    let (same, other) = if delta < 0 {
        ("left", "right")
    } else {
        ("right", "left")
    };
    let arrow = move || {
        let button = |dir: &str| {
            tiles
                .query_selector(&format!(
                    "button[aria-label=\"Move reference {to} {dir}\"]:enabled"
                ))
                .ok()
                .flatten()
        };
        button(same).or_else(|| button(other))
    };
    let again = arrow.clone();
    request_animation_frame(move || {
        browser::page::focus(arrow());
        request_animation_frame(move || {
            if again().is_some_and(|b| browser::page::focus_lost(&b)) {
                browser::page::focus(again());
            }
        });
    });
}

/// The list of tiles a clicked arrow is in.
fn tiles_of(ev: &web_sys::MouseEvent) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    ev.current_target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(".tiles")
        .ok()
        .flatten()
}

/// A tile of the board.
#[component]
pub fn Tile(
    /// The image this tile shows.
    image: RefImage,
    /// Its place on the board: the N of `<img>N</img>`.
    index: usize,
    /// How many images the board holds.
    count: usize,
    /// How the model picked writes a reference.
    syntax: ReferenceSyntax,
    /// Write `<img>N</img>` for image N into the prompt, at its cursor.
    on_insert: Handler<usize>,
    /// Move the image at the first place to the second (the prompt follows).
    on_move: Handler<(usize, usize)>,
    /// Remove image N from the board (the prompt follows; "Undo" can bring it back).
    on_remove: Handler<usize>,
) -> impl IntoView {
    // HEIC/HEIF: only Safari draws it. Its tile starts as the drawn
    // placeholder and shows the picture only once the browser has decoded
    // it, so a browser that cannot never flashes a broken-image icon or its
    // alt text. Other formats show at once, the placeholder if they fail.
    let heif = image
        .info
        .is_some_and(|i| i.format == reve_remix_core::image::ImageFormat::Heif);
    let broken = RwSignal::new(heif);
    let drop_here = RwSignal::new(false);
    let named = |what: &str| format!("{what} {index}");
    let written = tag(syntax, &index.to_string());

    let (kind, size) = match (&image.source, image.info) {
        (Source::Bytes(_), Some(info)) => (
            info.format.label().to_string(),
            format!(
                "{} × {} · {}",
                info.width,
                info.height,
                format::bytes(info.bytes)
            ),
        ),
        (Source::Bytes(bytes), None) => ("Image".to_string(), format::bytes(bytes.len())),
        (Source::Url(_), _) => ("URL".to_string(), "checked by the provider".to_string()),
    };
    let meta = format!("{kind} · {size}");
    let shrunk = image
        .shrunk_from
        .map(|n| format!("shrunk from {}", format::bytes(n)));
    let name = image.name;
    let (dropped_on, move_left) = (on_move.clone(), on_move.clone());
    let label = named("Reference");

    view! {
        <li
            class="tile"
            class:drop-here=drop_here
            draggable="true"
            on:dragstart=on_drag(move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data(TILE_DRAG_TYPE, &index.to_string());
                    dt.set_effect_allowed("move");
                }
            })
            on:dragover=on_drag(move |ev| {
                let is_tile = ev
                    .data_transfer()
                    .is_some_and(|dt| dt.types().includes(&TILE_DRAG_TYPE.into(), 0));
                if is_tile {
                    ev.prevent_default();
                    drop_here.set(true);
                }
            })
            on:dragleave=on_drag(move |_| drop_here.set(false))
            on:drop=on_drag({
                let on_move = dropped_on.clone();
                move |ev| {
                drop_here.set(false);
                let from = ev
                    .data_transfer()
                    .and_then(|dt| dt.get_data(TILE_DRAG_TYPE).ok())
                    .and_then(|s| s.parse::<usize>().ok());
                if let Some(from) = from {
                    ev.prevent_default();
                    ev.stop_propagation();
                    on_move((from, index));
                }
            }})
        >
            <div class="preview">
                <img
                    src=image.preview.as_str().to_string()
                    alt=label.clone()
                    draggable="false"
                    hidden=broken
                    on:load=move |_| broken.set(false)
                    on:error=move |_| broken.set(true)
                />
                <div class="no-preview" role="img" aria-label=label hidden=flag(move || !broken.get())>
                    <strong>{kind}</strong>
                    <span>{size}</span>
                    <span class="small">"no preview in this browser"</span>
                </div>
                <span class="number" aria-hidden="true">{index}</span>
            </div>
            <p class="tile-name" title=name.clone()>{name.clone()}</p>
            <p class="tile-meta">{meta}</p>
            {shrunk.map(|note| view! { <p class="tile-note">{note}</p> })}
            <div class="tile-actions">
                <button
                    type="button"
                    class="insert"
                    // The name holds the text the button shows (WCAG 2.5.3), which is
                    // what a person using speech says.
                    aria-label=format!("Insert reference {index} into prompt: {written}")
                    title="Insert into prompt"
                    on:click=click(move || on_insert(index))
                >
                    {format!("+ {written}")}
                </button>
                <button
                    type="button"
                    aria-label=format!("Move reference {index} left")
                    title="Move left"
                    disabled=index == 0
                    on:click=move |ev: web_sys::MouseEvent| move_tile(&move_left, tiles_of(&ev), index, -1)
                >
                    "←"
                </button>
                <button
                    type="button"
                    aria-label=format!("Move reference {index} right")
                    title="Move right"
                    disabled=index + 1 == count
                    on:click=move |ev: web_sys::MouseEvent| move_tile(&on_move, tiles_of(&ev), index, 1)
                >
                    "→"
                </button>
                <button
                    type="button"
                    class="remove"
                    aria-label=named("Remove reference")
                    title="Remove"
                    on:click=click(move || on_remove(index))
                >
                    "×"
                </button>
            </div>
        </li>
    }
}
