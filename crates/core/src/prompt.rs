//! Prompts: length, `<img>N</img>` references, and their rewriting for
//! providers and models that spell references differently.
//!
//! # What counts as a reference
//!
//! Reve Remix documents `<img>N</img>`, N counting from 0 in the order the
//! images are sent; Reve 2.1 writes the same reference `<frame>N</frame>`.
//! A caller writes either, for any model: one prompt serves every
//! generation, and [`rewrite`] sends each model its own spelling. People type near misses (`<img> 1 </img>`, `<IMG>1</IMG>`),
//! and a near miss that is not renumbered when an image is removed silently
//! points at the wrong picture. So the parser also accepts ASCII spaces and
//! tabs around the number and any case of `img` or `frame` (the closing tag
//! names the same word as the opening one), and [`rewrite`] sends every
//! reference in the exact documented form. N is ASCII decimal digits (leading
//! zeros allowed); anything else (`<img>one</img>`, `<img>-1</img>`,
//! `<img src=…>`) is plain text and is sent as written.
//!
//! Byte ranges are into the prompt string (UTF-8), and always fall on
//! character boundaries: a reference starts at `<` and ends at `>`, both ASCII.

use std::ops::Range;

use crate::error::{ErrorCode, RemixError};
use crate::image::thousands;

/// Reve Remix's limit, in Unicode scalar values.
pub const MAX_PROMPT_CHARS: usize = 2560;
/// Reve 2.1's limit, in Unicode scalar values (its hosts' schemas).
pub const MAX_PROMPT_CHARS_2_1: usize = 4000;

/// How a provider wants references to images written in the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceSyntax {
    /// `<img>0</img>`: Reve Remix's syntax.
    ImgTag,
    /// `<frame>0</frame>`: Reve 2.1's syntax.
    FrameTag,
    /// A bare `0`, `1`: inference.sh's page says to refer to images so.
    PlainIndex,
}

/// One `<img>N</img>` in a prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The image it names, counting from 0. A number too big for `usize`
    /// saturates to `usize::MAX`, which no image list reaches, so it is
    /// reported as unknown like any other missing image.
    pub index: usize,
    /// The whole tag, `<img>` to `</img>`: what the editor highlights.
    pub range: Range<usize>,
    /// The digits alone, as written (leading zeros included).
    pub digits: Range<usize>,
}

/// The references in `prompt`, in order, with their byte ranges.
pub fn references(prompt: &str) -> References<'_> {
    References { prompt, at: 0 }
}

/// Iterator over a prompt's references; see [`references`].
#[derive(Clone, Debug)]
pub struct References<'a> {
    prompt: &'a str,
    at: usize,
}

impl Iterator for References<'_> {
    type Item = Reference;

    fn next(&mut self) -> Option<Reference> {
        let bytes = self.prompt.as_bytes();
        while let Some(offset) = bytes.get(self.at..)?.iter().position(|&b| b == b'<') {
            let start = self.at + offset;
            match parse_tag(bytes, start) {
                Some(reference) => {
                    self.at = reference.range.end;
                    return Some(reference);
                }
                None => self.at = start + 1,
            }
        }
        self.at = bytes.len();
        None
    }
}

