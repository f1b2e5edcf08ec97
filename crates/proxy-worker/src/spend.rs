//! The day's spend and quotas on Workers: one Durable Object, [`SpendLedger`],
//! holds the [`spend::Ledger`] for the whole edge. Every isolate asks the
//! same object (`idFromName` of one fixed name), and an object handles
//! its requests one at a time, so two submissions racing for the last
//! cents anywhere in the world are priced one after the other and never
//! overspend, as the native server's mutex does on one machine.
//!
//! The object keeps the ledger in memory, read from its storage once, and
//! writes it back after each admission. The admission itself
//! ([`spend::Ledger::admit`]) runs between no two awaits, so no other
//! request sees a half-counted day; the runtime holds the answer until the
//! write is stored (its output gate), so an admission is never answered
//! and then forgotten.
//!
//! Fails closed: when the object cannot be asked, or its answer cannot be
//! read, the submission is refused (`state_unreadable`, 503), as the
//! native server does with a state file it cannot read. Status reads,
//! results and cancels never come here.

use std::cell::RefCell;

use reve_remix_proxy::options::Options;
use reve_remix_proxy::refusal::{Code, Refusal};
use reve_remix_proxy::spend::{self, Admitted, wire};
use wasm_bindgen::JsValue;
use worker::{DurableObject, Env, Method, Request, RequestInit, Response, State, durable_object};

/// The Durable Object namespace binding (wrangler.toml, and the local
/// workerd configuration `cargo xtask proxy --edge` writes).
pub const BINDING: &str = "SPEND";
/// The one object of the namespace every isolate asks.
const OBJECT: &str = "the-day";
/// Its storage key for the ledger (as `--state` keeps it, JSON).
const KEY: &str = "ledger";

/// The time, in Unix seconds.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// The Durable Object: the ledger, loaded from storage on first use.
#[durable_object(fetch)]
pub struct SpendLedger {
    state: State,
    env: Env,
    ledger: RefCell<Option<spend::Ledger>>,
}

impl DurableObject for SpendLedger {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            ledger: RefCell::new(None),
        }
    }

    /// `POST /admit` with a [`wire::Ask`]: the [`wire::answer_json`];
    /// `GET /usage`: the day's usage JSON.
    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        // The limits come from the same vars the Worker reads.
        let limits = match Options::from_vars(|name| crate::bindings::string(&self.env, name)) {
            Ok(o) => o.limits,
            Err(problem) => return Response::error(format!("bad vars: {problem}"), 500),
        };
        let path = req.path();
        let ask = if path == "/admit" {
            match wire::Ask::from_json(&req.bytes().await?) {
                Ok(ask) => Some(ask),
                Err(problem) => return Response::error(problem, 400),
            }
        } else {
            None
        };
        self.load().await?;
        let now = now();
        let Some(ask) = ask else {
            let usage = self
                .ledger
                .borrow()
                .as_ref()
                .map(|l| l.usage_json(now, &limits))
                .unwrap_or_default();
            return Response::from_bytes(usage);
        };
        // Read, count and change the ledger with no await in between.
        let (answer, saved) = {
            let mut cell = self.ledger.borrow_mut();
            let ledger = cell.get_or_insert_with(spend::Ledger::default);
            let answer = ledger.admit(now, &ask.client, ask.cost_micros, &limits);
            let saved = answer.is_ok().then(|| ledger.to_json());
            (answer, saved)
        };
        // Should the write fail, the answer is an error and the Worker
        // refuses; the memory keeps the count (overcounting is the safe side).
        if let Some(json) = saved {
            let text = String::from_utf8_lossy(&json).into_owned();
            self.state.storage().put(KEY, text).await?;
        }
        Response::from_bytes(wire::answer_json(&answer))
    }
}

impl SpendLedger {
    /// The ledger from storage, once; a stored ledger that cannot be read
    /// is an error (every submission is then refused), not a fresh day.
    async fn load(&self) -> worker::Result<()> {
        if self.ledger.borrow().is_some() {
            return Ok(());
        }
        let stored: Option<String> = self.state.storage().get(KEY).await?;
        let ledger = match stored {
            None => spend::Ledger::default(),
            Some(text) => spend::Ledger::from_json(text.as_bytes())
                .map_err(|why| worker::Error::RustError(format!("the stored ledger: {why}")))?,
        };
        // Another request may have loaded it while this one waited.
        let mut cell = self.ledger.borrow_mut();
        if cell.is_none() {
            *cell = Some(ledger);
        }
        Ok(())
    }
}

/// True when the Worker has the Durable Object binding.
fn bound(env: &Env) -> bool {
    js_sys::Reflect::get(env, &JsValue::from_str(BINDING)).is_ok_and(|b| b.is_object())
}

/// Ask the one object at `path`, with `body` (a POST) or without (a GET).
async fn ask(env: &Env, path: &str, body: Option<Vec<u8>>) -> worker::Result<Vec<u8>> {
    let namespace = env.durable_object(BINDING)?;
    let stub = namespace.id_from_name(OBJECT)?.get_stub()?;
    let mut init = RequestInit::new();
    if let Some(body) = body {
        init.with_method(Method::Post)
            .with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    }
    // The host is never resolved: a stub's fetch goes to the object.
    let req = Request::new_with_init(&["https://spend.internal", path].concat(), &init)?;
    let mut res = stub.fetch_with_request(req).await?;
    let bytes = res.bytes().await?;
    if res.status_code() != 200 {
        let why = String::from_utf8_lossy(&bytes).chars().take(200).collect();
        return Err(worker::Error::RustError(why));
    }
    Ok(bytes)
}

/// Let a submission of `cost` micro-dollars by `client` through, or refuse
/// it. `Ok(None)`: no object is bound and no limit is set, so there is
/// nothing to count.
pub async fn admit(
    env: &Env,
    opts: &Options,
    client: &str,
    cost: u64,
) -> Result<Option<Admitted>, Refusal> {
    if !bound(env) {
        if opts.limits.any() {
            return Err(Refusal::new(
                Code::StateUnreadable,
                "The proxy has a daily budget or quota (DAILY_BUDGET, CLIENT_DAILY) but no SPEND Durable Object binding to count it in: its owner must add the binding (wrangler.toml).",
            ));
        }
        return Ok(None);
    }
    let ask_json = wire::Ask {
        client: client.to_string(),
        cost_micros: cost,
    }
    .to_json();
    let unreadable = |why: String| {
        // The reason goes to the log, not to the page.
        worker::console_error!("reve-remix-proxy: the spend ledger: {why}");
        Refusal::new(
            Code::StateUnreadable,
            "The proxy cannot reach its spend ledger, so it cannot tell what today has cost: try again in a moment.",
        )
    };
    let answer = ask(env, "/admit", Some(ask_json))
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    match wire::parse_answer(&answer) {
        Ok(Ok(admitted)) => Ok(Some(admitted)),
        Ok(Err(refusal)) => Err(refusal),
        Err(why) => Err(unreadable(why)),
    }
}

/// `GET /_remix/usage`'s JSON: the object's, or an empty day's when no
/// object is bound.
pub async fn usage(env: &Env, opts: &Options) -> worker::Result<Vec<u8>> {
    if !bound(env) {
        return Ok(spend::Ledger::default().usage_json(now(), &opts.limits));
    }
    ask(env, "/usage", None).await
}
