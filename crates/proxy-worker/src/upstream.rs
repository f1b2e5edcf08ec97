//! The request to the provider: the page's allowed headers and the key,
//! the body streamed (or, without a length, read up to the limit first),
//! no redirect followed, and a deadline for the answer's headers.

use std::time::Duration;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use reve_remix_proxy::headers::forwards_request_header;
use reve_remix_proxy::refusal::{Code, Refusal};
use reve_remix_proxy::rules::Forward;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The body to send: the page's stream, or its bytes once measured.
pub enum Body {
    None,
    Stream(web_sys::ReadableStream),
    Bytes(Vec<u8>),
}

/// Read and discard a refused body before answering, up to 64 MiB: a
/// connection closed with the body unread can reach the client as a reset
/// instead of the 413 (the native server's lingering close, done here by
/// reading first).
async fn drain(stream: web_sys::ReadableStream) {
    const MOST: usize = 64 * 1024 * 1024;
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut read = 0usize;
    while read < MOST {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            break;
        };
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        read += Reflect::get(&chunk, &"value".into())
            .map_or(0, |v| Uint8Array::new(&v).length() as usize);
    }
}

/// The page's body, checked against `--max-body` (`MAX_BODY`) before
/// anything is connected: by its `Content-Length` when it has one, else
/// read up to the limit.
pub async fn measured_body(req: &web_sys::Request, max: u64) -> Result<Body, Refusal> {
    let too_large = || {
        Refusal::new(
            Code::BodyTooLarge,
            format!(
                "The request body is over the proxy's limit of {max} bytes (MAX_BODY); send smaller or fewer reference images."
            ),
        )
    };
    let Some(stream) = req.body() else {
        return Ok(Body::None);
    };
    let length = req.headers().get("content-length").ok().flatten();
    match length.map(|l| l.trim().parse::<u64>()) {
        Some(Ok(len)) if len > max => {
            drain(stream).await;
            Err(too_large())
        }
        Some(Ok(_)) => Ok(Body::Stream(stream)),
        Some(Err(_)) => Err(Refusal::new(
            Code::TargetNotAllowed,
            "The request's Content-Length is not a number.",
        )),
        None => read_up_to(stream, max)
            .await
            .map(Body::Bytes)
            .map_err(|()| too_large()),
    }
}

/// The whole body, for a submission only its body tells apart (Runware's
/// one path): read up to `max` bytes.
pub async fn whole(body: Body, max: u64) -> Result<Vec<u8>, Refusal> {
    match body {
        Body::None => Ok(Vec::new()),
        Body::Bytes(b) => Ok(b),
        Body::Stream(stream) => read_up_to(stream, max).await.map_err(|()| {
            Refusal::new(
                Code::BodyTooLarge,
                "The request body could not be read whole within the proxy's limit (MAX_BODY).",
            )
        }),
    }
}

/// Read `stream` to its end; `Err` once it is over `max` bytes.
async fn read_up_to(stream: web_sys::ReadableStream, max: u64) -> Result<Vec<u8>, ()> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            break;
        };
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            bytes.extend_from_slice(&Uint8Array::new(&value).to_vec());
        }
        if bytes.len() as u64 > max {
            let _ = reader.cancel();
            return Err(());
        }
    }
    Ok(bytes)
}

/// What the page accepts as encodings: on Cloudflare the runtime rewrites
/// the header and keeps the page's own in `request.cf`. A page that named
/// none gets `identity`: the Worker's fetch would otherwise ask for
/// compression and hand the page a `Content-Encoding` it did not ask for.
fn accept_encoding(req: &web_sys::Request) -> String {
    let from_cf = Reflect::get(req, &"cf".into())
        .ok()
        .filter(JsValue::is_object)
        .and_then(|cf| Reflect::get(&cf, &"clientAcceptEncoding".into()).ok())
        .and_then(|v| v.as_string());
    from_cf
        .or_else(|| req.headers().get("accept-encoding").ok().flatten())
        .unwrap_or_else(|| "identity".to_string())
}

/// Send the request on; the provider's answer once its headers are in, or
/// the refusal that says why there is none.
pub async fn send(
    req: &web_sys::Request,
    forward: &Forward,
    body: Body,
    timeout: Duration,
) -> Result<web_sys::Response, Refusal> {
    let name = forward.entry.info().name;
    let host = forward.url.host_str().unwrap_or("?").to_string();
    let unreachable = |why: &str| {
        Refusal::new(
            Code::UpstreamUnreachable,
            format!(
                "The proxy could not reach {name} at {host} ({why}); check the proxy's network, or try again later."
            ),
        )
    };
    let request =
        build(req, forward, body).map_err(|_| unreachable("the request cannot be built"))?;
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let answer = global.fetch_with_request(&request.0);
    let (deadline, timer) = deadline(timeout);
    let first = JsFuture::from(Promise::race(&Array::of2(&answer, &deadline))).await;
    clear_timer(timer);
    match first {
        Ok(v) if v.is_instance_of::<web_sys::Response>() => Ok(v.unchecked_into()),
        Ok(_) => {
            request.1.abort();
            Err(Refusal::new(
                Code::UpstreamTimeout,
                format!(
                    "{name} did not start answering within {} s; try again later.",
                    timeout.as_secs()
                ),
            ))
        }
        Err(e) => {
            let why = Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "the connection failed".to_string());
            Err(unreachable(&why.chars().take(120).collect::<String>()))
        }
    }
}

/// The request, and the controller that can abort it.
fn build(
    req: &web_sys::Request,
    forward: &Forward,
    body: Body,
) -> Result<(web_sys::Request, web_sys::AbortController), JsValue> {
    let headers = web_sys::Headers::new()?;
    if let Some(entries) = js_sys::try_iter(&req.headers())? {
        for entry in entries.flatten() {
            let pair = Array::from(&entry);
            if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string())
                && forwards_request_header(&n, forward.entry)
            {
                headers.append(&n, &v)?;
            }
        }
    }
    headers.set("accept-encoding", &accept_encoding(req))?;
    if let Some((name, key)) = &forward.auth {
        headers.set(name, key.expose())?;
    }
    let controller = web_sys::AbortController::new()?;
    let init = web_sys::RequestInit::new();
    init.set_method(&req.method());
    init.set_headers(&headers);
    init.set_redirect(web_sys::RequestRedirect::Manual);
    init.set_signal(Some(&controller.signal()));
    match body {
        Body::None => {}
        Body::Stream(s) => init.set_body(&s),
        Body::Bytes(b) => init.set_body(&Uint8Array::from(b.as_slice())),
    }
    let request = web_sys::Request::new_with_str_and_init(forward.url.as_str(), &init)?;
    Ok((request, controller))
}

/// A promise that resolves (to `undefined`) after `timeout`, and its timer.
fn deadline(timeout: Duration) -> (Promise, JsValue) {
    let global = js_sys::global();
    let set_timeout: Option<Function> = Reflect::get(&global, &"setTimeout".into())
        .ok()
        .and_then(|f| f.dyn_into().ok());
    let mut timer = JsValue::UNDEFINED;
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(set) = &set_timeout {
            timer = set
                .call2(
                    &global,
                    &resolve,
                    &JsValue::from_f64(timeout.as_millis() as f64),
                )
                .unwrap_or_default();
        }
    });
    (promise, timer)
}

fn clear_timer(timer: JsValue) {
    let global = js_sys::global();
    if let Some(clear) = Reflect::get(&global, &"clearTimeout".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = clear.call1(&global, &timer);
    }
}