/// A reference starting at `start` (a `<`), if there is one.
fn parse_tag(b: &[u8], start: usize) -> Option<Reference> {
    let mut at = start;
    let mut eat = |text: &[u8]| {
        let ok = b
            .get(at..at + text.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(text));
        if ok {
            at += text.len();
        }
        ok
    };
    let close_tag: &[u8] = if eat(b"<img>") {
        b"</img>"
    } else if eat(b"<frame>") {
        b"</frame>"
    } else {
        return None;
    };
    let skip_blanks = |mut at: usize| {
        while matches!(b.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    };
    let digits_start = skip_blanks(at);
    let digits_len = b
        .get(digits_start..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits_len == 0 {
        return None;
    }
    let digits = digits_start..digits_start + digits_len;
    let close = skip_blanks(digits.end);
    let end = close + close_tag.len();
    if !b.get(close..end)?.eq_ignore_ascii_case(close_tag) {
        return None;
    }
    let index = b.get(digits.clone())?.iter().try_fold(0usize, |n, d| {
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    });
    Some(Reference {
        index: index.unwrap_or(usize::MAX),
        range: start..end,
        digits,
    })
}

/// The number of characters (Unicode scalar values) Reve counts against a
/// model's limit ([`MAX_PROMPT_CHARS`]): what the editor's counter shows.
pub fn char_count(prompt: &str) -> usize {
    prompt.chars().count()
}

/// Check a prompt for `image_count` images: not empty, at most `max_chars`
/// characters, and every reference names an image that is there.
pub fn check(prompt: &str, image_count: usize, max_chars: usize) -> Result<(), RemixError> {
    if prompt.trim().is_empty() {
        return Err(RemixError::new(
            ErrorCode::EmptyPrompt,
            "Write a prompt that says what to make.",
        ));
    }
    let count = char_count(prompt);
    if count > max_chars {
        let over = thousands((count - max_chars) as u64);
        let (count, max) = (thousands(count as u64), thousands(max_chars as u64));
        return Err(RemixError::new(
            ErrorCode::PromptTooLong,
            format!(
                "The prompt is {count} characters long; the limit is {max}. Shorten it by {over}."
            ),
        ));
    }
    if let Some(bad) = references(prompt).find(|r| r.index >= image_count) {
        return Err(RemixError::new(
            ErrorCode::UnknownReference,
            unknown_reference(prompt, &bad, image_count),
        ));
    }
    Ok(())
}

fn unknown_reference(prompt: &str, bad: &Reference, image_count: usize) -> String {
    // The images there are, in the syntax the prompt wrote this reference in.
    let syntax = written_syntax(prompt, bad);
    let tag = |digits: &str| {
        let mut out = String::new();
        push_tag(&mut out, syntax, digits);
        out
    };
    let written = tag(canonical_digits(prompt, bad));
    let there = match image_count {
        0 => "there are no images; add one or remove the reference".to_string(),
        1 => format!("there is only 1 image ({})", tag("0")),
        n => format!(
            "there are only {n} images ({} to {})",
            tag("0"),
            tag(&(n - 1).to_string())
        ),
    };
    format!("The prompt refers to {written}, but {there}.")
}

/// The digits as written, without leading zeros ("007" → "7"): exact
/// whatever their size, where `index` saturates.
fn canonical_digits<'a>(prompt: &'a str, r: &Reference) -> &'a str {
    let digits = prompt.get(r.digits.clone()).unwrap_or("0");
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

/// The prompt as a provider with `syntax` wants it.
///
/// `ImgTag` writes every reference in the documented form `<img>N</img>`,
/// `FrameTag` as `<frame>N</frame>`.
/// `PlainIndex` writes the bare number, with a space added where it would
/// otherwise run into a neighbouring letter or digit ("from<img>0</img>"
/// becomes "from 0", not "from0").
pub fn rewrite(prompt: &str, syntax: ReferenceSyntax) -> String {
    match syntax {
        ReferenceSyntax::PlainIndex => rewrite_each(prompt, |out, rest, digits| {
            let joins = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if joins(out.chars().next_back()) {
                out.push(' ');
            }
            out.push_str(digits);
            if joins(rest.chars().next()) {
                out.push(' ');
            }
        }),
        tags => retag(prompt, tags),
    }
}

/// [`rewrite`] into a tag syntax, what an editor shows: `FrameTag` writes
/// `<frame>N</frame>`, any other `<img>N</img>`. Apart from `rewrite` so
/// that an app that only switches tags carries no Unicode tables (the bare
/// numbers' spacing asks `char::is_alphanumeric`).
pub fn retag(prompt: &str, syntax: ReferenceSyntax) -> String {
    rewrite_each(prompt, |out, _, digits| push_tag(out, syntax, digits))
}

/// `prompt` with each reference replaced by what `write` appends to the
/// text so far, given the text after the reference and the reference's
/// digits (leading zeros dropped).
fn rewrite_each(prompt: &str, mut write: impl FnMut(&mut String, &str, &str)) -> String {
    let mut out = String::with_capacity(prompt.len());
    let mut copied = 0;
    for r in references(prompt) {
        out.push_str(prompt.get(copied..r.range.start).unwrap_or_default());
        let rest = prompt.get(r.range.end..).unwrap_or_default();
        write(&mut out, rest, canonical_digits(prompt, &r));
        copied = r.range.end;
    }
    out.push_str(prompt.get(copied..).unwrap_or_default());
    out
}

fn push_tag(out: &mut String, syntax: ReferenceSyntax, digits: &str) {
    let word = if syntax == ReferenceSyntax::FrameTag {
        "frame"
    } else {
        "img"
    };
    out.push('<');
    out.push_str(word);
    out.push('>');
    out.push_str(digits);
    out.push_str("</");
    out.push_str(word);
    out.push('>');
}

/// The tag `r` was written with: `<frame>` or `<img>`.
fn written_syntax(prompt: &str, r: &Reference) -> ReferenceSyntax {
    match prompt.as_bytes().get(r.range.start + 1) {
        Some(b'f' | b'F') => ReferenceSyntax::FrameTag,
        _ => ReferenceSyntax::ImgTag,
    }
}

/// A prompt after its images were renumbered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renumbered {
    /// The prompt, with every reference whose image moved rewritten to the
    /// image's new number. References that did not move keep their text.
    pub prompt: String,
    /// References to an image that is gone, left as written so the editor
    /// can flag them for the user to fix; ranges are into `prompt` above.
    /// Their number may now name a different image (after removing image 1
    /// of 3, an orphaned `<img>1</img>` reads as the old image 2), which is
    /// why they are reported rather than silently kept or deleted.
    pub orphaned: Vec<Reference>,
}

