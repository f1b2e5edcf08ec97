//! What a run is expected to cost, in words beside "Remix": the provider's
//! list price from the core's table, or that it publishes none. What a run
//! did cost is what the provider reports ([`super::Finished::credits`]).

use reve_remix_core::provider::{self, ProviderInfo, RemixInput};

use super::format;

/// `Estimated cost: $0.057 (Reve's list price, 2026-03)`, `at least` when
/// an option the provider charges more for is set, or why there is none.
pub fn estimate_text(info: &ProviderInfo, input: &RemixInput) -> String {
    match provider::estimate(info, input).zip(provider::price_of(info.id, info.model.id)) {
        Some((e, price)) => format!(
            "Estimated cost: {}{} per image ({}'s list price, {}).",
            if e.at_least { "at least " } else { "" },
            format::usd(e.usd),
            info.name,
            price.checked
        ),
        None => format!(
            "{} publishes no price per remix: see its pricing page.",
            info.name
        ),
    }
}

/// A comparison's card before its run: `Estimated cost: $0.057.`, or that
/// the provider publishes no price.
pub fn lane_text(lane: &super::Lane) -> String {
    match lane.estimate {
        Some(e) => format!(
            "Estimated cost: {}{}.",
            if e.at_least { "at least " } else { "" },
            format::usd(e.usd)
        ),
        None => format!("{} publishes no price per remix.", lane.info.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reve_remix_core::provider::{fal, pixazo, reve};

    #[test]
    fn the_estimate_names_the_price_its_source_month_and_what_raises_it() {
        let mut input = RemixInput::default();
        assert_eq!(
            estimate_text(&reve::INFO, &input),
            "Estimated cost: $0.057 per image (Reve's list price, 2026-03)."
        );
        input.test_time_scaling = Some(3);
        assert!(estimate_text(&reve::INFO, &input).starts_with("Estimated cost: at least $0.057"));
        assert!(
            estimate_text(&pixazo::INFO, &input).starts_with("Estimated cost: $0.06 per image")
        );
        assert_eq!(
            estimate_text(&fal::INFO, &input),
            "fal publishes no price per remix: see its pricing page."
        );
    }

    #[test]
    fn dollars_read_to_a_tenth_of_a_cent() {
        assert_eq!(format::usd(0.06), "$0.06");
        assert_eq!(format::usd(0.0572), "$0.057");
        assert_eq!(format::usd(0.0819), "$0.082");
        assert_eq!(format::usd(12.5), "$12.50");
        assert_eq!(format::usd(f64::NAN), "$0.00");
    }
}
