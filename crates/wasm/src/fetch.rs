//! The transport (wasm only): runs a [`Driver`] with `fetch`.
//!
//! The global `fetch` works in a page, a Worker and Node ≥ 20;
//! `ClientConfig.fetch` replaces it (proxies, instrumentation, tests).
//! Every decision (what to send, when, whether to retry) is the driver's;
//! this file only moves bytes, sleeps and watches the `AbortSignal`.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, Response};

use crate::js_values::{request_to_js, set};
use reve_remix_core::driver::{Action, Driver, Event};
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::http::{HttpRequest, HttpResponse};
use reve_remix_core::job::RemixResult;
use reve_remix_core::provider::PROXY_TARGET_HEADER;

/// Which `fetch` to call, and the token a proxy asks for.
#[derive(Clone, Debug, Default)]
pub struct Transport {
    fetch: Option<Function>,
    token: Option<ProxyToken>,
}

/// `ClientConfig.proxyToken`: sent as `x-remix-proxy-token` with every
/// request to the proxy. A function is asked when a token is first needed
/// and once more after the proxy answers `token_invalid` (an expired
/// token), and that request is sent again with the new one.
#[derive(Clone, Debug)]
pub enum ProxyToken {
    /// The same token every time.
    Fixed(String),
    /// A function returning a token (or a promise of one), and the last it gave.
    Source(Function, std::rc::Rc<std::cell::RefCell<Option<String>>>),
}

/// The header a proxy token rides in (the proxy's `token.rs`).
const TOKEN_HEADER: &str = "x-remix-proxy-token";

impl Transport {
    /// The environment's own `fetch`.
    pub fn global() -> Self {
        Self::default()
    }

    /// A fetch-compatible function used instead of the global one.
    pub fn with_fetch(fetch: Function) -> Self {
        Self {
            fetch: Some(fetch),
            token: None,
        }
    }

    /// The same, sending `token` to the proxy.
    pub fn with_token(mut self, token: Option<ProxyToken>) -> Self {
        self.token = token;
        self
    }

    /// The token to send now; `fresh` asks a function again.
    async fn token(&self, fresh: bool) -> Option<String> {
        match self.token.as_ref()? {
            ProxyToken::Fixed(t) => Some(t.clone()),
            ProxyToken::Source(f, last) => {
                if !fresh && let Some(t) = last.borrow().clone() {
                    return Some(t);
                }
                let given = f.call0(&JsValue::UNDEFINED).ok()?;
                let t = JsFuture::from(Promise::resolve(&given))
                    .await
                    .ok()?
                    .as_string()?;
                *last.borrow_mut() = Some(t.clone());
                Some(t)
            }
        }
    }
}

/// How far [`drive`] follows the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// To its result (`run`).
    Finished,
    /// Until the provider has accepted it (`submit`).
    Submitted,
    /// One look at its state (`status`): stops before any wait or stream.
    Observed,
}

/// Milliseconds on the clock the driver is given.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Follow `driver` to the job's result: the run loop of the package's
/// `run` and of the app, written once. `on_event` hears the job accepted
/// and every state change; `signal` aborts the run (and cancels the job
/// where the provider can). An error after the provider accepted the job
/// carries it (`RemixError::job`) when it may still finish.
pub async fn run(
    driver: &mut Driver,
    transport: &Transport,
    signal: Option<&AbortSignal>,
    on_event: &mut dyn FnMut(&Event),
) -> Result<RemixResult, RemixError> {
    drive(driver, transport, signal, Until::Finished, on_event)
        .await?
        // `Until::Finished` only returns on Done or Fail.
        .ok_or_else(|| RemixError::new(ErrorCode::ProviderError, "The job ended without a result."))
}

