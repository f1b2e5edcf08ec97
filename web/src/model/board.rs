//! The board: the reference images in prompt order, the prompt, the
//! references flagged after a removal, the last removal (while "Undo" can
//! bring it back) and the files the last add turned away. Plain data: the
//! app holds one `Board` in a signal and changes it only through these
//! methods, which keep the prompt's `<img>N</img>` references following the
//! images (the core's renumbering) and check every file with the core.

use std::sync::Arc;

use reve_remix_core::image::{self, ImageInfo};
use reve_remix_core::prompt::{self, ReferenceSyntax};
use reve_remix_core::provider::{self, ImageSource};
use reve_remix_core::{ErrorCode, RemixError};

use super::ImageUrl;
pub use super::accepts::Accepts;
pub use rejections::{Original, Rejection};

mod rejections;

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
    /// What the tile shows: an object URL of the bytes, or the URL itself.
    pub preview: ImageUrl,
    /// The size in bytes of the file the browser shrank to this one.
    pub shrunk_from: Option<usize>,
}

/// The last tile removed, kept until the board changes again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Removal {
    /// The tile.
    image: RefImage,
    /// Where it was.
    index: usize,
    /// The prompt before the removal renumbered it.
    prompt: String,
    /// The flags before.
    orphaned: Vec<usize>,
    /// The prompt right after: restored only if nobody edited it since.
    prompt_after: String,
}

/// A file's bytes with what the core read from its header
/// ([`image::read`]): ready for [`Board::add_read`]. A split build reads
/// it in a chunk of its own (`lazy::add_file`), so that the first screen
/// carries no header parser.
#[derive(Clone, Debug)]
pub struct ReadFile {
    /// The file's name.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its format and size, or why it is not an image the core takes.
    pub header: Result<ImageInfo, RemixError>,
}

impl ReadFile {
    /// Read `bytes`' header now.
    pub fn new(name: String, bytes: Vec<u8>) -> Self {
        let header = image::read(&bytes, Some(&name));
        Self {
            name,
            bytes,
            header,
        }
    }
}

/// Makes what a tile shows for an image's bytes of a MIME type.
pub type Previews = fn(&[u8], &str) -> ImageUrl;

/// The images, the prompt and what follows from them.
#[derive(Clone, Debug)]
pub struct Board {
    images: Vec<RefImage>,
    prompt: String,
    orphaned: Vec<usize>,
    removed: Option<Removal>,
    rejected: Vec<Rejection>,
    next_id: u32,
    previews: Previews,
}

impl Default for Board {
    /// A board whose tiles have no previews (tests, tools).
    fn default() -> Self {
        Self::new(|_, _| ImageUrl::default())
    }
}

impl Board {
    /// An empty board whose tiles show what `previews` makes of their bytes.
    pub fn new(previews: Previews) -> Self {
        Self {
            images: Vec::new(),
            prompt: String::new(),
            orphaned: Vec::new(),
            removed: None,
            rejected: Vec::new(),
            next_id: 0,
            previews,
        }
    }

    /// The images, in prompt order (`<img>N</img>` is `images()[N]`).
    pub fn images(&self) -> &[RefImage] {
        &self.images
    }

    /// The prompt.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// Ordinals (in the prompt's reference order) of references to an image
    /// that was removed: flagged until the user edits the prompt.
    pub fn orphaned(&self) -> &[usize] {
        &self.orphaned
    }

    /// The name of the tile "Undo" would bring back, if any.
    pub fn removed(&self) -> Option<&str> {
        self.removed.as_ref().map(|r| r.image.name.as_str())
    }

    /// The files the last add turned away.
    pub fn rejected(&self) -> &[Rejection] {
        &self.rejected
    }

    /// The images as the core's input takes them.
    pub fn sources(&self) -> Vec<ImageSource> {
        self.images
            .iter()
            .map(|img| match &img.source {
                Source::Bytes(bytes) => ImageSource::Bytes {
                    data: bytes.clone(),
                    name: Some(img.name.clone()),
                },
                Source::Url(url) => ImageSource::Url(url.clone()),
            })
            .collect()
    }

