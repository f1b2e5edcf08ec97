//! The Worker's answers: refusals, preflights, and the provider's answer
//! with its headers sorted out (the same lists as the native server).

use reve_remix_proxy::cors;
use reve_remix_proxy::headers::passes_response_header;
use reve_remix_proxy::refusal::Refusal;

fn init(status: u16, headers: &web_sys::Headers) -> web_sys::ResponseInit {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(headers);
    init
}

fn headers_of(pairs: &[(&str, String)]) -> worker::Result<web_sys::Headers> {
    let h = web_sys::Headers::new()?;
    for (name, value) in pairs {
        h.append(name, value)?;
    }
    Ok(h)
}

/// A refusal, readable by an allowed page.
pub fn refusal(r: &Refusal, allowed: Option<&str>) -> worker::Result<web_sys::Response> {
    let mut pairs = r.headers();
    if let Some(origin) = allowed {
        pairs.extend(cors::response_headers(
            origin,
            std::iter::once("x-remix-proxy-error"),
        ));
    }
    let mut body = r.body();
    Ok(web_sys::Response::new_with_opt_u8_array_and_init(
        Some(&mut body),
        &init(r.code.status(), &headers_of(&pairs)?),
    )?)
}

/// An answer with no body (a preflight's).
pub fn empty(status: u16, pairs: &[(&str, String)]) -> worker::Result<web_sys::Response> {
    Ok(web_sys::Response::new_with_opt_str_and_init(
        None,
        &init(status, &headers_of(pairs)?),
    )?)
}

/// A plain-text answer (the Worker's own configuration problems).
pub fn text(status: u16, text: &str) -> worker::Result<web_sys::Response> {
    let pairs = [("content-type", "text/plain; charset=utf-8".to_string())];
    Ok(web_sys::Response::new_with_opt_str_and_init(
        Some(text),
        &init(status, &headers_of(&pairs)?),
    )?)
}

/// A JSON answer of the proxy's own (`GET /_remix/usage`), never cached.
pub fn json(body: &[u8]) -> worker::Result<web_sys::Response> {
    let pairs = [
        ("content-type", "application/json".to_string()),
        ("cache-control", "no-store".to_string()),
    ];
    let mut body = body.to_vec();
    Ok(web_sys::Response::new_with_opt_u8_array_and_init(
        Some(&mut body),
        &init(200, &headers_of(&pairs)?),
    )?)
}

/// The provider's answer, its body streamed through untouched (a
/// compressed one stays compressed, with its `Content-Encoding`).
pub fn forwarded(
    res: &web_sys::Response,
    allowed: Option<&str>,
) -> worker::Result<web_sys::Response> {
    let out = web_sys::Headers::new()?;
    let mut present = Vec::new();
    if let Some(entries) = js_sys::try_iter(&res.headers()).ok().flatten() {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
            else {
                continue;
            };
            if passes_response_header(&name) {
                out.append(&name, &value)?;
            }
            present.push(name);
        }
    }
    if let Some(origin) = allowed {
        for (name, value) in cors::response_headers(origin, present.iter().map(String::as_str)) {
            out.append(name, &value)?;
        }
    }
    Ok(web_sys::Response::new_with_opt_readable_stream_and_init(
        res.body().as_ref(),
        &init(res.status(), &out),
    )?)
}