/// Run `driver` until `until`; `Some(result)` once the job is done.
pub async fn drive(
    driver: &mut Driver,
    transport: &Transport,
    signal: Option<&AbortSignal>,
    until: Until,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Option<RemixResult>, RemixError> {
    let mut cancelled = false;
    loop {
        if !cancelled && signal.is_some_and(AbortSignal::aborted) {
            cancelled = true;
            if let Some(req) = driver.cancel() {
                // The job is cancelled for us whatever the provider answers.
                send_best_effort(transport, &req, driver.deadline_ms()).await;
            }
        }
        let action = driver.next(now_ms());
        flush(driver, on_event);
        match action {
            Action::Done(result) => return Ok(Some(result)),
            Action::Fail(err) => return Err(err),
            Action::Wait(_) | Action::Stream { .. } if until == Until::Observed => return Ok(None),
            Action::Wait(ms) => sleep(ms, signal).await,
            Action::Send(req) => {
                match send(transport, &req, signal, driver.deadline_ms()).await {
                    Ok(res) => driver.on_response(now_ms(), res),
                    // Aborted (by the caller or the deadline): the top of the
                    // loop and the driver's deadline decide what it means.
                    Err(Failure::Aborted) => {}
                    Err(Failure::Network(msg)) => driver.on_network_error(now_ms(), &msg),
                }
                flush(driver, on_event);
                // Without calling `next`: its action would be lost to a
                // caller that goes on driving (the web app does).
                if until == Until::Submitted && driver.is_submitted() {
                    return match driver.outcome() {
                        Some(Ok(result)) => Ok(Some(result)),
                        Some(Err(err)) => Err(err),
                        None => Ok(None),
                    };
                }
            }
            Action::Stream {
                request,
                timeout_ms,
            } => {
                let until_ms = now_ms()
                    .saturating_add(timeout_ms)
                    .min(driver.deadline_ms());
                stream(driver, transport, &request, signal, until_ms, on_event).await;
            }
        }
    }
}

/// Send one request and read its whole answer, without the driver (a
/// result image): `None` when nothing answered within a minute.
pub async fn fetch_once(transport: &Transport, req: &HttpRequest) -> Option<HttpResponse> {
    send(transport, req, None, now_ms().saturating_add(60_000))
        .await
        .ok()
}

/// Send a request whose answer does not matter (a cancel).
pub async fn send_best_effort(transport: &Transport, req: &HttpRequest, deadline_ms: u64) {
    let _ = send(transport, req, None, deadline_ms).await;
}

fn flush(driver: &mut Driver, on_event: &mut dyn FnMut(&Event)) {
    for event in driver.events() {
        on_event(&event);
    }
}

enum Failure {
    Aborted,
    Network(String),
}

/// Send one request and read its whole answer.
async fn send(
    transport: &Transport,
    req: &HttpRequest,
    signal: Option<&AbortSignal>,
    deadline_ms: u64,
) -> Result<HttpResponse, Failure> {
    let response = open(transport, req, signal, deadline_ms).await?;
    read_whole(&response, signal).await
}

async fn read_whole(
    response: &Response,
    signal: Option<&AbortSignal>,
) -> Result<HttpResponse, Failure> {
    let status = response.status();
    let headers = headers_of(response);
    let buffer = response.array_buffer().map_err(|e| failure(e, signal))?;
    let body = JsFuture::from(buffer)
        .await
        .map_err(|e| failure(e, signal))?;
    Ok(HttpResponse {
        status,
        headers,
        body: Uint8Array::new(&body).to_vec(),
    })
}

/// Start a request; resolves when the answer's headers are in.
async fn open(
    transport: &Transport,
    req: &HttpRequest,
    signal: Option<&AbortSignal>,
    deadline_ms: u64,
) -> Result<Response, Failure> {
    let init: Object = request_to_js(req).unchecked_into();
    // Through a proxy every request has the same URL (the target rides in a
    // header), and a browser's HTTP cache keys on the URL: concurrent GETs
    // (a comparison's status reads and streams) would wait on, and even be
    // answered with, each other's responses. None of these may be cached.
    let proxied = req
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(PROXY_TARGET_HEADER));
    if proxied {
        set(&init, "cache", &JsValue::from_str("no-store"));
    }
    let headers = Reflect::get(&init, &JsValue::from_str("headers")).unwrap_or(JsValue::UNDEFINED);
    let token = if proxied {
        transport.token(false).await
    } else {
        None
    };
    if let Some(t) = &token {
        set(&headers, TOKEN_HEADER, &JsValue::from_str(t));
    }
    if let Some(combined) = combined_signal(signal, deadline_ms.saturating_sub(now_ms())) {
        set(&init, "signal", &combined);
    }
    let response = fetch_response(transport, &req.url, &init, signal).await?;
    // An expired token: ask for a new one once, and send the request again.
    let refused = response.status() == 401
        && response
            .headers()
            .get("x-remix-proxy-error")
            .ok()
            .flatten()
            .as_deref()
            == Some("token_invalid");
    if refused
        && matches!(transport.token, Some(ProxyToken::Source(..)))
        && let Some(fresh) = transport.token(true).await
        && Some(&fresh) != token.as_ref()
    {
        set(&headers, TOKEN_HEADER, &JsValue::from_str(&fresh));
        return fetch_response(transport, &req.url, &init, signal).await;
    }
    Ok(response)
}

async fn fetch_response(
    transport: &Transport,
    url: &str,
    init: &Object,
    signal: Option<&AbortSignal>,
) -> Result<Response, Failure> {
    let promise = call_fetch(transport, url, init).map_err(|e| failure(e, signal))?;
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| failure(e, signal))?;
    value
        .dyn_into::<Response>()
        .map_err(|_| Failure::Network("fetch did not return a Response".into()))
}