/// Renumber references with `map`: old index → new index, or `None` when
/// that image is gone. The building block of [`remove_image`],
/// [`insert_image`] and [`move_image`].
pub fn renumber(prompt: &str, mut map: impl FnMut(usize) -> Option<usize>) -> Renumbered {
    let mut out = String::with_capacity(prompt.len());
    let mut orphaned = Vec::new();
    let mut copied = 0;
    for r in references(prompt) {
        out.push_str(prompt.get(copied..r.range.start).unwrap_or_default());
        copied = r.range.end;
        let as_written = prompt.get(r.range.clone()).unwrap_or_default();
        // A number too big to read cannot name an image before or after:
        // it stays as written, for `check` to report.
        let mapped = if r.index == usize::MAX {
            Some(r.index)
        } else {
            map(r.index)
        };
        match mapped {
            Some(new) if new != r.index => {
                push_tag(&mut out, written_syntax(prompt, &r), &new.to_string())
            }
            Some(_) => out.push_str(as_written),
            None => {
                let start = out.len();
                out.push_str(as_written);
                let shift = |i: usize| i - r.range.start + start;
                let digits = shift(r.digits.start)..shift(r.digits.end);
                orphaned.push(Reference {
                    index: r.index,
                    range: start..out.len(),
                    digits,
                });
            }
        }
    }
    out.push_str(prompt.get(copied..).unwrap_or_default());
    Renumbered {
        prompt: out,
        orphaned,
    }
}

/// The prompt after image `removed` is taken out of the list: later images
/// move down one (`<img>2</img>` becomes `<img>1</img>` when image 1 goes),
/// and references to the removed image are reported in `orphaned`.
pub fn remove_image(prompt: &str, removed: usize) -> Renumbered {
    renumber(prompt, |i| match i.cmp(&removed) {
        std::cmp::Ordering::Less => Some(i),
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(i - 1),
    })
}

/// The prompt after a new image is inserted at position `at`: images from
/// `at` on move up one. (Appending, `at` = the old count, changes nothing.)
pub fn insert_image(prompt: &str, at: usize) -> String {
    renumber(prompt, |i| {
        Some(if i >= at { i.saturating_add(1) } else { i })
    })
    .prompt
}

/// The prompt after the image at `from` is moved to position `to` (as
/// `images.remove(from)` then `images.insert(to, …)`): its references
/// follow it and the images in between shift by one, so every reference
/// still names the same picture.
pub fn move_image(prompt: &str, from: usize, to: usize) -> String {
    renumber(prompt, |i| {
        Some(if i == from {
            to
        } else if from < to && i > from && i <= to {
            i - 1
        } else if to < from && i >= to && i < from {
            i + 1
        } else {
            i
        })
    })
    .prompt
}
