//! Tokens only the site can mint: with `REMIX_PROXY_SECRET` set, every
//! request needs `x-remix-proxy-token`, minted by the owner's backend.
//!
//! Format (DESIGN.md's proxy section has a worked example):
//!
//! ```text
//! v1.<expiry>.<subject>.<signature>
//!   expiry     Unix seconds, decimal: the token is refused from then on
//!   subject    base64url (no padding) of an optional id, or empty
//!   signature  base64url (no padding) of HMAC-SHA256(secret, "v1.<expiry>.<subject>")
//! ```
//!
//! The signature is checked in constant time (`hmac`'s `verify_slice`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::refusal::{Code, Refusal};

/// The header a page sends its token in.
pub const TOKEN_HEADER: &str = "x-remix-proxy-token";
/// The environment variable (or Worker secret) holding the secret.
pub const SECRET_ENV: &str = "REMIX_PROXY_SECRET";

type HmacSha256 = Hmac<Sha256>;

/// What a valid token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// When it stops being accepted, in Unix seconds.
    pub expiry: u64,
    /// Who it was minted for, when the backend said.
    pub subject: Option<String>,
}

fn signature(secret: &[u8], signed: &str) -> HmacSha256 {
    // An HMAC key may have any length: `new_from_slice` cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    mac
}

/// A token valid until `expiry` (Unix seconds) for `subject`.
pub fn mint(secret: &[u8], expiry: u64, subject: Option<&str>) -> String {
    let sub = subject.map_or(String::new(), |s| {
        base64_simd::URL_SAFE_NO_PAD.encode_to_string(s.as_bytes())
    });
    let signed = ["v1.", &expiry.to_string(), ".", &sub].concat();
    let sig = signature(secret, &signed).finalize().into_bytes();
    [
        signed.as_str(),
        ".",
        &base64_simd::URL_SAFE_NO_PAD.encode_to_string(sig),
    ]
    .concat()
}

/// Check `token` (the header's value, if any) at `now`: its claims, or the
/// refusal `token_missing` / `token_invalid` with what to do.
pub fn verify(secret: &[u8], token: Option<&str>, now: u64) -> Result<Claims, Refusal> {
    let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(Refusal::new(
            Code::TokenMissing,
            "This proxy needs a token: send the x-remix-proxy-token header with one minted by the site's backend (proxyToken in the client's config).",
        ));
    };
    let invalid = |why: &str| {
        Refusal::new(
            Code::TokenInvalid,
            [
                "The proxy token ",
                why,
                ": ask the site's backend for a new one.",
            ]
            .concat(),
        )
    };
    let mut parts = token.split('.');
    let (Some("v1"), Some(expiry), Some(sub), Some(sig), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid(
            "is not one this proxy mints (v1.<expiry>.<subject>.<signature>)",
        ));
    };
    let signed = &token[..token.len() - sig.len() - 1];
    let sig = base64_simd::URL_SAFE_NO_PAD
        .decode_to_vec(sig.as_bytes())
        .map_err(|_| invalid("has a malformed signature"))?;
    signature(secret, signed)
        .verify_slice(&sig)
        .map_err(|_| invalid("has a wrong signature"))?;
    let expiry: u64 = expiry
        .parse()
        .map_err(|_| invalid("has a malformed expiry"))?;
    if now >= expiry {
        return Err(invalid("has expired"));
    }
    let subject = if sub.is_empty() {
        None
    } else {
        let bytes = base64_simd::URL_SAFE_NO_PAD
            .decode_to_vec(sub.as_bytes())
            .map_err(|_| invalid("has a malformed subject"))?;
        Some(String::from_utf8(bytes).map_err(|_| invalid("has a malformed subject"))?)
    };
    Ok(Claims { expiry, subject })
}

/// The last token a server thread verified, so a page's stream of status
/// reads with one token costs one HMAC, not one per request. A token that
/// equals it byte for byte (compared in constant time: a near miss must not
/// answer faster) is taken at its claims until it expires.
#[derive(Debug, Default)]
pub struct LastVerified {
    last: Option<(String, Claims)>,
}

impl LastVerified {
    /// [`verify`], answered from the last verified token when it is this one.
    pub fn verify(
        &mut self,
        secret: &[u8],
        token: Option<&str>,
        now: u64,
    ) -> Result<Claims, Refusal> {
        if let (Some((kept, claims)), Some(token)) = (&self.last, token.map(str::trim))
            && now < claims.expiry
            && constant_time_eq(kept.as_bytes(), token.as_bytes())
        {
            return Ok(claims.clone());
        }
        let claims = verify(secret, token, now)?;
        if let Some(token) = token {
            self.last = Some((token.trim().to_string(), claims.clone()));
        }
        Ok(claims)
    }
}

