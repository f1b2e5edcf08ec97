//! The sums of `fitImage` (reve_remix_core::image::fit): formats, sizes,
//! the next try, and what the headers say about orientation and alpha.

use reve_remix_core::error::ErrorCode;
use reve_remix_core::image::fit::*;
use reve_remix_core::image::{ImageFormat, ImageInfo, ImageLimits};

const LIMITS: ImageLimits = ImageLimits::REVE;
const ALL: &[ImageFormat] = &ImageFormat::ALL;
const NO_WEBP: &[ImageFormat] = &[ImageFormat::Png, ImageFormat::Jpeg];
fn fixture(name: &str) -> Vec<u8> {
    reve_remix_fixtures::bytes(name).to_vec()
}

fn info(format: ImageFormat, width: u32, height: u32, bytes: usize) -> ImageInfo {
    ImageInfo {
        format,
        width,
        height,
        bytes,
    }
}

#[test]
fn an_image_within_every_limit_in_a_taken_format_fits() {
    assert!(fits(
        &info(ImageFormat::Jpeg, 4000, 3000, 1_499_999),
        &LIMITS,
        ALL
    ));
    assert!(!fits(
        &info(ImageFormat::Jpeg, 4000, 3000, 1_500_000),
        &LIMITS,
        ALL
    ));
    assert!(!fits(&info(ImageFormat::Png, 9000, 10, 1000), &LIMITS, ALL));
    assert!(!fits(
        &info(ImageFormat::Png, 6000, 6000, 1000),
        &LIMITS,
        ALL
    ));
    assert!(!fits(
        &info(ImageFormat::Heif, 64, 40, 1000),
        &LIMITS,
        NO_WEBP
    ));
}

#[test]
fn webp_unless_refused_then_jpeg_or_png_for_transparency() {
    assert_eq!(choose_format(None, false, ALL), Ok(ImageFormat::Webp));
    assert_eq!(choose_format(None, true, ALL), Ok(ImageFormat::Webp));
    assert_eq!(choose_format(None, false, NO_WEBP), Ok(ImageFormat::Jpeg));
    assert_eq!(choose_format(None, true, NO_WEBP), Ok(ImageFormat::Png));
    assert_eq!(
        choose_format(Some(ImageFormat::Png), false, ALL),
        Ok(ImageFormat::Png)
    );
    let refused =
        choose_format(Some(ImageFormat::Webp), false, NO_WEBP).expect_err("webp is refused");
    assert_eq!(refused.code, ErrorCode::InvalidOption);
    assert!(
        refused.message.ends_with("use one of: jpeg, png"),
        "{}",
        refused.message
    );
    assert_eq!(parse_format("jpeg"), Ok(ImageFormat::Jpeg));
    assert_eq!(
        parse_format("heif").expect_err("heif is not written").code,
        ErrorCode::InvalidOption
    );
}

#[test]
fn a_browser_that_cannot_write_webp_gets_png_for_transparency_else_jpeg() {
    assert_eq!(
        fallback(ImageFormat::Webp, true, ALL),
        Some(ImageFormat::Png)
    );
    assert_eq!(
        fallback(ImageFormat::Webp, false, ALL),
        Some(ImageFormat::Jpeg)
    );
    assert_eq!(fallback(ImageFormat::Jpeg, false, ALL), None);
    let jpeg_only = &[ImageFormat::Jpeg, ImageFormat::Webp];
    assert_eq!(
        fallback(ImageFormat::Webp, true, jpeg_only),
        Some(ImageFormat::Jpeg)
    );
}

#[test]
fn sizes_stay_within_the_caps_and_the_aspect_ratio() {
    assert_eq!(target_size(4000, 3000, &LIMITS, 1.0), (4000, 3000));
    assert_eq!(target_size(4000, 3000, &LIMITS, 0.5), (2000, 1500));
    assert_eq!(target_size(16384, 100, &LIMITS, 1.0), (8192, 50));
    let (w, h) = target_size(8000, 8000, &LIMITS, 1.0);
    assert!(
        u64::from(w) * u64::from(h) <= LIMITS.max_pixels,
        "{w} × {h}"
    );
    assert_eq!(w, h);
    assert_eq!(target_size(0, 0, &LIMITS, 0.01), (1, 1));
    assert!(next_scale(1.0, 1_500_001, 1_500_000) <= 0.9);
    let next = next_scale(1.0, 6_000_000, 1_500_000);
    assert!(next > 0.4 && next < 0.5, "{next}");
}

#[test]
fn a_plan_lowers_quality_when_close_and_scales_when_far() {
    let mut plan = Plan::new(4000, 3000, LIMITS, ImageFormat::Webp);
    let first = plan.attempt();
    assert_eq!(
        (first.width, first.height, first.quality),
        (4000, 3000, 0.9)
    );
    assert!(!plan.done(1_500_000) && plan.done(1_499_999));
    // Four times over: smaller, same quality.
    let far = plan.next(6_000_000).expect("a next try");
    assert!(far.width < 2000 && far.width > 1600, "{far:?}");
    assert_eq!(far.quality, 0.9);
    assert!((far.width * 3).abs_diff(far.height * 4) <= 4, "{far:?}");
    // A little over: same size, less quality.
    let close = plan.next(1_600_000).expect("a next try");
    assert_eq!((close.width, close.quality), (far.width, 0.82));
}

