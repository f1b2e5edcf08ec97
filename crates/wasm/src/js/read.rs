//! Reading the package's JS arguments into the core's types: a client's
//! configuration, a `RemixInput` (its Blobs read first), a kept `Job`, the
//! options of a call. Every wrong value is a `RemixError` naming the field
//! and what it takes.

use std::sync::Arc;

use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::checks::Thrown;
use crate::fetch::{self, ProxyToken, Transport};
pub(super) use crate::js_read::{absent, get, opt_number, opt_string, opt_u32, wrong_type};
use reve_remix_core::driver::{Driver, RunOptions};
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::http::Secret;
use reve_remix_core::job::{Job, RemixResult};
use reve_remix_core::provider::{self, Config, ImageSource, RemixInput};

/// A client's configuration, parsed once (the default: none, for `fitImage`).
#[derive(Clone, Default)]
pub(super) struct ClientSettings {
    pub(super) cfg: Config,
    timeout_ms: Option<u64>,
    pub(super) transport: Transport,
}

impl ClientSettings {
    pub(super) fn from_js(v: &JsValue) -> Result<Self, RemixError> {
        if !v.is_object() {
            return Err(RemixError::new(
                ErrorCode::UnknownProvider,
                "Pass a configuration object: { provider: \"reve\", apiKey }",
            ));
        }
        let id = get(v, "provider").as_string().unwrap_or_default();
        let info = provider::info(provider::parse_provider(&id)?);
        let model = match opt_string(v, "model", "model")? {
            Some(m) => Some(provider::parse_model(&m)?),
            None => None,
        };
        // A model the provider does not sell is refused here, before any request.
        provider::offer(info, model)?;
        let cfg = Config {
            provider: info.id,
            model,
            nonce: fetch::now_ms() ^ js_sys::Math::random().to_bits(),
            api_key: opt_string(v, "apiKey", "apiKey")?
                .filter(|k| !k.trim().is_empty())
                .map(Secret::new),
            base_url: opt_string(v, "baseUrl", "baseUrl")?,
            proxy_url: opt_string(v, "proxyUrl", "proxyUrl")?,
        };
        let timeout_ms = opt_number(v, "timeoutMs")?.map(|t| t as u64);
        let fetch = get(v, "fetch");
        let transport = if fetch.is_undefined() || fetch.is_null() {
            Transport::global()
        } else {
            Transport::with_fetch(fetch.dyn_into::<Function>().map_err(|_| {
                RemixError::new(
                    ErrorCode::InvalidOption,
                    "config.fetch must be a function like fetch",
                )
            })?)
        };
        let token = get(v, "proxyToken");
        let token = if let Some(t) = token.as_string() {
            Some(ProxyToken::Fixed(t))
        } else if let Some(f) = token.dyn_ref::<Function>() {
            Some(ProxyToken::Source(f.clone(), Default::default()))
        } else if token.is_undefined() || token.is_null() {
            None
        } else {
            return Err(RemixError::new(
                ErrorCode::InvalidOption,
                "config.proxyToken must be a token string, or a function returning one (or a promise of one)",
            ));
        };
        let transport = transport.with_token(token);
        Ok(Self {
            cfg,
            timeout_ms,
            transport,
        })
    }

    pub(super) fn options(&self, timeout: Option<f64>) -> RunOptions {
        let mut opts = RunOptions {
            seed: fetch::now_ms() ^ js_sys::Math::random().to_bits(),
            ..RunOptions::default()
        };
        if let Some(t) = timeout.map(|t| t as u64).or(self.timeout_ms) {
            opts.timeout_ms = t.max(1);
        }
        opts
    }

    pub(super) fn start(
        &self,
        input: &RemixInput,
        timeout: Option<f64>,
    ) -> Result<Driver, RemixError> {
        Driver::start(
            input,
            self.cfg.clone(),
            self.options(timeout),
            fetch::now_ms(),
        )
    }

    pub(super) fn resume(&self, job: Job) -> Result<Driver, RemixError> {
        if job.provider != self.cfg.provider {
            return Err(RemixError::new(
                ErrorCode::InvalidOption,
                "This job belongs to another provider: use a client configured for it.",
            ));
        }
        Driver::resume(job, self.cfg.clone(), self.options(None), fetch::now_ms())
    }
}

/// An image of `images` given as a Blob, read: its index, bytes and name.
pub(super) type ReadBlob = (usize, Arc<[u8]>, Option<String>);

