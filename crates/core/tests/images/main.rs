//! Image checks against real files (the repository's fixtures/images,
//! made by fixtures/make.py with Pillow and pillow-heif) and hand-built
//! hostile ones. Native only: proptest does not run on wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod errors;
mod limits;

use proptest::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::image::{
    ImageFormat, ImageInfo, ImageLimits, data_url, data_url_into, encode_base64,
    encode_base64_into, inspect, sniff_format,
};

fn fixture(name: &str) -> Vec<u8> {
    reve_remix_fixtures::bytes(name).to_vec()
}

fn check(bytes: &[u8], name: &str) -> Result<ImageInfo, reve_remix_core::RemixError> {
    inspect(bytes, Some(name), &ImageLimits::REVE)
}

fn code_of(bytes: &[u8], name: &str) -> ErrorCode {
    match check(bytes, name) {
        Ok(info) => panic!("{name}: expected an error, got {info:?}"),
        Err(e) => e.code,
    }
}

fn message_of(bytes: &[u8], name: &str) -> String {
    check(bytes, name).expect_err(name).message
}

/// `bytes` with zeros appended up to `len`: every format here ignores data
/// after its end (PNG after IEND, JPEG after EOI, ...), so the header is
/// unchanged and only the size check can see the difference.
fn padded(mut bytes: Vec<u8>, len: usize) -> Vec<u8> {
    assert!(bytes.len() <= len);
    bytes.resize(len, 0);
    bytes
}

/// Every valid fixture: file, sniffed format, and the size the encoder was
/// asked for.
const VALID: &[(&str, ImageFormat, u32, u32)] = &[
    ("png_rgb_64x48.png", ImageFormat::Png, 64, 48),
    ("png_rgba_31x17.png", ImageFormat::Png, 31, 17),
    ("png_named_as.jpg", ImageFormat::Png, 64, 48),
    ("jpeg_baseline_80x60.jpg", ImageFormat::Jpeg, 80, 60),
    ("jpeg_exif_120x90.jpg", ImageFormat::Jpeg, 120, 90),
    ("jpeg_progressive_100x75.jpg", ImageFormat::Jpeg, 100, 75),
    ("jpeg_gray_17x9.jpg", ImageFormat::Jpeg, 17, 9),
    ("webp_lossy_70x50.webp", ImageFormat::Webp, 70, 50),
    ("webp_lossless_33x17.webp", ImageFormat::Webp, 33, 17),
    ("webp_alpha_40x30.webp", ImageFormat::Webp, 40, 30),
    ("avif_64x40.avif", ImageFormat::Avif, 64, 40),
    ("avif_alpha_48x32.avif", ImageFormat::Avif, 48, 32),
    ("heic_64x40.heic", ImageFormat::Heif, 64, 40),
    ("heic_primary_48x32_of_two.heic", ImageFormat::Heif, 48, 32),
    ("heic_grid_160x96.heic", ImageFormat::Heif, 160, 96),
];

#[test]
fn every_valid_fixture_gives_the_format_and_size_its_encoder_was_asked_for() {
    for &(name, format, width, height) in VALID {
        let bytes = fixture(name);
        let info = check(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            info,
            ImageInfo {
                format,
                width,
                height,
                bytes: bytes.len()
            },
            "{name}"
        );
        assert_eq!(sniff_format(&bytes), Some(format), "{name}");
        // Guard the table against typos: the name carries the size too.
        assert!(
            name.contains(&format!("{width}x{height}")) || name == "png_named_as.jpg",
            "{name}"
        );
    }
}

#[test]
fn each_webp_flavour_is_covered_by_its_chunk() {
    for (name, chunk) in [
        ("webp_lossy_70x50.webp", b"VP8 "),
        ("webp_lossless_33x17.webp", b"VP8L"),
        ("webp_alpha_40x30.webp", b"VP8X"),
    ] {
        assert_eq!(&fixture(name)[12..16], chunk, "{name}");
    }
}

#[test]
fn jpeg_exif_segment_comes_before_the_frame_header() {
    let bytes = fixture("jpeg_exif_120x90.jpg");
    let app1 = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xE1])
        .expect("APP1");
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    assert!(app1 < sof);
    assert_eq!(&bytes[app1 + 4..app1 + 8], b"Exif");
    let progressive = fixture("jpeg_progressive_100x75.jpg");
    assert!(
        progressive.windows(2).any(|w| w == [0xFF, 0xC2]),
        "progressive JPEG uses SOF2"
    );
}

