//! What one remix costs on each host, from the providers' public pages: one
//! table, [`PRICES`], so a change of price is a change of one line. A
//! provider with no public figure has none here (its `price` is `None`),
//! rather than a guess.
//!
//! These are list prices for estimates shown before a run; what a run
//! really cost is what the provider reports after it
//! ([`RemixResult::cost`](crate::job::RemixResult::cost)).

use super::{ProviderInfo, RemixInput};
use crate::id::{ModelId, ProviderId};

/// One remix's list price on a host.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// US dollars for one [`per`](Self::per).
    pub usd: f64,
    /// What the price is for: `"image"` (one remix, one output image).
    pub per: &'static str,
    /// Where the figure comes from.
    pub source: &'static str,
    /// The month it was read there, `YYYY-MM`.
    pub checked: &'static str,
    /// What the provider documents as raising it, or `""`.
    pub raised_by: &'static str,
    /// The dollar price with each upscale factor 2, 3 and 4, where the
    /// provider lists them.
    pub upscaled_usd: Option<[f64; 3]>,
    /// The dollar price on the provider's fast model (a `version` naming
    /// `fast`, e.g. Reve's `latest-fast`), where it lists one.
    pub fast_usd: Option<f64>,
}

/// What a run is expected to cost before it starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// US dollars.
    pub usd: f64,
    /// True when an option the provider charges more for is set and the
    /// surcharge is not published: the run costs at least `usd`.
    pub at_least: bool,
}

