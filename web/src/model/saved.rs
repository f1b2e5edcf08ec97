//! What the site keeps across a reload, as plain values: the settings and
//! the keys as lines (`lines.rs`: the first screen reads them), a job in
//! flight as JSON text (Web Storage holds text), the board and the results
//! as records (IndexedDB holds bytes as they are), and the ids of tab
//! sessions. Here rather than beside the storage calls so that
//! reading an older version's text, or a hand-edited one, is a native test:
//! storage is a boundary, and what comes back from it is never trusted.
//!
//! The JSON goes through the core's own reader and writer, which the app
//! links anyway for jobs: serde_json would add 7.2 KB gzipped, serde's
//! `Deserialize` 11.4 KB (both measured). Earlier versions kept the
//! settings and the keys as JSON too: those are read once more, from the
//! views' chunk (`read_json`, `keys_from_json`), and then kept as lines.

use reve_remix_core::image::sniff_format;
use reve_remix_core::json::{self, JsonWriter, Value};
use reve_remix_core::provider::{self, ModelId};

use super::board::Previews;
use super::models::{info_for, sold_or_default};
use super::{Accepts, Board, Compare, Finished, ImageUrl, Options, Phase, Run, Settings, Source};
use lines::LinesWriter;

mod lines;

/// The settings kept for the session (never the key: it has its own place).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredSettings {
    /// The provider picked.
    pub provider: String,
    /// "Use the local mock provider".
    pub mock: bool,
    /// A base URL typed for the provider.
    pub base_url: String,
    /// "Proxy URL" as typed.
    pub proxy_url: String,
    /// The options as the form holds them.
    pub options: Options,
    /// The model picked on each provider, `[provider id, model id]`.
    pub models: Vec<[String; 2]>,
    /// The runs ticked under "Compare providers": `<provider id>` (its
    /// opening model, as earlier versions wrote) or `<provider id> <model id>`.
    pub compare: Vec<String>,
}

impl StoredSettings {
    /// What of `settings` and the comparison's ticks is kept.
    pub fn of(settings: &Settings, compare: &Compare) -> Self {
        let c = &settings.connection;
        Self {
            provider: settings.provider.clone(),
            mock: c.mock,
            base_url: c.base_url.clone(),
            proxy_url: c.proxy_url.clone(),
            options: settings.options.clone(),
            models: settings
                .models
                .iter()
                .map(|(p, m)| [p.clone(), m.as_str().to_string()])
                .collect(),
            compare: compare
                .ticked()
                .iter()
                .map(|(p, m)| format!("{p} {m}"))
                .collect(),
        }
    }

    /// As text for Web Storage ([`lines`]).
    pub fn to_text(&self) -> String {
        let o = &self.options;
        let mut w = LinesWriter::new();
        w.put("provider", &self.provider)
            .flag("mock", self.mock)
            .put("base_url", &self.base_url)
            .put("proxy_url", &self.proxy_url)
            .put("aspect_ratio", &o.aspect_ratio)
            .put("version", &o.version)
            .put("test_time_scaling", &o.test_time_scaling)
            .put("upscale_factor", &o.upscale_factor)
            .flag("remove_background", o.remove_background)
            .put("output_format", &o.output_format);
        for [p, m] in &self.models {
            w.put("model", &format!("{p} {m}"));
        }
        for run in &self.compare {
            w.put("compare", run);
        }
        w.finish()
    }

    /// Settings back from [`to_text`](Self::to_text)'s text: a name this
    /// version does not know is skipped, one missing reads as empty; text of
    /// another format is `None` (an earlier version's: [`Self::read_json`]).
    pub fn read(text: &str) -> Option<Self> {
        let mut kept = Self::default();
        for (name, value) in lines::read(text)? {
            let o = &mut kept.options;
            match name {
                "provider" => kept.provider = value,
                "mock" => kept.mock = !value.is_empty(),
                "base_url" => kept.base_url = value,
                "proxy_url" => kept.proxy_url = value,
                "aspect_ratio" => o.aspect_ratio = value,
                "version" => o.version = value,
                "test_time_scaling" => o.test_time_scaling = value,
                "upscale_factor" => o.upscale_factor = value,
                "remove_background" => o.remove_background = !value.is_empty(),
                "output_format" => o.output_format = value,
                "model" => {
                    if let Some((p, m)) = value.split_once(' ') {
                        kept.models.push([p.to_string(), m.to_string()]);
                    }
                }
                "compare" => kept.compare.push(value),
                _ => {}
            }
        }
        Some(kept)
    }

