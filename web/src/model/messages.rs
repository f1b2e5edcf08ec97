//! Errors from the core, said the way a person can act on: the core's
//! message (which already says what to do) with the wait a provider asked
//! for and the request id for support. Never a bare code.

use reve_remix_core::{ErrorCode, RemixError};

/// One or two sentences about `e` for the status line.
pub fn explain(e: &RemixError) -> String {
    let mut text = e.message.trim().to_string();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    match e.code {
        ErrorCode::RateLimited => match e.retry_after_secs {
            Some(secs) => text.push_str(&format!(
                " The provider asked to wait {secs} s: retry after {secs} s."
            )),
            None => text.push_str(" Wait a minute, then retry."),
        },
        ErrorCode::Unauthorized | ErrorCode::MissingApiKey
            if !text.to_ascii_lowercase().contains("key") =>
        {
            text.push_str(" Check the API key.");
        }
        ErrorCode::ImageTooLarge | ErrorCode::ImageDimensions => {
            text.push_str(" Shrink the image and add it again.");
        }
        ErrorCode::Timeout => text.push_str(" Try again, or try another provider."),
        ErrorCode::ProviderError | ErrorCode::MalformedResponse | ErrorCode::Network
            if e.retryable =>
        {
            text.push_str(" Retrying in a little while may help.");
        }
        _ => {}
    }
    if let Some(id) = e
        .request_id
        .as_deref()
        .filter(|id| !id.is_empty() && !text.contains(id))
    {
        text.push_str(&format!(" (Request id: {id}.)"));
    }
    text
}
