//! The size limits, the order of the checks, base64 against RFC 4648, and the property tests over arbitrary and damaged bytes.

use super::*;

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
