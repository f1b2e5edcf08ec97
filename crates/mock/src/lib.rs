//! reve-remix-mock: every hosted Reve Remix provider, simulated on loopback.
//!
//! Each provider is served under `/<provider-id>/` followed by that
//! provider's own path, so a client points the provider's `baseUrl` at
//! `http://127.0.0.1:8787/<provider-id>`:
//!
//! | provider | submit | follow |
//! |---|---|---|
//! | `reve` | `POST /reve/v1/image/remix` (sync) | |
//! | `fal` | `POST /fal/fal-ai/reve/remix` | `GET /fal/fal-ai/reve/requests/{id}/status[?logs=1]`, `GET /fal/fal-ai/reve/requests/{id}`, `PUT …/{id}/cancel` |
//! | `fal` (Reve 2.1) | `POST /fal/reve/2.1/remix` | `GET /fal/reve/2.1/requests/{id}/status[/stream]`, `GET /fal/reve/2.1/requests/{id}`, `PUT …/{id}/cancel` |
//! | `inference-sh` | `POST /inference-sh/apps/run` (after `POST /inference-sh/files` + `PUT upload_url`) | `GET /inference-sh/tasks/{id}/status`, `GET /inference-sh/tasks/{id}`, `GET …/{id}/stream` (NDJSON), `POST …/{id}/cancel` |
//! | `aimlapi` | `POST /aimlapi/v1/images/generations` (sync) | |
//! | `onerouter` | `POST /onerouter/v1/images/edits` (sync) | |
//! | `pixazo` / `pixazo-edit` | `POST /pixazo/reve-image/v1/image-edit-remix`, `POST /pixazo/reve-image/v1/image-edit` (or `…/reve-edit/generate`, [`PixazoEditPaths`]) | `GET /pixazo/v2/requests/status/{id}` |
//! | `replicate` | `POST /replicate/v1/models/reve/remix/predictions`, `POST /replicate/v1/models/reve/reve-2.1/predictions` (`Prefer: wait`) | `GET /replicate/v1/predictions/{id}`, `POST …/{id}/cancel` |
//! | `runware` | `POST /runware/v1` (task array; `imageInference`, `reve:2@1`, sync or async), or a WebSocket on `GET /runware/v1` | `POST /runware/v1` `[{taskType: "getResponse", taskUUID}]` |
//! | `atlascloud` | `POST /atlascloud/api/v1/model/generateImage` (`reve-ai/reve-2.1/remix`) | `GET /atlascloud/api/v1/model/prediction/{id}` |
//! | `wavespeed` | `POST /wavespeed/api/v3/reve/2.1/remix`, `POST /wavespeed/api/v3/reve/remix-fast` | `GET /wavespeed/api/v3/predictions/{id}/result`, `GET /wavespeed/api/v3/predictions/{id}` |
//!
//! What Reve 2.1 takes (8 references, `<frame>N</frame>`, 4000 characters,
//! 17 ratios and `auto`), and which facts about its hosts are unverified,
//! is in [`reve21`].
//!
//! Results are real images served at `GET /<provider>/results/{id}.png`.
//! Fault scenarios are picked by the API key (see [`scenario::SCENARIOS`] or
//! `GET /`). Everything answers CORS (also Replicate, which really does not:
//! the mock stands in for the proxy a browser needs there).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

pub mod answer;
pub mod check;
pub mod faults;
pub mod images;
pub mod judge;
pub mod prompt;
pub mod providers;
pub mod render;
pub mod reve21;
pub mod scenario;
pub mod site;
pub mod state;

use state::AppState;

