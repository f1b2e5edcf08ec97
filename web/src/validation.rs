//! Every problem the core would reject, found before "Remix" is pressed and
//! shown next to the control it is about. The checks are the core's own
//! (`prompt::check`, the provider table); image files were already checked
//! by `image::inspect` when they joined the board.

use leptos::prelude::*;
use reve_remix_core::prompt;
use reve_remix_core::provider::{ImageTransport, RemixOption};

use crate::request;
use crate::state::{AppState, Source};

/// What stands between the input and a run, by control.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    /// About the board: none, too many, or the wrong kind for the provider.
    pub images: Option<String>,
    /// About the prompt: empty, too long, an unknown reference.
    pub prompt: Option<String>,
    /// About a reference to a removed image, flagged until the user looks.
    pub orphaned: Option<String>,
    /// About an option's value.
    pub options: Option<String>,
    /// About the API key.
    pub key: Option<String>,
}

impl Problems {
    /// The first problem, in the order of the page: why "Remix" is disabled.
    pub fn first(&self) -> Option<&str> {
        [
            &self.images,
            &self.prompt,
            &self.orphaned,
            &self.options,
            &self.key,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .next()
    }
}

/// The problems of the current input (tracked).
pub fn problems(state: AppState) -> Problems {
    let info = state.info();
    let n = state.images.with(Vec::len);
    let images = if n == 0 {
        Some(format!(
            "Add at least one reference image ({} takes 1 to {}).",
            info.name, info.max_images
        ))
    } else if n > info.max_images {
        let over = n - info.max_images;
        Some(format!(
            "{} takes at most {} reference images; remove {over} or choose another provider.",
            info.name, info.max_images
        ))
    } else {
        state.images.with(|v| {
            v.iter().enumerate().find_map(|(i, img)| match (&img.source, info.transport) {
                (Source::Url(_), ImageTransport::Base64) => Some(format!(
                    "{} takes image files, not URLs: remove reference {i} or choose another provider.",
                    info.name
                )),
                (Source::Bytes(_), ImageTransport::Url) => Some(format!(
                    "{} only takes public https URLs of images: reference {i} ({}) is a file. Add images by URL or choose another provider.",
                    info.name, img.name
                )),
                (Source::Url(u), ImageTransport::Url)
                    if !u.to_ascii_lowercase().starts_with("https://") =>
                {
                    Some(format!("{} only takes https URLs: reference {i} is not one.", info.name))
                }
                _ => None,
            })
        })
    };

    let prompt = state.prompt.with(|p| {
        if let Err(e) = prompt::check(p, n) {
            return Some(e.message);
        }
        let chars = prompt::char_count(p);
        (chars > info.prompt_max_chars).then(|| {
            format!(
                "The prompt is {chars} characters; {} takes at most {}.",
                info.name, info.prompt_max_chars
            )
        })
    });

    let orphans = state.orphaned.with(Vec::len);
    let orphaned = (orphans > 0).then(|| {
        if orphans == 1 {
            "The prompt refers to an image that was removed (marked below): fix the reference or keep it as is.".to_string()
        } else {
            format!("The prompt has {orphans} references to images that were removed (marked below): fix them or keep them as they are.")
        }
    });

    let options = state.options.with(|o| {
        if info.supports(RemixOption::TestTimeScaling) && !o.test_time_scaling.trim().is_empty() {
            let (lo, hi) = info.test_time_scaling.unwrap_or((1, 1));
            match o.test_time_scaling.trim().parse::<u32>() {
                Ok(t) if (lo..=hi).contains(&t) => {}
                _ => {
                    return Some(format!(
                        "Test-time scaling must be a whole number from {lo} to {hi} on {}.",
                        info.name
                    ));
                }
            }
        }
        if info.supports(RemixOption::Version) && o.version.len() > 100 {
            return Some(
                "The version is too long; use a model version such as \"latest\".".to_string(),
            );
        }
        None
    });

    // A proxy adds the key itself.
    let proxied = state.proxy_url.with(|p| !p.trim().is_empty());
    let key = (request::effective_key(state).is_none() && !proxied).then(|| {
        format!(
            "{} needs an API key: paste it in \"API key\", or use the local mock provider.",
            info.name
        )
    });
    Problems {
        images,
        prompt,
        orphaned,
        options,
        key,
    }
}
