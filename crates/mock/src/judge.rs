//! Whether a reference image is one the providers take, judged the way
//! their documents put it and with a real decoder: not with the client's
//! checks (`reve-remix-core`), so that the mock stays a second opinion on
//! what the client sends rather than a copy of it.
//!
//! From the documents (shared/providers/README.md, "Common to all"): each
//! image **under 1.5 MB** (`< 1,500,000` bytes of the file as sent), in
//! **PNG, JPEG, WebP, AVIF or HEIF/HEIC**, decided by the file's bytes. From
//! DESIGN.md, Reve's own limits: at most 8192 px on a side and 33,554,432
//! pixels. PNG, JPEG and WebP are read by the `image` crate's decoders: the
//! header for the size, then every pixel, so a file cut short or damaged
//! anywhere is refused, as a provider that decodes it would refuse it.
//! AVIF and HEIF are known by their `ftyp` brands only: the `image` crate
//! decodes neither without native libraries, so their size and pixels go
//! unchecked here.

use std::io::Cursor;

use image::{ImageFormat as Codec, ImageReader, Limits};

/// The largest file the providers take is one byte under this.
pub const MAX_IMAGE_BYTES: usize = 1_500_000;
/// The longest side Reve takes, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// The most pixels Reve takes (8192 × 4096).
pub const MAX_PIXELS: u64 = 33_554_432;

/// The formats the documents list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
    Avif,
    Heif,
}

impl Format {
    /// The `image` crate's decoder for it, if it has one.
    pub fn codec(self) -> Option<Codec> {
        match self {
            Self::Png => Some(Codec::Png),
            Self::Jpeg => Some(Codec::Jpeg),
            Self::Webp => Some(Codec::WebP),
            Self::Avif | Self::Heif => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
            Self::Avif => "AVIF",
            Self::Heif => "HEIF",
        }
    }
}

/// Why an image was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No bytes at all.
    Empty,
    /// Not one of the five formats.
    Unsupported,
    /// 1.5 MB or more.
    TooLarge,
    /// The decoder could not read it: cut short or damaged.
    Unreadable,
    /// Over 8192 px on a side, or over 33,554,432 pixels.
    Dimensions,
}

/// The format of `bytes` if the providers take it, or why not, in words
/// that follow the field's name ("reference_images[0] is empty").
pub fn judge(bytes: &[u8]) -> Result<Format, (Problem, String)> {
    if bytes.is_empty() {
        return Err((Problem::Empty, "is empty".into()));
    }
    let format = format_of(bytes)?;
    if bytes.len() >= MAX_IMAGE_BYTES {
        return Err((
            Problem::TooLarge,
            format!(
                "is {} bytes; each image must be under 1.5 MB ({MAX_IMAGE_BYTES} bytes)",
                bytes.len()
            ),
        ));
    }
    if let Some(codec) = format.codec() {
        decode(bytes, format, codec)?;
    }
    Ok(format)
}

/// The format, by the bytes: the `image` crate's signatures for PNG, JPEG
/// and WebP (and for the formats it knows and the providers do not take),
/// the `ftyp` brands for AVIF and HEIF.
fn format_of(bytes: &[u8]) -> Result<Format, (Problem, String)> {
    let refuse = |what: String| {
        Err((
            Problem::Unsupported,
            format!("is {what}: the providers take PNG, JPEG, WebP, AVIF or HEIF/HEIC images"),
        ))
    };
    if let Some(brands) = ftyp_brands(bytes) {
        let has = |set: &[&[u8; 4]]| brands.iter().any(|b| set.contains(b));
        if has(&[b"avif", b"avis"]) {
            return Ok(Format::Avif);
        }
        if has(&[
            b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
        ]) {
            return Ok(Format::Heif);
        }
        return refuse("an ISO media file (a video or the like), not an AVIF or HEIF image".into());
    }
    match image::guess_format(bytes) {
        Ok(Codec::Png) => Ok(Format::Png),
        Ok(Codec::Jpeg) => Ok(Format::Jpeg),
        Ok(Codec::WebP) => Ok(Format::Webp),
        Ok(other) => refuse(format!("a {other:?} image")),
        Err(_) => refuse("not an image".into()),
    }
}

/// The major and compatible brands of an ISO-BMFF file's leading `ftyp`
/// box, if it starts with one.
fn ftyp_brands(bytes: &[u8]) -> Option<Vec<&[u8; 4]>> {
    if bytes.get(4..8)? != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let end = size.clamp(16, bytes.len().max(16)).min(bytes.len());
    let mut brands = vec![bytes.get(8..12)?.try_into().ok()?];
    // Skip the minor version (12..16); compatible brands follow.
    brands.extend(
        bytes
            .get(16..end)
            .unwrap_or_default()
            .chunks_exact(4)
            .filter_map(|c| <&[u8; 4]>::try_from(c).ok()),
    );
    Some(brands)
}

