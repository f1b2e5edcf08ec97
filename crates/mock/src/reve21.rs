//! Reve 2.1 (released 2026-07-09), as its hosts document it: the mock's own
//! reading, not the client's constants.
//!
//! - Up to **8** ordered references, written `<frame>N</frame>` in the
//!   prompt, N counting from 0 (fal's `reve/2.1` llms.txt, Replicate's
//!   `reve/reve-2.1` readme, Runware's "reference-editing-remixing" guide).
//! - A prompt of at most **4000** characters (Reve's v2 SDK; fal's 2.1
//!   schema). Atlas Cloud's own client and page say 2560 for its 2.1 remix,
//!   so Atlas keeps its own limit.
//! - Aspect ratios: the **17** below plus `auto` (Reve's SDK order; fal's
//!   2.1 llms.txt, Replicate's schema and Atlas's node spell them alike).
//!
//! ## Unverified, in one place
//!
//! Where a host's document says nothing, the mock takes one reading and the
//! host's file says which. In short:
//! - fal `reve/2.1/remix`: the remix page's enums are taken from the 2.1
//!   *edit* page (same family); the 4000-character limit is secondary.
//! - Replicate `reve/reve-2.1`: the endpoint follows Replicate's pattern;
//!   `reference_images` as URLs or data URIs is Replicate's general rule.
//! - Runware `reve:2@1`: the items of `inputs.referenceImages` as plain
//!   strings (URL, data URI, base64 or a UUID); no aspect-ratio string
//!   (`width`/`height` instead); the error `code`s other than
//!   `invalidApiKey` and `unsupportedParameter`, and every HTTP status of
//!   an error answer.
//! - Atlas Cloud: the flat body is Atlas's own client's (its model pages
//!   show `{model, input: {…}}`; both are accepted); `error_code` values
//!   other than 1039 (moderation).
//! - WaveSpeedAI `reve/2.1/remix`: the field names (`images`,
//!   `aspect_ratio`, `output_format`) are the lead's reading, unsourced; its
//!   error envelope for non-200 answers (`{code, message, data: null}`).

use serde_json::{Map, Value};

use crate::check::{self, Invalid, Kind};

/// Reve 2.1's aspect ratios, in the order Reve's SDK lists them.
pub const ASPECT_RATIOS: [&str; 17] = [
    "4:1", "3:1", "21:9", "2:1", "17:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3",
    "9:16", "1:2", "1:3", "1:4",
];
/// "Let the model choose."
pub const AUTO: &str = "auto";
/// The longest prompt, in characters (Unicode scalar values).
pub const MAX_PROMPT_CHARS: usize = 4000;
/// The most references one run takes.
pub const MAX_REFERENCES: usize = 8;

/// The image numbers a prompt refers to with `<frame>N</frame>`, in order.
pub fn frames(prompt: &str) -> Vec<usize> {
    check::tagged(prompt, "frame")
}

/// A Reve 2.1 prompt: not blank, at most `max_chars` characters, every
/// `<frame>N</frame>` naming one of the `image_count` references.
pub fn check_prompt(
    prompt: &str,
    image_count: usize,
    field: &str,
    max_chars: usize,
) -> Result<(), Invalid> {
    if prompt.trim().is_empty() {
        return Err(Invalid::new(
            field,
            Kind::Empty,
            format!("{field} must not be empty"),
        ));
    }
    let chars = prompt.chars().count();
    if chars > max_chars {
        return Err(Invalid::new(
            field,
            Kind::TooLong,
            format!("{field} is {chars} characters; the limit is {max_chars}"),
        ));
    }
    if let Some(n) = frames(prompt).into_iter().find(|&n| n >= image_count) {
        return Err(Invalid::new(
            field,
            Kind::Reference,
            format!(
                "{field} refers to <frame>{n}</frame> but only {image_count} reference image(s) were sent (numbered from 0)"
            ),
        ));
    }
    Ok(())
}

/// An optional aspect ratio: one of the 17 or `auto`. `auto` (and none)
/// reads as `None`: the renderer then follows the first reference.
pub fn check_aspect<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, Invalid> {
    match check::opt_str(obj, field)? {
        None => Ok(None),
        Some(AUTO) => Ok(None),
        Some(v) if ASPECT_RATIOS.contains(&v) => Ok(Some(v)),
        Some(v) => Err(Invalid::new(
            field,
            Kind::Enum,
            format!(
                "{field} must be one of {AUTO}, {}, got '{v}'",
                ASPECT_RATIOS.join(", ")
            ),
        )),
    }
}

/// An optional array of strings with at most `max` items (absent = none).
pub fn opt_str_array<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    max: usize,
) -> Result<Vec<&'a str>, Invalid> {
    match obj.get(field) {
        None => Ok(Vec::new()),
        Some(_) => check::str_array(obj, field, 0, max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_and_limits() {
        assert_eq!(
            frames("<frame>0</frame> and <FRAME> 7 </frame>, <img>1</img>"),
            vec![0, 7]
        );
        assert!(check_prompt("<frame>1</frame>", 1, "prompt", 4000).is_err());
        assert!(check_prompt("<frame>0</frame>", 1, "prompt", 4000).is_ok());
        // `<img>N</img>` is text to Reve 2.1: it names nothing.
        assert!(check_prompt("<img>5</img>", 1, "prompt", 4000).is_ok());
        assert!(check_prompt(&"é".repeat(4000), 0, "prompt", 4000).is_ok());
        assert_eq!(
            check_prompt(&"é".repeat(4001), 0, "prompt", 4000).map_err(|e| e.kind),
            Err(Kind::TooLong)
        );
    }

    #[test]
    fn aspects() {
        let obj = |v: Value| {
            json!({ "aspect_ratio": v })
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(check_aspect(&obj(json!("auto")), "aspect_ratio"), Ok(None));
        assert_eq!(
            check_aspect(&obj(json!("21:9")), "aspect_ratio"),
            Ok(Some("21:9"))
        );
        assert!(check_aspect(&obj(json!("5:3")), "aspect_ratio").is_err());
        assert!(check_aspect(&obj(json!(1)), "aspect_ratio").is_err());
    }
}
