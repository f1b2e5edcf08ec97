//! The npm package's API (`#[wasm_bindgen]` exports), as DESIGN.md names it.
//!
//! A thin adapter: it converts JS values to the pure types and back and
//! turns every `RemixError` into a real JS `Error` with `code`, `message`,
//! `status`, `retryable`, `provider` and `requestId`.

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;

mod fit;
pub(crate) use crate::checks::Thrown;
mod providers;
mod read;

use crate::fetch::{self, Until};
use crate::js_values::{job_to_js, request_to_js, result_to_js, set, to_js_error, update_to_js};
use read::{ClientSettings, get, input_from_js, job_from_js, read_input, signal_of};
use reve_remix_core::driver::{Event, JobUpdate};
use reve_remix_core::error::{ErrorCode, RemixError};
use reve_remix_core::job::JobStatus;
use reve_remix_core::provider;

/// The first request a remix would send, after every check; nothing is
/// sent. For inference.sh with local files that is the upload request.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "HttpRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "RemixInput")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let input = input_from_js(&input, &[]).map_err(|e| to_js_error(&e))?;
    let cfg = ClientSettings::from_js(&config)
        .map_err(|e| to_js_error(&e))?
        .cfg;
    let (.., req) = provider::start(&input, &cfg).map_err(|e| to_js_error(&e))?;
    Ok(request_to_js(&req))
}

/// A client for one provider: `submit`, `status`, `cancel` and `run`.
#[wasm_bindgen]
pub struct RemixClient {
    settings: ClientSettings,
}

#[wasm_bindgen]
impl RemixClient {
    /// Check the configuration (provider id, URLs); the key is kept in
    /// memory and appears in no message or log.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
    ) -> Result<RemixClient, JsValue> {
        let settings = ClientSettings::from_js(&config).map_err(|e| to_js_error(&e))?;
        Ok(Self { settings })
    }

    /// Validate, send, and resolve once the provider has accepted the job
    /// (synchronous providers: once it is done, with `job.result`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn submit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RemixInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] opts: JsValue,
    ) -> Promise {
        self.spawn(Op::Submit, input, opts)
    }

    /// One look at a submitted job's state.
    #[wasm_bindgen(unchecked_return_type = "Promise<JobUpdate>")]
    pub fn status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Job")] job: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] opts: JsValue,
    ) -> Promise {
        self.spawn(Op::Status, job, opts)
    }

    /// Ask the provider to cancel a submitted job (where it can; a no-op
    /// for providers without cancellation).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn cancel(&self, #[wasm_bindgen(unchecked_param_type = "Job")] job: JsValue) -> Promise {
        self.spawn(Op::Cancel, job, JsValue::UNDEFINED)
    }

    /// Make one remix: submit and follow the job to its result. `onUpdate`
    /// hears every state change; `signal` aborts (and cancels the job).
    #[wasm_bindgen(unchecked_return_type = "Promise<RemixResult>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RemixInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunOptions")] opts: JsValue,
    ) -> Promise {
        self.spawn(Op::Run, input, opts)
    }
}

/// The four async methods, each a [`promise`](crate::checks::promise).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Submit,
    Status,
    Cancel,
    Run,
    /// `run` as one entry of `runAll`: resolves to `{provider, ok, …}`.
    Entry,
}

impl RemixClient {
    fn spawn(&self, op: Op, arg: JsValue, opts: JsValue) -> Promise {
        spawn(op, self.settings.clone(), arg, opts)
    }
}

fn spawn(op: Op, settings: ClientSettings, arg: JsValue, opts: JsValue) -> Promise {
    crate::checks::promise(async move {
        let started = fetch::now_ms();
        let outcome = match op {
            Op::Submit => submit(&settings, &arg, &opts).await,
            Op::Status => status(&settings, &arg, &opts).await,
            Op::Cancel => cancel(&settings, &arg).await,
            Op::Run | Op::Entry => run(&settings, &arg, &opts).await,
        };
        if op == Op::Entry {
            return Ok(entry(&opts, outcome, started));
        }
        outcome.map_err(|e| e.into_js())
    })
}

async fn submit(
    settings: &ClientSettings,
    input: &JsValue,
    opts: &JsValue,
) -> Result<JsValue, Thrown> {
    let input = read_input(input).await?;
    let signal = signal_of(opts);
    let mut driver = settings.start(&input, None)?;
    let done = fetch::drive(
        &mut driver,
        &settings.transport,
        signal.as_ref(),
        Until::Submitted,
        &mut |_| {},
    )
    .await?;
    Ok(job_to_js(driver.job(), done.as_ref()))
}

