//! How to reach the provider: the local mock (the default, so the app works
//! at once), "Through the proxy" (a server that adds the key, so the page
//! holds none: the way to go live), or the "API key" (this session only,
//! unless "Remember on this device"; "Forget" removes it); under "Advanced"
//! a "Base URL", the "Proxy URL" that "Through the proxy" fills in, and the
//! "Proxy token" a proxy that mints tokens asks for (this session only).

use leptos::prelude::*;
use reve_remix_core::provider::ProviderInfo;

use super::dyn_view::{Dyn, click, flag, on_checked, on_value, text};
use crate::model::Connection;

/// The connection fields.
#[component]
pub fn ConnectionPanel(
    /// The chosen provider: its name, its origin, whether browsers reach it.
    provider: Signal<&'static ProviderInfo>,
    /// The connection as the fields hold it.
    connection: RwSignal<Connection>,
    /// What is wrong with the key for a run ("" when nothing is).
    problem: Dyn<String>,
) -> impl IntoView {
    let mock = move || connection.with(|c| c.mock);
    let key_hint = text(move || {
        if mock() {
            "Optional with the mock (it sends \"mock\"). Type mock-429, mock-401, mock-slow or mock-fail to see how failures look."
                .to_string()
        } else {
            format!(
                "Your {} key. Kept for this session only unless you check \"Remember on this device\".",
                provider.get().name
            )
        }
    });
    // Said before the run fails the way a CORS block does.
    let needs_proxy = move || connection.with(|c| c.needs_proxy(provider.get()));
    let proxy_warning = text(move || {
        if needs_proxy() {
            format!(
                "{} does not answer requests from a browser: tick \"Through the proxy\" (a server of yours that adds the key).",
                provider.get().name
            )
        } else {
            String::new()
        }
    });
    let proxied = move || connection.with(Connection::proxied);
    let field =
        move |f: fn(&Connection) -> &String| text(move || connection.with(|c| f(c).clone()));
    view! {
        <fieldset class="connection">
            <legend>"Connection"</legend>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=flag(mock)
                    on:change=on_checked(move |v| connection.update(|c| c.set_mock(v)))
                />
                "Use the local mock provider"
            </label>
            <p class="hint" hidden=flag(move || !mock())>
                "Requests go to the mock at " <code>{field(|c| &c.mock_origin)}</code>
                " (" <code>"cargo xtask serve"</code> " starts it): no key or credits needed."
            </p>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=flag(proxied)
                    on:change=on_checked(move |v| connection.update(|c| c.set_through_proxy(v)))
                />
                "Through the proxy"
            </label>
            <p class="hint" hidden=flag(move || !proxied())>
                "Requests go to the proxy at " <code>{field(|c| &c.proxy_url)}</code>
                ", which adds the key where it runs: this page holds none. "
                <code>"cargo xtask serve"</code>
                " starts one in front of the mock; README, \"Going live\", runs it with your keys."
            </p>
            <div class="field" hidden=flag(proxied)>
                <label for="api-key">"API key"</label>
                <div class="key-row">
                    <input
                        id="api-key"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby="key-hint key-problem"
                        placeholder=text(move || if mock() { "mock".to_string() } else { String::new() })
                        prop:value=text(move || {
                            let id = provider.get().id.as_str();
                            connection.with(|c| c.typed_key(id).to_string())
                        })
                        on:input=on_value(move |v| {
                            let id = provider.get_untracked().id.as_str();
                            connection.update(|c| c.set_key(id, v));
                        })
                    />
                    <button
                        type="button"
                        on:click=click(move || connection.update(Connection::forget_key))
                    >
                        "Forget"
                    </button>
                </div>
                <p class="hint" id="key-hint">{key_hint}</p>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=flag(move || connection.with(|c| c.remember_key))
                        on:change=on_checked(move |v| connection.update(|c| c.remember_key = v))
                    />
                    "Remember on this device"
                </label>
                <p class="problem" id="key-problem">
                    {problem}
                </p>
            </div>
            <p class="problem" hidden=flag(move || !needs_proxy())>{proxy_warning}</p>
            <details class="advanced" prop:open=flag(needs_proxy)>
                <summary>"Advanced"</summary>
                {text_field(
                    "base-url",
                    "Base URL",
                    "url",
                    text(move || connection.with(|c| c.default_base_url(provider.get()))),
                    field(|c| &c.base_url),
                    on_value(move |v| connection.update(|c| c.base_url = v)),
                    text(move || {
                        let to = connection.with(|c| c.base_url(provider.get()));
                        format!("Requests go to {to}. Leave empty for the default.")
                    }),
                )}
                {text_field(
                    "proxy-url",
                    "Proxy URL",
                    "url",
                    text(|| "https://proxy.example.com/remix".to_string()),
                    field(|c| &c.proxy_url),
                    on_value(move |v| connection.update(|c| c.proxy_url = v)),
                    text(|| "Optional. Every request goes here instead, with the real address in the x-remix-target-url header and without the key: your proxy adds it.".to_string()),
                )}
                {text_field(
                    "proxy-token",
                    "Proxy token",
                    "password",
                    text(String::new),
                    text(move || connection.with(|c| c.typed_token().to_string())),
                    on_value(move |v| connection.update(|c| c.set_token(&v))),
                    text(|| "Only if your proxy asks for one (REMIX_PROXY_SECRET): sent to the proxy alone, in x-remix-proxy-token. Kept for this session only.".to_string()),
                )}
            </details>
        </fieldset>
    }
}

/// A labelled text field and its hint. One function for the fields alike
/// ("Base URL", "Proxy URL", "Proxy token"): Leptos compiles a view once per type, and
/// each `view!` of its own is a type of its own (the token field, written
/// out, cost the app 2.8 KB gzipped).
fn text_field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    placeholder: Dyn<String>,
    value: Dyn<String>,
    on_input: Box<dyn FnMut(web_sys::Event)>,
    hint: Dyn<String>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                spellcheck="false"
                aria-describedby=hint_id.clone()
                placeholder=placeholder
                prop:value=value
                on:input=on_input
            />
            <p class="hint" id=hint_id>{hint}</p>
        </div>
    }
}
