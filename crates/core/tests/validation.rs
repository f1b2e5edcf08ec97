//! The checks before any request: `problems` lists every one with its
//! field (what a form shows), `validate` fails with the first.
#![cfg(not(target_arch = "wasm32"))]

#[path = "recorded/helpers.rs"]
mod helpers;

use helpers::*;
use proptest::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::id::ProviderId;
use reve_remix_core::image::{self, ImageLimits};
use reve_remix_core::provider::{
    self, Config, Field, ImageSource, Problem, RemixInput, RemixOption, problems, problems_judged,
    validate,
};

fn info(id: ProviderId) -> &'static provider::ProviderInfo {
    provider::info(id)
}

fn bytes(data: &[u8], name: &str) -> ImageSource {
    ImageSource::Bytes {
        data: data.into(),
        name: Some(name.into()),
    }
}

fn fields(found: &[Problem]) -> Vec<(Field, ErrorCode)> {
    found.iter().map(|p| (p.field, p.error.code)).collect()
}

#[test]
fn every_problem_is_listed_at_once_on_its_field_in_field_order() {
    let mut c = cfg(ProviderId::Reve);
    c.api_key = None;
    let mut i = input(
        "<img>0</img> beside <img>7</img>",
        vec![
            png_src("ok.png"),
            bytes(b"\x89PNG\r\n\x1a\n", "cut.png"),
            url_src("https://e.com/a.png"),
            bytes(b"", "empty.png"),
        ],
    );
    i.aspect_ratio = Some("5:4".into());
    i.test_time_scaling = Some(16);
    i.output_format = Some("png".into());
    let found = problems(info(ProviderId::Reve), &i, &c);
    assert_eq!(
        fields(&found),
        [
            (Field::ApiKey, ErrorCode::MissingApiKey),
            (Field::Prompt, ErrorCode::UnknownReference),
            (Field::Image(1), ErrorCode::TruncatedImage),
            (Field::Image(2), ErrorCode::InvalidOption),
            (Field::Image(3), ErrorCode::EmptyImage),
            (
                Field::Option(RemixOption::AspectRatio),
                ErrorCode::InvalidOption
            ),
            (
                Field::Option(RemixOption::TestTimeScaling),
                ErrorCode::InvalidOption
            ),
            (
                Field::Option(RemixOption::OutputFormat),
                ErrorCode::InvalidOption
            ),
        ]
    );
    // Each error is the one a request would fail with, message included.
    assert!(found[2].error.message.starts_with("cut.png"), "{found:?}");
    assert!(found[3].error.message.contains("reference 2"), "{found:?}");
    assert!(found[5].error.message.contains("16:9"), "{found:?}");
    assert!(found[6].error.message.contains("1 to 5"), "{found:?}");
    assert!(found[7].error.message.contains("fal"), "{found:?}");
    // validate fails with the first.
    assert_eq!(
        validate(info(ProviderId::Reve), &i, &c),
        Err(found[0].error.clone())
    );
}

#[test]
fn the_number_of_images_is_its_own_field() {
    let none = input("the cat in <img>0</img>", vec![]);
    assert_eq!(
        fields(&problems(
            info(ProviderId::Fal),
            &none,
            &cfg(ProviderId::Fal)
        )),
        [
            (Field::Images, ErrorCode::NoImages),
            (Field::Prompt, ErrorCode::UnknownReference),
        ]
    );
    let seven: Vec<_> = (0..7)
        .map(|i| url_src(&format!("https://e.com/{i}.png")))
        .collect();
    let found = problems(
        info(ProviderId::Fal),
        &input("<img>6</img>", seven),
        &cfg(ProviderId::Fal),
    );
    assert_eq!(fields(&found), [(Field::Images, ErrorCode::TooManyImages)]);
    assert!(found[0].error.message.contains("remove 1"), "{found:?}");
}

#[test]
fn a_valid_input_has_no_problems_and_validate_reads_its_files() {
    let mut i = input(
        "<img>0</img> in the hat of <img>1</img>",
        vec![png_src("a.png"), url_src("https://e.com/b.png")],
    );
    i.aspect_ratio = Some("1:1".into());
    i.output_format = Some("webp".into());
    assert_eq!(
        problems(info(ProviderId::Fal), &i, &cfg(ProviderId::Fal)),
        []
    );
    let found = validate(info(ProviderId::Fal), &i, &cfg(ProviderId::Fal)).expect("valid");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].as_ref().map(|f| (f.width, f.height)), Some((1, 1)));
    assert_eq!(found[1], None, "a URL is not read");
}

#[test]
fn with_a_proxy_no_key_is_needed() {
    let mut c = cfg(ProviderId::Reve);
    c.api_key = None;
    c.proxy_url = Some("https://proxy.example/remix".into());
    let i = input("x", vec![png_src("a.png")]);
    assert_eq!(problems(info(ProviderId::Reve), &i, &c), []);
    c.proxy_url = Some("   ".into());
    assert_eq!(
        fields(&problems(info(ProviderId::Reve), &i, &c)),
        [(Field::ApiKey, ErrorCode::MissingApiKey)]
    );
}

