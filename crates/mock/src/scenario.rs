//! Fault scenarios, chosen by the API key's value, and reading the key from
//! each provider's auth header.

use axum::http::HeaderMap;

/// What the mock does for a request, decided by the API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// Any other non-empty key: everything works.
    Normal,
    /// `mock-429`: every submit is rate limited (`Retry-After`), in the provider's shape.
    RateLimited,
    /// `mock-429-hidden`: as `mock-429`, but the answer does not expose its
    /// headers to a page (no `Access-Control-Expose-Headers`), as most
    /// providers answer browsers: the page sees the 429 and no `Retry-After`.
    RateLimitedUnexposed,
    /// `mock-500`: every submit is a server error.
    ServerError,
    /// `mock-401`: the key is refused.
    Unauthorized,
    /// `mock-402`: out of credits.
    PaymentRequired,
    /// `mock-malformed`: submit answers 200 with broken JSON.
    Malformed,
    /// `mock-violation`: a content violation, the provider's way.
    Violation,
    /// `mock-stuck`: queued jobs never finish; synchronous calls hang (capped).
    Stuck,
    /// `mock-drop`: submit sends headers and part of the body, then drops the connection.
    Drop,
    /// `mock-slow`: everything takes `Config::slow_factor` times longer.
    Slow,
    /// `mock-fail`: the job fails.
    Fail,
    /// `mock-bare`: inference.sh answers without the `{data: …}` wrapper.
    EnvelopeBare,
    /// `mock-legacy`: inference.sh answers in the old `{success, data, error}` envelope.
    EnvelopeLegacy,
    /// `mock-partner-closed`: a queued job is accepted, then fails with
    /// `PARTNER_API_CLOSED`, as resold Reve jobs fail since Reve retired its
    /// API on 2026-08-14 (seen on Replicate's `reve/reve-2.1`).
    PartnerClosed,
}

/// Every scenario key with a one-line description, for `GET /`.
pub const SCENARIOS: [(&str, &str); 14] = [
    (
        "mock-429",
        "every submit answers 429 with Retry-After: 2, in the provider's error shape (a retry gets 429 again; Atlas Cloud: no Retry-After, as it documents)",
    ),
    (
        "mock-429-hidden",
        "as mock-429, but without Access-Control-Expose-Headers: a page cannot read the Retry-After",
    ),
    (
        "mock-500",
        "every submit answers 500 in the provider's error shape",
    ),
    (
        "mock-401",
        "the key is refused: 401 in the provider's error shape",
    ),
    (
        "mock-402",
        "out of credits: 402 (AIML API: 403; fal: 403 'Exhausted balance'; Runware: insufficientCredits)",
    ),
    (
        "mock-malformed",
        "submit answers 200 with a body that is not valid JSON",
    ),
    (
        "mock-violation",
        "content violation: Reve 200 content_violation:true without image; AIML API 201 with content_violation:true and no url; \
         OneRouter 403 moderation; queued providers: the job fails with a content-policy message",
    ),
    (
        "mock-stuck",
        "queued jobs never finish; synchronous calls hang up to Config::hang_limit (120 s), then answer a timeout error",
    ),
    (
        "mock-drop",
        "submit sends the headers and part of the body, then drops the connection",
    ),
    (
        "mock-slow",
        "everything takes Config::slow_factor (4) times longer",
    ),
    (
        "mock-fail",
        "the job fails (synchronous providers: a 5xx generation error)",
    ),
    (
        "mock-bare",
        "inference.sh answers bare JSON, without the {data: …} wrapper",
    ),
    (
        "mock-legacy",
        "inference.sh answers in the old {success, data, error} envelope",
    ),
    (
        "mock-partner-closed",
        "queued jobs are accepted, then fail with PARTNER_API_CLOSED (Reve's API retired 2026-08-14); synchronous providers answer normally",
    ),
];

impl Scenario {
    /// The scenario a key selects.
    pub fn from_key(key: &str) -> Self {
        match key {
            "mock-429" => Self::RateLimited,
            "mock-429-hidden" => Self::RateLimitedUnexposed,
            "mock-500" => Self::ServerError,
            "mock-401" => Self::Unauthorized,
            "mock-402" => Self::PaymentRequired,
            "mock-malformed" => Self::Malformed,
            "mock-violation" => Self::Violation,
            "mock-stuck" => Self::Stuck,
            "mock-drop" => Self::Drop,
            "mock-slow" => Self::Slow,
            "mock-fail" => Self::Fail,
            "mock-bare" => Self::EnvelopeBare,
            "mock-legacy" => Self::EnvelopeLegacy,
            "mock-partner-closed" => Self::PartnerClosed,
            _ => Self::Normal,
        }
    }

    /// The key's text when it names a scenario (safe to print), else `None`.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::Normal => return None,
            Self::RateLimited => "mock-429",
            Self::RateLimitedUnexposed => "mock-429-hidden",
            Self::ServerError => "mock-500",
            Self::Unauthorized => "mock-401",
            Self::PaymentRequired => "mock-402",
            Self::Malformed => "mock-malformed",
            Self::Violation => "mock-violation",
            Self::Stuck => "mock-stuck",
            Self::Drop => "mock-drop",
            Self::Slow => "mock-slow",
            Self::Fail => "mock-fail",
            Self::EnvelopeBare => "mock-bare",
            Self::EnvelopeLegacy => "mock-legacy",
            Self::PartnerClosed => "mock-partner-closed",
        })
    }
}

