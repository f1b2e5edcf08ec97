//! Image checks against real files (tests/fixtures, made by make.py with
//! Pillow and pillow-heif) and hand-built hostile ones. Native only: the
//! fixtures are read from disk and proptest does not run on wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use proptest::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::image::{
    ImageFormat, ImageInfo, ImageLimits, data_url, data_url_into, encode_base64,
    encode_base64_into, inspect, sniff_format,
};

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
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

#[test]
fn empty_image() {
    assert_eq!(
        code_of(&fixture("empty.png"), "empty.png"),
        ErrorCode::EmptyImage
    );
    let e = inspect(&[], None, &ImageLimits::REVE).expect_err("empty");
    assert_eq!(e.code, ErrorCode::EmptyImage);
    assert!(
        e.message.starts_with("This image is empty"),
        "{}",
        e.message
    );
}

#[test]
fn unsupported_format_names_what_the_file_is() {
    for (name, what) in [
        ("notes.gif", "a GIF"),
        ("scan.bmp", "a BMP"),
        ("scan.tiff", "a TIFF"),
        ("logo.svg", "an SVG"),
        ("doc.pdf", "a PDF"),
        ("readme.txt", "a text file"),
        ("page.html", "a web page (HTML)"),
        ("sound.wav", "a WAV audio file"),
        ("clip.mp4", "an MP4 video"),
    ] {
        let bytes = fixture(name);
        let e = check(&bytes, name).expect_err(name);
        assert_eq!(e.code, ErrorCode::UnsupportedFormat, "{name}: {e}");
        assert!(
            e.message.starts_with(&format!("{name} is {what}")),
            "{name}: {}",
            e.message
        );
        assert!(
            e.message
                .ends_with("use a PNG, JPEG, WebP, AVIF or HEIF image"),
            "{}",
            e.message
        );
        // Whatever it is called.
        assert_eq!(
            code_of(&bytes, "renamed.png"),
            ErrorCode::UnsupportedFormat,
            "{name}"
        );
        assert_eq!(sniff_format(&bytes), None, "{name}");
    }
    assert_eq!(
        message_of(&fixture("notes.gif"), "notes.gif"),
        "notes.gif is a GIF; use a PNG, JPEG, WebP, AVIF or HEIF image"
    );
    let e = inspect(&[0x00, 0x01, 0x02, 0x03, 0xFE], None, &ImageLimits::REVE).expect_err("binary");
    assert_eq!(e.code, ErrorCode::UnsupportedFormat);
    assert!(
        e.message.starts_with("This image is not an image format"),
        "{}",
        e.message
    );
}

#[test]
fn truncated_image_when_the_file_ends_before_the_size() {
    for name in [
        "sig_only.png",
        "sig_only.jpg",
        "sig_only.webp",
        "sig_only.heic",
        "cut_header.png",
        "cut_in_exif.jpg",
        "cut_header.webp",
        "cut_in_meta.heic",
        "cut_in_meta.avif",
    ] {
        let e = check(&fixture(name), name).expect_err(name);
        assert_eq!(e.code, ErrorCode::TruncatedImage, "{name}: {e}");
        assert!(
            e.message.starts_with(&format!("{name} is an incomplete ")),
            "{}",
            e.message
        );
    }
    // Starts of signatures too short to finish.
    for bytes in [
        &b"\x89P"[..],
        b"\x89PNG\r\n",
        b"\xFF\xD8",
        b"RIFF\x10\0\0\0",
        b"\0\0\0\x18ftyp",
    ] {
        assert_eq!(code_of(bytes, "x"), ErrorCode::TruncatedImage, "{bytes:?}");
    }
    // A WebP whose RIFF size promises more than the file holds.
    let webp = fixture("webp_lossy_70x50.webp");
    assert_eq!(
        code_of(&webp[..webp.len() - 1], "x.webp"),
        ErrorCode::TruncatedImage
    );
}

