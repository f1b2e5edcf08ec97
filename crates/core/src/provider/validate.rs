//! Every check that can be made before a request, in one place: the key,
//! the number of images, the prompt, each image, each option.

use crate::error::{ErrorCode, RemixError, num};
use crate::image::{self, ImageInfo};
use crate::prompt;

use super::{
    Config, ImageSource, ImageTransport, ProviderInfo, RemixInput, RemixOption, providers,
};

fn invalid(msg: String) -> RemixError {
    RemixError::new(ErrorCode::InvalidOption, msg)
}

fn unsupported(info: &ProviderInfo, opt: RemixOption) -> RemixError {
    let others: Vec<&str> = providers()
        .iter()
        .filter(|p| p.supports(opt))
        .map(|p| p.id)
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

/// Every check that can be made before a request, in one place: the key,
/// the images' count, the prompt, each image, each option. Returns what
/// `image::inspect` found for each `Bytes` image (`None` for URLs).
pub fn validate(
    info: &ProviderInfo,
    input: &RemixInput,
    cfg: &Config,
) -> Result<Vec<Option<ImageInfo>>, RemixError> {
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
    let n = input.images.len();
    if n == 0 {
        return Err(RemixError::new(
            ErrorCode::NoImages,
            [
                "Add at least one reference image (",
                info.name,
                " takes 1 to ",
                &num(info.max_images as u64),
                ").",
            ]
            .concat(),
        ));
    }
    if n > info.max_images {
        return Err(RemixError::new(
            ErrorCode::TooManyImages,
            [
                info.name,
                " takes at most ",
                &num(info.max_images as u64),
                " reference images; remove ",
                &num((n - info.max_images) as u64),
                ".",
            ]
            .concat(),
        )
        .with_provider(info.id));
    }
    prompt::check(&input.prompt, n)?;
    let chars = input.prompt.chars().count();
    if chars > info.prompt_max_chars {
        return Err(RemixError::new(
            ErrorCode::PromptTooLong,
            [
                "The prompt is ",
                &num(chars as u64),
                " characters; ",
                info.name,
                " takes at most ",
                &num(info.prompt_max_chars as u64),
                ".",
            ]
            .concat(),
        ));
    }
    let mut infos = Vec::with_capacity(n);
    for (i, img) in input.images.iter().enumerate() {
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
                let found = image::inspect(data, name.as_deref(), &info.limits)?;
                if !info.formats.contains(&found.format) {
                    return Err(RemixError::new(
                        ErrorCode::UnsupportedFormat,
                        [
                            info.name,
                            " does not take ",
                            found.format.as_str(),
                            " images.",
                        ]
                        .concat(),
                    ));
                }
                infos.push(Some(found));
            }
            ImageSource::Url(url) => {
                let url = url.trim();
                let ok = match info.transport {
                    ImageTransport::Base64 => {
                        return Err(invalid(
                            [
                                info.name,
                                " takes image files, not URLs (reference ",
                                &num(i as u64),
                                " is a URL): pass the file's bytes.",
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
                infos.push(None);
            }
        }
    }
    if let Some(ar) = &input.aspect_ratio {
        if !info.supports(RemixOption::AspectRatio) {
            return Err(unsupported(info, RemixOption::AspectRatio));
        }
        if !info.aspect_ratios.contains(&ar.as_str()) {
            return Err(not_one_of("aspectRatio", ar, info.aspect_ratios, info));
        }
    }
    if let Some(v) = &input.version {
        if !info.supports(RemixOption::Version) {
            return Err(unsupported(info, RemixOption::Version));
        }
        if v.trim().is_empty() || v.len() > 100 {
            return Err(invalid(
                "version must be a model version such as \"latest\".".into(),
            ));
        }
    }
    if let Some(t) = input.test_time_scaling {
        match info.test_time_scaling {
            None => return Err(unsupported(info, RemixOption::TestTimeScaling)),
            Some((lo, hi)) if t < lo || t > hi => {
                return Err(invalid(
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
                ));
            }
            _ => {}
        }
    }
    if let Some(u) = input.upscale_factor {
        if !info.supports(RemixOption::UpscaleFactor) {
            return Err(unsupported(info, RemixOption::UpscaleFactor));
        }
        if !(2..=4).contains(&u) {
            return Err(invalid(
                ["upscaleFactor must be 2, 3 or 4; got ", &num(u.into()), "."].concat(),
            ));
        }
    }
    if input.remove_background == Some(true) && !info.supports(RemixOption::RemoveBackground) {
        return Err(unsupported(info, RemixOption::RemoveBackground));
    }
    if let Some(f) = &input.output_format {
        if !info.supports(RemixOption::OutputFormat) {
            return Err(unsupported(info, RemixOption::OutputFormat));
        }
        if !info.output_formats.contains(&f.as_str()) {
            return Err(not_one_of("outputFormat", f, info.output_formats, info));
        }
    }
    Ok(infos)
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
