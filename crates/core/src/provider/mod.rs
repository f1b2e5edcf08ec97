//! The hosted providers of Reve Remix: what each one takes, how to ask it,
//! and what its answers mean. Sans-IO: a provider builds [`HttpRequest`]s
//! and reads [`HttpResponse`]s; it never sends or waits. The driver in
//! [`crate::driver`] runs any of them.
//!
//! Each provider module holds its table entry (`INFO`, a [`ProviderInfo`]);
//! every fact the research could not verify lives there, or in a named
//! const of that module, with a doc comment that says *unverified*.
//!
//! Here: the [`Provider`] trait, the table of providers and [`start`].
//! Shared by the providers, one concern per file: the table entry's types
//! (`info.rs`), the input and config (`input.rs`), the checks before any
//! request (`validate.rs`), how requests are built (`request.rs`), what
//! failures mean (`errors.rs`), how answers are read (`result.rs`) and
//! what a remix costs on each host (`price.rs`).

use crate::error::{ErrorCode, RemixError};
use crate::http::{HttpRequest, HttpResponse};
pub use crate::id::{ModelId, ProviderId};
use crate::image::ImageInfo;
use crate::job::{Job, RemixResult};

mod errors;
mod flight;
mod info;
mod input;
mod openai_images;
mod prediction;
mod price;
mod request;
mod result;
mod validate;

pub mod aimlapi;
pub mod atlascloud;
pub mod fal;
pub mod inference_sh;
pub mod onerouter;
pub mod pixazo;
pub mod replicate;
pub mod reve;
pub mod runware;
pub mod wavespeed;

pub use errors::{
    error_message, http_error, looks_like_no_credits, looks_like_violation, network_error,
};
pub use flight::Flight;
pub use info::{
    ALL_FORMATS, ASPECT_RATIOS, ASPECT_RATIOS_2_1, AuthScheme, COMMON, Cors, ImageTransport,
    ModelInfo, PollPolicy, ProviderInfo, REVE_2_1, REVE_REMIX, RemixOption, Route,
};
pub use input::{Config, ImageSource, RemixInput};
pub use price::{Estimate, PRICES, Price, dearest, estimate, price_of};
pub use request::{
    PROXY_ERROR_HEADER, PROXY_PROVIDER_HEADER, PROXY_TARGET_HEADER, result_image_request,
};
pub use validate::{Field, Judge, Problem, check_format, problems, problems_judged, validate};

pub(crate) use errors::{job_cancelled, job_failed, malformed, violation};
pub(crate) use request::{
    body_writer, endpoint, json_submit, opt_str, prompt_for, request, write_image,
    write_prompt_and_images,
};
pub(crate) use result::{
    CREDITS, USD, first_url, image_from_base64, image_from_output, image_from_url, parse_json,
    result, success_json, unwrap_data,
};

/// What a provider wants next after a response.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Send this at once (an upload in a chain, a result fetch).
    Send(HttpRequest),
    /// Not finished: read the status again when the schedule says.
    Poll,
    /// Follow this status stream (NDJSON or server-sent events).
    Stream(HttpRequest),
    /// Finished.
    Done(RemixResult),
}

/// One provider's protocol. Sans-IO: it builds requests and reads
/// responses; the driver sends, waits and retries.
pub trait Provider: Sync {
    /// The table entry.
    fn info(&self) -> &'static ProviderInfo;

    /// The job and its first request, from an input [`validate`] accepted
    /// for `info`, the provider's entry for the model picked
    /// ([`ProviderInfo::with_model`]); `images[i]` is what `image::inspect`
    /// found for a `Bytes` image. What the provider keeps for the next
    /// requests goes in `flight`.
    fn submit(
        &self,
        info: &ProviderInfo,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
        flight: &mut Flight,
    ) -> Result<(Job, HttpRequest), RemixError>;

    /// Read the answer to the request `flight.phase` says was sent.
    fn on_response(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError>;

    /// Read one line of a status stream. `Ok(None)`: keep reading.
    fn on_stream_line(
        &self,
        job: &mut Job,
        flight: &mut Flight,
        cfg: &Config,
        line: &[u8],
    ) -> Result<Option<Step>, RemixError> {
        let _ = (job, flight, cfg, line);
        Ok(None)
    }

    /// The status read for a submitted job (`None` for synchronous ones).
    fn poll(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }

    /// The status stream for a submitted job, where the provider has one.
    fn stream(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }

    /// The provider's cancel request, where it has one.
    fn cancel(&self, job: &Job, cfg: &Config) -> Option<HttpRequest> {
        let _ = (job, cfg);
        None
    }
}

static PROVIDERS: [ProviderInfo; ProviderId::ALL.len()] = [
    reve::INFO,
    fal::INFO,
    inference_sh::INFO,
    aimlapi::INFO,
    onerouter::INFO,
    pixazo::INFO,
    pixazo::EDIT_INFO,
    replicate::INFO,
    runware::INFO,
    atlascloud::INFO,
    wavespeed::INFO,
];

/// Every provider's table entry, in [`ProviderId::ALL`]'s order.
pub fn providers() -> &'static [ProviderInfo] {
    &PROVIDERS
}