/// Why a request's credentials were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No auth header at all.
    Missing,
    /// The header is there but not in the provider's form (wrong scheme, empty key).
    Malformed,
    /// The key is well formed but refused (`mock-401`).
    Invalid,
}

/// How a provider wants its key sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`
    Bearer,
    /// `Authorization: Key <key>` (fal)
    FalKey,
    /// `Authorization: <key>`, or `Bearer <key>` (OneRouter; Bearer is unverified, so both pass)
    RawOrBearer,
    /// `Ocp-Apim-Subscription-Key: <key>` (Pixazo)
    ApimKey,
}

/// Check the request's credentials the provider's way; the scenario the key selects.
pub fn authenticate(headers: &HeaderMap, style: AuthStyle) -> Result<Scenario, AuthError> {
    let key = match style {
        AuthStyle::ApimKey => {
            let value = headers
                .get("ocp-apim-subscription-key")
                .ok_or(AuthError::Missing)?;
            value.to_str().map_err(|_| AuthError::Malformed)?.trim()
        }
        _ => {
            let value = headers.get("authorization").ok_or(AuthError::Missing)?;
            let value = value.to_str().map_err(|_| AuthError::Malformed)?.trim();
            let (scheme, rest) = match value.split_once(' ') {
                Some((s, r)) => (Some(s), r.trim()),
                None => (None, value),
            };
            match (style, scheme) {
                (AuthStyle::Bearer, Some(s)) if s.eq_ignore_ascii_case("bearer") => rest,
                (AuthStyle::FalKey, Some(s)) if s.eq_ignore_ascii_case("key") => rest,
                (AuthStyle::RawOrBearer, Some(s)) if s.eq_ignore_ascii_case("bearer") => rest,
                (AuthStyle::RawOrBearer, None) => rest,
                _ => return Err(AuthError::Malformed),
            }
        }
    };
    if key.is_empty() {
        return Err(AuthError::Malformed);
    }
    match Scenario::from_key(key) {
        Scenario::Unauthorized => Err(AuthError::Invalid),
        s => Ok(s),
    }
}

/// How the request log names the key: the scenario name for `mock-*` keys,
/// `***` for any other key, `-` when there is none. Never the key itself.
pub fn key_label(headers: &HeaderMap) -> &'static str {
    let raw = headers
        .get("authorization")
        .or_else(|| headers.get("ocp-apim-subscription-key"))
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match raw {
        None | Some("") => "-",
        Some(v) => {
            let key = v.rsplit(' ').next().unwrap_or(v);
            Scenario::from_key(key).name().unwrap_or("***")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn log_labels_never_show_a_key() {
        assert_eq!(key_label(&HeaderMap::new()), "-");
        assert_eq!(
            key_label(&headers("authorization", "Bearer sk-live-secret")),
            "***"
        );
        assert_eq!(
            key_label(&headers("authorization", "sk-live-secret")),
            "***"
        );
        assert_eq!(
            key_label(&headers("authorization", "Key mock-429")),
            "mock-429"
        );
        assert_eq!(
            key_label(&headers("ocp-apim-subscription-key", "mock-stuck")),
            "mock-stuck"
        );
        assert_eq!(
            key_label(&headers("ocp-apim-subscription-key", "mock-secret")),
            "***"
        );
    }

    #[test]
    fn auth_styles() {
        let ok = |h: &HeaderMap, s| authenticate(h, s).is_ok();
        assert!(ok(&headers("authorization", "Bearer k"), AuthStyle::Bearer));
        assert!(!ok(&headers("authorization", "Key k"), AuthStyle::Bearer));
        assert!(!ok(&headers("authorization", "k"), AuthStyle::Bearer));
        assert!(ok(&headers("authorization", "Key k"), AuthStyle::FalKey));
        assert!(!ok(
            &headers("authorization", "Bearer k"),
            AuthStyle::FalKey
        ));
        assert!(ok(&headers("authorization", "k"), AuthStyle::RawOrBearer));
        assert!(ok(
            &headers("authorization", "Bearer k"),
            AuthStyle::RawOrBearer
        ));
        assert!(!ok(
            &headers("authorization", "Key k"),
            AuthStyle::RawOrBearer
        ));
        assert!(ok(
            &headers("ocp-apim-subscription-key", "k"),
            AuthStyle::ApimKey
        ));
        assert!(!ok(
            &headers("authorization", "Bearer k"),
            AuthStyle::ApimKey
        ));
        assert_eq!(
            authenticate(&HeaderMap::new(), AuthStyle::Bearer),
            Err(AuthError::Missing)
        );
        assert_eq!(
            authenticate(&headers("authorization", "Bearer "), AuthStyle::Bearer),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            authenticate(
                &headers("authorization", "Bearer mock-401"),
                AuthStyle::Bearer
            ),
            Err(AuthError::Invalid)
        );
        assert_eq!(
            authenticate(
                &headers("authorization", "Bearer mock-fail"),
                AuthStyle::Bearer
            ),
            Ok(Scenario::Fail)
        );
    }
}
