//! Bytes in and out of the browser: blobs and object URLs, reading files,
//! base64 through `atob`. Each one fails quietly (`None`) when an API is
//! missing: no input can make the app panic here.

use wasm_bindgen_futures::JsFuture;

/// A blob of `bytes` typed `mime`.
pub fn blob(bytes: &[u8], mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()
}

/// An object URL (`blob:…`) for `bytes` typed `mime`: tile and result
/// previews without copying the image into a data URL.
pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    web_sys::Url::create_object_url_with_blob(&blob(bytes, mime)?).ok()
}

/// Free an object URL made by [`object_url`]; other URLs are left alone.
pub fn revoke(url: &str) {
    if url.starts_with("blob:") {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

/// The bytes of a file (or any blob).
pub async fn read_blob(blob: &web_sys::Blob) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Decode standard base64 with the browser's `atob` (no decoder compiled in).
pub fn decode_base64(b64: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(b64.trim()).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// The bytes of a `data:…;base64,…` URL.
pub fn data_url_bytes(url: &str) -> Option<Vec<u8>> {
    let (head, body) = url.split_once(',')?;
    if !head.starts_with("data:") || !head.ends_with(";base64") {
        return None;
    }
    decode_base64(body)
}

/// What the page shows for `bytes` typed `mime`: an object URL, freed when
/// nothing shows it any more (empty if the browser would not make one).
pub fn image_url(bytes: &[u8], mime: &str) -> crate::model::ImageUrl {
    object_url(bytes, mime).map_or_else(crate::model::ImageUrl::default, |url| {
        crate::model::ImageUrl::freed_by(url, revoke)
    })
}