/// The provider `id`'s protocol.
pub fn provider(id: ProviderId) -> &'static dyn Provider {
    match id {
        ProviderId::Reve => &reve::Reve,
        ProviderId::Fal => &fal::Fal,
        ProviderId::InferenceSh => &inference_sh::InferenceSh,
        ProviderId::AimlApi => &aimlapi::AimlApi,
        ProviderId::OneRouter => &onerouter::OneRouter,
        ProviderId::Pixazo => &pixazo::Pixazo { edit: false },
        ProviderId::PixazoEdit => &pixazo::Pixazo { edit: true },
        ProviderId::Replicate => &replicate::Replicate,
        ProviderId::Runware => &runware::Runware,
        ProviderId::AtlasCloud => &atlascloud::AtlasCloud,
        ProviderId::WaveSpeed => &wavespeed::WaveSpeed,
    }
}

/// The table entry of `id`: data only. Not `provider(id).info()`, whose
/// trait object would keep every provider's request and response code in a
/// build that only wants the facts (`reve-remix/checks`' `fitImage` with
/// a provider: 49 KB gzipped that way).
pub fn info(id: ProviderId) -> &'static ProviderInfo {
    // PROVIDERS is in the enum's order (tests/providers.rs checks each).
    &PROVIDERS[id as usize]
}

/// The provider id `id` names, or `unknown_provider` saying which exist:
/// how the JS and storage boundaries read one.
pub fn parse_provider(id: &str) -> Result<ProviderId, RemixError> {
    ProviderId::parse(id).ok_or_else(|| {
        let ids: Vec<&str> = ProviderId::ALL.iter().map(|p| p.as_str()).collect();
        RemixError::new(
            ErrorCode::UnknownProvider,
            [
                "Unknown provider \"",
                id,
                "\"; use one of: ",
                &ids.join(", "),
                ".",
            ]
            .concat(),
        )
    })
}

/// The model `id` names, or `unknown_model` saying which exist.
pub fn parse_model(id: &str) -> Result<ModelId, RemixError> {
    ModelId::parse(id).ok_or_else(|| {
        let ids: Vec<&str> = ModelId::ALL.iter().map(|m| m.as_str()).collect();
        RemixError::new(
            ErrorCode::UnknownModel,
            [
                "Unknown model \"",
                id,
                "\"; use one of: ",
                &ids.join(", "),
                ".",
            ]
            .concat(),
        )
    })
}

/// `info` for `model` (its default for `None`), or `unknown_model` naming
/// the models it sells: checked before any request.
// Called from several places; one copy of its message building.
#[inline(never)]
pub fn offer(info: &ProviderInfo, model: Option<ModelId>) -> Result<ProviderInfo, RemixError> {
    let Some(model) = model else {
        return Ok(*info);
    };
    info.for_model(model).ok_or_else(|| {
        let sold: Vec<&str> = info.models.iter().map(|m| m.id.as_str()).collect();
        RemixError::new(
            ErrorCode::UnknownModel,
            [
                info.name,
                " does not sell ",
                model.name(),
                " (",
                model.as_str(),
                "); it sells ",
                &sold.join(", "),
                ". Pick one of those, or another provider.",
            ]
            .concat(),
        )
        .with_provider(info.id)
    })
}

/// Validate `input` and build the first request: what `buildRequest` and
/// the driver call. Nothing is sent.
pub fn start(
    input: &RemixInput,
    cfg: &Config,
) -> Result<(&'static dyn Provider, Job, Flight, HttpRequest), RemixError> {
    let p = provider(cfg.provider);
    let info = offer(p.info(), cfg.model)?;
    let images = validate(&info, input, cfg)?;
    let mut flight = Flight::default();
    let (job, req) = p.submit(&info, input, cfg, &images, &mut flight)?;
    flight.phase = req.kind;
    Ok((p, job, flight, req))
}
