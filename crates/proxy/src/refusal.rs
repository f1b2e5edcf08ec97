//! The proxy's own refusals: a stable code, its HTTP status, and a message
//! that says what to change. Sent as `{"error":{"code","message"}}` with
//! the code also in [`ERROR_HEADER`], so a client can tell the proxy's
//! answer from the provider's.

use reve_remix_core::json::JsonWriter;

pub use reve_remix_core::provider::PROXY_ERROR_HEADER as ERROR_HEADER;

/// Why the proxy answered itself instead of forwarding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// No target URL header.
    TargetMissing,
    /// The target or the provider id is off the table.
    TargetNotAllowed,
    /// A browser page whose origin is not allowed.
    OriginNotAllowed,
    /// No key configured for that provider.
    NoKey,
    /// The body is over `--max-body`.
    BodyTooLarge,
    /// Over `--rate-limit`.
    RateLimited,
    /// The provider cannot be reached.
    UpstreamUnreachable,
    /// The provider did not answer in time.
    UpstreamTimeout,
    /// A submission past `--daily-budget`.
    BudgetExhausted,
    /// A submission past `--client-daily` for this client.
    ClientQuotaExhausted,
    /// `REMIX_PROXY_SECRET` is set and no token came.
    TokenMissing,
    /// The token's signature is wrong, it is malformed, or it expired.
    TokenInvalid,
    /// The `--state` file cannot be read: submissions wait until it is fixed.
    StateUnreadable,
}

impl Code {
    /// Every code, for [`Code::from_name`].
    pub const ALL: [Self; 13] = [
        Self::TargetMissing,
        Self::TargetNotAllowed,
        Self::OriginNotAllowed,
        Self::NoKey,
        Self::BodyTooLarge,
        Self::RateLimited,
        Self::UpstreamUnreachable,
        Self::UpstreamTimeout,
        Self::BudgetExhausted,
        Self::ClientQuotaExhausted,
        Self::TokenMissing,
        Self::TokenInvalid,
        Self::StateUnreadable,
    ];

    /// The code [`as_str`](Self::as_str) names `name`: how the Worker reads
    /// back a refusal its Durable Object sent.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The code as DESIGN.md names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TargetMissing => "target_missing",
            Self::TargetNotAllowed => "target_not_allowed",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::NoKey => "no_key",
            Self::BodyTooLarge => "body_too_large",
            Self::RateLimited => "rate_limited",
            Self::UpstreamUnreachable => "upstream_unreachable",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::BudgetExhausted => "budget_exhausted",
            Self::ClientQuotaExhausted => "client_quota_exhausted",
            Self::TokenMissing => "token_missing",
            Self::TokenInvalid => "token_invalid",
            Self::StateUnreadable => "state_unreadable",
        }
    }

    /// The HTTP status it is sent with.
    pub const fn status(self) -> u16 {
        match self {
            Self::TargetMissing => 400,
            Self::TargetNotAllowed | Self::OriginNotAllowed => 403,
            Self::NoKey | Self::StateUnreadable => 503,
            Self::BodyTooLarge => 413,
            Self::RateLimited | Self::BudgetExhausted | Self::ClientQuotaExhausted => 429,
            Self::TokenMissing | Self::TokenInvalid => 401,
            Self::UpstreamUnreachable => 502,
            Self::UpstreamTimeout => 504,
        }
    }
}

/// A refusal: what the client gets instead of the provider's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The code.
    pub code: Code,
    /// What was wrong and what to do, for a person.
    pub message: String,
    /// Seconds to wait, for `rate_limited`.
    pub retry_after_secs: Option<u64>,
}

impl Refusal {
    /// A refusal with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// `{"error":{"code":…,"message":…}}`
    pub fn body(&self) -> Vec<u8> {
        let mut w = JsonWriter::with_capacity(self.message.len() + 64);
        w.begin_object().key("error").begin_object();
        w.key("code").string(self.code.as_str());
        w.key("message").string(&self.message);
        w.end_object().end_object();
        w.finish()
    }

    /// The headers it is sent with (besides CORS): the content type, the
    /// code, and `Retry-After` when set.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![
            ("content-type", "application/json".to_string()),
            (ERROR_HEADER, self.code.as_str().to_string()),
        ];
        if let Some(s) = self.retry_after_secs {
            h.push(("retry-after", s.to_string()));
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_documented_json() {
        let r = Refusal::new(Code::NoKey, "set \"FAL_KEY\"");
        assert_eq!(
            String::from_utf8(r.body()).expect("utf-8"),
            r#"{"error":{"code":"no_key","message":"set \"FAL_KEY\""}}"#
        );
        assert_eq!(r.code.status(), 503);
    }

    #[test]
    fn every_code_reads_back_from_its_name() {
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
        }
        assert_eq!(Code::from_name("no_such_code"), None);
    }
}