async fn status(
    settings: &ClientSettings,
    job: &JsValue,
    opts: &JsValue,
) -> Result<JsValue, Thrown> {
    let (job, result) = job_from_js(job)?;
    if let Some(result) = result {
        return Ok(update_to_js(&JobUpdate {
            status: JobStatus::Completed,
            queue_position: None,
            logs: Vec::new(),
            result: Some(result),
            error: None,
            retry_in_ms: None,
        }));
    }
    let signal = signal_of(opts);
    let mut driver = settings.resume(job)?;
    // Whatever the read ended in, the driver says what it showed.
    let _ = fetch::drive(
        &mut driver,
        &settings.transport,
        signal.as_ref(),
        Until::Observed,
        &mut |_| {},
    )
    .await;
    Ok(update_to_js(&driver.observed()?))
}

async fn cancel(settings: &ClientSettings, job: &JsValue) -> Result<JsValue, Thrown> {
    let (job, _) = job_from_js(job)?;
    let mut driver = settings.resume(job)?;
    if let Some(req) = driver.cancel() {
        fetch::send_best_effort(&settings.transport, &req, driver.deadline_ms()).await;
    }
    Ok(JsValue::UNDEFINED)
}

async fn run(
    settings: &ClientSettings,
    input: &JsValue,
    opts: &JsValue,
) -> Result<JsValue, Thrown> {
    let mut input = read_input(input).await?;
    let signal = signal_of(opts);
    let on_update = get(opts, "onUpdate").dyn_into::<Function>().ok();
    if get(opts, "fit").as_bool() == Some(true) {
        fit::fit_input(settings, &mut input, on_update.as_ref()).await?;
    }
    let timeout = get(opts, "timeoutMs").as_f64();
    let mut driver = settings.start(&input, timeout)?;
    let mut notify = |event: &Event| {
        if let (Event::Update(u), Some(f)) = (event, &on_update) {
            // A throwing callback must not stop the run.
            let _ = f.call1(&JsValue::UNDEFINED, &update_to_js(u));
        }
    };
    // An error after the provider took the job carries it (`e.job`).
    let result = fetch::run(
        &mut driver,
        &settings.transport,
        signal.as_ref(),
        &mut notify,
    )
    .await?;
    Ok(result_to_js(&result))
}

/// Run one input on each of several providers at once. Resolves, never
/// rejects for one provider's failure, to one entry per config in their
/// order; an input a provider cannot take fails for it alone, before any
/// request to it. One `signal` cancels them all.
#[wasm_bindgen(js_name = runAll, unchecked_return_type = "Promise<RunAllEntry[]>")]
pub fn run_all(
    #[wasm_bindgen(unchecked_param_type = "RemixInput")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ClientConfig[]")] configs: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RunAllOptions")] opts: JsValue,
) -> Result<Promise, JsValue> {
    let configs: Array = configs.dyn_into().map_err(|_| {
        to_js_error(&RemixError::new(
            ErrorCode::InvalidOption,
            "runAll takes an array of client configurations: [{ provider: \"reve\", apiKey }, ...]",
        ))
    })?;
    let on_update = get(&opts, "onUpdate").dyn_into::<Function>().ok();
    let runs: Array = configs
        .iter()
        .map(|cfg| {
            let provider = get(&cfg, "provider");
            let mine: JsValue = Object::new().into();
            set(&mine, "provider", &provider);
            set(&mine, "signal", &get(&opts, "signal"));
            set(&mine, "timeoutMs", &get(&opts, "timeoutMs"));
            set(&mine, "fit", &get(&opts, "fit"));
            if let Some(f) = &on_update {
                // `onUpdate(provider, update)`.
                set(&mine, "onUpdate", &f.bind1(&JsValue::NULL, &provider));
            }
            match ClientSettings::from_js(&cfg) {
                // The same future as `run`'s: no second copy of its glue.
                Ok(settings) => {
                    let model = settings
                        .cfg
                        .model
                        .unwrap_or(provider::info(settings.cfg.provider).model.id);
                    set(&mine, "model", &JsValue::from_str(model.as_str()));
                    RemixClient { settings }.spawn(Op::Entry, input.clone(), mine)
                }
                Err(e) => Promise::resolve(&entry(&mine, Err(e.into()), fetch::now_ms())),
            }
        })
        .collect();
    Ok(Promise::all(&runs))
}