    /// One line per reference in the prompt, naming the image it points
    /// at, and whether it is wrong (no such image, or its image was removed).
    pub fn references(&self, syntax: ReferenceSyntax) -> Vec<(String, bool)> {
        let p = &self.prompt;
        prompt::references(p)
            .enumerate()
            .map(|(k, r)| {
                let digits = p.get(r.digits.clone()).unwrap_or("?");
                let (target, bad) = if self.orphaned.contains(&k) {
                    ("its image was removed".to_string(), true)
                } else {
                    match self.images.get(r.index) {
                        Some(img) => (img.name.clone(), false),
                        None => (format!("no image {digits}"), true),
                    }
                };
                (
                    format!("{} → {target}", super::models::tag(syntax, digits)),
                    bad,
                )
            })
            .collect()
    }

    /// What to say while references to removed images are flagged.
    pub fn orphan_warning(&self) -> Option<String> {
        match self.orphaned.len() {
            0 => None,
            1 => Some("The prompt refers to an image that was removed (marked below): fix the reference or keep it as is.".to_string()),
            n => Some(format!("The prompt has {n} references to images that were removed (marked below): fix them or keep them as they are.")),
        }
    }

    /// Start a new batch of additions: the previous rejections are cleared.
    pub fn begin_adding(&mut self) {
        self.rejected.clear();
    }

    /// Turn a file away with `reason` (listed in the alert).
    pub fn reject(&mut self, name: &str, reason: String) {
        self.reject_keeping(name, reason, None);
    }

    fn reject_keeping(&mut self, name: &str, reason: String, original: Option<Original>) {
        self.rejected.push(Rejection {
            name: name.to_string(),
            reason,
            original,
            shrinking: false,
            quiet: false,
        });
    }

    fn push(&mut self, name: String, source: Source, info: Option<ImageInfo>, preview: ImageUrl) {
        let id = self.next_id;
        self.next_id = id.wrapping_add(1);
        // The removed tile cannot come back any more.
        self.removed = None;
        self.images.push(RefImage {
            id,
            name,
            source,
            info,
            preview,
            shrunk_from: None,
        });
    }

    /// Check a file's bytes with the core and add it, or list it as
    /// rejected with the core's message. Returns whether it was added.
    pub fn add_bytes(&mut self, name: &str, bytes: Vec<u8>, accepts: &Accepts) -> bool {
        self.add_read(ReadFile::new(name.to_string(), bytes), accepts)
    }

