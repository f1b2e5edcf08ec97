//! The split points: wasm-split moves each function here, with what only
//! it reaches, into the chunk its `#[wasm_split]` names first, and a call
//! to it fetches that chunk on first use. `lazy.rs` calls them and says
//! what happens when a chunk cannot be fetched.

use std::future::Future;
use std::pin::Pin;

use leptos::wasm_split::{SplitLoaderError, wasm_split};

use super::{
    Accepts, Arc, Board, Config, Dyn, Lane, Owner, Plan, RemixError, Runner, RwSignal, Secret,
    Shown, Store, Wiring, fitting,
};
// The views' split points are the site's only: the widget has no panels.
#[cfg(feature = "split")]
use super::{AnyView, Handler, IntoAny, NodeRef};

/// A chunk's fetch or instantiation failed (the console says why).
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

type Carrying = Pin<Box<dyn Future<Output = ()>>>;

#[wasm_split(
    run,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_run),
    return_wrapper(let carrying = _; { carrying.await; Ok(()) } -> Result<(), NotLoaded>)
)]
pub fn carry_in_chunk(
    runner: Runner,
    plan: Plan,
    cfg: Config,
    token: Option<Secret>,
    signal: web_sys::AbortSignal,
    shown: Shown,
) -> Carrying {
    Box::pin(runner.carry(plan, cfg, token, signal, shown))
}

#[cfg(feature = "split")]
#[wasm_split(
    views,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_views),
    return_wrapper(let view = _; { Ok(view) } -> Result<AnyView, NotLoaded>)
)]
pub fn settings_in_chunk(w: Wiring) -> AnyView {
    crate::pages::settings_panels(w)
}

#[cfg(feature = "split")]
#[wasm_split(
    views,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let view = _; { Ok(view) } -> Result<AnyView, NotLoaded>)
)]
pub fn tiles_in_chunk(
    board: RwSignal<Board>,
    section: NodeRef<leptos::html::Section>,
    accepts: Dyn<Accepts>,
    on_insert: Handler<usize>,
) -> AnyView {
    super::board_panel::tiles(board, section, accepts, on_insert).into_any()
}

#[cfg(feature = "split")]
#[wasm_split(
    views,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let view = _; { Ok(view) } -> Result<AnyView, NotLoaded>)
)]
pub fn rejections_in_chunk(board: RwSignal<Board>, accepts: Dyn<Accepts>) -> AnyView {
    super::board_panel::rejections(board, accepts).into_any()
}

#[cfg(feature = "split")]
#[wasm_split(
    views,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let view = _; { Ok(view) } -> Result<AnyView, NotLoaded>)
)]
pub fn outcome_in_chunk(w: Wiring) -> AnyView {
    crate::pages::outcome_panels(w)
}

#[wasm_split(
    run,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let started = _; { Ok(started) } -> Result<(), NotLoaded>)
)]
pub fn remix_in_chunk(store: Store, lanes: Vec<Lane>) {
    store.remix(&lanes);
}

#[wasm_split(
    read,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_read),
    return_wrapper(let added = _; { Ok(added) } -> Result<(), NotLoaded>)
)]
pub fn add_in_chunk(board: RwSignal<Board>, accepts: Dyn<Accepts>, name: String, bytes: Vec<u8>) {
    fitting::add_file(board, &accepts, name, bytes);
}

/// The estimate and a comparison's status ([`super::judge`]).
pub type Hints = (Dyn<String>, Dyn<String>);

#[wasm_split(
    read,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let hints = _; { Ok(hints) } -> Result<Hints, NotLoaded>)
)]
pub fn judge_in_chunk(w: Wiring, owner: Owner, compares: bool) -> Hints {
    owner.with(|| {
        w.judge();
        super::hints(&w, compares)
    })
}

#[cfg(feature = "split")]
#[wasm_split(
    views,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let kept = _; { Ok(kept) } -> Result<(), NotLoaded>)
)]
pub fn session_in_chunk(store: Store, owner: Owner) {
    owner.with(|| crate::app::keep_session(store));
}

type Fitting = Pin<Box<dyn Future<Output = Result<reve_remix::fit::Fitted, RemixError>>>>;

#[wasm_split(
    fit,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_fit),
    return_wrapper(let fitting = _; { Ok(fitting.await) } -> Result<Result<reve_remix::fit::Fitted, RemixError>, NotLoaded>)
)]
pub fn fit_in_chunk(
    bytes: std::sync::Arc<[u8]>,
    name: Option<String>,
    opts: reve_remix::fit::FitOptions,
) -> Fitting {
    Box::pin(async move { reve_remix::fit::fit_image(bytes, None, name.as_deref(), &opts).await })
}

type FittingAndAdding = Pin<Box<dyn Future<Output = ()>>>;

#[wasm_split(
    fit,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let fitting = _; { fitting.await; Ok(()) } -> Result<(), NotLoaded>)
)]
pub fn fit_and_add_in_chunk(
    board: RwSignal<Board>,
    accepts: Accepts,
    name: String,
    bytes: Arc<[u8]>,
) -> FittingAndAdding {
    Box::pin(fitting::fit_and_add(board, accepts, name, bytes))
}