    /// Settings an earlier version kept as JSON (serde's shape, field names
    /// as they are): what is missing or of another type reads as empty;
    /// text that is not a JSON object is `None`.
    pub fn read_json(text: &str) -> Option<Self> {
        let v = object(text)?;
        let o = v.field("options");
        let string = |v: &Value, name: &str| v.field(name).as_str().unwrap_or_default().to_string();
        let flag = |v: &Value, name: &str| v.field(name).as_bool().unwrap_or_default();
        Some(Self {
            provider: string(&v, "provider"),
            mock: flag(&v, "mock"),
            base_url: string(&v, "base_url"),
            proxy_url: string(&v, "proxy_url"),
            options: Options {
                aspect_ratio: string(o, "aspect_ratio"),
                version: string(o, "version"),
                test_time_scaling: string(o, "test_time_scaling"),
                upscale_factor: string(o, "upscale_factor"),
                remove_background: flag(o, "remove_background"),
                output_format: string(o, "output_format"),
            },
            models: items(&v, "models")
                .filter_map(|pair| {
                    let at = |i| pair.at(i).and_then(Value::as_str).map(str::to_string);
                    Some([at(0)?, at(1)?])
                })
                .collect(),
            compare: items(&v, "compare")
                .filter_map(|id| id.as_str().map(str::to_string))
                .collect(),
        })
    }

    /// The models kept, less any this version does not sell: a provider or
    /// a model another version (or a hand) wrote is not picked; the
    /// provider opens on its default model instead.
    pub fn models(&self) -> Vec<(String, ModelId)> {
        self.models
            .iter()
            .filter_map(|[p, m]| Some((p.clone(), ModelId::parse(m)?)))
            .filter(|(p, m)| sold_or_default(p, Some(*m)) == *m)
            .collect()
    }

    /// The comparison's ticks kept (`None` when there were none).
    pub fn compare(&self) -> Option<Compare> {
        let runs: Vec<(&str, ModelId)> = self
            .compare
            .iter()
            .map(|run| match run.split_once(' ') {
                Some((p, m)) => (p, sold_or_default(p, ModelId::parse(m))),
                // An earlier version's tick: the model it ran, the table's
                // default (its card's job is kept under the same key).
                None => (run.as_str(), info_for(run).model.id),
            })
            .collect();
        (!runs.is_empty()).then(|| Compare::of(&runs))
    }
}

/// A run the provider accepted and that has not ended: what a reload needs
/// to follow it again rather than pay for it twice.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingRun {
    /// When the run started (ms since the epoch), for its elapsed time.
    pub started_ms: u64,
    /// The job as the core writes it (`Job::to_json`), the package's `Job`.
    pub job: String,
    /// The prompt it ran with, shown beside its result.
    pub prompt: String,
}

impl PendingRun {
    /// As JSON text.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("started_ms").uint(self.started_ms);
        w.key("job").string(&self.job);
        w.key("prompt").string(&self.prompt);
        w.end_object();
        text(w)
    }

    /// A run back from [`to_json`](Self::to_json)'s text; `None` without
    /// its start or its job (nothing to follow).
    pub fn read(text: &str) -> Option<Self> {
        let v = object(text)?;
        Some(Self {
            started_ms: v.field("started_ms").as_f64().filter(|n| n.is_finite())? as u64,
            job: v.field("job").as_str()?.to_string(),
            prompt: v.field("prompt").as_str().unwrap_or_default().to_string(),
        })
    }
}

/// API keys as kept: `(provider id, key)`.
pub type Keys = Vec<(String, String)>;

/// The keys as kept: a line `<provider id>=<key>` each ([`lines`]).
pub fn keys_text(keys: &[(String, String)]) -> String {
    let mut w = LinesWriter::new();
    for (id, key) in keys {
        w.put(id, key);
    }
    w.finish()
}

/// The keys [`keys_text`] wrote, empty ones left out (`None` when none is
/// left, or for text of another format). A provider named twice keeps its
/// last key.
pub fn keys_from(text: &str) -> Option<Keys> {
    keys_of(lines::read(text)?)
}

/// The keys an earlier version kept as JSON, `{"<provider id>": "<key>",
/// …}`, as [`keys_from`] reads them (`None` for anything else, such as an
/// older version's bare key); a provider named twice keeps its last key, as
/// `JSON.parse` does.
pub fn keys_from_json(text: &str) -> Option<Keys> {
    let value = object(text)?;
    let pairs = value.as_object()?.iter();
    keys_of(pairs.filter_map(|(id, key)| Some((id.as_str(), key.as_str()?.to_string()))))
}

fn keys_of<'a>(pairs: impl Iterator<Item = (&'a str, String)>) -> Option<Keys> {
    let mut keys = Keys::new();
    for (id, key) in pairs.filter(|(_, key)| !key.is_empty()) {
        keys.retain(|(i, _)| i != id);
        keys.push((id.to_string(), key));
    }
    (!keys.is_empty()).then_some(keys)
}

/// A tile of the board as kept: its name and its bytes or URL, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedImage {
    /// The file name (a URL's tile takes its name from the URL again).
    pub name: String,
    /// The bytes or the URL.
    pub source: Source,
    /// The size of the file the browser shrank to these bytes.
    pub shrunk_from: Option<usize>,
}