#[test]
fn every_prefix_of_a_valid_file_is_truncated_or_the_same_image() {
    for &(name, format, width, height) in VALID {
        let bytes = fixture(name);
        let mut seen_ok = false;
        for len in 8..=bytes.len() {
            match check(&bytes[..len], name) {
                Ok(info) => {
                    assert_eq!(
                        (info.format, info.width, info.height),
                        (format, width, height),
                        "{name}[..{len}]"
                    );
                    seen_ok = true;
                }
                Err(e) => {
                    assert_eq!(e.code, ErrorCode::TruncatedImage, "{name}[..{len}]: {e}");
                    assert!(
                        !seen_ok,
                        "{name}[..{len}] became truncated after being whole"
                    );
                }
            }
        }
        assert!(seen_ok, "{name}");
    }
}

#[test]
fn reading_the_size_needs_only_the_header() {
    // PNG: 33 bytes (signature + IHDR with CRC), whatever follows.
    let png = fixture("png_rgb_64x48.png");
    assert!(check(&png[..33], "x").is_ok());
    assert_eq!(code_of(&png[..32], "x"), ErrorCode::TruncatedImage);
    // JPEG: up to the frame header; the entropy-coded data is never read.
    let jpeg = fixture("jpeg_exif_120x90.jpg");
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    assert!(check(&jpeg[..sof + 10], "x").is_ok());
    assert_eq!(code_of(&jpeg[..sof + 9], "x"), ErrorCode::TruncatedImage);
    // HEIF: up to the end of meta; mdat is skipped.
    let heic = fixture("heic_64x40.heic");
    let mdat = heic.windows(4).position(|w| w == b"mdat").expect("mdat") - 4;
    assert!(check(&heic[..mdat], "x").is_ok());
    assert_eq!(code_of(&heic[..mdat - 1], "x"), ErrorCode::TruncatedImage);
}

#[test]
fn corrupt_image_when_the_header_is_impossible() {
    for (name, why) in [
        ("zero_width.png", "zero"),
        ("ihdr_not_first.png", "first chunk"),
        ("ihdr_wrong_length.png", "13 bytes"),
        ("ihdr_bad_crc.png", "checksum"),
        ("bad_start_code.webp", "start code"),
        ("zero_height.jpg", "zero"),
        ("tiny_box.heic", "smaller than its own header"),
        ("heif_bad_clap.heic", "crop"),
    ] {
        let e = check(&fixture(name), name).expect_err(name);
        assert_eq!(e.code, ErrorCode::CorruptImage, "{name}: {e}");
        assert!(
            e.message.starts_with(&format!("{name} is a damaged ")),
            "{}",
            e.message
        );
        assert!(e.message.contains(why), "{name}: {}", e.message);
    }
    // A PNG signature mangled by a text-mode transfer (CRLF -> LF).
    let mut png = fixture("png_rgb_64x48.png");
    png.remove(4);
    assert_eq!(code_of(&png, "x.png"), ErrorCode::CorruptImage);
}

#[test]
fn jpeg_segments_are_walked_by_length_with_fill_bytes_and_dht_skipped() {
    let jpeg = fixture("jpeg_baseline_80x60.jpg");
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    // Fill bytes before a marker.
    let mut filled = jpeg[..sof].to_vec();
    filled.extend_from_slice(&[0xFF, 0xFF, 0xFF]);
    filled.extend_from_slice(&jpeg[sof..]);
    assert_eq!(
        check(&filled, "x").map(|i| (i.width, i.height)),
        Ok((80, 60))
    );
    // DHT (C4), JPG (C8) and DAC (CC) sit among the SOF markers but are not
    // frame headers: a size-like payload in them must be skipped.
    for marker in [0xC4, 0xC8, 0xCC] {
        let mut b = vec![
            0xFF, 0xD8, 0xFF, marker, 0x00, 0x0B, 0x08, 0x7F, 0xFF, 0x7F, 0xFF, 0x01, 0x11, 0x00,
            0x00,
        ];
        b.extend_from_slice(&jpeg[sof..]);
        assert_eq!(
            check(&b, "x").map(|i| (i.width, i.height)),
            Ok((80, 60)),
            "{marker:#x}"
        );
    }
    // A large APP segment is one step, not a scan: a marker-like byte pair
    // inside it is never taken for a frame header.
    let mut app = vec![0xFF, 0xD8, 0xFF, 0xE2, 0xFF, 0xFF];
    app.extend(std::iter::repeat_n([0xFF, 0xC0], 65533 / 2).flatten());
    app.push(0);
    app.extend_from_slice(&jpeg[sof..]);
    assert_eq!(check(&app, "x").map(|i| (i.width, i.height)), Ok((80, 60)));
}

