//! The parts of the site and the widget that load after they are usable
//! (issue 25).
//!
//! With the `split` feature (the site's release build: `cargo xtask
//! build`), each function here calls a split point (`lazy/chunks.rs`):
//! wasm-split moves what only it reaches into a chunk of its own
//! (`split-views-<hash>.wasm`, `split-read-<hash>.wasm`,
//! `split-run-<hash>.wasm`, `split-fit-<hash>.wasm`; what two of them share
//! goes into a `split-chunk-<n>-<hash>.wasm` both load), which the page
//! fetches on its first call. The views' and the header reader's (which
//! judges the input) are asked for as the page mounts; [`preload`] starts
//! the others' fetches once it is painted, so a person who picks images and
//! writes a prompt never waits on them. The widget's
//! release build has `split-embedded`: the same, without the site's panels
//! ([`preload_embedded`]). Without either (`serve --dev`, the tests) they
//! are plain calls: one wasm, as before.

use std::sync::Arc;

use leptos::prelude::*;
use reve_remix_core::http::Secret;
use reve_remix_core::provider::Config;
use reve_remix_core::{ErrorCode, RemixError};

use crate::components::board_panel;
use crate::components::dyn_view::{Dyn, Handler, text};
use crate::fitting;
use crate::model::{Accepts, Board, Lane};
use crate::pages::Wiring;
use crate::runner::{Plan, Runner, Shown};
use crate::store::Store;

/// Submit (unless resuming), follow the job to its end, fetch its image
/// and end the run ([`Runner::carry`]): the driver, the transport, every
/// provider's protocol and the result's handling, which the first screen
/// never needs. If the run's chunk cannot be fetched, the run fails saying
/// so ([`Runner::fail`]).
pub(crate) async fn carry(
    runner: Runner,
    plan: Plan,
    cfg: Config,
    token: Option<Secret>,
    signal: web_sys::AbortSignal,
    shown: Shown,
) {
    #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
    {
        let resuming = matches!(plan, Plan::Resume(_));
        if let Err(chunks::NotLoaded) =
            chunks::carry_in_chunk(runner, plan, cfg, token, signal, shown).await
        {
            runner.fail(not_loaded(resuming));
        }
    }
    #[cfg(not(all(feature = "split-embedded", target_family = "wasm")))]
    {
        runner.carry(plan, cfg, token, signal, shown).await;
    }
}

/// Start a run ([`Store::remix`]: the input as the provider will take it,
/// on the chosen provider or on each of `lanes`), in the run's chunk with
/// the sending. If it cannot be fetched, each run that would have started
/// fails saying so, and nothing is sent.
pub(crate) fn remix(store: Store, lanes: Vec<Lane>) {
    #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
    leptos::task::spawn_local(async move {
        if let Err(chunks::NotLoaded) = chunks::remix_in_chunk(store, lanes.clone()).await {
            store.refuse_all(&lanes, not_loaded(false));
        }
    });
    #[cfg(not(all(feature = "split-embedded", target_family = "wasm")))]
    store.remix(&lanes);
}

/// `bytes` fitted to `opts` by the package's decode and re-encode (a
/// result copied as PNG), which a board of images that already fit never
/// needs.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn fit_image(
    bytes: std::sync::Arc<[u8]>,
    name: Option<String>,
    opts: reve_remix::fit::FitOptions,
) -> Result<reve_remix::fit::Fitted, RemixError> {
    #[cfg(feature = "split-embedded")]
    {
        chunks::fit_in_chunk(bytes, name, opts)
            .await
            .unwrap_or_else(|chunks::NotLoaded| {
                Err(RemixError::new(ErrorCode::Network, NOT_FITTED))
            })
    }
    #[cfg(not(feature = "split-embedded"))]
    {
        reve_remix::fit::fit_image(bytes, None, name.as_deref(), &opts).await
    }
}