// ------------------------------------------------------------------ before any request

#[test]
fn a_key_is_needed_unless_a_proxy_adds_it() {
    let one = || vec![png_src("a.png")];
    let mut c = cfg(ProviderId::Reve);
    c.api_key = None;
    assert_eq!(
        start_err(&input("x", one()), &c).code,
        ErrorCode::MissingApiKey
    );
    c.proxy_url = Some("https://proxy.example/remix".into());
    assert!(provider::start(&input("x", one()), &c).is_ok());
}

#[test]
fn prompt_and_image_count_are_checked_before_any_request() {
    let one = || vec![png_src("a.png")];
    assert_eq!(
        start_err(&input("   ", one()), &cfg(ProviderId::Reve)).code,
        ErrorCode::EmptyPrompt
    );
    assert_eq!(
        start_err(&input("x", vec![]), &cfg(ProviderId::Reve)).code,
        ErrorCode::NoImages
    );
    let long = "a".repeat(2561);
    assert_eq!(
        start_err(&input(&long, one()), &cfg(ProviderId::Reve)).code,
        ErrorCode::PromptTooLong
    );
    let five: Vec<_> = (0..5)
        .map(|i| url_src(&format!("https://e.com/{i}.png")))
        .collect();
    let e = start_err(&input("x", five), &cfg(ProviderId::OneRouter));
    assert_eq!(e.code, ErrorCode::TooManyImages);
    assert!(
        e.message.contains("OneRouter") && e.message.contains('4'),
        "{}",
        e.message
    );
    let seven: Vec<_> = (0..7).map(|_| png_src("a.png")).collect();
    let e = start_err(&input("x", seven), &cfg(ProviderId::Reve));
    assert!(
        e.message.contains("Reve") && e.message.contains('6'),
        "{}",
        e.message
    );
    // A reference to an image that is not there.
    assert_eq!(
        start_err(&input("<img>3</img>", one()), &cfg(ProviderId::Reve)).code,
        ErrorCode::UnknownReference
    );
}

/// That a file's bytes are inspected before any request; what the
/// inspection finds (a GIF, a cut-off header, …) is tests/images/'s.
#[test]
fn image_bytes_are_inspected_before_any_request() {
    let empty = ImageSource::Bytes {
        data: Vec::new().into(),
        name: None,
    };
    assert_eq!(
        start_err(&input("x", vec![empty]), &cfg(ProviderId::Fal)).code,
        ErrorCode::EmptyImage
    );
}