#[test]
fn the_sniffed_format_wins_over_the_name() {
    let bytes = fixture("png_named_as.jpg");
    let info = check(&bytes, "photo.jpg").expect("a PNG named .jpg is a valid PNG");
    assert_eq!(info.format, ImageFormat::Png);
    let url = data_url(&info, &bytes);
    assert!(
        url.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{url:.40}"
    );
    let mut buf = b"prefix ".to_vec();
    data_url_into(&mut buf, &info, &bytes);
    assert_eq!(&buf[7..], url.as_bytes());
    // A real JPEG named .png is a JPEG.
    let jpeg = fixture("jpeg_baseline_80x60.jpg");
    let info = check(&jpeg, "cat.png").expect("jpeg");
    assert!(data_url(&info, &jpeg).starts_with("data:image/jpeg;base64,/9j/"));
}

#[test]
fn avif_and_heic_are_told_apart_by_brand() {
    let avif = check(&fixture("avif_64x40.avif"), "a.heic").expect("avif");
    assert_eq!(
        (avif.format, avif.format.mime()),
        (ImageFormat::Avif, "image/avif")
    );
    let heic = check(&fixture("heic_64x40.heic"), "a.avif").expect("heic");
    assert_eq!(
        (heic.format, heic.format.mime()),
        (ImageFormat::Heif, "image/heic")
    );

    // The generic major brands defer to the compatible brands.
    let ftyp = |major: &[u8; 4], compatible: &[&[u8; 4]]| {
        let mut b = Vec::new();
        b.extend_from_slice(&(16 + 4 * compatible.len() as u32).to_be_bytes());
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(major);
        b.extend_from_slice(&[0; 4]);
        for brand in compatible {
            b.extend_from_slice(*brand);
        }
        b
    };
    for (major, compatible, expected) in [
        (b"avif", &[b"mif1", b"miaf"][..], Some(ImageFormat::Avif)),
        (b"avis", &[][..], Some(ImageFormat::Avif)),
        (b"heic", &[][..], Some(ImageFormat::Heif)),
        (b"heix", &[][..], Some(ImageFormat::Heif)),
        (b"heim", &[][..], Some(ImageFormat::Heif)),
        (b"heis", &[][..], Some(ImageFormat::Heif)),
        (b"hevc", &[][..], Some(ImageFormat::Heif)),
        (b"hevx", &[][..], Some(ImageFormat::Heif)),
        (b"mif1", &[b"mif1", b"heic"][..], Some(ImageFormat::Heif)),
        (b"mif1", &[b"miaf", b"avif"][..], Some(ImageFormat::Avif)),
        (b"msf1", &[b"hevc"][..], Some(ImageFormat::Heif)),
        (b"miaf", &[b"MA1B", b"avif"][..], Some(ImageFormat::Avif)),
        (b"mif1", &[b"mif1", b"jpeg"][..], None),
        (b"isom", &[b"isom", b"avc1"][..], None),
        (b"mp42", &[b"isom"][..], None),
        (b"qt  ", &[][..], None),
    ] {
        assert_eq!(
            sniff_format(&ftyp(major, compatible)),
            expected,
            "{major:?} {compatible:?}"
        );
    }

    // A real HEIC relabelled with the generic major brand is still HEIC.
    let mut relabelled = fixture("heic_64x40.heic");
    relabelled[8..12].copy_from_slice(b"mif1");
    assert_eq!(
        check(&relabelled, "x").expect("mif1+heic").format,
        ImageFormat::Heif
    );
    relabelled[20..24].copy_from_slice(b"xxxx"); // the "heic" compatible brand
    assert_eq!(code_of(&relabelled, "x.heic"), ErrorCode::UnsupportedFormat);
}

#[test]
fn heif_size_is_the_primary_item_as_a_decoder_outputs_it() {
    // Real files: libheif codes 64x40 as 64x64 and crops it with clap; the
    // two-image file's primary (pitm) is the smaller one; a grid's tiles
    // each have their own, smaller ispe.
    let size = |name: &str| check(&fixture(name), name).map(|i| (i.width, i.height));
    assert_eq!(size("heic_64x40.heic"), Ok((64, 40)));
    assert_eq!(size("heic_primary_48x32_of_two.heic"), Ok((48, 32)));
    assert_eq!(size("heic_grid_160x96.heic"), Ok((160, 96)));
    // Hand-built headers: clap then irot by 90 degrees; no pitm at all.
    assert_eq!(size("heif_rotated_40x64.heic"), Ok((40, 64)));
    assert_eq!(size("heif_no_pitm_300x200.heic"), Ok((300, 200)));
}
