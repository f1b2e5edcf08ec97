//! `providers()`: the provider table as JS sees it, each entry with its
//! default model's facts and its `models`.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::js_values::set;
use reve_remix_core::prompt::ReferenceSyntax;
use reve_remix_core::provider::{self, ProviderInfo};

/// Every provider and what it takes.
#[wasm_bindgen(unchecked_return_type = "ProviderInfo[]")]
pub fn providers() -> Array {
    provider::providers()
        .iter()
        .map(provider_info_to_js)
        .collect()
}

fn provider_info_to_js(info: &ProviderInfo) -> JsValue {
    let obj = model_info_to_js(info);
    set(&obj, "id", &JsValue::from_str(info.id.as_str()));
    set(&obj, "name", &JsValue::from_str(info.name));
    set(&obj, "baseUrl", &JsValue::from_str(info.base_url));
    let formats: Array = info
        .model
        .formats
        .iter()
        .map(|f| JsValue::from_str(f.as_str()))
        .collect();
    set(&obj, "formats", &formats);
    set(
        &obj,
        "imageTransport",
        &JsValue::from_str(info.transport.as_str()),
    );
    set(&obj, "asynchronous", &JsValue::from_bool(info.asynchronous));
    let options: Array = info
        .model
        .options
        .iter()
        .map(|o| JsValue::from_str(o.as_str()))
        .collect();
    set(&obj, "options", &options);
    set(&obj, "cors", &JsValue::from_str(info.cors.as_str()));
    let models: Array = info
        .models
        .iter()
        .map(|m| {
            let entry = model_info_to_js(&info.with_model(*m));
            set(&entry, "id", &JsValue::from_str(m.id.as_str()));
            set(&entry, "name", &JsValue::from_str(m.id.name()));
            entry
        })
        .collect();
    set(&obj, "models", &models);
    if let Some(notice) = info.notice {
        set(&obj, "notice", &JsValue::from_str(notice));
    }
    obj
}

/// What a provider's entry and each of its `models` share: the limits,
/// the prompt's syntax and the price of the model `info` describes.
fn model_info_to_js(info: &ProviderInfo) -> JsValue {
    let obj: JsValue = Object::new().into();
    let m = &info.model;
    set(&obj, "maxImages", &JsValue::from(m.max_images as u32));
    set(
        &obj,
        "maxImageBytes",
        &JsValue::from(info.limits.max_bytes as f64),
    );
    set(
        &obj,
        "promptMaxChars",
        &JsValue::from(m.prompt_max_chars as u32),
    );
    let ratios: Array = m
        .aspect_ratios
        .iter()
        .map(|r| JsValue::from_str(r))
        .collect();
    set(&obj, "aspectRatios", &ratios);
    let syntax = match m.reference_syntax {
        ReferenceSyntax::FrameTag => "frame",
        _ => "img",
    };
    set(&obj, "referenceSyntax", &JsValue::from_str(syntax));
    let price = provider::price_of(info.id, m.id).map_or(JsValue::NULL, |p| {
        let price: JsValue = Object::new().into();
        set(&price, "usd", &JsValue::from_f64(p.usd));
        set(&price, "per", &JsValue::from_str(p.per));
        set(&price, "source", &JsValue::from_str(p.source));
        set(&price, "checked", &JsValue::from_str(p.checked));
        set(&price, "raisedBy", &JsValue::from_str(p.raised_by));
        price
    });
    set(&obj, "price", &price);
    obj
}