/// Let the owner in (`GET /_remix/usage`): `authorization` must be
/// `Bearer <secret>`, compared in time that depends only on the lengths.
/// Without a secret nobody is the owner.
pub fn check_owner(secret: Option<&[u8]>, authorization: Option<&str>) -> Result<(), Refusal> {
    let given = authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim();
    if secret.is_some_and(|s| constant_time_eq(s, given.as_bytes())) {
        return Ok(());
    }
    Err(Refusal::new(
        Code::TokenInvalid,
        "The usage is for the proxy's owner: send Authorization: Bearer <REMIX_PROXY_SECRET> (set that variable where the proxy runs).",
    ))
}

/// Equal bytes, in time that depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"s3cret-of-the-site";

    #[test]
    fn a_minted_token_verifies_until_it_expires() {
        let t = mint(SECRET, 1_000, Some("alice"));
        let claims = verify(SECRET, Some(&t), 999).expect("valid");
        assert_eq!(claims.subject.as_deref(), Some("alice"));
        assert_eq!(
            verify(SECRET, Some(&t), 1_000).expect_err("expired").code,
            Code::TokenInvalid
        );
        let anon = mint(SECRET, 1_000, None);
        assert_eq!(verify(SECRET, Some(&anon), 1).expect("valid").subject, None);
    }

    #[test]
    fn only_the_secret_as_bearer_is_the_owner() {
        assert!(check_owner(Some(SECRET), Some("Bearer s3cret-of-the-site")).is_ok());
        for bad in [None, Some("Bearer guess"), Some("s3cret-of-the-site")] {
            let r = check_owner(Some(SECRET), bad).expect_err("not the owner");
            assert_eq!(r.code, Code::TokenInvalid);
        }
        assert!(
            check_owner(None, Some("Bearer ")).is_err(),
            "no secret, no owner"
        );
    }

    #[test]
    fn the_documented_example_is_what_mint_writes() {
        // DESIGN.md's worked example: secret "example-secret", expiry
        // 1796601600 (2026-12-07 00:00 UTC), subject "user-42".
        let t = mint(b"example-secret", 1_796_601_600, Some("user-42"));
        assert_eq!(
            t,
            "v1.1796601600.dXNlci00Mg.bxZNzoxkxH-5tg1MidM-PYak3dcliDFIqc3rTZlPoTk"
        );
    }

    #[test]
    fn missing_tampered_and_malformed_tokens_are_refused() {
        assert_eq!(
            verify(SECRET, None, 1).expect_err("none").code,
            Code::TokenMissing
        );
        assert_eq!(
            verify(SECRET, Some(" "), 1).expect_err("blank").code,
            Code::TokenMissing
        );
        let t = mint(SECRET, 1_000, Some("alice"));
        let later = t.replacen("v1.1000.", "v1.9000.", 1);
        let other_sub = mint(SECRET, 1_000, Some("bob"));
        let swapped = [
            &t[..t.rfind('.').expect("dot")],
            &other_sub[other_sub.rfind('.').expect("dot")..],
        ]
        .concat();
        let other_secret = mint(b"another", 1_000, Some("alice"));
        for bad in [
            later.as_str(),
            swapped.as_str(),
            other_secret.as_str(),
            "v1.1000..",
            "v2.1000..abc",
            "garbage",
            "v1.x.y.z.w",
            &t[..t.len() - 2],
        ] {
            let r = verify(SECRET, Some(bad), 1).expect_err(bad);
            assert_eq!(r.code, Code::TokenInvalid, "{bad}");
            assert!(
                !r.message
                    .contains(SECRET.escape_ascii().to_string().as_str())
            );
        }
    }

    #[test]
    fn the_last_verified_token_is_taken_until_it_expires_and_no_other() {
        let secret = b"s3cret";
        let token = mint(secret, 100, Some("ana"));
        let mut last = LastVerified::default();
        assert_eq!(
            last.verify(secret, Some(&token), 50).map(|c| c.subject),
            Ok(Some("ana".into()))
        );
        // Again: from the kept one.
        assert!(last.verify(secret, Some(&token), 99).is_ok());
        // Expired, kept or not.
        assert!(last.verify(secret, Some(&token), 100).is_err());
        // A tampered copy of the kept token is checked, and refused.
        let mut tampered = token.clone().into_bytes();
        let end = tampered.len() - 1;
        tampered[end] = if tampered[end] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        let mut last = LastVerified::default();
        assert!(last.verify(secret, Some(&token), 50).is_ok());
        assert!(last.verify(secret, Some(&tampered), 50).is_err());
        assert!(last.verify(secret, None, 50).is_err());
    }
}
