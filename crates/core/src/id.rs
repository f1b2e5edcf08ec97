//! Who a run goes to and what it runs: [`ProviderId`] and [`ModelId`].
//!
//! Inside the Rust code a provider or a model is one of these `Copy`
//! enums, so a lookup by them is exhaustive and adding a host is a
//! compiler-guided change. Strings appear only at the JS and storage
//! boundaries, through [`ProviderId::parse`] and [`ModelId::parse`]: an id
//! that is not one of these is an error there, never a fallback.

use std::fmt;

/// A hosted provider: DESIGN.md's provider ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderId {
    /// `reve`: Reve's own API.
    Reve,
    /// `fal`
    Fal,
    /// `inference-sh`
    InferenceSh,
    /// `aimlapi`
    AimlApi,
    /// `onerouter`
    OneRouter,
    /// `pixazo`: Pixazo's remix.
    Pixazo,
    /// `pixazo-edit`: Pixazo's single-image edit.
    PixazoEdit,
    /// `replicate`
    Replicate,
    /// `runware`
    Runware,
    /// `atlascloud`
    AtlasCloud,
    /// `wavespeed`
    WaveSpeed,
}

impl ProviderId {
    /// Every provider, in DESIGN.md's order (the order of `providers()`).
    pub const ALL: [Self; 11] = [
        Self::Reve,
        Self::Fal,
        Self::InferenceSh,
        Self::AimlApi,
        Self::OneRouter,
        Self::Pixazo,
        Self::PixazoEdit,
        Self::Replicate,
        Self::Runware,
        Self::AtlasCloud,
        Self::WaveSpeed,
    ];

    /// The id as JS and storage spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reve => "reve",
            Self::Fal => "fal",
            Self::InferenceSh => "inference-sh",
            Self::AimlApi => "aimlapi",
            Self::OneRouter => "onerouter",
            Self::Pixazo => "pixazo",
            Self::PixazoEdit => "pixazo-edit",
            Self::Replicate => "replicate",
            Self::Runware => "runware",
            Self::AtlasCloud => "atlascloud",
            Self::WaveSpeed => "wavespeed",
        }
    }

    /// The provider [`as_str`](Self::as_str) names; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of Reve's models, whichever host sells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelId {
    /// `reve-remix`: Reve Remix (2025), 1–6 references, `<img>N</img>`.
    ReveRemix,
    /// `reve-remix-fast`: its fast variant.
    ReveRemixFast,
    /// `reve-2.1`: Reve 2.1 (2026-07-09), up to 8 references, `<frame>N</frame>`.
    Reve21,
}

impl ModelId {
    /// Every model.
    pub const ALL: [Self; 3] = [Self::ReveRemix, Self::ReveRemixFast, Self::Reve21];

    /// The id as JS and storage spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ReveRemix => "reve-remix",
            Self::ReveRemixFast => "reve-remix-fast",
            Self::Reve21 => "reve-2.1",
        }
    }

    /// The name people read.
    pub const fn name(self) -> &'static str {
        match self {
            Self::ReveRemix => "Reve Remix",
            Self::ReveRemixFast => "Reve Remix Fast",
            Self::Reve21 => "Reve 2.1",
        }
    }

    /// The model [`as_str`](Self::as_str) names; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_reads_back_and_nothing_else_does() {
        for p in ProviderId::ALL {
            assert_eq!(ProviderId::parse(p.as_str()), Some(p));
        }
        for m in ModelId::ALL {
            assert_eq!(ModelId::parse(m.as_str()), Some(m));
        }
        for bad in ["", "Fal", "fal ", "reve-2", "inference_sh"] {
            assert_eq!(ProviderId::parse(bad), None, "{bad}");
            assert_eq!(ModelId::parse(bad), None, "{bad}");
        }
    }
}