#[test]
fn image_too_large_at_and_over_1_5_mb() {
    let png = fixture("png_rgb_64x48.png");
    assert!(check(&padded(png.clone(), 1_499_999), "x.png").is_ok());
    for len in [1_500_000, 1_500_001, 2_000_000] {
        assert_eq!(
            code_of(&padded(png.clone(), len), "x.png"),
            ErrorCode::ImageTooLarge,
            "{len}"
        );
    }
    assert_eq!(
        message_of(&padded(fixture("heic_64x40.heic"), 2_100_000), "cat.heic"),
        "cat.heic is 2.1 MB; references must be under 1.5 MB: shrink it or save it as JPEG or WebP"
    );
    // At the limit the message cannot read "1.5 MB; must be under 1.5 MB".
    let message = message_of(&padded(png.clone(), 1_500_000), "x.png");
    assert!(
        message.starts_with("x.png is 1,500,000 bytes; references must be under 1.5 MB"),
        "{message}"
    );
    // The limit is the caller's.
    let strict = ImageLimits {
        max_bytes: 100,
        ..ImageLimits::REVE
    };
    let e = inspect(&png, None, &strict).expect_err("over 100 bytes");
    assert_eq!(e.code, ErrorCode::ImageTooLarge);
    assert!(
        e.message.starts_with("This image is 168 bytes;"),
        "{}",
        e.message
    );
}

#[test]
fn image_dimensions_over_a_side_or_the_pixel_count() {
    for (name, what) in [
        (
            "huge_100000x100000.png",
            "100000 × 100000 pixels; neither side may be over 8,192",
        ),
        (
            "wide_9000x10.png",
            "9000 × 10 pixels; neither side may be over 8,192",
        ),
        (
            "square_6000x6000.png",
            "6000 × 6000 pixels (36.0 megapixels); references may have at most 33,554,432",
        ),
    ] {
        let e = check(&fixture(name), name).expect_err(name);
        assert_eq!(e.code, ErrorCode::ImageDimensions, "{name}: {e}");
        assert!(e.message.contains(what), "{name}: {}", e.message);
    }
    // Exactly at the limits is fine.
    let ihdr = |w: u32, h: u32| {
        let mut b = fixture("png_rgb_64x48.png")[..33].to_vec();
        b[16..20].copy_from_slice(&w.to_be_bytes());
        b[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&b[12..29]);
        b[29..33].copy_from_slice(&crc.to_be_bytes());
        b
    };
    assert!(check(&ihdr(8192, 4096), "x").is_ok()); // 33,554,432 pixels
    assert_eq!(code_of(&ihdr(8192, 4097), "x"), ErrorCode::ImageDimensions);
    assert_eq!(code_of(&ihdr(8193, 1), "x"), ErrorCode::ImageDimensions);
    assert_eq!(code_of(&ihdr(1, 8193), "x"), ErrorCode::ImageDimensions);
}