/// The table: `(provider, model, price)`. Reve's credits convert at 524.48
/// credits per dollar (Comfy's Reve nodes, `nodes_reve.py`, 2026-03); a
/// remix is 30 credits, and the same file prices the fast model's remix at
/// $0.01001 (5 credits) whatever the upscaling.
pub const PRICES: &[(ProviderId, ModelId, Price)] = &[
    (
        ProviderId::Reve,
        ModelId::ReveRemix,
        Price {
            usd: 30.0 / 524.48,
            per: "image",
            source: "Reve API pricing: 30 credits per remix at 524.48 credits per US$ (via ComfyUI comfy_api_nodes/nodes_reve.py)",
            checked: "2026-03",
            raised_by: "testTimeScaling above 1; upscaling (2×, 3×, 4×)",
            upscaled_usd: Some([0.0686, 0.0819, 0.0991]),
            fast_usd: Some(0.01001),
        },
    ),
    (
        ProviderId::Pixazo,
        ModelId::ReveRemix,
        Price {
            usd: 0.06,
            per: "image",
            source: "pixazo.ai/models/reve-image, Image Editing - Remix (a failed request is not charged)",
            checked: "2026-05",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
    (
        ProviderId::PixazoEdit,
        ModelId::ReveRemix,
        Price {
            usd: 0.06,
            per: "image",
            source: "pixazo.ai/models/reve-image, Image Editing (a failed request is not charged)",
            checked: "2026-05",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
    (
        ProviderId::Fal,
        ModelId::Reve21,
        Price {
            usd: 0.25,
            per: "image",
            source: "fal.ai/models/reve/2.1 (llms.txt: \"$0.25 per images\")",
            checked: "2026-12",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
    (
        ProviderId::Runware,
        ModelId::Reve21,
        Price {
            usd: 0.20,
            per: "image",
            source: "runware.ai/docs/models/reve-2-1 (schema.json x-pricing: \"from $0.2 per image\", a 4K render)",
            checked: "2026-12",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
    (
        ProviderId::AtlasCloud,
        ModelId::Reve21,
        Price {
            usd: 0.24,
            per: "image",
            source: "atlascloud.ai/models/reve-ai/reve-2.1/remix ($0.24 per image, t2i, edit and remix alike)",
            checked: "2026-12",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
    (
        ProviderId::WaveSpeed,
        ModelId::Reve21,
        Price {
            usd: 0.28,
            per: "image",
            source: "wavespeed.ai/models/reve/2.1/remix ($0.28 per run)",
            checked: "2026-12",
            raised_by: "",
            upscaled_usd: None,
            fast_usd: None,
        },
    ),
];

/// The list price of `model` on `provider`, if it publishes one.
pub fn price_of(provider: ProviderId, model: ModelId) -> Option<&'static Price> {
    PRICES
        .iter()
        .find(|(p, m, _)| *p == provider && *m == model)
        .map(|(_, _, price)| price)
}

/// The most expensive priced model of the table: what a run with no
/// published price is counted as where a figure must be had (the proxy's
/// daily budget).
pub fn dearest() -> &'static Price {
    PRICES
        .iter()
        .map(|(_, _, p)| p)
        .fold(&PRICES[0].2, |a, b| if b.usd > a.usd { b } else { a })
}

/// What `input` should cost on `info`'s host with the model `info`
/// describes, if it publishes a price.
pub fn estimate(info: &ProviderInfo, input: &RemixInput) -> Option<Estimate> {
    let price = price_of(info.id, info.model.id)?;
    let upscale = input.upscale_factor.is_some_and(|f| f > 1);
    let more_thinking = input.test_time_scaling.is_some_and(|t| t > 1);
    let fast = input.version.as_deref().is_some_and(|v| v.contains("fast"));
    if let Some(usd) = price.fast_usd.filter(|_| fast) {
        // No surcharge is published for the fast model.
        return Some(Estimate {
            usd,
            at_least: !price.raised_by.is_empty() && (more_thinking || upscale),
        });
    }
    let upscaled = input
        .upscale_factor
        .filter(|f| (2..=4).contains(f))
        .zip(price.upscaled_usd)
        .map(|(f, table)| table[f as usize - 2]);
    let unpriced_upscale = upscale && upscaled.is_none();
    Some(Estimate {
        usd: upscaled.unwrap_or(price.usd),
        at_least: !price.raised_by.is_empty() && (more_thinking || unpriced_upscale),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{pixazo, providers, reve};

    #[test]
    fn every_price_names_a_provider_a_source_and_a_month() {
        for (id, model, price) in PRICES {
            assert!(
                providers()
                    .iter()
                    .any(|p| p.id == *id && p.for_model(*model).is_some()),
                "{id} sells {model}"
            );
            assert!(price.usd > 0.0 && !price.source.is_empty(), "{id}");
            let month = price.checked.as_bytes();
            assert!(
                month.len() == 7 && month[4] == b'-',
                "{id}: {}",
                price.checked
            );
        }
    }

    #[test]
    fn an_estimate_follows_the_options_the_provider_charges_for() {
        let mut input = RemixInput::default();
        let plain = estimate(&reve::INFO, &input).expect("Reve publishes a price");
        assert!((plain.usd - 0.0572).abs() < 0.0001 && !plain.at_least);
        input.upscale_factor = Some(3);
        assert_eq!(estimate(&reve::INFO, &input).map(|e| e.usd), Some(0.0819));
        input.test_time_scaling = Some(3);
        assert!(estimate(&reve::INFO, &input).is_some_and(|e| e.at_least));
        let pixazo = estimate(&pixazo::INFO, &input).expect("Pixazo publishes a price");
        assert_eq!((pixazo.usd, pixazo.at_least), (0.06, false));
        let edit = estimate(&pixazo::EDIT_INFO, &input).expect("and one for its edit");
        assert_eq!((edit.usd, edit.at_least), (0.06, false));
    }

    #[test]
    fn reves_fast_model_has_its_own_price() {
        let mut input = RemixInput {
            version: Some("latest-fast".into()),
            ..RemixInput::default()
        };
        let fast = estimate(&reve::INFO, &input).expect("priced");
        assert_eq!((fast.usd, fast.at_least), (0.01001, false));
        input.version = Some("reve-remix-fast@20251030".into());
        input.upscale_factor = Some(2);
        let upscaled = estimate(&reve::INFO, &input).expect("priced");
        assert_eq!(
            (upscaled.usd, upscaled.at_least),
            (0.01001, true),
            "its upscaling surcharge is not published"
        );
        input.version = Some("reve-remix@20250915".into());
        assert_eq!(estimate(&reve::INFO, &input).map(|e| e.usd), Some(0.0686));
        let pixazo = estimate(
            &pixazo::INFO,
            &RemixInput {
                version: Some("latest-fast".into()),
                ..RemixInput::default()
            },
        );
        assert_eq!(
            pixazo.map(|e| e.usd),
            Some(0.06),
            "no fast price: the list price"
        );
    }

    #[test]
    fn a_provider_without_a_public_price_has_no_estimate() {
        for p in providers()
            .iter()
            .filter(|p| price_of(p.id, p.model.id).is_none())
        {
            assert_eq!(estimate(p, &RemixInput::default()), None, "{}", p.id);
        }
        assert!(
            price_of(ProviderId::Fal, ModelId::ReveRemix).is_none(),
            "no public figure for fal's remix was found"
        );
        let fal_2_1 = crate::provider::fal::INFO.for_model(ModelId::Reve21);
        assert_eq!(
            fal_2_1
                .and_then(|i| estimate(&i, &RemixInput::default()))
                .map(|e| e.usd),
            Some(0.25),
            "but fal publishes one for Reve 2.1"
        );
        assert_eq!(dearest().usd, 0.28);
    }
}
