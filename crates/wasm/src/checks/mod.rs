//! The image checks on their own (feature `checks`): `inspectImage`,
//! `toDataUrl` and `fitImage`, with the package's types. The whole package
//! (feature `js`) has them too; built alone they are `reve-remix/checks`, a
//! small entry point for a page that judges and shrinks images before it
//! sends them anywhere.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::js_values::{set, to_js_error};
use reve_remix_core::error::RemixError;
use reve_remix_core::image::{self, ImageInfo, ImageLimits};

pub(crate) mod fit;

// The data types of the package's API, appended to the .d.ts wasm-bindgen
// writes from the exports' signatures (here and in js/), in both entries.
// Kept by hand beside the hand-written
// conversions in js_values.rs (serde there measured +11.4 KB gzipped):
// tests/node/declarations.test.mjs checks real values from every export
// against them, tests/types/usage.ts a typed use of each.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("../types.d.ts");

/// Inspect a reference image: its format (from the bytes), size and
/// dimensions, checked against Reve's limits. Throws a `RemixError`
/// (`empty_image`, `unsupported_format`, `truncated_image`,
/// `corrupt_image`, `image_too_large`, `image_dimensions`) whose message
/// names `name`.
#[wasm_bindgen(js_name = inspectImage, unchecked_return_type = "ImageInfo")]
pub fn inspect_image(bytes: &[u8], name: Option<String>) -> Result<JsValue, JsValue> {
    let info =
        image::inspect(bytes, name.as_deref(), &ImageLimits::REVE).map_err(|e| to_js_error(&e))?;
    Ok(image_info_to_js(&info))
}

/// `data:<mime>;base64,…` for a reference image, after the same checks as
/// `inspectImage`; the MIME type is the sniffed one, never the file name's.
#[wasm_bindgen(js_name = toDataUrl)]
pub fn to_data_url(bytes: &[u8]) -> Result<String, JsValue> {
    let info = image::inspect(bytes, None, &ImageLimits::REVE).map_err(|e| to_js_error(&e))?;
    let mut out = Vec::with_capacity(bytes.len() / 3 * 4 + 40);
    image::data_url_into(&mut out, &info, bytes);
    // base64 and a MIME type are ASCII.
    Ok(String::from_utf8(out).unwrap_or_default())
}

pub(crate) fn image_info_to_js(info: &ImageInfo) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "format", &JsValue::from_str(info.format.as_str()));
    set(&obj, "mime", &JsValue::from_str(info.format.mime()));
    set(&obj, "width", &JsValue::from(info.width));
    set(&obj, "height", &JsValue::from(info.height));
    set(&obj, "bytes", &JsValue::from(info.bytes as f64));
    obj
}

/// A failure on the way to JS: a `RemixError`, or a JS value thrown by
/// the environment (a Blob that cannot be read), passed on as it is.
pub(crate) enum Thrown {
    Remix(RemixError),
    Js(JsValue),
}

impl Thrown {
    pub(crate) fn into_js(self) -> JsValue {
        match self {
            Thrown::Remix(e) => to_js_error(&e),
            Thrown::Js(v) => v,
        }
    }
}

impl From<RemixError> for Thrown {
    fn from(e: RemixError) -> Self {
        Thrown::Remix(e)
    }
}

/// A promise of `task`, for every async export. The future is boxed so that
/// wasm-bindgen-futures' promise glue is instantiated once, for all of them.
pub(crate) fn promise(
    task: impl std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
) -> js_sys::Promise {
    let task: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>> =
        Box::pin(task);
    wasm_bindgen_futures::future_to_promise(task)
}