#[test]
fn checks_run_in_design_order() {
    let big = 2_000_000;
    // unsupported_format before image_too_large.
    assert_eq!(
        code_of(&padded(fixture("notes.gif"), big), "x"),
        ErrorCode::UnsupportedFormat
    );
    // truncated_image before image_too_large: 2 MB of APP segments and no frame header.
    let mut jpeg = vec![0xFF, 0xD8];
    while jpeg.len() < big {
        jpeg.extend_from_slice(&[0xFF, 0xEF, 0xFF, 0xFF]);
        jpeg.resize(jpeg.len() + 65533, 0);
    }
    assert_eq!(code_of(&jpeg, "x.jpg"), ErrorCode::TruncatedImage);
    // corrupt_image before image_too_large.
    assert_eq!(
        code_of(&padded(fixture("zero_width.png"), big), "x"),
        ErrorCode::CorruptImage
    );
    // image_too_large before image_dimensions.
    assert_eq!(
        code_of(&padded(fixture("huge_100000x100000.png"), big), "x"),
        ErrorCode::ImageTooLarge
    );
    // truncated_image before corrupt_image: the zero width is past the end.
    assert_eq!(
        code_of(&fixture("zero_width.png")[..20], "x"),
        ErrorCode::TruncatedImage
    );
}

#[test]
fn base64_matches_rfc_4648_test_vectors() {
    for (input, expected) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        let mut out = b"keep:".to_vec();
        encode_base64_into(&mut out, input.as_bytes());
        assert_eq!(out, format!("keep:{expected}").as_bytes(), "{input:?}");
        assert_eq!(encode_base64(input.as_bytes()), expected);
    }
    // The standard alphabet, not the URL-safe one: 0xFB 0xFF -> "+/8=".
    assert_eq!(encode_base64(&[0xFB, 0xFF]), "+/8=");
    let all: Vec<u8> = (0..=255).collect();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encode_base64(&all))
        .expect("decodes");
    assert_eq!(decoded, all);
}

/// CRC-32 as PNG uses it, to build valid headers in tests.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn assert_image_result(
    result: Result<ImageInfo, reve_remix_core::RemixError>,
    len: usize,
) -> Result<(), TestCaseError> {
    match result {
        Ok(info) => {
            prop_assert_eq!(info.bytes, len);
            prop_assert!(info.width > 0 && info.height > 0);
            prop_assert!(info.width <= 8192 && info.height <= 8192);
        }
        Err(e) => {
            prop_assert!(e.code.is_image(), "{:?}", e);
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        assert_image_result(inspect(&bytes, None, &ImageLimits::REVE), bytes.len())?;
    }

    #[test]
    fn arbitrary_bytes_behind_each_signature_never_panic(
        sig in prop::sample::select(vec![
            &b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"[..],
            b"\xFF\xD8\xFF",
            b"RIFF\xFF\xFF\0\0WEBPVP8 ",
            b"RIFF\xFF\xFF\0\0WEBPVP8L",
            b"RIFF\xFF\xFF\0\0WEBPVP8X",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"\0\0\0\x18ftypavif\0\0\0\0mif1avif",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let bytes = [sig, &tail[..]].concat();
        assert_image_result(inspect(&bytes, None, &ImageLimits::REVE), bytes.len())?;
    }

    #[test]
    fn mutated_and_truncated_fixtures_never_panic(
        which in 0..VALID.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        do_cut in any::<bool>(),
    ) {
        let mut bytes = fixture(VALID[which].0);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if do_cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        assert_image_result(inspect(&bytes, Some("x"), &ImageLimits::REVE), bytes.len())?;
    }

    #[test]
    fn big_length_fields_never_panic(
        which in 0..VALID.len(),
        at in any::<prop::sample::Index>(),
        value in prop::sample::select(vec![0u32, 1, 7, 8, 15, 16, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFF0]),
    ) {
        // Overwrite four bytes with a length-like value anywhere in the header.
        let mut bytes = fixture(VALID[which].0);
        let i = at.index(bytes.len().min(512).saturating_sub(4));
        bytes[i..i + 4].copy_from_slice(&value.to_be_bytes());
        assert_image_result(inspect(&bytes, None, &ImageLimits::REVE), bytes.len())?;
        bytes[i..i + 4].copy_from_slice(&value.to_le_bytes());
        assert_image_result(inspect(&bytes, None, &ImageLimits::REVE), bytes.len())?;
    }
}