    /// [`Board::add_bytes`] of a file whose header was read already.
    pub fn add_read(&mut self, file: ReadFile, accepts: &Accepts) -> bool {
        let ReadFile {
            name,
            bytes,
            header,
        } = file;
        let name = name.as_str();
        if let Some(reason) = accepts.full(name, self.images.len()) {
            self.reject(name, reason);
            return false;
        }
        let info = accepts.provider;
        let judged = header
            .and_then(|found| image::within(&found, Some(name), &info.limits).map(|()| found));
        let found = match judged {
            Ok(found) => found,
            // Too large, but an image: offer to shrink it.
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::ImageTooLarge | ErrorCode::ImageDimensions
                ) =>
            {
                self.reject_keeping(name, e.message, Some(Original(bytes.into())));
                if let Some(entry) = self.rejected.last_mut() {
                    entry.quiet = accepts.auto_fit;
                }
                return false;
            }
            Err(e) => {
                self.reject(name, e.message);
                return false;
            }
        };
        // The core's check, with its advice (what to convert to, who takes it).
        if let Err(e) = provider::check_format(info, found.format, Some(name)) {
            self.reject(name, e.message);
            return false;
        }
        let preview = (self.previews)(&bytes, found.format.mime());
        self.push(
            name.to_string(),
            Source::Bytes(bytes.into()),
            Some(found),
            preview,
        );
        true
    }

    /// Add an image by its public URL (http(s) only). Returns whether it was added.
    pub fn add_url(&mut self, url: &str, accepts: &Accepts) -> bool {
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
        if let Some(reason) = accepts.full(url, self.images.len()) {
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
        self.push(name, Source::Url(url.to_string()), None, ImageUrl::new(url));
        true
    }

    /// Remove image `index`: later references move down one; references to
    /// the removed image are kept as written and flagged.
    pub fn remove(&mut self, index: usize) {
        if index >= self.images.len() {
            return;
        }
        let image = self.images.remove(index);
        let before = std::mem::take(&mut self.prompt);
        let renumbered = prompt::remove_image(&before, index);
        // Reference ordinals do not change with renumbering: flag by ordinal.
        let flagged = prompt::references(&renumbered.prompt)
            .enumerate()
            .filter(|(_, r)| renumbered.orphaned.iter().any(|o| o.range == r.range))
            .map(|(k, _)| k);
        let orphaned_before = self.orphaned.clone();
        for k in flagged {
            if !self.orphaned.contains(&k) {
                self.orphaned.push(k);
            }
        }
        self.prompt.clone_from(&renumbered.prompt);
        self.removed = Some(Removal {
            image,
            index,
            prompt: before,
            orphaned: orphaned_before,
            prompt_after: renumbered.prompt,
        });
    }

    /// Put the last removed tile back where it was, with the prompt and its
    /// flags as they were. If the prompt was edited since, the edit stays
    /// and the tile goes back last, so that no reference in it moves.
    pub fn undo_removal(&mut self) {
        let Some(removal) = self.removed.take() else {
            return;
        };
        if self.prompt == removal.prompt_after {
            let at = removal.index.min(self.images.len());
            self.images.insert(at, removal.image);
            self.prompt = removal.prompt;
            self.orphaned = removal.orphaned;
        } else {
            self.images.push(removal.image);
        }
    }

    /// Move image `from` to position `to`; the prompt's references follow it.
    pub fn move_image(&mut self, from: usize, to: usize) {
        let n = self.images.len();
        if from >= n || to >= n || from == to {
            return;
        }
        self.removed = None;
        let image = self.images.remove(from);
        self.images.insert(to, image);
        self.prompt = prompt::move_image(&self.prompt, from, to);
    }

    /// The user typed: the prompt is theirs again, nothing stays flagged.
    pub fn edit_prompt(&mut self, text: String) {
        self.prompt = text;
        self.orphaned.clear();
    }

    /// "Keep as is": the flagged references stay as written, unflagged.
    pub fn keep_orphans(&mut self) {
        self.orphaned.clear();
    }

    /// The model picked writes references with `syntax`: the prompt's are
    /// rewritten so (`<img>0</img>` ↔ `<frame>0</frame>`), the flags on
    /// references to removed images kept (they count references, which a
    /// rewrite keeps in order). True if the prompt changed.
    pub fn use_syntax(&mut self, syntax: ReferenceSyntax) -> bool {
        let next = prompt::retag(&self.prompt, syntax);
        let changed = next != self.prompt;
        self.prompt = next;
        changed
    }

    /// Write `<img>N</img>` (or `<frame>N</frame>`) into the prompt over `selection` (a textarea's,
    /// in UTF-16 units; `None`: at the end). Returns where the cursor goes:
    /// after the tag, in UTF-16 units.
    pub fn insert_reference(
        &mut self,
        index: usize,
        selection: Option<(u32, u32)>,
        syntax: ReferenceSyntax,
    ) -> u32 {
        let tag = super::models::tag(syntax, &index.to_string());
        let text = &self.prompt;
        let end16 = text.encode_utf16().count() as u32;
        let (start, end) = selection.map_or((end16, end16), |(s, e)| (s.min(end16), e.min(end16)));
        let (start, end) = (
            byte_at_utf16(text, start as usize),
            byte_at_utf16(text, end.max(start) as usize),
        );
        let mut next = String::with_capacity(text.len() + tag.len());
        next.push_str(&text[..start]);
        next.push_str(&tag);
        next.push_str(&text[end..]);
        let caret = (text[..start].encode_utf16().count() + tag.len()) as u32;
        self.edit_prompt(next);
        caret
    }

    /// Empty the board and the prompt.
    pub fn clear(&mut self) {
        *self = Self::new(self.previews);
    }
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

#[cfg(test)]
mod tests;