/// RemixInput from JS. `blobs` holds bytes already read from Blobs, by
/// index (the async methods read them first).
pub(super) fn input_from_js(v: &JsValue, blobs: &[ReadBlob]) -> Result<RemixInput, RemixError> {
    if !v.is_object() {
        return Err(RemixError::new(
            ErrorCode::EmptyPrompt,
            "Pass an input object: { prompt, images }",
        ));
    }
    let prompt = get(v, "prompt");
    let prompt = if absent(&prompt) {
        String::new()
    } else {
        prompt
            .as_string()
            .ok_or_else(|| wrong_type("prompt", "a string"))?
    };
    let list = get(v, "images");
    let mut images = Vec::new();
    if !absent(&list) {
        let array: Array = list.dyn_into().map_err(|_| {
            wrong_type(
                "images",
                "an array of Uint8Array, ArrayBuffer, Blob or URL strings",
            )
        })?;
        for (i, item) in array.iter().enumerate() {
            if let Some((_, data, name)) = blobs.iter().find(|(at, _, _)| *at == i) {
                images.push(ImageSource::Bytes {
                    data: data.clone(),
                    name: name.clone(),
                });
            } else if let Some(url) = item.as_string() {
                images.push(ImageSource::Url(url));
            } else if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
                images.push(ImageSource::Bytes {
                    data: bytes.to_vec().into(),
                    name: None,
                });
            } else if item.is_instance_of::<js_sys::ArrayBuffer>() {
                images.push(ImageSource::Bytes {
                    data: Uint8Array::new(&item).to_vec().into(),
                    name: None,
                });
            } else {
                let mut msg = String::from("images[");
                msg.push_str(&reve_remix_core::error::num(i as u64));
                msg.push_str("] is not a Uint8Array, an ArrayBuffer, a Blob or a URL string");
                return Err(RemixError::new(ErrorCode::InvalidOption, msg));
            }
        }
    }
    Ok(RemixInput {
        prompt,
        images,
        aspect_ratio: opt_string(v, "aspectRatio", "aspectRatio")?,
        version: opt_string(v, "version", "version")?,
        test_time_scaling: opt_u32(v, "testTimeScaling")?,
        upscale_factor: opt_u32(v, "upscaleFactor")?,
        remove_background: match get(v, "removeBackground") {
            b if absent(&b) => None,
            b => Some(
                b.as_bool()
                    .ok_or_else(|| wrong_type("removeBackground", "true or false"))?,
            ),
        },
        output_format: opt_string(v, "outputFormat", "outputFormat")?,
    })
}

/// Like [`input_from_js`], reading any Blob/File images first.
pub(super) async fn read_input(v: &JsValue) -> Result<RemixInput, Thrown> {
    let mut blobs = Vec::new();
    let list = get(v, "images");
    if let Some(array) = list.dyn_ref::<Array>() {
        for (i, item) in array.iter().enumerate() {
            let Some(blob) = item.dyn_ref::<web_sys::Blob>() else {
                continue;
            };
            let buffer = JsFuture::from(blob.array_buffer())
                .await
                .map_err(Thrown::Js)?;
            let name = get(&item, "name").as_string();
            blobs.push((i, Uint8Array::new(&buffer).to_vec().into(), name));
        }
    }
    Ok(input_from_js(v, &blobs)?)
}

pub(super) fn signal_of(opts: &JsValue) -> Option<AbortSignal> {
    get(opts, "signal").dyn_into::<AbortSignal>().ok()
}

pub(super) fn job_from_js(v: &JsValue) -> Result<(Job, Option<RemixResult>), RemixError> {
    let id = get(v, "provider").as_string().unwrap_or_default();
    // An unknown provider is its own error, with the known ids.
    provider::parse_provider(&id)?;
    // An unknown model is its own error, with the known ids; whether the
    // provider sells it, `Driver::resume` checks.
    if let Some(m) = get(v, "model").as_string() {
        provider::parse_model(&m)?;
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let job = Job::from_json(&text)
        .filter(|j| !j.id.is_empty())
        .ok_or_else(|| wrong_type("job.id", "the id of a submitted job"))?;
    let result = result_from_js(&get(v, "result"), &job);
    Ok((job, result))
}

pub(super) fn result_from_js(v: &JsValue, job: &Job) -> Option<RemixResult> {
    let images: Array = get(v, "images").dyn_into().ok()?;
    Some(RemixResult {
        images: images
            .iter()
            .map(|i| reve_remix_core::job::ResultImage {
                url: get(&i, "url").as_string(),
                data_url: get(&i, "dataUrl").as_string(),
                mime: get(&i, "mime").as_string(),
            })
            .collect(),
        job_id: get(v, "jobId").as_string(),
        provider: job.provider,
        model: job.model,
        credits_used: get(v, "creditsUsed").as_f64(),
        cost: None,
    })
}
