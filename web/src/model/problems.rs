//! Every problem the core would reject, found before "Remix" is pressed and
//! shown next to the control it is about. The checks are the core's own
//! ([`problems_judged`], with the headers the board read as files were
//! added): this file only sorts them by control.

use reve_remix_core::image::{self, ImageLimits};
use reve_remix_core::provider::{Field, problems_judged};
use reve_remix_core::{ErrorCode, RemixError};

use super::{Board, Settings};

/// What stands between the page's input and a run, by control: the first
/// problem about each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    /// About the model asked for by name (the widget's `model`): one the
    /// provider does not sell.
    pub model: Option<String>,
    /// About the board: none, too many, or one the provider cannot take.
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
    /// The problems of a run with `settings` and `board` now.
    pub fn of(settings: &Settings, board: &Board) -> Self {
        let info = settings.info();
        let mut by_control = Self {
            orphaned: board.orphan_warning(),
            options: settings.options.unreadable(info),
            model: settings.choice_problem().map(|e| e.message),
            ..Self::default()
        };
        // Each file's header was read when it was added: judge what was
        // found against this provider's limits, without reading it again
        // (and without a header parser on the first screen).
        let images = board.images();
        let judge = |i: usize, _: &[u8], name: Option<&str>, limits: &ImageLimits| {
            let found = images.get(i).and_then(|img| img.info).ok_or_else(|| {
                RemixError::new(
                    ErrorCode::CorruptImage,
                    format!(
                        "{} could not be read; remove it and add it again.",
                        name.unwrap_or("This image")
                    ),
                )
            })?;
            image::within(&found, name, limits).map(|()| found)
        };
        let input = settings.input(board);
        for p in problems_judged(info, &input, &settings.config(), &judge) {
            let slot = match p.field {
                Field::Images | Field::Image(_) => &mut by_control.images,
                Field::Prompt => &mut by_control.prompt,
                Field::Option(_) => &mut by_control.options,
                Field::ApiKey => &mut by_control.key,
            };
            if slot.is_none() {
                *slot = Some(match p.field {
                    // The core names the package's fields (`apiKey`); the
                    // page names its own controls.
                    Field::ApiKey => format!(
                        "{} needs an API key: paste it in \"API key\", tick \"Through the proxy\", or use the local mock provider.",
                        info.name
                    ),
                    _ => p.error.message,
                });
            }
        }
        by_control
    }

    /// The first problem, in the order of the page: why "Remix" is disabled.
    pub fn first(&self) -> Option<&str> {
        [
            &self.model,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Accepts;
    use reve_remix_core::provider::problems;

    const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");

    fn settings(provider: &str) -> Settings {
        Settings {
            provider: provider.to_string(),
            ..Settings::default()
        }
    }

    fn board_with(prompt: &str, files: usize, urls: &[&str]) -> Board {
        let mut board = Board::default();
        let all = Accepts::new(&reve_remix_core::provider::reve::INFO, None);
        for i in 0..files {
            assert!(board.add_bytes(&format!("{i}.png"), PNG.to_vec(), &all));
        }
        for url in urls {
            assert!(board.add_url(url, &all));
        }
        board.edit_prompt(prompt.to_string());
        board
    }

    #[test]
    fn an_empty_page_asks_for_an_image_first() {
        let p = Problems::of(&settings("reve"), &Board::default());
        assert_eq!(p.first(), p.images.as_deref());
        assert!(
            p.images
                .is_some_and(|m| m.starts_with("Add at least one reference image"))
        );
        assert!(p.prompt.is_some());
        assert_eq!(p.key, None, "the mock needs no key");
    }

    #[test]
    fn the_prompt_is_checked_by_the_core_against_the_board() {
        let s = settings("reve");
        let p = Problems::of(&s, &board_with("A cat from <img>3</img> ✨", 1, &[]));
        assert!(p.prompt.is_some_and(|m| m.contains("<img>3</img>")));
        let p = Problems::of(&s, &board_with(&"x".repeat(2561), 1, &[]));
        assert!(p.prompt.is_some_and(|m| m.contains("limit is 2,560")));
        assert_eq!(
            Problems::of(&s, &board_with("A cat from <img>0</img>", 1, &[])),
            Problems::default()
        );
    }

    #[test]
    fn a_url_on_a_provider_that_takes_files_only_is_named() {
        let board = board_with(
            "<img>0</img> and <img>1</img>",
            1,
            &["https://example.com/cat.png"],
        );
        let p = Problems::of(&settings("reve"), &board);
        assert_eq!(
            p.images.as_deref(),
            Some(
                "Reve takes image files, not URLs: remove reference 1 (a URL) and add its file instead, or choose another provider."
            )
        );
        assert_eq!(Problems::of(&settings("fal"), &board).images, None);
        let p = Problems::of(&settings("pixazo"), &board);
        assert!(
            p.images
                .is_some_and(|m| m.contains("upload 0.png somewhere public"))
        );
    }

    #[test]
    fn a_removed_image_still_referred_to_comes_before_the_options_and_the_key() {
        // The second reference stays as written, now naming the third image.
        let mut board = board_with("<img>0</img> and <img>1</img>", 3, &[]);
        board.remove(1);
        assert_eq!(board.prompt(), "<img>0</img> and <img>1</img>");
        let mut s = settings("reve");
        s.connection.set_mock(false);
        s.options.test_time_scaling = "99".into();
        let p = Problems::of(&s, &board);
        assert_eq!(p.first(), p.orphaned.as_deref());
        assert!(
            p.options
                .is_some_and(|m| m.starts_with("testTimeScaling must be 1 to 5 on Reve"))
        );
        assert!(
            p.key
                .is_some_and(|m| m.starts_with("Reve needs an API key"))
        );
    }

    #[test]
    fn through_a_proxy_no_key_is_asked_for() {
        let mut s = settings("replicate");
        s.connection.set_through_proxy(true);
        let p = Problems::of(&s, &board_with("<img>0</img>", 1, &[]));
        assert_eq!(p.key, None);
    }

    #[test]
    fn each_problem_says_what_it_is_about_and_carries_the_cores_code() {
        let s = settings("reve");
        let board = board_with("", 0, &[]);
        let found = problems(s.info(), &s.input(&board), &s.config());
        let fields: Vec<(Field, ErrorCode)> =
            found.iter().map(|p| (p.field, p.error.code)).collect();
        assert_eq!(
            fields,
            [
                (Field::Images, ErrorCode::NoImages),
                (Field::Prompt, ErrorCode::EmptyPrompt)
            ]
        );
    }
}