fn call_fetch(transport: &Transport, url: &str, init: &Object) -> Result<Promise, JsValue> {
    let global = js_sys::global();
    let fetch = match &transport.fetch {
        Some(f) => f.clone(),
        None => Reflect::get(&global, &JsValue::from_str("fetch"))?
            .dyn_into::<Function>()
            .map_err(|_| {
                JsValue::from_str("this environment has no fetch: pass ClientConfig.fetch")
            })?,
    };
    let this = if transport.fetch.is_some() {
        JsValue::UNDEFINED
    } else {
        global.into()
    };
    // A custom fetch may return a plain value or a thenable: resolve it.
    let returned = fetch.call2(&this, &JsValue::from_str(url), init)?;
    Ok(Promise::resolve(&returned))
}

/// The caller's signal combined with a timeout at the deadline
/// (`AbortSignal.any` / `AbortSignal.timeout`, Chromium 116+, Node 20.3+).
fn combined_signal(signal: Option<&AbortSignal>, ms: u64) -> Option<JsValue> {
    let ctor = Reflect::get(&js_sys::global(), &JsValue::from_str("AbortSignal")).ok()?;
    let timeout = Reflect::get(&ctor, &JsValue::from_str("timeout"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(&ctor, &JsValue::from_f64(ms.max(1) as f64)).ok());
    let any = Reflect::get(&ctor, &JsValue::from_str("any"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    match (signal, timeout, any) {
        (Some(s), Some(t), Some(any)) => any.call1(&ctor, &Array::of2(s, &t)).ok(),
        (Some(s), _, _) => Some(s.clone().into()),
        (None, t, _) => t,
    }
}

fn failure(err: JsValue, signal: Option<&AbortSignal>) -> Failure {
    let name = Reflect::get(&err, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if signal.is_some_and(AbortSignal::aborted) || name == "AbortError" || name == "TimeoutError" {
        return Failure::Aborted;
    }
    let message = Reflect::get(&err, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "the request failed".into());
    Failure::Network(message)
}

fn headers_of(response: &Response) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&response.headers()) {
        for entry in iter.flatten() {
            let pair = Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out.push((k, v));
            }
        }
    }
    out
}

/// Open a stream and feed it to the driver line by line.
async fn stream(
    driver: &mut Driver,
    transport: &Transport,
    req: &HttpRequest,
    signal: Option<&AbortSignal>,
    until_ms: u64,
    on_event: &mut dyn FnMut(&Event),
) {
    let response = match open(transport, req, signal, until_ms).await {
        Ok(r) => r,
        Err(Failure::Aborted) => return driver.on_stream_end(now_ms()),
        Err(Failure::Network(msg)) => return driver.on_network_error(now_ms(), &msg),
    };
    let reader = match response.body() {
        Some(body) if response.ok() => body
            .get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .ok(),
        _ => None,
    };
    let Some(reader) = reader else {
        // An error answer, or no streaming body: hand over the whole thing.
        match read_whole(&response, signal).await {
            Ok(res) => driver.on_response(now_ms(), res),
            Err(Failure::Aborted) => driver.on_stream_end(now_ms()),
            Err(Failure::Network(msg)) => driver.on_network_error(now_ms(), &msg),
        }
        return;
    };
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            break; // aborted at the deadline or by the caller, or the connection broke
        };
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) {
            pending.extend_from_slice(&Uint8Array::new(&value).to_vec());
        }
        while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=nl).collect();
            let keep_going = driver.on_stream_line(now_ms(), &line);
            flush(driver, on_event);
            if !keep_going {
                let _ = reader.cancel();
                return;
            }
        }
    }
    if !pending.is_empty() && !driver.on_stream_line(now_ms(), &pending) {
        return;
    }
    driver.on_stream_end(now_ms());
}

/// Sleep `ms`, or less if `signal` aborts first. Leaves no timer behind.
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) {
    let global = js_sys::global();
    let Some(set_timeout) = global_fn(&global, "setTimeout") else {
        return;
    };
    let mut timer = JsValue::UNDEFINED;
    let mut resolver: Option<Function> = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        timer = set_timeout
            .call2(&global, &resolve, &JsValue::from_f64(ms as f64))
            .unwrap_or_default();
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", &resolve);
        }
        resolver = Some(resolve);
    });
    let _ = JsFuture::from(promise).await;
    if let Some(clear) = global_fn(&global, "clearTimeout") {
        let _ = clear.call1(&global, &timer);
    }
    if let (Some(s), Some(r)) = (signal, resolver) {
        let _ = s.remove_event_listener_with_callback("abort", &r);
    }
}

fn global_fn(global: &Object, name: &str) -> Option<Function> {
    Reflect::get(global, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}