#[test]
fn a_phone_photo_is_first_drawn_at_the_size_its_bytes_allow() {
    let photo = |format, bytes| ImageInfo {
        format,
        width: 4000,
        height: 3000,
        bytes,
    };
    // A 5.8 MB JPEG: the first encode is already about half the side
    // (sqrt(0.9 × 1.5 / 5.8) ≈ 0.48), not a full 12-megapixel one.
    let plan = Plan::new(4000, 3000, LIMITS, ImageFormat::Webp)
        .sized_for(&photo(ImageFormat::Jpeg, 5_800_000));
    let first = plan.attempt();
    assert!(first.width > 1800 && first.width < 2000, "{first:?}");
    assert_eq!(first.quality, 0.9);
    // Only a little over: every pixel kept, quality first.
    let near = Plan::new(4000, 3000, LIMITS, ImageFormat::Webp)
        .sized_for(&photo(ImageFormat::Jpeg, 1_700_000));
    assert_eq!(near.attempt().width, 4000);
    // A PNG's bytes say nothing of a lossy encode's, nor a PNG target's.
    let png = Plan::new(4000, 3000, LIMITS, ImageFormat::Webp)
        .sized_for(&photo(ImageFormat::Png, 30_000_000));
    assert_eq!(png.attempt().width, 4000);
    let to_png = Plan::new(4000, 3000, LIMITS, ImageFormat::Png)
        .sized_for(&photo(ImageFormat::Jpeg, 5_800_000));
    assert_eq!(to_png.attempt().width, 4000);
}

#[test]
fn a_plan_starts_within_the_caps_and_ends() {
    let mut plan = Plan::new(12000, 600, LIMITS, ImageFormat::Png);
    let first = plan.attempt();
    assert_eq!((first.width, first.height), (8192, 409));
    let second = plan.next(2_000_000).expect("a next try");
    assert!(second.width < 8192 * 9 / 10 + 1, "{second:?}");
    let mut tries = 2;
    while plan.next(10_000_000).is_some() {
        tries += 1;
    }
    assert!(tries <= ATTEMPTS, "{tries}");
    let mut tiny = Plan::new(1, 1, LIMITS, ImageFormat::Png);
    assert_eq!(tiny.next(2_000_000), None);
    assert_eq!(
        tiny.switch_format(ImageFormat::Jpeg).format,
        ImageFormat::Jpeg
    );
}

#[test]
fn exif_orientation_is_read_from_the_jpeg() {
    let exif = fixture("jpeg_exif_120x90.jpg");
    assert_eq!(exif_orientation(&exif), 6);
    let photo = info(ImageFormat::Jpeg, 120, 90, exif.len());
    assert_eq!(oriented(&photo, 6), (90, 120));
    assert_eq!(oriented(&photo, 1), (120, 90));
    assert_eq!(exif_orientation(&fixture("jpeg_baseline_80x60.jpg")), 1);
    assert_eq!(exif_orientation(&fixture("cut_in_exif.jpg")), 1);
    assert_eq!(exif_orientation(&fixture("png_rgb_64x48.png")), 1);
    // Little-endian TIFF, orientation 8.
    let mut le = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 34];
    le.extend_from_slice(b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x08\0\0\0");
    le.extend_from_slice(&[0, 0, 0, 0, 0xFF, 0xD9]);
    assert_eq!(exif_orientation(&le), 8);
}

#[test]
fn transparency_is_found_in_the_headers() {
    assert!(has_alpha(&fixture("png_rgba_31x17.png"), ImageFormat::Png));
    assert!(!has_alpha(&fixture("png_rgb_64x48.png"), ImageFormat::Png));
    assert!(has_alpha(
        &fixture("webp_alpha_40x30.webp"),
        ImageFormat::Webp
    ));
    assert!(!has_alpha(
        &fixture("webp_lossy_70x50.webp"),
        ImageFormat::Webp
    ));
    assert!(has_alpha(
        &fixture("avif_alpha_48x32.avif"),
        ImageFormat::Avif
    ));
    assert!(!has_alpha(&fixture("avif_64x40.avif"), ImageFormat::Avif));
    assert!(!has_alpha(
        &fixture("jpeg_baseline_80x60.jpg"),
        ImageFormat::Jpeg
    ));
}

#[test]
fn messages_say_what_to_do() {
    let env = unsupported_environment();
    assert_eq!(env.code.as_str(), "unsupported_environment");
    assert!(env.message.contains("Worker") && env.message.contains("Node"));
    let heic = undecodable(Some("IMG_1.HEIC"), ImageFormat::Heif);
    assert_eq!(heic.code.as_str(), "undecodable_image");
    assert!(heic.message.starts_with("IMG_1.HEIC could not be decoded"));
    assert!(heic.message.contains("HEIC/HEIF is not decodable here"));
    assert!(heic.message.contains("PNG, JPEG, WebP and AVIF"));
    assert_eq!(still_too_large(None).code, ErrorCode::ImageTooLarge);
    let not = not_encoded(Some("a.png"));
    assert_eq!(not.code, ErrorCode::UnsupportedEnvironment);
    assert!(not.message.starts_with("a.png could not be re-encoded"));
}