/// Fit `bytes` to what `accepts` takes and add the copy to `board`
/// ([`fitting::fit_and_add`]: "Shrink and add", `auto-fit`), in the
/// background. In a split build that is in the `fit` chunk; if it cannot be
/// fetched, the rejected file's entry says so.
pub(crate) fn fit_and_add(
    board: RwSignal<Board>,
    accepts: Accepts,
    name: String,
    bytes: Arc<[u8]>,
) {
    leptos::task::spawn_local(async move {
        #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
        {
            let original = bytes.clone();
            if let Err(chunks::NotLoaded) =
                chunks::fit_and_add_in_chunk(board, accepts, name, bytes).await
            {
                let _ = board.try_update(|b| b.shrink_failed(&original, NOT_FITTED.to_string()));
            }
        }
        #[cfg(not(all(feature = "split-embedded", target_family = "wasm")))]
        {
            fitting::fit_and_add(board, accepts, name, bytes).await;
        }
    });
}

/// What a fitting says when its chunk cannot be fetched.
#[cfg_attr(
    not(all(feature = "split-embedded", target_family = "wasm")),
    allow(dead_code, reason = "only a split build loads chunks")
)]
const NOT_FITTED: &str = "Part of this app could not be loaded, so the image was not re-encoded: \
                          check the connection and try again (or reload the page).";

/// Whether the views arrive after the page is usable (a split build): the
/// first value of the flag [`settings_view`] clears when they are there.
pub(crate) const VIEWS_LATE: bool = cfg!(all(feature = "split", target_family = "wasm"));

/// Add `bytes`, the file `name`, to `board` ([`fitting::add_file`]: its
/// header read by the core, judged by what `accepts` takes, fitted if
/// `auto-fit` turned it away). In a split build the header parsers are in
/// the `read` chunk, fetched once the page is usable, so a person's first
/// add waits on it only on a link too slow to have brought it while they
/// chose files. If it cannot be fetched, the file is turned away saying so.
pub(crate) async fn add_file(
    board: RwSignal<Board>,
    accepts: Dyn<Accepts>,
    name: String,
    bytes: Vec<u8>,
) {
    #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
    {
        let kept = name.clone();
        match chunks::add_in_chunk(board, accepts, name, bytes).await {
            // The chunk is here now: judge the input if that failed before.
            Ok(()) => judge_again(),
            Err(chunks::NotLoaded) => {
                let why = format!(
                    "Part of this app could not be loaded, so {kept} was not checked: check the \
                     connection and add it again (or reload the page)."
                );
                let _ = board.try_update(|b| b.reject(&kept, why));
            }
        }
    }
    #[cfg(not(all(feature = "split-embedded", target_family = "wasm")))]
    {
        fitting::add_file(board, &accepts, name, bytes);
    }
}

/// The settings panel's contents ([`crate::pages::settings_panels`]): with
/// the `split` feature, from the `views` chunk, shown as soon as it
/// arrives (the page asks for it as it mounts); else at once. `loading`
/// (made with [`VIEWS_LATE`]) is set false once they are shown, or once
/// the notice that they could not be loaded is: the panel is `aria-busy`
/// meanwhile, so that a screen reader waits rather than reads it empty.
pub(crate) fn settings_view(w: Wiring, loading: RwSignal<bool>) -> impl IntoView {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        late(chunks::settings_in_chunk(w), Some(loading), true)
    }
    #[cfg(not(all(feature = "split", target_family = "wasm")))]
    {
        let _ = loading;
        crate::pages::settings_panels(w)
    }
}

/// The board's tiles ([`board_panel::tiles`]): with the `split` feature,
/// from the `views` chunk, as [`settings_view`] loads its panels (if it
/// cannot be fetched, the settings panel says to reload); else at once.
pub(crate) fn tiles_view(
    board: RwSignal<Board>,
    section: NodeRef<leptos::html::Section>,
    accepts: Dyn<Accepts>,
    on_insert: Handler<usize>,
) -> impl IntoView {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        late(
            chunks::tiles_in_chunk(board, section, accepts, on_insert),
            None,
            false,
        )
    }
    #[cfg(not(all(feature = "split", target_family = "wasm")))]
    {
        board_panel::tiles(board, section, accepts, on_insert)
    }
}