/// One entry of `runAll`: `{provider, model, ok, result | error, ms}`.
fn entry(opts: &JsValue, outcome: Result<JsValue, Thrown>, started: u64) -> JsValue {
    let entry: JsValue = Object::new().into();
    set(&entry, "provider", &get(opts, "provider"));
    let model = get(opts, "model");
    if !model.is_undefined() {
        set(&entry, "model", &model);
    }
    set(&entry, "ok", &JsValue::from_bool(outcome.is_ok()));
    match outcome {
        Ok(result) => set(&entry, "result", &result),
        Err(thrown) => set(&entry, "error", &thrown.into_js()),
    }
    let ms = fetch::now_ms().saturating_sub(started);
    set(&entry, "ms", &JsValue::from_f64(ms as f64));
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use js_sys::Error as JsError;
    use js_sys::{Reflect, Uint8Array};
    use reve_remix_core::error::ErrorCode;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn remix_errors_reach_js_as_real_errors_with_their_code() {
        let err = RemixError::new(ErrorCode::RateLimited, "wait 3 s and try again")
            .with_status(429)
            .with_provider(reve_remix_core::provider::ProviderId::Fal)
            .with_retry_after(3);
        let js = to_js_error(&err);
        assert!(js.is_instance_of::<JsError>());
        let get = |k: &str| Reflect::get(&js, &JsValue::from_str(k)).expect("property");
        assert_eq!(get("code").as_string().as_deref(), Some("rate_limited"));
        assert_eq!(
            get("message").as_string().as_deref(),
            Some("wait 3 s and try again")
        );
        assert_eq!(get("status").as_f64(), Some(429.0));
        assert_eq!(get("retryable").as_bool(), Some(true));
        assert_eq!(get("provider").as_string().as_deref(), Some("fal"));
        assert_eq!(get("name").as_string().as_deref(), Some("RemixError"));
    }

    const MOCK: Option<&str> = option_env!("REVE_REMIX_TEST_MOCK");
    const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");

    fn object(pairs: &[(&str, JsValue)]) -> JsValue {
        let obj: JsValue = Object::new().into();
        for (k, v) in pairs {
            set(&obj, k, v);
        }
        obj
    }

    fn field(v: &JsValue, k: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(k)).expect("property")
    }

    /// `new RemixClient({provider, apiKey, baseUrl: <mock>/<provider>})`.
    fn client(provider: &str) -> RemixClient {
        let mock = MOCK.expect("run through `cargo xtask test`, which starts the mock");
        let config = object(&[
            ("provider", provider.into()),
            ("apiKey", "test-key".into()),
            ("baseUrl", [mock, "/", provider].concat().into()),
        ]);
        RemixClient::new(config).expect("a valid config")
    }

    fn input() -> JsValue {
        let images = Array::of1(&Uint8Array::from(PNG));
        object(&[
            ("prompt", "a remix of <img>0</img>".into()),
            ("images", images.into()),
        ])
    }

    #[wasm_bindgen_test]
    async fn remix_client_run_resolves_with_the_image_of_a_synchronous_provider() {
        let result = JsFuture::from(client("reve").run(input(), JsValue::UNDEFINED))
            .await
            .expect("reve through the mock");
        let first = Array::from(&field(&result, "images")).get(0);
        let data_url = field(&first, "dataUrl").as_string().unwrap_or_default();
        assert!(data_url.starts_with("data:image/png;base64,"));
        assert_eq!(
            field(&result, "provider").as_string().as_deref(),
            Some("reve")
        );
    }

    #[wasm_bindgen_test]
    async fn remix_client_run_reports_each_state_of_a_queued_job_to_on_update() {
        let seen = Array::new();
        let sink = seen.clone();
        let on_update = Closure::<dyn FnMut(JsValue)>::new(move |u: JsValue| {
            sink.push(&field(&u, "status"));
        });
        let opts = object(&[("onUpdate", on_update.as_ref().clone())]);
        let result = JsFuture::from(client("fal").run(input(), opts))
            .await
            .expect("fal through the mock");
        let first = Array::from(&field(&result, "images")).get(0);
        assert!(
            field(&first, "url")
                .as_string()
                .is_some_and(|u| u.ends_with(".png"))
        );
        let statuses: Vec<String> = seen.iter().filter_map(|s| s.as_string()).collect();
        assert!(statuses.iter().any(|s| s == "queued"), "{statuses:?}");
        assert_eq!(statuses.last().map(String::as_str), Some("completed"));
    }
}
