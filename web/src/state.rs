//! The app's state, in signals: the board, the prompt, the provider and its
//! options, the connection, the run and its result. Components get it as a
//! prop; every change to the board goes through the methods here, so the
//! prompt's references follow the images (the core's renumbering).

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use reve_remix_core::image::{self, ImageInfo};
use reve_remix_core::job::{Job, JobUpdate, RemixResult};
use reve_remix_core::prompt;
use reve_remix_core::provider::{self, ProviderInfo};
use reve_remix_core::{ErrorCode, RemixError};

use crate::browser;
pub use crate::model::{Phase, Run};

/// Where the mock provider listens unless the page says `?mock=<origin>`.
pub const DEFAULT_MOCK_ORIGIN: &str = "http://127.0.0.1:8787";
/// Where "Through the proxy" sends requests unless the page says
/// `?proxy=<url>`: the proxy `cargo xtask serve` starts.
pub const DEFAULT_PROXY_URL: &str = "http://127.0.0.1:8788";
/// The provider chosen on a first visit (synchronous, fast with the mock).
pub const DEFAULT_PROVIDER: &str = "reve";
/// Results kept once a newer one replaces them (each was paid for).
pub const EARLIER_KEPT: usize = 8;

/// A reference image's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A local file's bytes (checked by the core when added).
    Bytes(Arc<[u8]>),
    /// A public http(s) URL, passed to the provider as is.
    Url(String),
}

/// One tile of the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefImage {
    /// Stable id (the tile's key while it moves).
    pub id: u32,
    /// File name, or the URL's last segment.
    pub name: String,
    /// The bytes or the URL.
    pub source: Source,
    /// What the core read from the headers (`None` for URLs).
    pub info: Option<ImageInfo>,
    /// What the tile shows: an object URL, or the URL itself.
    pub preview: String,
}

/// A file that was not added, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The file name (or URL) as given.
    pub name: String,
    /// What was wrong and what to do, from the core.
    pub reason: String,
    /// The file, kept while "Shrink and add" is offered (too large only).
    pub original: Option<Original>,
    /// "Shrink and add" is at work on it.
    pub shrinking: bool,
}

/// The last tile removed, while "Undo" can bring it back: until the board
/// changes again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// The tile.
    pub image: RefImage,
    /// Where it was.
    pub index: usize,
    /// The prompt and its flags before the removal renumbered them.
    pub prompt: String,
    /// See [`AppState::orphaned`].
    pub orphaned: Vec<usize>,
    /// The prompt right after: restored only if nobody edited it since.
    pub prompt_after: String,
}

/// A rejected file's bytes (shown in `Debug` by their length only).
#[derive(Clone, PartialEq, Eq)]
pub struct Original(pub Arc<[u8]>);

impl std::fmt::Debug for Original {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Original({} bytes)", self.0.len())
    }
}

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

/// A finished remix: shown, then kept among the earlier results.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// What the `<img>` shows: an object URL of the bytes, or the provider's URL.
    pub src: String,
    /// The image's bytes, when the page could read them ("Use as reference").
    pub bytes: Option<Arc<[u8]>>,
    /// The download's file name.
    pub file_name: String,
    /// The prompt it was made from ("" when not known: a job resumed after a reload).
    pub prompt: String,
    /// Provider display name.
    pub provider: &'static str,
    /// How long the run took, in ms.
    pub elapsed_ms: f64,
    /// Credits the provider says it charged.
    pub credits: Option<f64>,
    /// The provider's job or request id.
    pub job_id: Option<String>,
}