/// How the simulated providers behave.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long a queued job takes from submit to completed. Synchronous
    /// providers answer after a quarter of it.
    pub job_duration: Duration,
    /// `mock-slow` multiplies every duration by this.
    pub slow_factor: u32,
    /// How long `mock-stuck` holds a synchronous call before answering a
    /// timeout error (and how long an NDJSON stream of a stuck job lasts).
    pub hang_limit: Duration,
    /// The most a Replicate `Prefer: wait` holds the answer (Replicate's own cap is 60 s).
    pub wait_limit: Duration,
    /// `Retry-After` of `mock-429`, in seconds.
    pub retry_after_secs: u32,
    /// Print one line per request on stdout.
    pub log_requests: bool,
    /// Which of Pixazo's two edit paths are served (the other answers 404).
    pub pixazo_edit_paths: PixazoEditPaths,
}

/// Pixazo's pages disagree on the single-image edit's path: the captured
/// www.pixazo.ai page says `/reve-image/v1/image-edit`, another Pixazo page
/// `/reve-image/v1/reve-edit/generate`. The mock serves both by default;
/// a test serves one to see a client cope with the other missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PixazoEditPaths {
    /// Both answer.
    #[default]
    Both,
    /// Only `/reve-image/v1/image-edit` (the captured page's).
    CapturedOnly,
    /// Only `/reve-image/v1/reve-edit/generate` (the other page's).
    AlternateOnly,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            job_duration: Duration::from_secs(4),
            slow_factor: 4,
            hang_limit: Duration::from_secs(120),
            wait_limit: Duration::from_secs(60),
            retry_after_secs: 2,
            log_requests: true,
            pixazo_edit_paths: PixazoEditPaths::Both,
        }
    }
}

/// Request bodies up to this size are read (six 1.5 MB images in base64 fit);
/// larger ones get 413.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Provider ids and the base URL path each is served under.
pub const PROVIDERS: [(&str, &str); 11] = [
    ("reve", "/reve"),
    ("fal", "/fal"),
    ("inference-sh", "/inference-sh"),
    ("aimlapi", "/aimlapi"),
    ("onerouter", "/onerouter"),
    ("pixazo", "/pixazo"),
    ("pixazo-edit", "/pixazo"),
    ("replicate", "/replicate"),
    ("runware", "/runware"),
    ("atlascloud", "/atlascloud"),
    ("wavespeed", "/wavespeed"),
];

/// The mock's routes: every provider under `/<provider-id>/…`.
pub fn router(config: Config) -> Router {
    let log = config.log_requests;
    let state = AppState::new(config);
    let app = Router::new()
        .route("/", get(index))
        .nest("/reve", providers::reve::routes())
        .nest("/fal", providers::fal::routes())
        .nest("/inference-sh", providers::inference::routes())
        .nest("/aimlapi", providers::aimlapi::routes())
        .nest("/onerouter", providers::onerouter::routes())
        .nest("/pixazo", providers::pixazo::routes("/pixazo"))
        .nest("/pixazo-edit", providers::pixazo::routes("/pixazo-edit"))
        .nest("/replicate", providers::replicate::routes())
        .nest("/runware", providers::runware::routes())
        .nest("/atlascloud", providers::atlascloud::routes())
        .nest("/wavespeed", providers::wavespeed::routes())
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors())
        // Outside the CORS layer, so it sees the headers that layer added.
        .layer(middleware::map_response(withhold_exposure));
    if log {
        app.layer(middleware::from_fn(log_request))
    } else {
        app
    }
}

/// Any origin; the headers clients send (mirrored from the preflight, since
/// `*` does not cover `Authorization`); the headers clients need to read.
fn cors() -> CorsLayer {
    let expose = [
        "retry-after",
        "x-fal-retryable",
        "x-fal-request-id",
        "x-request-id",
        "x-reve-request-id",
        "content-length",
        "content-type",
    ]
    .map(HeaderName::from_static);
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::list([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::HEAD,
        ]))
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(expose)
        .allow_private_network(true)
        .max_age(Duration::from_secs(600))
}

/// Marks an answer whose headers a page must not be able to read
/// (`mock-429-hidden`), the way providers that list no
/// `Access-Control-Expose-Headers` answer browsers.
#[derive(Clone, Copy, Debug)]
pub struct Unexposed;

