//! `RemixError`: every failure, with a stable code from DESIGN.md.
//!
//! Codes are API: JS callers branch on `error.code`, so a variant's string
//! never changes once released.

use std::fmt;

use crate::id::ProviderId;
use crate::job::Job;

/// The stable error codes of DESIGN.md, input errors first, then remote
/// ones, then those of the environment a call runs in (`fitImage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    // input
    UnknownProvider,
    UnknownModel,
    MissingApiKey,
    EmptyPrompt,
    PromptTooLong,
    NoImages,
    TooManyImages,
    EmptyImage,
    UnsupportedFormat,
    TruncatedImage,
    CorruptImage,
    ImageTooLarge,
    ImageDimensions,
    UnknownReference,
    InvalidOption,
    // remote
    Unauthorized,
    InsufficientCredits,
    RateLimited,
    ContentViolation,
    ProviderRejected,
    ProviderError,
    MalformedResponse,
    JobFailed,
    Network,
    Timeout,
    Cancelled,
    // environment: where the call runs cannot do it
    UnsupportedEnvironment,
    UndecodableImage,
}

impl ErrorCode {
    /// Every code, in DESIGN.md's order.
    pub const ALL: [ErrorCode; 28] = [
        Self::UnknownProvider,
        Self::UnknownModel,
        Self::MissingApiKey,
        Self::EmptyPrompt,
        Self::PromptTooLong,
        Self::NoImages,
        Self::TooManyImages,
        Self::EmptyImage,
        Self::UnsupportedFormat,
        Self::TruncatedImage,
        Self::CorruptImage,
        Self::ImageTooLarge,
        Self::ImageDimensions,
        Self::UnknownReference,
        Self::InvalidOption,
        Self::Unauthorized,
        Self::InsufficientCredits,
        Self::RateLimited,
        Self::ContentViolation,
        Self::ProviderRejected,
        Self::ProviderError,
        Self::MalformedResponse,
        Self::JobFailed,
        Self::Network,
        Self::Timeout,
        Self::Cancelled,
        Self::UnsupportedEnvironment,
        Self::UndecodableImage,
    ];

    /// The code as JS sees it in `error.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown_provider",
            Self::UnknownModel => "unknown_model",
            Self::MissingApiKey => "missing_api_key",
            Self::EmptyPrompt => "empty_prompt",
            Self::PromptTooLong => "prompt_too_long",
            Self::NoImages => "no_images",
            Self::TooManyImages => "too_many_images",
            Self::EmptyImage => "empty_image",
            Self::UnsupportedFormat => "unsupported_format",
            Self::TruncatedImage => "truncated_image",
            Self::CorruptImage => "corrupt_image",
            Self::ImageTooLarge => "image_too_large",
            Self::ImageDimensions => "image_dimensions",
            Self::UnknownReference => "unknown_reference",
            Self::InvalidOption => "invalid_option",
            Self::Unauthorized => "unauthorized",
            Self::InsufficientCredits => "insufficient_credits",
            Self::RateLimited => "rate_limited",
            Self::ContentViolation => "content_violation",
            Self::ProviderRejected => "provider_rejected",
            Self::ProviderError => "provider_error",
            Self::MalformedResponse => "malformed_response",
            Self::JobFailed => "job_failed",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Cancelled => "cancelled",
            Self::UnsupportedEnvironment => "unsupported_environment",
            Self::UndecodableImage => "undecodable_image",
        }
    }

    /// True for the codes about the caller's own input (images, prompt,
    /// options): fixing the input, not waiting, is what helps.
    pub const fn is_input(self) -> bool {
        (self as u8) <= (Self::InvalidOption as u8)
    }

    /// True for the codes that describe a problem with an image file.
    pub const fn is_image(self) -> bool {
        matches!(
            self,
            Self::EmptyImage
                | Self::UnsupportedFormat
                | Self::TruncatedImage
                | Self::CorruptImage
                | Self::ImageTooLarge
                | Self::ImageDimensions
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decimal digits of `n`, for messages. Messages are built from
/// pieces rather than with `format!`: the wasm package pays for every
/// formatting call site.
#[inline(never)]
pub fn num(n: u64) -> String {
    let mut digits = Vec::with_capacity(20);
    crate::json::write_u64(&mut digits, n);
    // ASCII digits only: never lossy.
    String::from_utf8_lossy(&digits).into_owned()
}

/// Where `needle` first occurs in `hay`, by bytes. Used instead of
/// `str::contains`/`find` with a `&str` pattern, whose two-way searcher
/// (and the panic formatting it drags in) costs the wasm package more
/// than the few short searches here need.
#[inline(never)]
pub fn find_sub(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w == n)
}

/// True if `needle` occurs in `hay` (see [`find_sub`]).
pub fn has_sub(hay: &str, needle: &str) -> bool {
    find_sub(hay, needle).is_some()
}

/// A failure, as thrown to JS: `code`, a message that says what to do,
/// and what is known of the remote side.
///
/// Never holds an API key: messages are built from the input and the
/// provider's answer, and providers never echo a key back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemixError {
    pub code: ErrorCode,
    pub message: String,
    /// HTTP status of the provider's answer, when there was one.
    pub status: Option<u16>,
    /// Whether the same call may succeed if tried again later.
    pub retryable: bool,
    /// Provider id, for remote errors.
    pub provider: Option<ProviderId>,
    /// The provider's request or job id, for support tickets.
    pub request_id: Option<String>,
    /// Seconds the provider asked us to wait (`Retry-After`).
    pub retry_after_secs: Option<u32>,
    /// The job the provider had accepted when the run lost it (the network
    /// went away): it may still finish, and may be paid for, so follow it
    /// again with it rather than start a new one. Set by the driver.
    pub job: Option<Box<Job>>,
}

