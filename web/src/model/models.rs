//! Which of Reve's models a run uses on its provider ("Model", beside
//! "Provider"): the ones the provider sells, the one it opens on, what each
//! is called in a select and on a comparison's card, and the table entry
//! with that model's limits, which everything that reads limits uses.

use std::sync::OnceLock;

use reve_remix_core::prompt::ReferenceSyntax;
use reve_remix_core::provider::{self, ModelId, ProviderInfo, price_of};

use super::format;

/// The table entry of provider `id`, or the first provider's.
pub fn info_for(id: &str) -> &'static ProviderInfo {
    let all = provider::providers();
    all.iter()
        .find(|p| p.id.as_str() == id)
        .or_else(|| all.first())
        .unwrap_or(&provider::reve::INFO)
}

/// The model a provider opens on: Reve 2.1 where it sells it (eight
/// references, the newer model), else the provider's own default.
pub fn default_model(info: &ProviderInfo) -> ModelId {
    if info.model_ids().any(|m| m == ModelId::Reve21) {
        ModelId::Reve21
    } else {
        info.model.id
    }
}

/// `model` if provider `id` sells it, else the provider's [`default_model`].
pub fn sold_or_default(id: &str, model: Option<ModelId>) -> ModelId {
    let info = info_for(id);
    model
        .filter(|m| info.model_ids().any(|s| s == *m))
        .unwrap_or_else(|| default_model(info))
}

/// Every (provider, model) pair's entry, built once: the app hands
/// `&'static ProviderInfo` around, and the table holds only the defaults.
fn entries() -> &'static [ProviderInfo] {
    static ENTRIES: OnceLock<Vec<ProviderInfo>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        provider::providers()
            .iter()
            .flat_map(|p| p.models.iter().map(|m| p.with_model(*m)))
            .collect()
    })
}

/// Provider `id`'s entry for `model` (limits, syntax, options, price are
/// the model's); the provider's default model's when it does not sell it.
pub fn entry(id: &str, model: ModelId) -> &'static ProviderInfo {
    let info = info_for(id);
    let model = sold_or_default(info.id.as_str(), Some(model));
    entries()
        .iter()
        .find(|e| e.id == info.id && e.model.id == model)
        .unwrap_or(info)
}

/// Every (provider, model) pair, in the table's order, each provider's
/// models default first: a comparison's possible cards (built once).
pub fn pairs() -> &'static [(&'static str, ModelId)] {
    static PAIRS: OnceLock<Vec<(&'static str, ModelId)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        provider::providers()
            .iter()
            .flat_map(|p| p.models.iter().map(|m| (p.id.as_str(), m.id)))
            .collect()
    })
}

/// What a card and its checkbox call a run: `fal (Reve 2.1)` where the
/// provider sells several models, else the provider's name.
pub fn run_name(info: &ProviderInfo) -> String {
    if info.models.len() > 1 {
        format!("{} ({})", info.name, info.model.id.name())
    } else {
        info.name.to_string()
    }
}

/// A "Model" option: `Reve 2.1, $0.25 per image`, or the bare name where
/// the table has no price.
pub fn option_label(provider: &ProviderInfo, model: ModelId) -> String {
    match price_of(provider.id, model) {
        Some(p) => format!("{}, {} per {}", model.name(), format::usd(p.usd), p.per),
        None => model.name().to_string(),
    }
}

/// Why the model picked is the one it opens on, and what it takes.
pub fn why(info: &ProviderInfo) -> String {
    let m = &info.model;
    let tag = tag(tag_syntax(info), "N");
    let newest = if m.id == ModelId::Reve21 {
        " (the newest model)"
    } else {
        ""
    };
    format!(
        "{}{newest} takes up to {} references, written {tag} in the prompt, and up to {} characters.",
        m.id.name(),
        m.max_images,
        m.prompt_max_chars
    )
}

/// How the page writes a reference for `info`'s model: `<frame>N</frame>`
/// for Reve 2.1, else `<img>N</img>` (the core turns it into a host's own
/// spelling, such as inference.sh's bare number, when it sends).
pub fn tag_syntax(info: &ProviderInfo) -> ReferenceSyntax {
    match info.model.reference_syntax {
        ReferenceSyntax::FrameTag => ReferenceSyntax::FrameTag,
        _ => ReferenceSyntax::ImgTag,
    }
}

/// Reference `n` as `syntax` writes it: `<frame>2</frame>`, `<img>2</img>`.
pub fn tag(syntax: ReferenceSyntax, n: &str) -> String {
    match syntax {
        ReferenceSyntax::FrameTag => format!("<frame>{n}</frame>"),
        _ => format!("<img>{n}</img>"),
    }
}

/// Where a comparison card's job and result are kept: the provider's id
/// alone for its table default (the key earlier versions wrote, so their
/// jobs resume on that model), `<id>.<model>` for another model.
pub fn lane_key(id: &str, model: ModelId) -> String {
    if info_for(id).model.id == model {
        id.to_string()
    } else {
        format!("{id}.{model}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reve_2_1_is_picked_where_sold_and_each_entry_has_its_models_limits() {
        assert_eq!(default_model(info_for("fal")), ModelId::Reve21);
        assert_eq!(default_model(info_for("wavespeed")), ModelId::Reve21);
        assert_eq!(default_model(info_for("inference-sh")), ModelId::ReveRemix);
        let fal21 = entry("fal", ModelId::Reve21);
        assert_eq!(
            (fal21.model.max_images, fal21.model.prompt_max_chars),
            (8, 4000)
        );
        assert_eq!(entry("fal", ModelId::ReveRemix).model.max_images, 6);
        // A model the provider does not sell reads as its default.
        assert_eq!(
            entry("runware", ModelId::ReveRemix).model.id,
            ModelId::Reve21
        );
        assert_eq!(
            sold_or_default("inference-sh", Some(ModelId::Reve21)),
            ModelId::ReveRemix
        );
    }

    #[test]
    fn names_say_the_model_only_where_the_provider_sells_several() {
        assert_eq!(run_name(entry("fal", ModelId::Reve21)), "fal (Reve 2.1)");
        assert_eq!(run_name(entry("runware", ModelId::Reve21)), "Runware");
        assert_eq!(run_name(info_for("inference-sh")), "inference.sh");
        let fal = info_for("fal");
        assert_eq!(
            option_label(fal, ModelId::Reve21),
            "Reve 2.1, $0.25 per image"
        );
        assert_eq!(option_label(fal, ModelId::ReveRemix), "Reve Remix");
        assert!(why(entry("fal", ModelId::Reve21)).starts_with(
            "Reve 2.1 (the newest model) takes up to 8 references, written <frame>N</frame>"
        ));
        assert_eq!(pairs().iter().filter(|(p, _)| *p == "fal").count(), 2);
    }

    #[test]
    fn references_are_written_in_the_models_syntax() {
        let frame = tag_syntax(entry("fal", ModelId::Reve21));
        assert_eq!(tag(frame, "3"), "<frame>3</frame>");
        assert_eq!(tag(tag_syntax(info_for("fal")), "3"), "<img>3</img>");
        assert_eq!(
            tag_syntax(info_for("inference-sh")),
            ReferenceSyntax::ImgTag,
            "written as tags on the page; the core sends bare numbers"
        );
    }

    #[test]
    fn a_cards_storage_key_is_the_old_one_for_the_tables_default() {
        assert_eq!(lane_key("fal", ModelId::ReveRemix), "fal");
        assert_eq!(lane_key("fal", ModelId::Reve21), "fal.reve-2.1");
        assert_eq!(lane_key("runware", ModelId::Reve21), "runware");
    }
}
