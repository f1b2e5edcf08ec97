//! The settings: the provider, its options and the connection (the local
//! mock, a proxy, or a key; a base URL), and what follows from them: where
//! requests go, which key they carry, and the core's `RemixInput` and
//! `Config` for a run. Options the chosen provider does not take are left
//! out of the input, so switching providers never turns a stale choice
//! into an error.

use reve_remix_core::RemixError;
use reve_remix_core::http::Secret;
use reve_remix_core::provider::{
    self, Config, Cors, ModelId, ProviderInfo, RemixInput, RemixOption,
};

use super::models::{entry, info_for, sold_or_default};
use super::{Accepts, Board};

/// Where the mock provider listens unless the page says `?mock=<origin>`.
pub const DEFAULT_MOCK_ORIGIN: &str = "http://127.0.0.1:8787";
/// Where "Through the proxy" sends requests unless the page says
/// `?proxy=<url>`: the proxy `cargo xtask serve` starts.
pub const DEFAULT_PROXY_URL: &str = "http://127.0.0.1:8788";
/// The provider chosen on a first visit: fal, with Reve 2.1 (Reve's own
/// API was reported retired).
pub const DEFAULT_PROVIDER: &str = "fal";
/// The key the mock accepts when the "API key" field is empty.
pub const MOCK_KEY: &str = "mock";

/// The options beyond prompt and images, as the form holds them ("" = not set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `16:9`, … or "" for the provider's default.
    pub aspect_ratio: String,
    /// Model version, e.g. `latest`.
    pub version: String,
    /// Test-time scaling, as typed.
    pub test_time_scaling: String,
    /// `2`, `3`, `4` or "".
    pub upscale_factor: String,
    /// Transparent background.
    pub remove_background: bool,
    /// One of the provider's output formats, or "".
    pub output_format: String,
}

impl Options {
    /// What was typed but cannot be read as a value at all (the core checks
    /// the values that can): test-time scaling that is not a whole number.
    pub fn unreadable(&self, info: &ProviderInfo) -> Option<String> {
        let typed = self.test_time_scaling.trim();
        let readable = typed.is_empty() || typed.parse::<u32>().is_ok();
        (info.supports(RemixOption::TestTimeScaling) && !readable).then(|| {
            let (lo, hi) = info.model.test_time_scaling.unwrap_or((1, 1));
            format!(
                "Test-time scaling must be a whole number from {lo} to {hi} on {}.",
                info.name
            )
        })
    }

    /// Write the options `info` takes into `input`.
    fn fill(&self, info: &ProviderInfo, input: &mut RemixInput) {
        let set = |opt: RemixOption, value: &str| {
            let value = value.trim();
            (info.supports(opt) && !value.is_empty()).then(|| value.to_string())
        };
        input.aspect_ratio = set(RemixOption::AspectRatio, &self.aspect_ratio)
            .filter(|a| info.model.aspect_ratios.contains(&a.as_str()));
        input.version = set(RemixOption::Version, &self.version);
        input.test_time_scaling =
            set(RemixOption::TestTimeScaling, &self.test_time_scaling).and_then(|t| t.parse().ok());
        input.upscale_factor =
            set(RemixOption::UpscaleFactor, &self.upscale_factor).and_then(|u| u.parse().ok());
        input.remove_background = (info.supports(RemixOption::RemoveBackground)
            && self.remove_background)
            .then_some(true);
        input.output_format = set(RemixOption::OutputFormat, &self.output_format)
            .filter(|f| info.model.output_formats.contains(&f.as_str()));
    }
}

/// How requests reach the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// Send to the local mock provider instead of the real one.
    pub mock: bool,
    /// The mock's origin (`?mock=` or [`DEFAULT_MOCK_ORIGIN`]).
    pub mock_origin: String,
    /// The API keys as typed, by provider id (memory and this session
    /// only, unless remembered): each goes to its own provider alone, so a
    /// comparison can run on several with a key each.
    pub keys: Vec<(String, String)>,
    /// Keep the key in this browser's localStorage.
    pub remember_key: bool,
    /// Replaces the provider's origin when not empty.
    pub base_url: String,
    /// Sends every request here, without the key, when not empty.
    pub proxy_url: String,
    /// What "Through the proxy" fills in (`?proxy=` or [`DEFAULT_PROXY_URL`]).
    pub default_proxy: String,
    /// "Proxy token": sent to the proxy (in `x-remix-proxy-token`, as the
    /// package's `ClientConfig.proxyToken`) when it asks for one. This
    /// session only; `Debug` shows `***`.
    pub proxy_token: Option<Secret>,
}

