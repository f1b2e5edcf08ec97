//! The one table of what the proxy forwards, per provider. Its API host,
//! routes (method + path) and auth header come from the core's
//! [`ProviderInfo`], the same entry the client builds its requests from,
//! so the two cannot disagree; what only a server needs is here: the
//! environment variable of the key, the hosts result images are served
//! from, and the page headers passed on.
//!
//! Result hosts come from the providers' pages (`../shared/providers/`)
//! where those show a result URL; the rest are *unverified* and say so.

use reve_remix_core::provider::{self, ProviderId, ProviderInfo};

/// What the proxy knows of one provider, beyond the core's table entry.
#[derive(Debug, PartialEq, Eq)]
pub struct ProxyEntry {
    /// The provider.
    pub provider: ProviderId,
    /// The environment variable (or Worker secret) holding its key.
    pub key_env: &'static str,
    /// Hosts its result images are served from (https, default port,
    /// GET only, never with a key); `*.example.com` is any subdomain.
    pub result_hosts: &'static [&'static str],
    /// Page request headers passed on besides the common ones
    /// (lowercase; a trailing `*` is a prefix).
    pub page_headers: &'static [&'static str],
}

impl ProxyEntry {
    /// The core's table entry.
    pub fn info(&self) -> &'static ProviderInfo {
        provider::info(self.provider)
    }

    /// The host of its API (the core's `base_url` is `https://host`).
    pub fn api_host(&self) -> &'static str {
        let base = self.info().base_url;
        base.strip_prefix("https://").unwrap_or(base)
    }

    /// True if `host` serves its result images.
    pub fn is_result_host(&self, host: &str) -> bool {
        self.result_hosts
            .iter()
            .any(|pattern| match pattern.strip_prefix("*.") {
                Some(domain) => host
                    .strip_suffix(domain)
                    .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
                None => host == *pattern,
            })
    }
}

/// Every provider, in DESIGN.md's order.
pub static TABLE: [ProxyEntry; ProviderId::ALL.len()] = [
    ProxyEntry {
        provider: ProviderId::Reve,
        key_env: "REVE_API_KEY",
        // Reve answers with the image itself (base64 in the JSON).
        result_hosts: &[],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::Fal,
        key_env: "FAL_KEY",
        // *Unverified*: fal's result URLs seen in its docs are on
        // fal.media and its subdomains (v3.fal.media).
        result_hosts: &["fal.media", "*.fal.media"],
        // fal's client sends its request options as x-fal-* headers, and
        // fal's own server proxy passes them on.
        page_headers: &["x-fal-*"],
    },
    ProxyEntry {
        provider: ProviderId::InferenceSh,
        key_env: "INFERENCE_API_KEY",
        // Its page: uploaded and produced files are `https://cloud.inference.sh/…`.
        result_hosts: &["cloud.inference.sh"],
        // What inference.sh's own proxy passes on (sdk-js `proxy/index.ts`):
        // X-API-Version picks the answer's shape.
        page_headers: &["x-api-version", "x-client-source", "x-inf-*"],
    },
    ProxyEntry {
        provider: ProviderId::AimlApi,
        key_env: "AIMLAPI_KEY",
        // Its page shows results on cdn.aimlapi.com.
        result_hosts: &["cdn.aimlapi.com"],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::OneRouter,
        key_env: "ONEROUTER_API_KEY",
        // *Unverified*: its page shows no result URL (b64_json is inline).
        result_hosts: &[],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::Pixazo,
        key_env: "PIXAZO_API_KEY",
        // Its page shows `output.media_url` on this R2 bucket.
        result_hosts: &[PIXAZO_RESULTS],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::PixazoEdit,
        key_env: "PIXAZO_API_KEY",
        result_hosts: &[PIXAZO_RESULTS],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::Replicate,
        key_env: "REPLICATE_API_TOKEN",
        // Replicate serves prediction outputs from replicate.delivery
        // (pbxt.replicate.delivery and the like).
        result_hosts: &["replicate.delivery", "*.replicate.delivery"],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::Runware,
        key_env: "RUNWARE_API_KEY",
        // *Unverified*: Runware's docs show `imageURL`s on im.runware.ai.
        result_hosts: &["im.runware.ai"],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::AtlasCloud,
        key_env: "ATLASCLOUD_API_KEY",
        // *Unverified*: no page read shows where `outputs` are served from.
        result_hosts: &[],
        page_headers: &[],
    },
    ProxyEntry {
        provider: ProviderId::WaveSpeed,
        key_env: "WAVESPEED_API_KEY",
        // *Unverified*: no page read shows where `outputs` are served from.
        result_hosts: &[],
        page_headers: &[],
    },
];

/// Pixazo's result bucket, from its page.
const PIXAZO_RESULTS: &str = "pub-582b7213209642b9b995c96c95a30381.r2.dev";

/// The entry of the provider named `id` (a header's value); `None` for
/// a name that is not a provider's.
pub fn entry(id: &str) -> Option<&'static ProxyEntry> {
    let id = ProviderId::parse(id)?;
    TABLE.iter().find(|e| e.provider == id)
}

/// Every provider id.
pub fn ids() -> Vec<&'static str> {
    TABLE.iter().map(|e| e.provider.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_the_cores_providers_in_order() {
        let core: Vec<&str> = provider::providers()
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(ids(), core);
        for e in &TABLE {
            assert_eq!(e.info().id, e.provider);
            let base = e.info().base_url;
            assert!(
                base.starts_with("https://") && !e.api_host().contains(['/', ':', '@']),
                "{}: the core's base_url must be https://host, got {base}",
                e.provider
            );
            assert!(!e.info().routes.is_empty(), "{} has no routes", e.provider);
        }
    }

    #[test]
    fn wildcard_result_hosts_take_subdomains_only() {
        let fal = entry("fal").expect("fal");
        assert!(fal.is_result_host("fal.media"));
        assert!(fal.is_result_host("v3.fal.media"));
        assert!(!fal.is_result_host("evilfal.media"));
        assert!(!fal.is_result_host(".fal.media"));
        assert!(!fal.is_result_host("fal.media.evil.test"));
        assert!(!entry("reve").expect("reve").is_result_host("fal.media"));
    }
}