/// The files the board turned away ([`board_panel::rejections`]), as
/// [`tiles_view`] loads the tiles.
pub(crate) fn rejections_view(board: RwSignal<Board>, accepts: Dyn<Accepts>) -> impl IntoView {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        late(chunks::rejections_in_chunk(board, accepts), None, false)
    }
    #[cfg(not(all(feature = "split", target_family = "wasm")))]
    {
        board_panel::rejections(board, accepts)
    }
}

/// A comparison's cards and the result ([`crate::pages::outcome_panels`]),
/// as [`settings_view`] loads its panels.
pub(crate) fn outcome_view(w: Wiring) -> impl IntoView {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        late(chunks::outcome_in_chunk(w), None, true)
    }
    #[cfg(not(all(feature = "split", target_family = "wasm")))]
    {
        crate::pages::outcome_panels(w)
    }
}

/// Judge the page's input ([`Wiring::judge`]: the core's checks, the
/// problems beside each control and why "Remix" cannot run), and give the
/// run panel's hints beside Remix: what a run would cost
/// ([`Wiring::estimate`]: the prices and their sources, a comparison's
/// total) and, on the site, a comparison's state
/// ([`Wiring::comparison_status`]). In a split build all of it comes with
/// the header reader's chunk, which the page asks for as it mounts (a
/// file's header is judged by the same checks as it is added): until it
/// arrives, "Remix" waits and the hints are empty. If it cannot be
/// fetched, the next file added fetches it again, and judging follows.
/// Else at once.
pub(crate) fn judge(w: &Wiring, compares: bool) -> (Dyn<String>, Dyn<String>) {
    #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
    {
        let hints = RwSignal::new(None::<chunks::Hints>);
        // The memos belong to the page, not to the task that makes them.
        if let Some(owner) = Owner::current() {
            judge_in_chunk(w.clone(), owner, compares, hints, 0);
        }
        let hint = move |pick: fn(&chunks::Hints) -> &Dyn<String>| {
            text(move || hints.with(|h| h.as_ref().map(|h| pick(h)()).unwrap_or_default()))
        };
        (hint(|h| &h.0), hint(|h| &h.1))
    }
    #[cfg(not(all(feature = "split-embedded", target_family = "wasm")))]
    {
        w.judge();
        hints(w, compares)
    }
}

/// [`judge`]'s fetch of the chunk that judges. If it fails, it is tried
/// again as soon as another call has fetched that chunk (a file's add, the
/// preload: [`judge_again`]), and by itself after 2, 4, 8, 16, then every
/// 32 seconds: a link that dropped may come back, and a board of URLs
/// alone adds no file that would fetch it.
#[cfg(all(feature = "split-embedded", target_family = "wasm"))]
fn judge_in_chunk(
    w: Wiring,
    owner: Owner,
    compares: bool,
    hints: RwSignal<Option<chunks::Hints>>,
    failed: u32,
) {
    use leptos::reactive::traits::IsDisposed;
    // A widget removed from its page while its judging waited.
    if hints.is_disposed() {
        return;
    }
    leptos::task::spawn_local(async move {
        match chunks::judge_in_chunk(w.clone(), owner.clone(), compares).await {
            Ok(made) => hints.set(Some(made)),
            Err(chunks::NotLoaded) => {
                JUDGE_AGAIN.with_borrow_mut(|again| {
                    again.push(Box::new(move || {
                        judge_in_chunk(w, owner, compares, hints, failed + 1)
                    }));
                });
                let wait = std::time::Duration::from_secs(2 << failed.min(4));
                set_timeout(judge_again, wait);
            }
        }
    });
}

/// Judge the input of every page whose judging could not fetch its chunk
/// ([`JUDGE_AGAIN`]): called once that chunk has arrived, or to try again.
#[cfg(all(feature = "split-embedded", target_family = "wasm"))]
fn judge_again() {
    JUDGE_AGAIN.take().into_iter().for_each(|again| again());
}