impl Default for Connection {
    /// The site's first visit: the local mock, nothing typed.
    fn default() -> Self {
        Self {
            mock: true,
            mock_origin: DEFAULT_MOCK_ORIGIN.to_string(),
            keys: Vec::new(),
            remember_key: false,
            base_url: String::new(),
            proxy_url: String::new(),
            default_proxy: DEFAULT_PROXY_URL.to_string(),
            proxy_token: None,
        }
    }
}

impl Connection {
    /// What the "Base URL" field stands for when empty: the mock's path for
    /// `info` in mock mode, else the provider's own origin.
    pub fn default_base_url(&self, info: &ProviderInfo) -> String {
        if self.mock {
            format!("{}/{}", self.mock_origin.trim_end_matches('/'), info.id)
        } else {
            info.base_url.to_string()
        }
    }

    /// The base URL requests go to: the field when filled, else the default.
    pub fn base_url(&self, info: &ProviderInfo) -> String {
        let typed = self.base_url.trim();
        if typed.is_empty() {
            self.default_base_url(info)
        } else {
            typed.to_string()
        }
    }

    /// The key typed for provider `id` ("" when none).
    pub fn typed_key(&self, id: &str) -> &str {
        self.keys
            .iter()
            .find(|(p, _)| p == id)
            .map_or("", |(_, k)| k.as_str())
    }

    /// Type `key` for provider `id` ("" forgets it).
    pub fn set_key(&mut self, id: &str, key: String) {
        self.keys.retain(|(p, _)| p != id);
        if !key.is_empty() {
            self.keys.push((id.to_string(), key));
        }
    }

    /// The key a run on provider `id` sends: the one typed for it, or
    /// [`MOCK_KEY`] in mock mode.
    pub fn key_for(&self, id: &str) -> Option<String> {
        let key = self.typed_key(id).trim();
        if !key.is_empty() {
            Some(key.to_string())
        } else if self.mock {
            Some(MOCK_KEY.to_string())
        } else {
            None
        }
    }

    /// Requests go through a proxy (which adds the key).
    pub fn proxied(&self) -> bool {
        !self.proxy_url.trim().is_empty()
    }

    /// `info` does not answer browsers, and nothing is set to reach it
    /// another way: said before the run fails the way a CORS block does.
    pub fn needs_proxy(&self, info: &ProviderInfo) -> bool {
        !self.mock && info.cors == Cors::No && !self.proxied() && self.base_url.trim().is_empty()
    }

    /// "Use the local mock provider": on, it leaves the proxy.
    pub fn set_mock(&mut self, on: bool) {
        self.mock = on;
        if on {
            self.proxy_url.clear();
        }
    }

    /// "Through the proxy": on, it leaves the mock and fills in the default
    /// proxy unless one is typed; off, it forgets the proxy.
    pub fn set_through_proxy(&mut self, on: bool) {
        if on {
            self.mock = false;
            if !self.proxied() {
                self.proxy_url.clone_from(&self.default_proxy);
            }
        } else {
            self.proxy_url.clear();
        }
    }

    /// The "Proxy token" as typed ("" when none).
    pub fn typed_token(&self) -> &str {
        self.proxy_token.as_ref().map_or("", Secret::expose)
    }

    /// Type the proxy token ("" forgets it).
    pub fn set_token(&mut self, token: &str) {
        self.proxy_token = (!token.is_empty()).then(|| Secret::new(token));
    }

    /// The token a run sends to the proxy (spaces around it are not part
    /// of it), if one is typed.
    pub fn token(&self) -> Option<Secret> {
        let token = self.typed_token().trim();
        (!token.is_empty()).then(|| Secret::new(token))
    }

    /// "Forget": no key for any provider, and none remembered.
    pub fn forget_key(&mut self) {
        self.keys.clear();
        self.remember_key = false;
    }
}

/// Everything a run is sent with besides the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Provider id.
    pub provider: String,
    /// The model picked on each provider where it is not the one it opens
    /// on ("Model"): one per provider id.
    pub models: Vec<(String, ModelId)>,
    /// Options beyond prompt and images.
    pub options: Options,
    /// How requests reach it.
    pub connection: Connection,
    /// A lower cap on the board than the provider's (the widget's `max-images`).
    pub max_images: Option<usize>,
    /// A model named by the widget's `model` attribute: used where the
    /// provider sells it, else a problem (`unknown_model`) and no run.
    pub model_asked: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            provider: DEFAULT_PROVIDER.to_string(),
            models: Vec::new(),
            options: Options::default(),
            connection: Connection::default(),
            max_images: None,
            model_asked: None,
        }
    }
}

