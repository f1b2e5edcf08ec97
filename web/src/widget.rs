//! The app as a widget: [`mount`] puts the board, the prompt, the run and
//! the result into an element of someone else's page. The connection comes
//! from the element's attributes, never from the page's URL or storage;
//! events go to `emit`. Its JS face (`mountBoard` and the handle's methods)
//! is the widget's own binary, `src/bin/reve-remix-widget.rs`, so that the
//! site's wasm carries none of it; `web/widget/reve-remix-widget.js` defines
//! `<reve-remix-board>` on top of that, inside a shadow root.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object};
use leptos::prelude::*;
use reve_remix::js_values::{job_to_js, result_to_js, set, update_to_js};
use reve_remix_core::RemixError;
use wasm_bindgen::prelude::*;

use crate::model::{Board, Connection, Options, Results, Run};
use crate::pages::embed;
use crate::runner::{RunEvent, RunListener};
use crate::store::Store;

/// Mount a board into `parent`; `emit(type, detail)` hears `remix-start`,
/// `remix-submit`, `remix-update`, `remix-complete` and `remix-error`.
pub fn mount(parent: web_sys::HtmlElement, emit: Function) -> EmbeddedBoard {
    let slot = Rc::new(Cell::new(None::<Store>));
    let out = slot.clone();
    let handle = leptos::mount::mount_to(parent, move || {
        // Never the mock: the page's attributes say where to send.
        let store = Store::new(Connection {
            mock: false,
            ..Connection::default()
        });
        let listener: RunListener = Rc::new(move |event| {
            let (kind, detail) = event_to_js(&event);
            // A throwing listener must not stop the run.
            let _ = emit.call2(&JsValue::UNDEFINED, &JsValue::from_str(kind), &detail);
        });
        store.runner.listen(Some(listener));
        out.set(Some(store));
        embed(store)
    });
    // A split widget (the site's release build) fetches what adding, a run
    // and fitting need once it is painted; one already fetched (a second
    // board on the page) is not fetched again.
    crate::lazy::once_painted(crate::lazy::preload_embedded());
    EmbeddedBoard {
        store: slot.take(),
        mounted: Some(Box::new(handle)),
    }
}

/// One mounted board.
pub struct EmbeddedBoard {
    store: Option<Store>,
    mounted: Option<Box<dyn std::any::Any>>,
}

impl EmbeddedBoard {
    /// Apply an attribute of the element (`None`: removed).
    pub fn set(&self, name: &str, value: Option<String>) {
        let Some(Store {
            board, settings, ..
        }) = self.store
        else {
            return;
        };
        // A boolean attribute: on when present (`auto-fit`, `auto-fit=""`),
        // unless it says "false".
        let on = value.as_deref().is_some_and(|v| v.trim() != "false");
        let value = value.unwrap_or_default();
        let trimmed = value.trim().to_string();
        match name {
            // The widget runs on one provider: its key follows it.
            "provider" => {
                let from = settings.provider.get_untracked();
                settings.connection.update(|c| {
                    let key = c.typed_key(&from).to_string();
                    c.set_key(&from, String::new());
                    c.set_key(&trimmed, key);
                });
                settings.provider.set(trimmed);
            }
            "base-url" => settings.connection.update(|c| c.base_url = trimmed),
            "proxy-url" => settings.connection.update(|c| c.proxy_url = trimmed),
            // Sent to the proxy only (never shown, never in an event).
            "proxy-token" => settings.connection.update(|c| c.set_token(&trimmed)),
            // Checked against the provider at each run: one it does not
            // sell is `unknown_model`, shown, and nothing is sent.
            "model" => settings.model_asked.set(trimmed),
            "auto-fit" => settings.auto_fit.set(on),
            "api-key" => {
                let id = settings.provider.get_untracked();
                settings.connection.update(|c| c.set_key(&id, trimmed));
            }
            "prompt" => board.update(|b| b.edit_prompt(value)),
            "max-images" => settings.max_images.set(trimmed),
            "aspect-ratio" => settings.options.update(|o| o.aspect_ratio = trimmed),
            _ => {}
        }
    }

    /// Add a file's bytes to the board (checked like a picked file);
    /// returns whether it was added (else it is listed as rejected).
    pub fn add_bytes(&self, name: &str, bytes: Vec<u8>) -> bool {
        self.store.is_some_and(|s| s.add_bytes(name, bytes))
    }

    /// Add a public image URL to the board; returns whether it was added.
    pub fn add_url(&self, url: &str) -> bool {
        self.store.is_some_and(|s| s.add_url(url))
    }

    /// Start a run, as the "Remix" button does (a run in progress goes on).
    pub fn run(&self) {
        if let Some(store) = self.store {
            // The widget never compares: there are no lanes.
            crate::lazy::remix(store, Vec::new());
        }
    }

    /// Empty the board, the prompt and the results (a run in progress is cancelled).
    pub fn clear(&self) {
        let Some(Store {
            board,
            settings,
            runner,
            ..
        }) = self.store
        else {
            return;
        };
        runner.cancel();
        // Dropped, previews and results free their object URLs.
        board.update(Board::clear);
        runner.results.set(Results::default());
        runner.run.set(Run::idle());
        settings.options.update(|o| {
            *o = Options {
                aspect_ratio: std::mem::take(&mut o.aspect_ratio),
                ..Options::default()
            };
        });
    }

    /// Stop any run and remove the board (its timers and listeners go with it).
    pub fn unmount(&mut self) {
        if let Some(store) = self.store.take() {
            store.runner.cancel();
            store.runner.listen(None);
        }
        // Disposed, the board's previews and results free their object URLs.
        self.mounted = None;
    }
}

fn event_to_js(event: &RunEvent<'_>) -> (&'static str, JsValue) {
    match event {
        RunEvent::Start => ("remix-start", JsValue::NULL),
        // The package's `Job`: `RemixClient.status(job)` reads it again.
        RunEvent::Submitted(job) => ("remix-submit", job_to_js(job, None)),
        RunEvent::Update(u) => ("remix-update", update_to_js(u)),
        RunEvent::Complete(r) => ("remix-complete", result_to_js(r)),
        RunEvent::Error(e) => ("remix-error", error_to_js(e)),
    }
}

/// `{code, message}` (no key can be in either: the core never puts it there).
fn error_to_js(e: &RemixError) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "code", &JsValue::from_str(e.code.as_str()));
    set(&obj, "message", &JsValue::from_str(&e.message));
    obj
}
