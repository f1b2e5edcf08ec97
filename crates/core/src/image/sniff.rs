//! What a file is, from its first bytes: one of the five accepted formats,
//! or a name for what it is instead so the message can say "is a GIF"
//! rather than "is not supported".

use super::ImageFormat;
use super::read::{array_at, be_u32};

/// The sniffer's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sniff {
    /// The signature of an accepted format; its header is still unchecked.
    Known(ImageFormat),
    /// The start of an accepted format's signature (or of a container that
    /// may hold one), cut off before it can be told apart.
    Partial(&'static str),
    /// Anything else, with what it looks like when that is known ("a GIF").
    Other(Option<&'static str>),
}

use Sniff::{Known, Other, Partial};

pub(super) fn sniff(b: &[u8]) -> Sniff {
    // PNG is matched on its first four bytes so that a signature damaged
    // by a text-mode transfer ("\r\n" -> "\n") reads as a damaged PNG.
    if b.starts_with(b"\x89PNG") {
        return Known(ImageFormat::Png);
    }
    if b.starts_with(&[0xFF, 0xD8]) {
        return Known(ImageFormat::Jpeg);
    }
    if b.starts_with(b"RIFF") {
        return match array_at::<4>(b, 8) {
            None => Partial("RIFF"),
            Some(form) => match &form {
                b"WEBP" => Known(ImageFormat::Webp),
                b"WAVE" => Other(Some("a WAV audio file")),
                b"AVI " => Other(Some("an AVI video")),
                _ => Other(Some("a RIFF file that is not WebP")),
            },
        };
    }
    if b.get(4..8) == Some(&b"ftyp"[..]) {
        return iso_bmff(b);
    }
    if b.len() >= 2 && b.len() < 4 && b"\x89PNG".starts_with(b) {
        return Partial("PNG");
    }
    Other(other(b))
}

/// Brands that promise an AV1 (AVIF) or HEVC (HEIC) image or sequence.
fn image_brand(brand: &[u8]) -> Option<ImageFormat> {
    match brand {
        b"avif" | b"avis" => Some(ImageFormat::Avif),
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs" => {
            Some(ImageFormat::Heif)
        }
        _ => None,
    }
}

/// An ISO-BMFF file (`ftyp` at offset 4): HEIF/AVIF, or video and audio.
fn iso_bmff(b: &[u8]) -> Sniff {
    let Some(major) = array_at::<4>(b, 8) else {
        return Partial("HEIF or MP4");
    };
    if let Some(format) = image_brand(&major) {
        return Known(format);
    }
    if matches!(&major, b"mif1" | b"msf1" | b"miaf") {
        // The generic HEIF brands say nothing of the codec: the compatible
        // brands after the minor version (offset 16) do.
        let size = be_u32(b, 0).map_or(0, |s| s as usize);
        let end = match size {
            0 => b.len(),
            // Too small to hold any compatible brand (or a 64-bit size,
            // which no real ftyp needs): there are none to read.
            1..16 => 16,
            n => n,
        };
        let brands = b.get(16..end.min(b.len())).unwrap_or_default();
        if let Some(format) = brands.chunks_exact(4).find_map(image_brand) {
            return Known(format);
        }
        if end > b.len() {
            return Partial("HEIF");
        }
        return Other(Some(
            "a HEIF file whose images are neither HEVC (HEIC) nor AV1 (AVIF)",
        ));
    }
    Other(Some(match &major {
        b"qt  " => "a QuickTime video",
        b"M4A " | b"M4B " | b"M4P " | b"f4a " | b"f4b " => "an M4A audio file",
        b"crx " => "a Canon raw (CR3) photo",
        b"jp2 " | b"jpx " | b"jpm " => "a JPEG 2000 image",
        b"avci" | b"avcs" => "a HEIF file with H.264 images",
        [b'3', b'g', ..] => "a 3GP video",
        _ => "an MP4 video",
    }))
}

/// What an unaccepted file looks like, if it is something common.
fn other(b: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"GIF87a", "a GIF"),
        (b"GIF89a", "a GIF"),
        (b"II*\0", "a TIFF (or a camera raw file)"),
        (b"MM\0*", "a TIFF (or a camera raw file)"),
        (b"II+\0", "a TIFF (or a camera raw file)"),
        (b"MM\0+", "a TIFF (or a camera raw file)"),
        (b"%PDF-", "a PDF"),
        (b"8BPS", "a Photoshop (PSD) file"),
        (b"\xFF\x0A", "a JPEG XL image"),
        (b"\0\0\0\x0CJXL \r\n\x87\n", "a JPEG XL image"),
        (b"\0\0\0\x0CjP  \r\n\x87\n", "a JPEG 2000 image"),
        (b"\xFF\x4F\xFF\x51", "a JPEG 2000 image"),
        (b"qoif", "a QOI image"),
        (b"v/1\x01", "an OpenEXR image"),
        (b"\0\0\x01\0", "an icon (ICO)"),
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"\x1A\x45\xDF\xA3", "a WebM or Matroska video"),
        (b"ID3", "an MP3 audio file"),
        (b"OggS", "an Ogg audio or video file"),
        (b"fLaC", "a FLAC audio file"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| b.starts_with(magic)) {
        return Some(what);
    }
    // "BM" alone starts too many words; the BMP file header's reserved
    // fields are zero.
    if b.starts_with(b"BM") && b.len() >= 14 && b.get(6..10) == Some(&[0; 4][..]) {
        return Some("a BMP");
    }
    text(b)
}

/// SVG, HTML or plain text, judged from the first kilobytes.
fn text(b: &[u8]) -> Option<&'static str> {
    let head = b.get(..4096).unwrap_or(b);
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // A cut in the middle of a character at the window's end is fine.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(head.get(..e.valid_up_to())?).ok()?
        }
        Err(_) => return None,
    };
    if valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
    {
        return None;
    }
    let start = valid.trim_start();
    let lower: String = start
        .chars()
        .take(1024)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // Byte searches: `str::contains` would pull core's string searcher and
    // its Unicode tables into the wasm (about 5 KB gzipped).
    if start.starts_with('<') && crate::error::has_sub(valid, "<svg") {
        return Some("an SVG drawing");
    }
    if lower.starts_with("<!doctype html") || crate::error::has_sub(&lower, "<html") {
        return Some("a web page (HTML)");
    }
    Some("a text file")
}
