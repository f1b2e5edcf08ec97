//! The page around the app: its address's query, the clock, elements by id,
//! where the keyboard focus is, and the files a `FileList` holds.

use wasm_bindgen::JsCast;

/// A parameter of the page's query string (`?mock=…`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `ms` since the epoch as the person's wall clock reads it: shifted by
/// their time zone's offset at that moment (`Date`'s `getTimezoneOffset`),
/// for names that say local time.
pub fn local_ms(ms: f64) -> f64 {
    ms - js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).get_timezone_offset() * 60_000.0
}

/// The files of a `FileList`, in order.
pub fn files(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Whether the keyboard focus went nowhere (the `<body>`, or nothing) in
/// the page or the widget's shadow root that `el` is in: the control that
/// had it was removed, hidden or disabled. Focus the user put elsewhere in
/// the host page is not "lost".
pub fn focus_lost(el: &web_sys::Element) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    // A disabled or hidden control may keep the focus in name only.
    let gone = |a: &web_sys::Element| {
        a.matches(":disabled, [hidden], [hidden] *")
            .unwrap_or(false)
    };
    let on_body = |active: Option<web_sys::Element>| match (active, doc.body()) {
        (None, _) => true,
        (Some(a), Some(body)) => a.is_same_node(Some(&body)) || gone(&a),
        (Some(a), None) => gone(&a),
    };
    let root = el.get_root_node();
    match root.dyn_ref::<web_sys::ShadowRoot>() {
        // Inside the widget: nothing focused in it, and the page's focus on
        // its body or on the widget's own element.
        Some(shadow) => {
            shadow.active_element().is_none_or(|a| gone(&a))
                && (on_body(doc.active_element())
                    || doc
                        .active_element()
                        .is_some_and(|a| a.is_same_node(Some(&shadow.host()))))
        }
        None => on_body(doc.active_element()),
    }
}

/// Focus `el` if it is an element that takes focus.
pub fn focus(el: Option<web_sys::Element>) {
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
