//! Every check that can be made before a request, in one place: the key,
//! the number of images, the prompt, each image, each option.
//!
//! [`problems`] lists them all, each with the [`Field`] it is about: what a
//! form shows beside each field as the user types. [`validate`] stops at
//! the first, which is all a request needs. Both walk the same checks in
//! the same order, so `validate`'s error is always `problems`' first.

use std::ops::ControlFlow;

use crate::error::{ErrorCode, RemixError, num};
use crate::image::{self, ImageFormat, ImageInfo, ImageLimits};
use crate::prompt;

use super::{
    Config, ImageSource, ImageTransport, ProviderInfo, RemixInput, RemixOption, providers,
};

/// What part of the input a [`Problem`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The API key (`Config::api_key`; not needed with a proxy).
    ApiKey,
    /// The number of reference images.
    Images,
    /// Reference image `i`, counting from 0 as `<img>i</img>` does.
    Image(usize),
    /// The prompt.
    Prompt,
    /// One of the options.
    Option(RemixOption),
}

/// One thing wrong with an input, and the field it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub field: Field,
    /// What it is: the error a request would fail with.
    pub error: RemixError,
}

/// Every problem of `input` for the provider `info` with `cfg`, in the
/// order of the fields: the key, the number of images, the prompt, each
/// image, each option (as [`RemixOption`] lists them). At most one per
/// field; empty when [`validate`] would accept the input.
pub fn problems(info: &ProviderInfo, input: &RemixInput, cfg: &Config) -> Vec<Problem> {
    problems_judged(info, input, cfg, &inspect)
}

/// How a reference image's bytes are judged against a provider's limits:
/// given its position, its bytes, its file's name and the limits, what
/// [`image::inspect`] would say of it.
pub type Judge<'a> =
    &'a dyn Fn(usize, &[u8], Option<&str>, &ImageLimits) -> Result<ImageInfo, RemixError>;

/// [`problems`], with the images' bytes judged by `judge` rather than read
/// again: for an app that read each file's header as it was added
/// ([`image::read`]) and judges what it found with [`image::within`].
/// Every other check is the same.
pub fn problems_judged(
    info: &ProviderInfo,
    input: &RemixInput,
    cfg: &Config,
    judge: Judge<'_>,
) -> Vec<Problem> {
    let mut all = Vec::new();
    let _ = walk(info, input, cfg, judge, &mut |p| {
        all.push(p);
        ControlFlow::Continue(())
    });
    all
}

/// The [`Judge`] of [`problems`] and [`validate`]: the bytes read afresh.
fn inspect(
    _: usize,
    data: &[u8],
    name: Option<&str>,
    limits: &ImageLimits,
) -> Result<ImageInfo, RemixError> {
    image::inspect(data, name, limits)
}

/// The first of [`problems`] as an error, or what `image::inspect` found
/// for each `Bytes` image (`None` for URLs): the check every request runs
/// first. It stops at the first problem.
pub fn validate(
    info: &ProviderInfo,
    input: &RemixInput,
    cfg: &Config,
) -> Result<Vec<Option<ImageInfo>>, RemixError> {
    match walk(info, input, cfg, &inspect, &mut ControlFlow::Break) {
        ControlFlow::Continue(images) => Ok(images),
        ControlFlow::Break(first) => Err(first.error),
    }
}

/// Run every check in field order, telling `found` of each problem; stop
/// when it says so. Continues with the images' infos (`None` for a URL or
/// an image with a problem).
fn walk(
    info: &ProviderInfo,
    input: &RemixInput,
    cfg: &Config,
    judge: Judge<'_>,
    found: &mut dyn FnMut(Problem) -> ControlFlow<Problem>,
) -> ControlFlow<Problem, Vec<Option<ImageInfo>>> {
    let mut report = |field: Field, checked: Result<(), RemixError>| match checked {
        Ok(()) => ControlFlow::Continue(()),
        Err(error) => found(Problem { field, error }),
    };
    report(Field::ApiKey, api_key(info, cfg))?;
    let n = input.images.len();
    report(Field::Images, image_count(info, n))?;
    report(Field::Prompt, prompt_text(info, &input.prompt, n))?;
    let mut infos = Vec::with_capacity(n);
    for (i, img) in input.images.iter().enumerate() {
        match image(info, i, img, judge) {
            Ok(found) => infos.push(found),
            Err(e) => {
                infos.push(None);
                report(Field::Image(i), Err(e))?;
            }
        }
    }
    for (opt, checked) in options(info, input) {
        report(Field::Option(opt), checked)?;
    }
    ControlFlow::Continue(infos)
}

