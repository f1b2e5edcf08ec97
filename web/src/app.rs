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
    for r in persist::keep(store) {
        if r.on_card {
            store.resume_lane(r.job, r.started_ms, r.prompt);
        } else {
            store.resume(r.job, r.started_ms, r.prompt);
        }
    }
    lazy::keep_records(store);
    pages::site(store)
}

/// The site's page with a fresh state and no storage (component tests mount it).
#[component]
pub fn Page() -> impl IntoView {
    pages::site(Store::new(Connection::default()))
}