impl SavedImage {
    /// Each tile of `board`, in order.
    pub fn of(board: &Board) -> Vec<Self> {
        board
            .images()
            .iter()
            .map(|img| Self {
                name: img.name.clone(),
                source: img.source.clone(),
                shrunk_from: img.shrunk_from,
            })
            .collect()
    }

    /// Put the kept tiles back on `board`, checked again as any add is
    /// (one the provider no longer takes is listed as rejected, but a
    /// restored board never shows the alert of a former visit).
    pub fn restore(images: Vec<Self>, board: &mut Board, accepts: &Accepts) {
        for img in images {
            match img.source {
                Source::Bytes(bytes) => {
                    if board.add_bytes(&img.name, bytes.to_vec(), accepts)
                        && let Some(n) = img.shrunk_from.filter(|n| *n > 0)
                    {
                        board.last_shrunk_from(n);
                    }
                }
                Source::Url(url) => {
                    board.add_url(&url, accepts);
                }
            }
        }
        board.dismiss_rejections();
    }
}

/// A result as kept: its bytes when the page had them (an object URL does
/// not outlive the page), else its URL; and what the result view shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedResult {
    /// The image's bytes, or its address.
    pub image: Source,
    /// The download's file name.
    pub file_name: String,
    /// The prompt it was made from.
    pub prompt: String,
    /// The provider's display name.
    pub provider: String,
    /// How long the run took, in ms.
    pub elapsed_ms: f64,
    /// Credits the provider says it charged.
    pub credits: Option<f64>,
    /// The provider's job or request id.
    pub job_id: Option<String>,
}

impl SavedResult {
    /// What of `done` is kept.
    pub fn of(done: &Finished) -> Self {
        Self {
            image: match &done.bytes {
                Some(bytes) => Source::Bytes(bytes.clone()),
                None => Source::Url(done.src.as_str().to_string()),
            },
            file_name: done.file_name.clone(),
            prompt: done.prompt.clone(),
            provider: done.provider.to_string(),
            elapsed_ms: done.elapsed_ms,
            credits: done.credits,
            job_id: done.job_id.clone(),
        }
    }

    /// The result back, shown through `previews` when it has bytes; `None`
    /// when there is nothing to show (an object URL died with its page).
    /// A provider this version does not know is shown without a name.
    pub fn finished(self, previews: Previews) -> Option<Finished> {
        let (src, bytes) = match self.image {
            Source::Bytes(bytes) => {
                let mime = sniff_format(&bytes).map_or("image/png", |f| f.mime());
                (previews(&bytes, mime), Some(bytes))
            }
            Source::Url(url) if url.starts_with("blob:") => return None,
            Source::Url(url) => (ImageUrl::new(url), None),
        };
        if src.is_empty() {
            return None;
        }
        let provider = provider::providers()
            .iter()
            .find(|p| p.name == self.provider)
            .map_or("", |p| p.name);
        Some(Finished {
            src,
            bytes,
            file_name: self.file_name,
            prompt: self.prompt,
            provider,
            elapsed_ms: if self.elapsed_ms.is_finite() {
                self.elapsed_ms
            } else {
                0.0
            },
            credits: self.credits.filter(|c| c.is_finite()),
            job_id: self.job_id,
        })
    }
}

/// What the status line says of a result restored after a reload: it came
/// from its provider, in the time it took (`None` for a result whose
/// provider is unknown).
pub fn run_of(done: &Finished) -> Option<Run> {
    if done.provider.is_empty() {
        return None;
    }
    let mut run = Run::start(done.provider, 0.0);
    run.end(Phase::Completed, done.elapsed_ms, String::new());
    Some(run)
}

/// How long the records of a tab session that never came back are kept.
pub const STALE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// A new tab session's id, `<ms since the epoch>-<random>`: its start, so
/// that [`is_stale`] can tell a week-old session's records.
pub fn session_id(now_ms: f64, random: u32) -> String {
    format!("{}-{random}", now_ms as u64)
}

/// Whether the record under `key` belongs to a tab session other than
/// `mine` started more than [`STALE_MS`] before `now_ms` (a closed tab:
/// its sessionStorage is gone, its records would stay forever). A key
/// that names no start is stale too.
pub fn is_stale(key: &str, mine: &str, now_ms: f64) -> bool {
    let started = key
        .split(['-', '.'])
        .next()
        .and_then(|t| t.parse::<u64>().ok());
    let is_mine = key.split('.').next() == Some(mine);
    !is_mine && started.is_none_or(|t| now_ms - t as f64 > STALE_MS)
}

/// The text `w` wrote (the writer writes UTF-8 only).
fn text(w: JsonWriter) -> String {
    String::from_utf8(w.finish()).unwrap_or_default()
}

/// `text` as a JSON object (`None` for anything else).
fn object(text: &str) -> Option<Value> {
    json::parse(text.as_bytes())
        .ok()
        .filter(|v| v.as_object().is_some())
}

/// The elements of the array `name` of `v` (none if it is not an array).
fn items<'a>(v: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    v.field(name).as_array().unwrap_or_default().iter()
}

#[cfg(test)]
mod tests;