#[test]
fn an_option_a_provider_does_not_take_names_those_that_do() {
    let mut i = input("x", vec![url_src("https://e.com/a.png")]);
    i.test_time_scaling = Some(2);
    let e = start_err(&i, &cfg(ProviderId::Fal));
    assert_eq!(e.code, ErrorCode::InvalidOption);
    assert!(
        e.message.contains("testTimeScaling") && e.message.contains("fal"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("reve") && e.message.contains("inference-sh"),
        "{}",
        e.message
    );
}

#[test]
fn option_ranges_are_each_providers_own() {
    let base = || input("x", vec![url_src("https://e.com/a.png")]);
    // Reve's SDK says 1-5 (ComfyUI's 1-15 lost): 5 is sent, 6 is refused
    // before any request, saying the range.
    let mut i = input("x", vec![png_src("a.png")]);
    i.test_time_scaling = Some(5);
    assert!(provider::start(&i, &cfg(ProviderId::Reve)).is_ok());
    i.test_time_scaling = Some(6);
    let e = start_err(&i, &cfg(ProviderId::Reve));
    assert_eq!(e.code, ErrorCode::InvalidOption);
    assert!(e.message.contains("1 to 5 on Reve"), "{}", e.message);
    let mut i = base();
    i.test_time_scaling = Some(6);
    assert_eq!(
        start_err(&i, &cfg(ProviderId::InferenceSh)).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.upscale_factor = Some(5);
    assert_eq!(
        start_err(&i, &cfg(ProviderId::InferenceSh)).code,
        ErrorCode::InvalidOption
    );
}

#[test]
fn option_values_outside_a_providers_list_are_invalid() {
    let base = || input("x", vec![url_src("https://e.com/a.png")]);
    let mut i = base();
    i.aspect_ratio = Some("5:4".into());
    let e = start_err(&i, &cfg(ProviderId::Fal));
    assert!(e.code == ErrorCode::InvalidOption && e.message.contains("16:9"));
    let mut i = base();
    i.output_format = Some("gif".into());
    assert_eq!(
        start_err(&i, &cfg(ProviderId::Fal)).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.output_format = Some("png".into());
    assert_eq!(
        start_err(&i, &cfg(ProviderId::AimlApi)).code,
        ErrorCode::InvalidOption
    );
    let mut i = base();
    i.aspect_ratio = Some("1:1".into());
    assert_eq!(
        start_err(&i, &cfg(ProviderId::PixazoEdit)).code,
        ErrorCode::InvalidOption
    );
}

#[test]
fn remove_background_false_is_the_default_and_harmless_anywhere() {
    let mut i = input("x", vec![url_src("https://e.com/a.png")]);
    i.remove_background = Some(true);
    assert_eq!(
        start_err(&i, &cfg(ProviderId::Replicate)).code,
        ErrorCode::InvalidOption
    );
    i.remove_background = Some(false); // the default: harmless anywhere
    assert!(provider::start(&i, &cfg(ProviderId::Replicate)).is_ok());
}

// ------------------------------------------------------------------ validate == first problem

fn any_input() -> impl Strategy<Value = (ProviderId, RemixInput, Config)> {
    let ids = provider::providers()
        .iter()
        .map(|p| p.id)
        .collect::<Vec<_>>();
    let image = prop_oneof![
        Just(png_src("a.png")),
        Just(bytes(b"", "empty.png")),
        Just(bytes(b"\x89PNG\r\n\x1a\n", "cut.png")),
        Just(bytes(b"plain text, not an image", "notes.txt")),
        Just(url_src("https://e.com/a.png")),
        Just(url_src("http://e.com/a.png")),
        Just(url_src("ftp://e.com/a.png")),
        Just(fixture("heic_64x40.heic")),
        Just(fixture("huge_100000x100000.png")),
        Just(fixture("square_6000x6000.png")),
        Just(fixture("wide_9000x10.png")),
        Just(ImageSource::Bytes {
            data: OVER_1_5_MB.clone(),
            name: Some("big.png".into()),
        }),
    ];
    let prompt = prop_oneof![
        Just(String::new()),
        Just("x".to_string()),
        Just("<img>0</img> and <img>3</img>".to_string()),
        Just("é".repeat(2561)),
        Just("é".repeat(4001)),
    ];
    let text = |v: &'static [&'static str]| {
        prop::option::of(prop::sample::select(v).prop_map(str::to_string))
    };
    (
        prop::sample::select(ids),
        prop::collection::vec(image, 0..8),
        prompt,
        any::<bool>(),
        text(&["1:1", "5:4"]),
        text(&["latest", " "]),
        prop::option::of(0u32..20),
        prop::option::of(0u32..6),
        prop::option::of(any::<bool>()),
        text(&["png", "b64_json", "gif"]),
    )
        .prop_map(|(id, images, prompt, key, ar, version, tts, up, bg, out)| {
            let mut c = cfg(id);
            if !key {
                c.api_key = None;
            }
            let i = RemixInput {
                prompt,
                images,
                aspect_ratio: ar,
                version,
                test_time_scaling: tts,
                upscale_factor: up,
                remove_background: bg,
                output_format: out,
            };
            (id, i, c)
        })
}

fn fixture(name: &str) -> ImageSource {
    bytes(reve_remix_fixtures::bytes(name), name)
}

/// A PNG of 2 MB (a real header, padded): over every host's 1.5 MB but
/// not over a larger limit. Shared, so that inputs of many copy no bytes.
static OVER_1_5_MB: std::sync::LazyLock<std::sync::Arc<[u8]>> = std::sync::LazyLock::new(|| {
    let mut png = helpers::png_1x1();
    png.resize(2_000_000, 0);
    png.into()
});

proptest! {
    #[test]
    fn validate_fails_with_the_first_problem_or_accepts_when_there_is_none(
        (id, i, c) in any_input()
    ) {
        let info = info(id);
        let found = problems(info, &i, &c);
        match validate(info, &i, &c) {
            Ok(images) => {
                prop_assert_eq!(&found, &Vec::new());
                prop_assert_eq!(images.len(), i.images.len());
            }
            Err(e) => prop_assert_eq!(Some(e), found.first().map(|p| p.error.clone())),
        }
        let mut seen = Vec::new();
        for p in &found {
            prop_assert!(!seen.contains(&p.field), "one problem per field: {:?}", found);
            seen.push(p.field);
        }
    }

    /// What the app does: each file's header read once, as it is added
    /// (`image::read`), then judged against whichever provider is picked
    /// (`image::within`), finds what `problems` finds reading the bytes.
    #[test]
    fn problems_judged_from_headers_read_once_are_the_problems(
        (id, i, c) in any_input()
    ) {
        let read: Vec<_> = i
            .images
            .iter()
            .map(|img| match img {
                ImageSource::Bytes { data, name } => Some(image::read(data, name.as_deref())),
                ImageSource::Url(_) => None,
            })
            .collect();
        let judge = |k: usize, _: &[u8], name: Option<&str>, limits: &ImageLimits| {
            let found = read[k].clone().expect("judged only for files")?;
            image::within(&found, name, limits).map(|()| found)
        };
        let info = info(id);
        prop_assert_eq!(problems_judged(info, &i, &c, &judge), problems(info, &i, &c));
    }
}
