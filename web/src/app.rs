//! The site's app: one board's store, brought back from this session and
//! kept there, on the site's page. The pages themselves are in `pages/`,
//! storage in `persist`; this is where they meet, so that neither the
//! pages nor the storage reach for the other.

use leptos::prelude::*;

use crate::model::Connection;
use crate::persist;
use crate::store::Store;
use crate::{lazy, pages};

/// The app with its state restored from this session (and kept there).
#[component]
pub fn App() -> impl IntoView {
    let store = Store::new(Connection::default());
    persist::restore(store);
    lazy::keep_session(store);
    pages::site(store)
}

/// Keep this session from now on: the prompt, the options and the key; the
/// jobs in flight, following again the ones a reload interrupted; the board
/// and the results. A split build runs it from the views' chunk
/// (`lazy::keep_session`), as the page's first screen needs none of it.
pub(crate) fn keep_session(store: Store) {
    for r in persist::keep(store) {
        if r.on_card {
            store.resume_lane(r.job, r.started_ms, r.prompt);
        } else {
            store.resume(r.job, r.started_ms, r.prompt);
        }
    }
    persist::keep_records(store);
}

/// The site's page with a fresh state and no storage (component tests mount it).
#[component]
pub fn Page() -> impl IntoView {
    pages::site(Store::new(Connection::default()))
}