#[cfg(all(feature = "split-embedded", target_family = "wasm"))]
thread_local! {
    /// The pages (a site's, or each widget's) whose input could not be
    /// judged because the header reader's chunk could not be fetched.
    static JUDGE_AGAIN: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// The run panel's hints ([`judge`]): a comparison's state only where
/// there can be one (the site).
fn hints(w: &Wiring, compares: bool) -> (Dyn<String>, Dyn<String>) {
    let comparison = if compares {
        w.comparison_status()
    } else {
        text(String::new)
    };
    (w.estimate(), comparison)
}

/// A view from a chunk: nothing until it arrives, then the view; if the
/// chunk cannot be fetched, a notice that says what to do (if `notice`:
/// one per page is enough), else nothing. `loading`, if given, is set
/// false then.
#[cfg(all(feature = "split", target_family = "wasm"))]
fn late(
    view: impl std::future::Future<Output = Result<AnyView, chunks::NotLoaded>> + 'static,
    loading: Option<RwSignal<bool>>,
    notice: bool,
) -> impl IntoView {
    Suspend::new(send_wrapper::SendWrapper::new(async move {
        let view = view.await;
        if let Some(loading) = loading {
            loading.set(false);
        }
        view.unwrap_or_else(|chunks::NotLoaded| {
            if !notice {
                return ().into_any();
            }
            view! {
                <p class="notice" role="alert">
                    "Part of this page could not be loaded: check the connection and reload the page."
                </p>
            }
            .into_any()
        })
    }))
}

/// Keep this session ([`crate::app::keep_session`]): the settings and the
/// jobs in flight in sessionStorage, the board and the results in
/// IndexedDB, each brought back first. With the `split` feature that code
/// is in the `views` chunk, which the page asks for as it mounts: a reload
/// shows the kept images, and follows a kept job again, once it has
/// arrived. If it cannot be fetched, nothing kept is touched: the next load
/// brings it back.
pub(crate) fn keep_session(store: Store) {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        // The effects belong to the page, not to the task below.
        let owner = Owner::current();
        leptos::task::spawn_local(async move {
            if let Some(owner) = owner {
                let _ = chunks::session_in_chunk(store, owner).await;
            }
        });
    }
    #[cfg(not(all(feature = "split", target_family = "wasm")))]
    {
        crate::app::keep_session(store);
    }
}

/// Start fetching every chunk, once the page is usable (a no-op without
/// the `split` feature). A chunk that fails to load here is fetched again
/// by the call that needs it.
pub async fn preload() {
    // The panels first (their fetch began as the page mounted): on a slow
    // link the chunks would otherwise share it.
    #[cfg(all(feature = "split", target_family = "wasm"))]
    let _ = chunks::preload_views().await;
    preload_embedded().await;
}

/// [`preload`] for a board embedded in another page (the widget), which
/// has no settings panel: the header reader's, the run's and the fitting's
/// chunks.
pub async fn preload_embedded() {
    #[cfg(all(feature = "split-embedded", target_family = "wasm"))]
    {
        if chunks::preload_read().await.is_ok() {
            judge_again();
        }
        let _ = chunks::preload_run().await;
        let _ = chunks::preload_fit().await;
    }
}

/// Run `preload` ([`preload`] or [`preload_embedded`]) once the first
/// screen is painted: from a timeout set in the frame that paints it, so
/// that the chunks' fetches never hold the first paint back.
pub fn once_painted(preload: impl std::future::Future<Output = ()> + 'static) {
    request_animation_frame(move || {
        set_timeout(
            move || leptos::task::spawn_local(preload),
            std::time::Duration::ZERO,
        );
    });
}

/// What a run says when its chunk cannot be fetched (offline, or a deploy
/// replaced the site's files under an open page). A new run sent nothing;
/// a job followed again after a reload is still the provider's (and still
/// kept: the code is `network`), so a second Remix would pay twice.
#[cfg_attr(
    not(all(feature = "split-embedded", target_family = "wasm")),
    allow(dead_code, reason = "only a split build loads chunks")
)]
fn not_loaded(resuming: bool) -> RemixError {
    RemixError::new(
        ErrorCode::Network,
        if resuming {
            "Part of this app could not be loaded, so the job the provider accepted could not \
             be followed: check the connection and reload the page to look at it again."
        } else {
            "Part of this app could not be loaded, so nothing was sent: check the connection \
             and press Remix again (or reload the page)."
        },
    )
}

#[cfg(all(feature = "split-embedded", target_family = "wasm"))]
mod chunks;
