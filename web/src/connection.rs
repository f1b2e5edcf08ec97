//! How to reach the provider: the local mock (the default, so the app works
//! at once), "Through the proxy" (a server that adds the key, so the page
//! holds none: the way to go live), or the "API key" (this session only,
//! unless "Remember on this device"; "Forget" removes it); under "Advanced"
//! a "Base URL" and the "Proxy URL" that "Through the proxy" fills in.

use leptos::prelude::*;
use reve_remix_core::provider::Cors;

use crate::dyn_view::{click, flag, on_checked, on_value, text};
use crate::request;
use crate::state::AppState;
use crate::storage;
use crate::validation::Problems;

/// The connection fields.
#[component]
pub fn Connection(
    /// The app's state.
    state: AppState,
    /// What stands between the input and a run.
    problems: Memo<Problems>,
) -> impl IntoView {
    let key_hint = text(move || {
        if state.use_mock.get() {
            "Optional with the mock (it sends \"mock\"). Type mock-429, mock-401, mock-slow or mock-fail to see how failures look."
                .to_string()
        } else {
            format!(
                "Your {} key. Kept for this session only unless you check \"Remember on this device\".",
                state.info().name
            )
        }
    });
    // Said before the run fails the way a CORS block does.
    let needs_proxy = move || {
        !state.use_mock.get()
            && state.info().cors == Cors::No
            && state.proxy_url.with(|p| p.trim().is_empty())
            && state.base_url.with(|b| b.trim().is_empty())
    };
    let proxy_warning = text(move || {
        if needs_proxy() {
            format!(
                "{} does not answer requests from a browser: tick \"Through the proxy\" (a server of yours that adds the key).",
                state.info().name
            )
        } else {
            String::new()
        }
    });
    let proxied = move || state.proxy_url.with(|p| !p.trim().is_empty());
    view! {
        <fieldset class="connection">
            <legend>"Connection"</legend>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=flag(move || state.use_mock.get())
                    on:change=on_checked(move |v| {
                        state.use_mock.set(v);
                        if v {
                            state.proxy_url.set(String::new());
                        }
                    })
                />
                "Use the local mock provider"
            </label>
            <p class="hint" hidden=flag(move || !state.use_mock.get())>
                "Requests go to the mock at " <code>{text(move || state.mock_origin.get())}</code>
                " (" <code>"cargo xtask serve"</code> " starts it): no key or credits needed."
            </p>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=flag(proxied)
                    on:change=on_checked(move |v| {
                        if v {
                            state.use_mock.set(false);
                            if state.proxy_url.with_untracked(|p| p.trim().is_empty()) {
                                state.proxy_url.set(state.default_proxy.get_untracked());
                            }
                        } else {
                            state.proxy_url.set(String::new());
                        }
                    })
                />
                "Through the proxy"
            </label>
            <p class="hint" hidden=flag(move || !proxied())>
                "Requests go to the proxy at " <code>{text(move || state.proxy_url.get())}</code>
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
                        placeholder=text(move || if state.use_mock.get() { "mock".to_string() } else { String::new() })
                        prop:value=text(move || state.api_key.get())
                        on:input=on_value(move |v| state.api_key.set(v))
                    />
                    <button
                        type="button"
                        on:click=click(move || {
                            state.api_key.set(String::new());
                            state.remember_key.set(false);
                            storage::forget_key();
                        })
                    >
                        "Forget"
                    </button>
                </div>
                <p class="hint" id="key-hint">{key_hint}</p>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=flag(move || state.remember_key.get())
                        on:change=on_checked(move |v| state.remember_key.set(v))
                    />
                    "Remember on this device"
                </label>
                <p class="problem" id="key-problem">
                    {text(move || problems.with(|p| p.key.clone().unwrap_or_default()))}
                </p>
            </div>
            <p class="problem" hidden=flag(move || !needs_proxy())>{proxy_warning}</p>
            <details class="advanced" prop:open=flag(needs_proxy)>
                <summary>"Advanced"</summary>
                <div class="field">
                    <label for="base-url">"Base URL"</label>
                    <input
                        id="base-url"
                        type="url"
                        spellcheck="false"
                        placeholder=text(move || request::default_base_url(state))
                        prop:value=text(move || state.base_url.get())
                        on:input=on_value(move |v| state.base_url.set(v))
                    />
                    <p class="hint">
                        "Requests go to " <code>{text(move || request::effective_base_url(state))}</code>
                        ". Leave empty for the default."
                    </p>
                </div>
                <div class="field">
                    <label for="proxy-url">"Proxy URL"</label>
                    <input
                        id="proxy-url"
                        type="url"
                        spellcheck="false"
                        aria-describedby="proxy-hint"
                        placeholder="https://proxy.example.com/remix"
                        prop:value=text(move || state.proxy_url.get())
                        on:input=on_value(move |v| state.proxy_url.set(v))
                    />
                    <p class="hint" id="proxy-hint">
                        "Optional. Every request goes here instead, with the real address in the "
                        <code>"x-remix-target-url"</code>
                        " header and without the key: your proxy adds it."
                    </p>
                </div>
            </details>
        </fieldset>
    }
}