fn api_key(info: &ProviderInfo, cfg: &Config) -> Result<(), RemixError> {
    if cfg.proxy().is_none()
        && cfg
            .api_key
            .as_ref()
            .is_none_or(|k| k.expose().trim().is_empty())
    {
        return Err(RemixError::new(
            ErrorCode::MissingApiKey,
            [
                info.name,
                " needs an API key: set apiKey, or proxyUrl for a proxy that adds it.",
            ]
            .concat(),
        )
        .with_provider(info.id));
    }
    Ok(())
}

fn image_count(info: &ProviderInfo, n: usize) -> Result<(), RemixError> {
    if n == 0 {
        return Err(RemixError::new(
            ErrorCode::NoImages,
            [
                "Add at least one reference image (",
                info.name,
                " takes 1 to ",
                &num(info.model.max_images as u64),
                ").",
            ]
            .concat(),
        ));
    }
    if n > info.model.max_images {
        return Err(RemixError::new(
            ErrorCode::TooManyImages,
            [
                info.name,
                " takes at most ",
                &num(info.model.max_images as u64),
                " reference images; remove ",
                &num((n - info.model.max_images) as u64),
                ".",
            ]
            .concat(),
        )
        .with_provider(info.id));
    }
    Ok(())
}

/// The prompt for `n` images, within the model's length:
/// [`prompt::check`].
fn prompt_text(info: &ProviderInfo, text: &str, n: usize) -> Result<(), RemixError> {
    prompt::check(text, n, info.model.prompt_max_chars)
}

/// Reference image `i`: a file the provider can be sent (its bytes judged
/// by `judge` with the provider's limits), or a URL it takes.
fn image(
    info: &ProviderInfo,
    i: usize,
    img: &ImageSource,
    judge: Judge<'_>,
) -> Result<Option<ImageInfo>, RemixError> {
    match img {
        ImageSource::Bytes { data, name } => {
            if info.transport == ImageTransport::Url {
                return Err(invalid(
                    [
                        info.name,
                        " only takes public https URLs of images, not local files: upload ",
                        name.as_deref().unwrap_or("the file"),
                        " somewhere public and pass its https URL.",
                    ]
                    .concat(),
                )
                .with_provider(info.id));
            }
            let found = judge(i, data, name.as_deref(), &info.limits)?;
            check_format(info, found.format, name.as_deref())?;
            Ok(Some(found))
        }
        ImageSource::Url(url) => {
            let url = url.trim();
            let ok = match info.transport {
                ImageTransport::Base64 => {
                    return Err(invalid(
                        [
                            info.name,
                            " takes image files, not URLs: remove reference ",
                            &num(i as u64),
                            " (a URL) and add its file instead, or choose another provider.",
                        ]
                        .concat(),
                    )
                    .with_provider(info.id));
                }
                ImageTransport::Url => starts_with_ci(url, "https://"),
                _ => starts_with_ci(url, "https://") || starts_with_ci(url, "http://"),
            };
            if !ok || url.len() <= 8 || url.chars().any(char::is_whitespace) {
                let need = if info.transport == ImageTransport::Url {
                    "a public https URL"
                } else {
                    "an http(s) URL"
                };
                let why = if info.transport == ImageTransport::Url {
                    " (Pixazo only takes public https URLs)"
                } else {
                    ""
                };
                return Err(invalid(
                    [
                        "Reference ",
                        &num(i as u64),
                        " must be ",
                        need,
                        " or a file",
                        why,
                        ".",
                    ]
                    .concat(),
                )
                .with_provider(info.id));
            }
            Ok(None)
        }
    }
}

/// `unsupported_format` if `info` does not take files in `format` (Reve and
/// HEIF), saying what to convert the file (`name`) to and which providers
/// do take it, from the table (those that take files at all). The check
/// [`problems`] and [`validate`] make of every file; a board that checks
/// files as they are added can make the same.
pub fn check_format(
    info: &ProviderInfo,
    format: ImageFormat,
    name: Option<&str>,
) -> Result<(), RemixError> {
    if info.model.formats.contains(&format) {
        return Ok(());
    }
    let mut msg = [
        name.unwrap_or("This reference"),
        " is ",
        format.label(),
        "; ",
        info.name,
        " does not take ",
        format.label(),
        " images: convert it to ",
    ]
    .concat();
    let labels: Vec<&str> = info.model.formats.iter().map(|f| f.label()).collect();
    msg.push_str(&or_list(&labels));
    let mut takers: Vec<&str> = Vec::new();
    for p in providers() {
        if p.transport != ImageTransport::Url
            && p.models.iter().any(|m| m.formats.contains(&format))
            && !takers.contains(&p.name)
        {
            takers.push(p.name);
        }
    }
    if !takers.is_empty() {
        msg.push_str(", or choose a provider that takes it (");
        msg.push_str(&takers.join(", "));
        msg.push(')');
    }
    msg.push('.');
    Err(RemixError::new(ErrorCode::UnsupportedFormat, msg).with_provider(info.id))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => [rest.join(", ").as_str(), " or ", last].concat(),
    }
}

