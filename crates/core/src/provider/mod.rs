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
use crate::image::ImageInfo;
use crate::job::{Job, RemixResult};

mod errors;
mod info;
mod input;
mod price;
mod request;
mod result;
mod validate;

pub mod aimlapi;
pub mod fal;
pub mod inference_sh;
pub mod onerouter;
pub mod pixazo;
pub mod replicate;
pub mod reve;

pub use errors::{
    error_message, http_error, looks_like_no_credits, looks_like_violation, network_error,
};
pub use info::{
    ALL_FORMATS, ASPECT_RATIOS, AuthScheme, COMMON, Cors, ImageTransport, PollPolicy, ProviderInfo,
    RemixOption, Route,
};
pub use input::{Config, ImageSource, RemixInput};
pub use price::{Estimate, PRICES, Price, estimate, price_of};
pub use request::{
    PROXY_ERROR_HEADER, PROXY_PROVIDER_HEADER, PROXY_TARGET_HEADER, result_image_request,
};
pub use validate::{Field, Problem, check_format, problems, validate};

pub(crate) use errors::{job_cancelled, job_failed, malformed, violation};
pub(crate) use request::{
    body_writer, endpoint, json_submit, opt_str, prompt_for, request, write_image,
    write_prompt_and_images,
};
pub(crate) use result::{
    CREDITS, first_url, image_from_base64, image_from_url, parse_json, result, success_json,
    unwrap_data,
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

    /// The job and its first request, from an input [`validate`] accepted;
    /// `images[i]` is what `image::inspect` found for a `Bytes` image.
    fn submit(
        &self,
        input: &RemixInput,
        cfg: &Config,
        images: &[Option<ImageInfo>],
    ) -> Result<(Job, HttpRequest), RemixError>;

    /// Read the answer to the request `job.phase` says was sent.
    fn on_response(
        &self,
        job: &mut Job,
        cfg: &Config,
        res: &HttpResponse,
    ) -> Result<Step, RemixError>;

    /// Read one line of a status stream. `Ok(None)`: keep reading.
    fn on_stream_line(
        &self,
        job: &mut Job,
        cfg: &Config,
        line: &[u8],
    ) -> Result<Option<Step>, RemixError> {
        let _ = (job, cfg, line);
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

static PROVIDERS: [ProviderInfo; 8] = [
    reve::INFO,
    fal::INFO,
    inference_sh::INFO,
    aimlapi::INFO,
    onerouter::INFO,
    pixazo::INFO,
    pixazo::EDIT_INFO,
    replicate::INFO,
];

/// Every provider's table entry, in DESIGN.md's order.
pub fn providers() -> &'static [ProviderInfo] {
    &PROVIDERS
}

/// The provider with this id; `unknown_provider` otherwise.
pub fn provider(id: &str) -> Result<&'static dyn Provider, RemixError> {
    Ok(match id {
        "reve" => &reve::Reve,
        "fal" => &fal::Fal,
        "inference-sh" => &inference_sh::InferenceSh,
        "aimlapi" => &aimlapi::AimlApi,
        "onerouter" => &onerouter::OneRouter,
        "pixazo" => &pixazo::Pixazo { edit: false },
        "pixazo-edit" => &pixazo::Pixazo { edit: true },
        "replicate" => &replicate::Replicate,
        _ => {
            let ids: Vec<&str> = PROVIDERS.iter().map(|p| p.id).collect();
            return Err(RemixError::new(
                ErrorCode::UnknownProvider,
                [
                    "Unknown provider \"",
                    id,
                    "\"; use one of: ",
                    &ids.join(", "),
                    ".",
                ]
                .concat(),
            ));
        }
    })
}

/// Validate `input` and build the first request: what `buildRequest` and
/// the driver call. Nothing is sent.
pub fn start(
    input: &RemixInput,
    cfg: &Config,
) -> Result<(&'static dyn Provider, Job, HttpRequest), RemixError> {
    let p = provider(&cfg.provider)?;
    let images = validate(p.info(), input, cfg)?;
    let (job, req) = p.submit(input, cfg, &images)?;
    Ok((p, job, req))
}
