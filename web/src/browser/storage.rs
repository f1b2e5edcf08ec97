//! Web Storage: text by key in the tab's sessionStorage or the device's
//! localStorage. Quiet on failure like the rest of `browser/`: with
//! storage blocked (private mode, a sandboxed frame) nothing is read, and a
//! write that does not fit (quota) leaves no stale value behind it.

/// Which of the two storages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shelf {
    /// This tab, until it closes.
    Session,
    /// This device, until removed.
    Local,
}

fn storage(shelf: Shelf) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match shelf {
        Shelf::Session => window.session_storage().ok()?,
        Shelf::Local => window.local_storage().ok()?,
    }
}

/// The text under `key`, if any.
pub fn get(shelf: Shelf, key: &str) -> Option<String> {
    storage(shelf)?.get_item(key).ok()?
}

/// Keep `value` under `key`; if it cannot be written, the older value is
/// removed rather than read back later as if it were this one.
pub fn set(shelf: Shelf, key: &str, value: &str) {
    if let Some(s) = storage(shelf)
        && s.set_item(key, value).is_err()
    {
        let _ = s.remove_item(key);
    }
}

/// Remove what is under `key`.
pub fn remove(shelf: Shelf, key: &str) {
    if let Some(s) = storage(shelf) {
        let _ = s.remove_item(key);
    }
}