/// Each option the input sets, with what is wrong with it, in
/// [`RemixOption`]'s order.
fn options(
    info: &ProviderInfo,
    input: &RemixInput,
) -> impl Iterator<Item = (RemixOption, Result<(), RemixError>)> {
    let aspect_ratio = input.aspect_ratio.as_ref().map(|ar| {
        if !info.supports(RemixOption::AspectRatio) {
            return Err(unsupported(info, RemixOption::AspectRatio));
        }
        if !info.model.aspect_ratios.contains(&ar.as_str()) {
            return Err(not_one_of(
                "aspectRatio",
                ar,
                info.model.aspect_ratios,
                info,
            ));
        }
        Ok(())
    });
    let version = input.version.as_ref().map(|v| {
        if !info.supports(RemixOption::Version) {
            return Err(unsupported(info, RemixOption::Version));
        }
        if v.trim().is_empty() || v.len() > 100 {
            return Err(invalid(
                "version must be a model version such as \"latest\".".into(),
            ));
        }
        Ok(())
    });
    let test_time_scaling = input
        .test_time_scaling
        .map(|t| match info.model.test_time_scaling {
            None => Err(unsupported(info, RemixOption::TestTimeScaling)),
            Some((lo, hi)) if t < lo || t > hi => Err(invalid(
                [
                    "testTimeScaling must be ",
                    &num(lo.into()),
                    " to ",
                    &num(hi.into()),
                    " on ",
                    info.name,
                    "; got ",
                    &num(t.into()),
                    ".",
                ]
                .concat(),
            )),
            _ => Ok(()),
        });
    let upscale_factor = input.upscale_factor.map(|u| {
        if !info.supports(RemixOption::UpscaleFactor) {
            return Err(unsupported(info, RemixOption::UpscaleFactor));
        }
        if !(2..=4).contains(&u) {
            return Err(invalid(
                ["upscaleFactor must be 2, 3 or 4; got ", &num(u.into()), "."].concat(),
            ));
        }
        Ok(())
    });
    let remove_background = (input.remove_background == Some(true)).then(|| {
        if info.supports(RemixOption::RemoveBackground) {
            Ok(())
        } else {
            Err(unsupported(info, RemixOption::RemoveBackground))
        }
    });
    let output_format = input.output_format.as_ref().map(|f| {
        if !info.supports(RemixOption::OutputFormat) {
            return Err(unsupported(info, RemixOption::OutputFormat));
        }
        if !info.model.output_formats.contains(&f.as_str()) {
            return Err(not_one_of(
                "outputFormat",
                f,
                info.model.output_formats,
                info,
            ));
        }
        Ok(())
    });
    [
        (RemixOption::AspectRatio, aspect_ratio),
        (RemixOption::Version, version),
        (RemixOption::TestTimeScaling, test_time_scaling),
        (RemixOption::UpscaleFactor, upscale_factor),
        (RemixOption::RemoveBackground, remove_background),
        (RemixOption::OutputFormat, output_format),
    ]
    .into_iter()
    .filter_map(|(opt, checked)| checked.map(|c| (opt, c)))
}

fn invalid(msg: String) -> RemixError {
    RemixError::new(ErrorCode::InvalidOption, msg)
}

fn unsupported(info: &ProviderInfo, opt: RemixOption) -> RemixError {
    let others: Vec<&str> = providers()
        .iter()
        .filter(|p| p.models.iter().any(|m| m.options.contains(&opt)))
        .map(|p| p.id.as_str())
        .collect();
    let mut msg = [info.name, " does not take ", opt.as_str()].concat();
    if !others.is_empty() {
        msg.push_str(" (providers that do: ");
        msg.push_str(&others.join(", "));
        msg.push(')');
    }
    msg.push_str("; remove it or choose another provider.");
    invalid(msg).with_provider(info.id)
}

/// `invalid_option` for a value outside a provider's list.
fn not_one_of(field: &str, value: &str, allowed: &[&str], info: &ProviderInfo) -> RemixError {
    invalid(
        [
            field,
            " \"",
            value,
            "\" is not one of ",
            &allowed.join(", "),
            " (",
            info.name,
            ").",
        ]
        .concat(),
    )
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}
