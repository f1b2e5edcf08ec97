//! "Shrink and add" and the widget's `auto-fit`: an image over the model's
//! limits is fitted by the package's own code (`reve_remix::fit`, the one
//! `fitImage` runs), then joins the board like any file. The app has no
//! canvas code of its own, so the app, the widget and the package shrink
//! alike. A file being added is read and judged here too ([`add_file`]),
//! since what `auto-fit` turns away is fitted next. A split build runs
//! [`add_file`] in the header reader's chunk and [`fit_and_add`] in the
//! fitting's (`lazy.rs`): the first screen needs neither.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::dyn_view::Dyn;
use crate::model::{Accepts, Board, ReadFile};

/// Add `bytes`, the file `name`, to `board`: its header read by the core,
/// then judged by what `accepts` takes (read once the header is), and
/// fitted if `auto-fit` turned it away.
pub(crate) fn add_file(
    board: RwSignal<Board>,
    accepts: &Dyn<Accepts>,
    name: String,
    bytes: Vec<u8>,
) {
    let read = ReadFile::new(name, bytes);
    let accepted = untrack(|| accepts());
    // The board may be gone (a widget removed meanwhile).
    let _ = board.try_update(|b| b.add_read(read, &accepted));
    fit_quietly(board, accepted);
}

/// "Shrink and add" rejected file `index`.
pub fn shrink_and_add(board: RwSignal<Board>, accepts: Accepts, index: usize) {
    if let Some((name, bytes)) = board.try_update(|b| b.start_shrinking(index)).flatten() {
        crate::lazy::fit_and_add(board, accepts, name, bytes);
    }
}

/// Start fitting the files `auto-fit` turned away from the last add (none
/// unless `accepts.auto_fit`).
pub fn fit_quietly(board: RwSignal<Board>, accepts: Accepts) {
    if !accepts.auto_fit {
        return;
    }
    for (name, bytes) in board
        .try_update(Board::start_quiet_fits)
        .unwrap_or_default()
    {
        crate::lazy::fit_and_add(board, accepts, name, bytes);
    }
}

/// Fit `bytes` (the file `name`) to what `accepts` takes and add the copy
/// to `board`, or say on its entry why not.
pub(crate) async fn fit_and_add(
    board: RwSignal<Board>,
    accepts: Accepts,
    name: String,
    bytes: Arc<[u8]>,
) {
    let outcome = fit(&name, bytes.clone(), accepts).await;
    // The board may be gone (a widget removed meanwhile).
    let _ = board.try_update(|b| b.shrunk(&bytes, outcome, &accepts));
}

/// The fitted copy, with what the package's fitting read of it (its last
/// check: no header parser is needed here), or the package's reason
/// (which names the file and says what to do).
#[cfg(target_arch = "wasm32")]
async fn fit(name: &str, bytes: Arc<[u8]>, accepts: Accepts) -> Result<ReadFile, String> {
    use reve_remix::fit::FitOptions;
    let info = accepts.provider;
    let opts = FitOptions {
        limits: info.limits,
        formats: info.model.formats,
        format: None,
    };
    let fitted = reve_remix::fit::fit_image(bytes, None, Some(name), &opts)
        .await
        .map_err(|e| e.message)?;
    Ok(ReadFile {
        name: crate::model::format::shrunk_name(name, fitted.info.format),
        bytes: fitted.bytes.to_vec(),
        header: Ok(fitted.info),
    })
}

#[cfg(not(target_arch = "wasm32"))]
async fn fit(name: &str, _: Arc<[u8]>, _: Accepts) -> Result<ReadFile, String> {
    Err(format!("{name} can only be shrunk in a browser."))
}
