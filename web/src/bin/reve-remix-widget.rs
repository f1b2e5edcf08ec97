//! The widget's wasm (`cargo xtask build` writes it to `dist/widget/`): the
//! app's board as JS sees it, `mountBoard(element, emit)` and the handle it
//! returns, for `web/widget/reve-remix-widget.js`. A binary of its own so
//! that the site's wasm holds none of these exports (8 KB gzipped less
//! before the site's first click); `main` mounts nothing.

use js_sys::Function;
use reve_remix_web::EmbeddedBoard;
use wasm_bindgen::prelude::*;

fn main() {}

/// Mount a board into `parent`; `emit(type, detail)` hears `remix-start`,
/// `remix-submit`, `remix-update`, `remix-complete` and `remix-error`.
#[wasm_bindgen(js_name = mountBoard)]
pub fn mount_board(parent: web_sys::HtmlElement, emit: Function) -> BoardHandle {
    BoardHandle(reve_remix_web::mount_embedded(parent, emit))
}

/// One mounted board.
#[wasm_bindgen]
pub struct BoardHandle(EmbeddedBoard);

#[wasm_bindgen]
impl BoardHandle {
    /// Apply an attribute of the element (`None`: removed).
    pub fn set(&self, name: &str, value: Option<String>) {
        self.0.set(name, value);
    }

    /// Add a file's bytes to the board (checked like a picked file);
    /// returns whether it was added (else it is listed as rejected).
    #[wasm_bindgen(js_name = addBytes)]
    pub fn add_bytes(&self, name: &str, bytes: Vec<u8>) -> bool {
        self.0.add_bytes(name, bytes)
    }

    /// Add a public image URL to the board; returns whether it was added.
    #[wasm_bindgen(js_name = addUrl)]
    pub fn add_url(&self, url: &str) -> bool {
        self.0.add_url(url)
    }

    /// Start a run, as the "Remix" button does (a run in progress goes on).
    pub fn run(&self) {
        self.0.run();
    }

    /// Empty the board, the prompt and the results (a run in progress is cancelled).
    pub fn clear(&self) {
        self.0.clear();
    }

    /// Stop any run and remove the board (its timers and listeners go with it).
    pub fn unmount(&mut self) {
        self.0.unmount();
    }
}
