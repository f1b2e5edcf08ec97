//! What a bad file is called: empty, unsupported (and what it is), truncated, corrupt; the JPEG segment walk.

use super::*;

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
