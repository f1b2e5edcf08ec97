//! Type-erased reactive values and handlers for views.
//!
//! Every `move || …` closure in a `view!` is its own type, and Leptos
//! compiles its rendering code once per type. Boxing them behind one type
//! per output (`Dyn<String>`, `Dyn<bool>`, one handler type per event)
//! compiles that code once: the app stays inside its download budget.

use std::sync::Arc;

use wasm_bindgen::JsCast;

/// A reactive value of type `T`, behind one type.
pub type Dyn<T> = Arc<dyn Fn() -> T + Send + Sync>;

/// What a component calls to ask for a change (`on_remove`, `on_remix`):
/// one type per signature, not one per closure.
pub type Handler<T, R = ()> = Arc<dyn Fn(T) -> R + Send + Sync>;

/// A [`Handler`].
pub fn handler<T, R>(f: impl Fn(T) -> R + Send + Sync + 'static) -> Handler<T, R> {
    Arc::new(f)
}

/// A reactive value for a component to read (its props are these, not
/// `Signal<T>`: a signal wrapper per type costs the download more).
pub fn read<T>(f: impl Fn() -> T + Send + Sync + 'static) -> Dyn<T> {
    Arc::new(f)
}

/// A reactive text (children, attributes, `prop:value`).
pub fn text(f: impl Fn() -> String + Send + Sync + 'static) -> Dyn<String> {
    Arc::new(f)
}

/// A reactive yes/no (`disabled`, `hidden`, `class:x`, `prop:checked`).
pub fn flag(f: impl Fn() -> bool + Send + Sync + 'static) -> Dyn<bool> {
    Arc::new(f)
}

/// A reactive list of lines, each with a "bad" mark.
pub fn lines(
    f: impl Fn() -> Vec<(String, bool)> + Send + Sync + 'static,
) -> Dyn<Vec<(String, bool)>> {
    Arc::new(f)
}

/// A click handler.
pub fn click(f: impl Fn() + 'static) -> Box<dyn FnMut(web_sys::MouseEvent)> {
    Box::new(move |_| f())
}

/// A click handler for a control that hides itself when used (a card's
/// "Cancel"): after `f`, the focus moves to the control's closest ancestor
/// matching `keeper` (focusable: `tabindex="-1"`) rather than falling to
/// the page.
pub fn click_keeping_focus(
    keeper: &'static str,
    f: impl Fn() + 'static,
) -> Box<dyn FnMut(web_sys::MouseEvent)> {
    Box::new(move |ev| {
        f();
        let control = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        crate::browser::page::focus(control.and_then(|c| c.closest(keeper).ok().flatten()));
    })
}

/// A handler of an event's target value (`input`, `change` on text and selects).
pub fn on_value(f: impl Fn(String) + 'static) -> Box<dyn FnMut(web_sys::Event)> {
    Box::new(move |ev| f(leptos::prelude::event_target_value(&ev)))
}

/// A handler of a checkbox's `change`.
pub fn on_checked(f: impl Fn(bool) + 'static) -> Box<dyn FnMut(web_sys::Event)> {
    Box::new(move |ev| f(leptos::prelude::event_target_checked(&ev)))
}

/// A keyboard handler.
pub fn on_key(
    f: impl Fn(web_sys::KeyboardEvent) + 'static,
) -> Box<dyn FnMut(web_sys::KeyboardEvent)> {
    Box::new(f)
}

/// A drag-and-drop handler.
pub fn on_drag(f: impl Fn(web_sys::DragEvent) + 'static) -> Box<dyn FnMut(web_sys::DragEvent)> {
    Box::new(f)
}

/// `<li>` items for a reactive list of lines; a "bad" line gets `class="bad"`.
pub fn items(list: Dyn<Vec<(String, bool)>>) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    move || {
        list()
            .into_iter()
            .map(|(line, bad)| view! { <li class:bad=bad>{line}</li> })
            .collect_view()
    }
}
