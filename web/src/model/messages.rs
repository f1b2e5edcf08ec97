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
    // The proxy's own refusals (budget, quota, token) already say what to
    // do, in its words: the provider's advice would mislead.
    let proxy = text.starts_with("The proxy refused");
    match e.code {
        ErrorCode::RateLimited => match e.retry_after_secs {
            Some(secs) if !proxy => text.push_str(&format!(
                " The provider asked to wait {secs} s: retry after {secs} s."
            )),
            None if !proxy => text.push_str(" Wait a minute, then retry."),
            _ => {}
        },
        ErrorCode::Unauthorized if proxy && text.contains("token") => {
            text.push_str(" Check the \"Proxy token\".");
        }
        // Another refusal (an origin not allowed): the proxy's words say it.
        ErrorCode::Unauthorized if proxy => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_refusal_keeps_its_own_words_and_names_the_token_field() {
        let said = "The proxy refused the fal request (budget_exhausted): The proxy's daily budget ($0.10) is spent; it resets in 5 h 3 min, at midnight UTC. Try again then.";
        let spent = RemixError::new(ErrorCode::RateLimited, said).with_retry_after(5 * 3600 + 180);
        assert_eq!(explain(&spent), said);
        let token = RemixError::new(
            ErrorCode::Unauthorized,
            "The proxy refused the fal request (token_invalid): the token has expired",
        );
        assert!(explain(&token).ends_with("expired. Check the \"Proxy token\"."));
        assert!(!explain(&token).contains("API key"));
    }
}