async fn withhold_exposure(mut res: Response) -> Response {
    if res.extensions().get::<Unexposed>().is_some() {
        res.headers_mut()
            .remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
    }
    res
}

/// One line per request: method, path, status, ms, provider, scenario; the
/// key is never printed (`key=mock-429` for scenario keys, else `key=***`).
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let key = scenario::key_label(req.headers());
    let provider = path
        .split('/')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("-")
        .to_string();
    let provider: String = provider
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(32)
        .collect();
    let shown_path: String = path
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(200)
        .collect();
    let res = next.run(req).await;
    println!(
        "{method} {shown_path} {} {}ms provider={provider} key={key}",
        res.status().as_u16(),
        started.elapsed().as_millis()
    );
    res
}

async fn index(headers: HeaderMap) -> impl IntoResponse {
    let origin = answer::origin(&headers);
    let mut out = String::from(
        "reve-remix-mock: every hosted Reve Remix provider, simulated on loopback\n\n",
    );
    out.push_str("Point a provider's baseUrl at its base URL:\n");
    for (id, base) in PROVIDERS {
        out.push_str(&format!("  {id:<13} {origin}{base}\n"));
    }
    out.push_str("\nPaths (prefix + the provider's own path):\n");
    for line in [
        "POST /reve/v1/image/remix                          Bearer; synchronous",
        "POST /fal/fal-ai/reve/remix                        Key; then status_url / response_url / cancel_url (PUT)",
        "POST /fal/reve/2.1/remix                           Key; Reve 2.1 (1-8 image_urls, <frame>N</frame>); queue under /fal/reve/2.1/requests/{id}",
        "POST /inference-sh/files, PUT upload_url           Bearer (upload: none); then use the file uri",
        "POST /inference-sh/apps/run                        Bearer; GET /inference-sh/tasks/{id}[/status|/stream], POST …/cancel",
        "POST /aimlapi/v1/images/generations                Bearer; synchronous, 201",
        "POST /onerouter/v1/images/edits                    raw key (or Bearer); synchronous",
        "POST /pixazo/reve-image/v1/image-edit-remix        Ocp-Apim-Subscription-Key; then polling_url",
        "POST /pixazo/reve-image/v1/image-edit              Ocp-Apim-Subscription-Key; then polling_url",
        "POST /pixazo/reve-image/v1/reve-edit/generate      the same edit, on the path another Pixazo page gives",
        "POST /replicate/v1/models/reve/remix/predictions   Bearer; Prefer: wait; GET /replicate/v1/predictions/{id}",
        "POST /replicate/v1/models/reve/reve-2.1/predictions  Bearer; Reve 2.1 (reference_images 0-8); same polling",
        "POST /runware/v1                                   Bearer or an authentication task; [imageInference reve:2@1], getResponse",
        "GET  /runware/v1 (Upgrade: websocket)              Runware's WebSocket API, as @runware/sdk-js speaks it",
        "POST /atlascloud/api/v1/model/generateImage        Bearer; reve-ai/reve-2.1/remix; GET /atlascloud/api/v1/model/prediction/{id}",
        "POST /wavespeed/api/v3/reve/2.1/remix              Bearer; also /api/v3/reve/remix-fast; GET /wavespeed/api/v3/predictions/{id}[/result]",
        "GET  /<provider>/results/{id}.png                  the result images",
    ] {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\nAPI keys that pick a scenario (any other non-empty key succeeds):\n");
    for (key, what) in scenario::SCENARIOS {
        out.push_str(&format!("  {key:<15} {what}\n"));
    }
    out.push_str("\ninference.sh answers {data: …}; ?envelope=bare|legacy (or the keys above) picks the other shapes.\n");
    out.push_str("CORS is answered everywhere, Replicate included (the real one needs a proxy).\n");
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        out,
    )
}

/// Serve on `listener` until the future is dropped.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// Bind `addr` (port 0 picks a free one) and serve in the background;
/// returns the bound address. For tests.
pub async fn spawn(addr: SocketAddr, config: Config) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(serve(listener, config));
    Ok(bound)
}
