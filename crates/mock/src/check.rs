//! Checking a request as the providers' documents say: the JSON body, its
//! fields and their types, aspect ratios, enums, and the prompt (from
//! prompt.rs). Each finding is an [`Invalid`], which every provider then
//! words its own way.

use serde_json::{Map, Value};

use crate::judge::Problem;

pub use crate::prompt::{check_prompt, references, tagged};

// The mock's own reading of the providers' documents (shared/providers/
// README.md, "Common to all", and the OneRouter and AI/ML API specs), not
// the client's constants: where the two disagree, a test finds out.

/// The aspect ratios every provider documents ("`16:9 9:16 3:2 2:3 4:3
/// 3:4 1:1`; omitted = the model chooses").
pub const ASPECT_RATIOS: [&str; 7] = ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];
/// "Prompt: at most 2560 characters (Unicode scalar values)."
pub const MAX_PROMPT_CHARS: usize = 2560;

/// What was wrong with a request, before each provider words it its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// JSON path of the offending field, e.g. `image_urls[2]` (empty for the body).
    pub field: String,
    pub kind: Kind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The body is not a JSON object.
    Json,
    Missing,
    Type,
    Empty,
    TooLong,
    TooFew,
    TooMany,
    /// Not one of the allowed values.
    Enum,
    /// A number out of range.
    Range,
    /// `<img>N</img>` names an image that was not sent.
    Reference,
    /// An image the providers do not take ([`crate::judge`]).
    Image(Problem),
    /// An image in the wrong transport: `data:` where raw base64 is wanted,
    /// a data URI where only URLs are taken, bad base64, …
    Encoding,
    /// A file reference the provider does not know.
    NotFound,
}

impl Kind {
    /// A pydantic-like error type, for fal's `detail[].type` and similar.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Json => "json_invalid",
            Self::Missing => "missing",
            Self::Type => "type_error",
            Self::Empty => "string_too_short",
            Self::TooLong => "string_too_long",
            Self::TooFew => "too_short",
            Self::TooMany => "too_long",
            Self::Enum => "literal_error",
            Self::Range => "range_error",
            Self::Reference => "invalid_reference",
            Self::Image(Problem::TooLarge) => "file_too_large",
            Self::Image(Problem::Unsupported) => "unsupported_image_format",
            Self::Image(Problem::Dimensions) => "image_too_large",
            Self::Image(Problem::Empty | Problem::Unreadable) => "image_load_error",
            Self::Encoding => "value_error",
            Self::NotFound => "file_download_error",
        }
    }
}

impl Invalid {
    pub fn new(field: impl Into<String>, kind: Kind, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind,
            message: message.into(),
        }
    }
}

/// Parse a body as a JSON object.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Invalid::new(
            "",
            Kind::Json,
            "the request body must be a JSON object",
        )),
        Err(e) => Err(Invalid::new(
            "",
            Kind::Json,
            format!("the request body is not valid JSON: {e}"),
        )),
    }
}

/// A field that must be a JSON object.
pub fn object<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<&'a Map<String, Value>, Invalid> {
    match obj.get(field) {
        None | Some(Value::Null) => Err(Invalid::new(
            field,
            Kind::Missing,
            format!("{field} is required"),
        )),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(Invalid::new(
            field,
            Kind::Type,
            format!("{field} must be an object"),
        )),
    }
}

pub fn req_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a str, Invalid> {
    opt_str(obj, field)?
        .ok_or_else(|| Invalid::new(field, Kind::Missing, format!("{field} is required")))
}

pub fn opt_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, Invalid> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Invalid::new(
            field,
            Kind::Type,
            format!("{field} must be a string"),
        )),
    }
}

pub fn opt_bool(obj: &Map<String, Value>, field: &str) -> Result<Option<bool>, Invalid> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Invalid::new(
            field,
            Kind::Type,
            format!("{field} must be a boolean"),
        )),
    }
}

/// An optional integer within `lo..=hi`.
pub fn opt_int(
    obj: &Map<String, Value>,
    field: &str,
    lo: i64,
    hi: i64,
) -> Result<Option<i64>, Invalid> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(v) if (lo..=hi).contains(&v) => Ok(Some(v)),
            Some(v) => Err(Invalid::new(
                field,
                Kind::Range,
                format!("{field} must be between {lo} and {hi}, got {v}"),
            )),
            None => Err(Invalid::new(
                field,
                Kind::Type,
                format!("{field} must be an integer"),
            )),
        },
        Some(_) => Err(Invalid::new(
            field,
            Kind::Type,
            format!("{field} must be an integer"),
        )),
    }
}

/// A required array of strings with `min..=max` items.
pub fn str_array<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    min: usize,
    max: usize,
) -> Result<Vec<&'a str>, Invalid> {
    let items = match obj.get(field) {
        None | Some(Value::Null) => {
            return Err(Invalid::new(
                field,
                Kind::Missing,
                format!("{field} is required"),
            ));
        }
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(Invalid::new(
                field,
                Kind::Type,
                format!("{field} must be an array of strings"),
            ));
        }
    };
    if items.len() < min {
        return Err(Invalid::new(
            field,
            Kind::TooFew,
            format!("{field} must have at least {min} item(s)"),
        ));
    }
    if items.len() > max {
        return Err(Invalid::new(
            field,
            Kind::TooMany,
            format!(
                "{field} must have at most {max} item(s), got {}",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.as_str()),
            _ => Err(Invalid::new(
                format!("{field}[{i}]"),
                Kind::Type,
                format!("{field}[{i}] must be a string"),
            )),
        })
        .collect()
}

/// An optional aspect ratio: one of Reve's seven.
pub fn check_aspect<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, Invalid> {
    let value = opt_str(obj, field)?;
    match value {
        Some(v) if !ASPECT_RATIOS.contains(&v) => Err(Invalid::new(
            field,
            Kind::Enum,
            format!(
                "{field} must be one of {}, got '{v}'",
                ASPECT_RATIOS.join(", ")
            ),
        )),
        other => Ok(other),
    }
}

/// An optional string from a fixed list.
pub fn check_enum<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Invalid> {
    match opt_str(obj, field)? {
        Some(v) if !allowed.contains(&v) => Err(Invalid::new(
            field,
            Kind::Enum,
            format!("{field} must be one of {}, got '{v}'", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}