impl Settings {
    /// The model a run on provider `id` uses: the one picked there if it
    /// sells it, else the one it opens on.
    pub fn model_of(&self, id: &str) -> ModelId {
        model_in(&self.models, id)
    }

    /// The model picked on the chosen provider (the one asked for by name
    /// where the provider sells it).
    pub fn model(&self) -> ModelId {
        match self.asked() {
            Some(Ok(model)) => model,
            _ => self.model_of(&self.provider),
        }
    }

    /// The model asked for by name, if any, checked against the provider:
    /// `unknown_model` when no provider sells it or this one does not.
    fn asked(&self) -> Option<Result<ModelId, RemixError>> {
        let name = self.model_asked.as_deref().map(str::trim)?;
        (!name.is_empty()).then(|| {
            let model = provider::parse_model(name)?;
            provider::offer(info_for(&self.provider), Some(model)).map(|_| model)
        })
    }

    /// Why the provider or the model asked for cannot run
    /// (`unknown_provider`, `unknown_model`), if they cannot: a widget's
    /// `provider="Fal"` is said to be unknown, never run on another one.
    pub fn choice_problem(&self) -> Option<RemixError> {
        if let Err(e) = provider::parse_provider(&self.provider) {
            return Some(e);
        }
        self.asked()?.err()
    }

    /// "Model": pick `model` on the chosen provider.
    pub fn set_model(&mut self, model: ModelId) {
        pick_model(&mut self.models, &self.provider, model);
    }

    /// The chosen provider's entry for the model picked: its limits.
    pub fn info(&self) -> &'static ProviderInfo {
        entry(&self.provider, self.model())
    }

    /// What the board takes.
    pub fn accepts(&self) -> Accepts {
        Accepts::new(self.info(), self.max_images)
    }

    /// The connection of a run. Through a proxy the page sends no key at
    /// all: the proxy adds its own.
    pub fn config(&self) -> Config {
        let c = &self.connection;
        let proxy_url = Some(c.proxy_url.trim().to_string()).filter(|p| !p.is_empty());
        Config {
            provider: self.info().id,
            model: Some(self.model()),
            api_key: c
                .key_for(&self.provider)
                .filter(|_| proxy_url.is_none())
                .map(Secret::new),
            base_url: Some(c.base_url(self.info())),
            proxy_url,
            ..Config::default()
        }
    }

    /// What to say when a direct call to the provider fails to connect and
    /// the provider is not known to answer browsers (CORS): the browser may
    /// have blocked it, and "Through the proxy" is the way round. `None`
    /// through a proxy, on the mock, or for a provider that answers browsers.
    pub fn blocked_advice(&self) -> Option<String> {
        let c = &self.connection;
        let info = self.info();
        let direct = !c.proxied() && !c.mock;
        (direct && info.cors != Cors::Yes).then(|| {
            let name = info.name;
            let why = if info.cors == Cors::No {
                format!("{name} does not answer calls from web pages (CORS)")
            } else {
                format!("{name} may not answer calls from web pages (CORS)")
            };
            format!(
                "Could not reach {name}. {why}, so the browser may have blocked this one: tick \"Through the proxy\" to send it through a proxy of yours that adds the key, or check the connection and try again."
            )
        })
    }

    /// These settings for a run of `model` on provider `id` (a card of a
    /// comparison): the same options and connection, with `id`'s own key.
    /// A typed base URL belongs to the provider picked; the others keep
    /// their own.
    pub fn for_run(&self, id: &str, model: ModelId) -> Settings {
        let mut on = self.clone();
        if id != self.provider {
            on.provider = id.to_string();
            on.connection.base_url.clear();
        }
        // A card runs its own model, whatever a widget asked for.
        on.model_asked = None;
        on.set_model(model);
        on
    }

    /// What a run with `board` sends.
    pub fn input(&self, board: &Board) -> RemixInput {
        let mut input = RemixInput {
            prompt: board.prompt().to_string(),
            images: board.sources(),
            ..RemixInput::default()
        };
        self.options.fill(self.info(), &mut input);
        input
    }
}

/// The model picked on provider `id` in `models`, if it sells it, else the
/// one it opens on.
pub fn model_in(models: &[(String, ModelId)], id: &str) -> ModelId {
    let picked = models.iter().find(|(p, _)| p == id).map(|(_, m)| *m);
    sold_or_default(id, picked)
}

/// Keep `model` as the one picked on provider `id` in `models`.
pub fn pick_model(models: &mut Vec<(String, ModelId)>, id: &str, model: ModelId) {
    models.retain(|(p, _)| p != id);
    models.push((id.to_string(), model));
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