impl RemixError {
    /// An error with a code and a message; not retryable, no remote details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: None,
            retryable: matches!(
                code,
                ErrorCode::RateLimited | ErrorCode::Network | ErrorCode::Timeout
            ),
            provider: None,
            request_id: None,
            retry_after_secs: None,
            job: None,
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    pub fn with_provider(mut self, provider: ProviderId) -> Self {
        self.provider = Some(provider);
        self
    }

    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }
}

impl fmt::Display for RemixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for RemixError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_writes_the_decimal_digits() {
        for n in [0, 7, 10, 2560, 1_500_000, u64::MAX] {
            assert_eq!(num(n), n.to_string());
        }
    }

    #[test]
    fn codes_are_the_design_strings_and_unique() {
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate code in {names:?}");
        assert_eq!(names[0], "unknown_provider");
        assert_eq!(names[1], "unknown_model");
        assert_eq!(names[25], "cancelled");
        assert_eq!(names[26], "unsupported_environment");
        assert_eq!(names[27], "undecodable_image");
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
    }

    #[test]
    fn input_and_remote_codes_split_where_design_splits_them() {
        assert!(ErrorCode::InvalidOption.is_input());
        assert!(ErrorCode::UnknownProvider.is_input());
        assert!(!ErrorCode::Unauthorized.is_input());
        assert!(!ErrorCode::Cancelled.is_input());
        assert!(!ErrorCode::UnsupportedEnvironment.is_input());
        assert!(!ErrorCode::UndecodableImage.is_input());
        assert!(ErrorCode::TruncatedImage.is_image());
        assert!(!ErrorCode::EmptyPrompt.is_image());
    }

    #[test]
    fn message_helpers_write_numbers_and_find_words() {
        assert_eq!(num(0), "0");
        assert_eq!(num(429), "429");
        assert_eq!(num(u64::MAX), u64::MAX.to_string());
        assert_eq!(find_sub("user is locked", "locked"), Some(8));
        assert_eq!(find_sub("abc", "abcd"), None);
        assert_eq!(find_sub("é-key", "key"), Some(3));
        assert!(has_sub("x", ""));
        assert!(!has_sub("", "a"));
    }

    #[test]
    fn rate_limits_and_network_failures_are_retryable_by_default() {
        assert!(RemixError::new(ErrorCode::RateLimited, "wait").retryable);
        assert!(RemixError::new(ErrorCode::Network, "offline").retryable);
        assert!(!RemixError::new(ErrorCode::Unauthorized, "key").retryable);
    }
}
