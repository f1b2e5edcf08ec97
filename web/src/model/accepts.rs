//! What the board takes: the limits of the model picked on the chosen
//! provider, and a cap a widget may set lower.

use reve_remix_core::provider::ProviderInfo;

/// What the board takes: the chosen provider's limits, and a cap that may
/// be lower than its own (a widget's `max-images`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Accepts {
    /// The chosen provider.
    pub provider: &'static ProviderInfo,
    /// The most images the board takes.
    pub max: usize,
    /// An image over the limits is shrunk without asking (the widget's
    /// `auto-fit`) instead of offered "Shrink and add".
    pub auto_fit: bool,
}

impl Accepts {
    /// What `provider` takes, capped at `cap` when given.
    pub fn new(provider: &'static ProviderInfo, cap: Option<usize>) -> Self {
        let max = cap.map_or(provider.model.max_images, |m| {
            m.min(provider.model.max_images)
        });
        Self {
            provider,
            max,
            auto_fit: false,
        }
    }

    /// The same, shrinking images over the limits without asking when `on`.
    pub fn fitting(self, on: bool) -> Self {
        Self {
            auto_fit: on,
            ..self
        }
    }

    /// "2 of 6 images (Reve takes up to 6): 4 more can be added."
    pub fn summary(&self, count: usize) -> String {
        let max = self.max;
        let more = match max.saturating_sub(count) {
            0 => "the board is full".to_string(),
            1 => "1 more can be added".to_string(),
            k => format!("{k} more can be added"),
        };
        // A widget's `max-images` may be lower than the provider's limit.
        let who = if max < self.provider.model.max_images {
            "this board"
        } else {
            self.provider.name
        };
        format!("{count} of {max} images ({who} takes up to {max}): {more}.")
    }

    /// Why `name` cannot join a board of `count` images, if it is full.
    pub(crate) fn full(&self, name: &str, count: usize) -> Option<String> {
        let (max, info) = (self.max, self.provider);
        if count < max {
            None
        } else if max < info.model.max_images {
            Some(format!(
                "{name} was not added: this board takes at most {max} reference images; remove one first."
            ))
        } else {
            Some(format!(
                "{name} was not added: {} takes at most {} reference images; remove one first or choose another provider.",
                info.name, info.model.max_images
            ))
        }
    }
}