/// Read the header for the size, check it, then decode every pixel.
fn decode(bytes: &[u8], format: Format, codec: Codec) -> Result<(), (Problem, String)> {
    let unreadable = |e: image::ImageError| {
        (
            Problem::Unreadable,
            format!("could not be read as a {} image: {e}", format.name()),
        )
    };
    let reader = || {
        let mut r = ImageReader::with_format(Cursor::new(bytes), codec);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        r.limits(limits);
        r
    };
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), codec)
        .into_dimensions()
        .map_err(unreadable)?;
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err((
            Problem::Dimensions,
            format!(
                "is {w}×{h} pixels; at most {MAX_SIDE} on a side and {MAX_PIXELS} pixels in all"
            ),
        ));
    }
    reader().decode().map(drop).map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        reve_remix_fixtures::bytes(name).to_vec()
    }

    fn problem(bytes: &[u8]) -> Option<Problem> {
        judge(bytes).err().map(|(p, _)| p)
    }

    #[test]
    fn the_five_formats_are_taken() {
        for (name, format) in [
            ("png_rgb_64x48.png", Format::Png),
            ("png_named_as.jpg", Format::Png),
            ("jpeg_progressive_100x75.jpg", Format::Jpeg),
            ("webp_lossless_33x17.webp", Format::Webp),
            ("avif_64x40.avif", Format::Avif),
            ("heic_64x40.heic", Format::Heif),
        ] {
            assert_eq!(judge(&fixture(name)), Ok(format), "{name}");
        }
    }

    /// The mock refuses a GIF by itself (the client's own refusal is the
    /// core's test); so any other format, whatever the file is called.
    #[test]
    fn other_formats_are_refused_by_their_bytes() {
        let (p, words) = judge(&fixture("notes.gif")).expect_err("a GIF");
        assert_eq!(p, Problem::Unsupported);
        assert!(
            words.contains("Gif") && words.contains("PNG, JPEG"),
            "{words}"
        );
        for name in ["scan.bmp", "scan.tiff", "logo.svg", "doc.pdf", "clip.mp4"] {
            assert_eq!(
                problem(&fixture(name)),
                Some(Problem::Unsupported),
                "{name}"
            );
        }
        assert_eq!(problem(b""), Some(Problem::Empty));
    }

    #[test]
    fn the_decoder_refuses_what_is_cut_short_or_damaged() {
        for name in [
            "sig_only.png",
            "cut_header.webp",
            "zero_width.png",
            "ihdr_bad_crc.png",
            "wide_9000x10.png", // a header and no pixel data at all
        ] {
            assert_eq!(problem(&fixture(name)), Some(Problem::Unreadable), "{name}");
        }
        // The header is whole, the pixels are not: the client's header
        // checks pass it; a provider decoding it would not.
        let png = fixture("png_rgb_64x48.png");
        assert_eq!(problem(&png[..png.len() - 30]), Some(Problem::Unreadable));
    }

    #[test]
    fn size_and_dimensions_are_the_documents_limits() {
        let mut big = fixture("png_rgb_64x48.png");
        big.resize(MAX_IMAGE_BYTES - 1, 0);
        assert_eq!(judge(&big), Ok(Format::Png), "a byte under 1.5 MB");
        big.push(0);
        let (p, words) = judge(&big).expect_err("1.5 MB");
        assert_eq!(p, Problem::TooLarge);
        assert!(words.contains("1.5 MB"), "{words}");
        assert_eq!(
            problem(&fixture("huge_100000x100000.png")),
            Some(Problem::Dimensions)
        );
        // Judged from the header, before a pixel is decoded.
        assert_eq!(problem(&png_header(8193, 1)), Some(Problem::Dimensions));
        assert_eq!(problem(&png_header(1, 8193)), Some(Problem::Dimensions));
        assert_eq!(problem(&png_header(5793, 5793)), Some(Problem::Dimensions));
        assert_eq!(problem(&png_header(8192, 4096)), Some(Problem::Unreadable));
    }

    /// A PNG whose header says `w`×`h`, with a few bytes of pixel data.
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = !0u32;
            for &b in data {
                crc ^= u32::from(b);
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
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let body = [kind, data].concat();
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        };
        let mut ihdr = [w.to_be_bytes(), h.to_be_bytes()].concat();
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        // A stored zlib block of three zero bytes: far too few pixels.
        chunk(
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x03, 0x00, 0xfc, 0xff, 0, 0, 0, 0, 0x03, 0, 0,
            ],
        );
        chunk(b"IEND", b"");
        out
    }
}