/// What a run reports to whoever embeds the app (the widget's events).
pub enum RunEvent<'a> {
    /// The run started.
    Start,
    /// The provider accepted the job (queued providers): enough to follow
    /// it again later.
    Submitted(&'a Job),
    /// The job's state changed.
    Update(&'a JobUpdate),
    /// The result arrived (and is shown).
    Complete(&'a RemixResult),
    /// The run failed or was cancelled.
    Error(&'a RemixError),
}

/// A listener of [`RunEvent`]s.
pub type RunListener = Rc<dyn Fn(RunEvent<'_>)>;

/// Every signal of the app; `Copy`, so each component takes it as a prop.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The board, in prompt order (`<img>N</img>` is `images[N]`).
    pub images: RwSignal<Vec<RefImage>>,
    /// Files turned away by the last add.
    pub rejected: RwSignal<Vec<Rejection>>,
    /// The last tile removed, while it can be undone.
    pub removed: RwSignal<Option<Removal>>,
    /// The prompt.
    pub prompt: RwSignal<String>,
    /// Ordinals (in the prompt's reference order) of references to an
    /// image that was removed: flagged until the user edits the prompt.
    pub orphaned: RwSignal<Vec<usize>>,
    /// Provider id.
    pub provider: RwSignal<String>,
    /// Options beyond prompt and images.
    pub options: RwSignal<Options>,
    /// Send to the local mock provider instead of the real one.
    pub use_mock: RwSignal<bool>,
    /// The mock's origin (`?mock=` or [`DEFAULT_MOCK_ORIGIN`]).
    pub mock_origin: RwSignal<String>,
    /// The API key as typed (memory and this session only, unless remembered).
    pub api_key: RwSignal<String>,
    /// Keep the key in this browser's localStorage.
    pub remember_key: RwSignal<bool>,
    /// Replaces the provider's origin when not empty.
    pub base_url: RwSignal<String>,
    /// Sends every request here, without the key, when not empty (the widget's `proxy-url`).
    pub proxy_url: RwSignal<String>,
    /// What "Through the proxy" fills in (`?proxy=` or [`DEFAULT_PROXY_URL`]).
    pub default_proxy: RwSignal<String>,
    /// A lower cap on the board than the provider's (the widget's `max-images`).
    pub max_images: RwSignal<Option<usize>>,
    /// The run in progress, or the last one.
    pub run: RwSignal<Run>,
    /// The result shown.
    pub result: RwSignal<Option<Finished>>,
    /// Results a newer one replaced, newest first, up to [`EARLIER_KEPT`].
    pub earlier: RwSignal<Vec<Finished>>,
    /// The clock while a run is in progress (ms since the epoch).
    pub now: RwSignal<f64>,
    /// The "Prompt" textarea (for inserting at its cursor).
    pub prompt_area: NodeRef<leptos::html::Textarea>,
    /// Aborts the run in progress ("Cancel", or the widget's removal).
    pub abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// Hears each run's events (the widget's events, the site's storage), if anyone does.
    pub listener: StoredValue<Option<RunListener>, LocalStorage>,
    /// The site keeps the job in flight, so that a reload follows it again.
    pub keeps_jobs: StoredValue<bool>,
    /// Where a paste or a drop must happen to reach this board: the
    /// widget's own element, so that two widgets on a page do not both take
    /// it. `None` (the site) takes them from anywhere on the page.
    pub event_scope: StoredValue<Option<web_sys::Element>, LocalStorage>,
    next_id: StoredValue<u32>,
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    /// A fresh state: empty board and prompt, Reve through the local mock.
    pub fn new() -> Self {
        Self {
            images: RwSignal::new(Vec::new()),
            rejected: RwSignal::new(Vec::new()),
            removed: RwSignal::new(None),
            prompt: RwSignal::new(String::new()),
            orphaned: RwSignal::new(Vec::new()),
            provider: RwSignal::new(DEFAULT_PROVIDER.to_string()),
            options: RwSignal::new(Options::default()),
            use_mock: RwSignal::new(true),
            mock_origin: RwSignal::new(DEFAULT_MOCK_ORIGIN.to_string()),
            api_key: RwSignal::new(String::new()),
            remember_key: RwSignal::new(false),
            base_url: RwSignal::new(String::new()),
            proxy_url: RwSignal::new(String::new()),
            default_proxy: RwSignal::new(DEFAULT_PROXY_URL.to_string()),
            max_images: RwSignal::new(None),
            run: RwSignal::new(Run::idle()),
            result: RwSignal::new(None),
            earlier: RwSignal::new(Vec::new()),
            now: RwSignal::new(0.0),
            prompt_area: NodeRef::new(),
            abort: StoredValue::new_local(None),
            listener: StoredValue::new_local(None),
            keeps_jobs: StoredValue::new(false),
            event_scope: StoredValue::new_local(None),
            next_id: StoredValue::new(0),
        }
    }

    /// Show `finished` as the result; the one it replaces goes to the front
    /// of the earlier results (the oldest beyond [`EARLIER_KEPT`] is let go).
    pub fn show_result(&self, finished: Finished) {
        let old = self.result.try_get_untracked().flatten();
        self.result.set(Some(finished));
        if let Some(old) = old {
            self.earlier.update(|e| {
                e.insert(0, old);
                for gone in e.drain(EARLIER_KEPT.min(e.len())..) {
                    browser::blob::revoke(&gone.src);
                }
            });
        }
    }

    /// The name and bytes of the result (shown or earlier) whose image is
    /// at `src`: a result dragged back onto the board.
    pub fn result_at(&self, src: &str) -> Option<(String, Arc<[u8]>)> {
        let matching = |d: &Finished| {
            (d.src == src)
                .then(|| Some((d.file_name.clone(), d.bytes.clone()?)))
                .flatten()
        };
        self.result
            .with_untracked(|r| r.as_ref().and_then(matching))
            .or_else(|| self.earlier.with_untracked(|e| e.iter().find_map(matching)))
    }

    /// Show earlier result `index` again; the one shown takes its place at
    /// the front of the earlier results.
    pub fn show_earlier(&self, index: usize) {
        let chosen = self
            .earlier
            .try_update(|e| (index < e.len()).then(|| e.remove(index)))
            .flatten();
        if let Some(chosen) = chosen {
            self.show_result(chosen);
        }
    }

    /// The chosen provider's table entry (tracked).
    pub fn info(&self) -> &'static ProviderInfo {
        self.provider.with(|id| info_for(id))
    }

    /// The chosen provider's table entry (not tracked).
    pub fn info_untracked(&self) -> &'static ProviderInfo {
        self.provider.with_untracked(|id| info_for(id))
    }

    /// Tell the listener, if any (a disposed state has none).
    pub fn emit(&self, event: RunEvent<'_>) {
        if let Some(Some(listener)) = self.listener.try_get_value() {
            listener(event);
        }
    }

    /// The most images the board takes: the provider's, or less (not tracked).
    pub fn max_images_untracked(&self) -> usize {
        let info = self.info_untracked();
        self.max_images
            .get_untracked()
            .map_or(info.max_images, |m| m.min(info.max_images))
    }

    /// The most images the board takes (tracked).
    pub fn max_images(&self) -> usize {
        let info = self.info();
        self.max_images
            .get()
            .map_or(info.max_images, |m| m.min(info.max_images))
    }

    /// True if a paste or a drop with this composed path is meant for this board.
    pub fn owns_event(&self, path: &js_sys::Array) -> bool {
        self.event_scope.with_value(|scope| match scope {
            None => true,
            Some(el) => {
                let el: &wasm_bindgen::JsValue = el.as_ref();
                path.iter().any(|node| node == *el)
            }
        })
    }

    /// True while a run is in progress (tracked).
    pub fn running(&self) -> bool {
        self.run.with(|r| r.phase == Phase::Running)
    }

    fn take_id(&self) -> u32 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id.wrapping_add(1));
        id
    }

    /// Start a new batch of additions: the previous rejections are cleared.
    pub fn begin_adding(&self) {
        self.rejected.update(Vec::clear);
    }

    /// Turn a file away with `reason` (listed in the alert).
    pub fn reject(&self, name: &str, reason: String) {
        self.reject_keeping(name, reason, None);
    }

    /// Turn a file away, keeping its bytes when the browser may shrink it.
    fn reject_keeping(&self, name: &str, reason: String, original: Option<Original>) {
        let name = name.to_string();
        self.rejected.update(|r| {
            r.push(Rejection {
                name,
                reason,
                original,
                shrinking: false,
            });
        });
    }

    /// The reason the board can take no more images, if it is full.
    fn full_reason(&self, name: &str) -> Option<String> {
        let info = self.info_untracked();
        let n = self.images.with_untracked(Vec::len);
        let max = self.max_images_untracked();
        if n < max {
            None
        } else if max < info.max_images {
            Some(format!(
                "{name} was not added: this board takes at most {max} reference images; remove one first."
            ))
        } else {
            Some(format!(
                "{name} was not added: {} takes at most {} reference images; remove one first or choose another provider.",
                info.name, info.max_images
            ))
        }
    }

    /// Check a file's bytes with the core and add it to the board, or list
    /// it as rejected with the core's message. Returns whether it was added.
    pub fn add_bytes(&self, name: &str, bytes: Vec<u8>) -> bool {
        if let Some(reason) = self.full_reason(name) {
            self.reject(name, reason);
            return false;
        }
        let info = self.info_untracked();
        let found = match image::inspect(&bytes, Some(name), &info.limits) {
            Ok(found) => found,
            // Too large, but an image: offer to shrink it.
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::ImageTooLarge | ErrorCode::ImageDimensions
                ) =>
            {
                self.reject_keeping(name, e.message, Some(Original(bytes.into())));
                return false;
            }
            Err(e) => {
                self.reject(name, e.message);
                return false;
            }
        };
        if !info.formats.contains(&found.format) {
            self.reject(
                name,
                format!(
                    "{name} is {}; {} does not take {} images.",
                    found.format.label(),
                    info.name,
                    found.format.label()
                ),
            );
            return false;
        }
        let preview = browser::blob::object_url(&bytes, found.format.mime()).unwrap_or_default();
        let image = RefImage {
            id: self.take_id(),
            name: name.to_string(),
            source: Source::Bytes(bytes.into()),
            info: Some(found),
            preview,
        };
        self.forget_removal();
        self.images.update(|v| v.push(image));
        true
    }

    /// Add an image by its public URL (http(s) only). Returns whether it was added.
    pub fn add_url(&self, url: &str) -> bool {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        let web = lower.starts_with("https://") || lower.starts_with("http://");
        if !web || url.len() <= 8 || url.chars().any(char::is_whitespace) {
            self.reject(
                url,
                format!("{url} is not a web address; paste a public https:// URL of an image."),
            );
            return false;
        }
        if let Some(reason) = self.full_reason(url) {
            self.reject(url, reason);
            return false;
        }
        let name = url
            .split(['?', '#'])
            .next()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .filter(|n| !n.is_empty())
            .unwrap_or(url)
            .to_string();
        let image = RefImage {
            id: self.take_id(),
            name,
            source: Source::Url(url.to_string()),
            info: None,
            preview: url.to_string(),
        };
        self.forget_removal();
        self.images.update(|v| v.push(image));
        true
    }

    /// Remove image `index`: later references move down one; references to
    /// the removed image are kept as written and flagged.
    pub fn remove(&self, index: usize) {
        let mut removed = None;
        self.images.update(|v| {
            if index < v.len() {
                removed = Some(v.remove(index));
            }
        });
        let Some(removed) = removed else { return };
        let before = self.prompt.get_untracked();
        let orphaned_before = self.orphaned.get_untracked();
        let renumbered = prompt::remove_image(&before, index);
        // Reference ordinals do not change with renumbering: flag by ordinal.
        let flagged: Vec<usize> = prompt::references(&renumbered.prompt)
            .enumerate()
            .filter(|(_, r)| renumbered.orphaned.iter().any(|o| o.range == r.range))
            .map(|(k, _)| k)
            .collect();
        self.forget_removal();
        self.removed.set(Some(Removal {
            image: removed,
            index,
            prompt: before.clone(),
            orphaned: orphaned_before,
            prompt_after: renumbered.prompt.clone(),
        }));
        if renumbered.prompt != before {
            self.prompt.set(renumbered.prompt);
        }
        if !flagged.is_empty() {
            self.orphaned.update(|o| {
                for k in flagged {
                    if !o.contains(&k) {
                        o.push(k);
                    }
                }
            });
        }
    }

    /// Put the last removed tile back where it was, with the prompt and its
    /// flags as they were. If the prompt was edited since, the edit stays
    /// and the tile goes back last, so that no reference in it moves.
    pub fn undo_removal(&self) {
        let Some(removal) = self.removed.try_update(Option::take).flatten() else {
            return;
        };
        let unedited = self.prompt.with_untracked(|p| *p == removal.prompt_after);
        self.images.update(|v| {
            let at = if unedited {
                removal.index.min(v.len())
            } else {
                v.len()
            };
            v.insert(at, removal.image);
        });
        if unedited {
            self.prompt.set(removal.prompt);
            self.orphaned.set(removal.orphaned);
        }
    }

    /// The removed tile cannot come back any more: free its preview.
    fn forget_removal(&self) {
        if let Some(Some(gone)) = self.removed.try_update(Option::take) {
            browser::blob::revoke(&gone.image.preview);
        }
    }

    /// Move image `from` to position `to`; the prompt's references follow it.
    pub fn move_image(&self, from: usize, to: usize) {
        let n = self.images.with_untracked(Vec::len);
        if from >= n || to >= n || from == to {
            return;
        }
        self.forget_removal();
        self.images.update(|v| {
            let image = v.remove(from);
            v.insert(to, image);
        });
        let before = self.prompt.get_untracked();
        let after = prompt::move_image(&before, from, to);
        if after != before {
            self.prompt.set(after);
        }
    }

    /// The user typed: the prompt is theirs again, nothing stays flagged.
    pub fn edit_prompt(&self, text: String) {
        self.prompt.set(text);
        if !self.orphaned.with_untracked(Vec::is_empty) {
            self.orphaned.set(Vec::new());
        }
    }

    /// Write `<img>N</img>` into the prompt at the cursor of the "Prompt"
    /// textarea (or at the end), and put the cursor after it.
    pub fn insert_reference(&self, index: usize) {
        let tag = format!("<img>{index}</img>");
        let text = self.prompt.get_untracked();
        let area = self.prompt_area.get_untracked();
        let end16 = text.encode_utf16().count() as u32;
        let (start, end) = area
            .as_ref()
            .and_then(|a| {
                let s = a.selection_start().ok()??;
                let e = a.selection_end().ok()??;
                Some((s.min(end16), e.min(end16)))
            })
            .unwrap_or((end16, end16));
        let (start, end) = (
            byte_at_utf16(&text, start as usize),
            byte_at_utf16(&text, end.max(start) as usize),
        );
        let mut next = String::with_capacity(text.len() + tag.len());
        next.push_str(&text[..start]);
        next.push_str(&tag);
        next.push_str(&text[end..]);
        let caret = (text[..start].encode_utf16().count() + tag.len()) as u32;
        if let Some(area) = area {
            area.set_value(&next);
            let _ = area.set_selection_range(caret, caret);
            let _ = area.focus();
        }
        self.edit_prompt(next);
    }
}

/// The id of the "Prompt" textarea.
pub const PROMPT_ID: &str = "prompt";

/// The table entry of provider `id`, or the first provider's.
pub fn info_for(id: &str) -> &'static ProviderInfo {
    let all = provider::providers();
    all.iter()
        .find(|p| p.id == id)
        .or_else(|| all.first())
        .unwrap_or(&provider::reve::INFO)
}

/// The byte offset of UTF-16 offset `u` in `s` (a textarea's cursor).
fn byte_at_utf16(s: &str, u: usize) -> usize {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen >= u {
            return i;
        }
        seen += c.len_utf16();
    }
    s.len()
}
