//! Reference images: what a file is, judged from its bytes alone, and
//! whether a provider will take it; base64 and data URLs.
//!
//! Checks run in DESIGN.md's order: `empty_image`, `unsupported_format`,
//! `truncated_image`, `corrupt_image`, `image_too_large`, `image_dimensions`.
//!
//! Nothing here decodes pixels: the size comes from the headers (PNG IHDR,
//! JPEG SOFn, WebP VP8/VP8L/VP8X, HEIF/AVIF `ispe`), read with bounds checks
//! and without trusting any length field. The cost is O(header) for every
//! format; JPEG walks its segments by their lengths. Sizes are what a
//! decoder outputs: for HEIF/AVIF that applies the primary item's `clap`
//! crop and `irot` rotation, which are part of the image (encoders pad the
//! coded size in `ispe`); EXIF orientation, which is metadata, is not
//! applied (it changes neither the longest side nor the pixel count).
//! A file cut off after its header passes here (only WebP, whose RIFF size
//! makes it a free check, is held to its declared length): finding that out
//! means decoding, which is the provider's job.

pub mod fit;
mod heif;
mod jpeg;
mod png;
mod read;
mod sniff;
mod webp;

use crate::error::{ErrorCode, RemixError};
use sniff::Sniff;

/// The five formats Reve Remix accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// PNG (`\x89PNG\r\n\x1a\n`).
    Png,
    /// JPEG (`FF D8`), baseline, progressive or lossless.
    Jpeg,
    /// WebP: lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`).
    Webp,
    /// AVIF: HEIF with AV1 images (brands `avif`, `avis`).
    Avif,
    /// HEIF/HEIC with HEVC images (brands `heic`, `heix`, `hevc`, …).
    Heif,
}

impl ImageFormat {
    /// Every accepted format.
    pub const ALL: [ImageFormat; 5] = [Self::Png, Self::Jpeg, Self::Webp, Self::Avif, Self::Heif];

    /// The name JS sees in `ImageInfo.format`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Heif => "heif",
        }
    }

    /// The MIME type used in data URLs and uploads.
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
            Self::Heif => "image/heic",
        }
    }

    /// The name people know the format by, for messages and the UI.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
            Self::Avif => "AVIF",
            Self::Heif => "HEIF",
        }
    }

    /// The usual file extension, without the dot (for naming downloads).
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Heif => "heic",
        }
    }
}

/// What a reference image is, read from its headers without decoding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// The format the bytes are, whatever the file is called.
    pub format: ImageFormat,
    /// Width in pixels, as decoded (see the module doc on rotation).
    pub width: u32,
    /// Height in pixels, as decoded.
    pub height: u32,
    /// The file's size in bytes.
    pub bytes: usize,
}

impl ImageInfo {
    /// width × height, in u64 so that no size can overflow it.
    pub const fn pixels(&self) -> u64 {
        self.width as u64 * self.height as u64
    }
}

/// A provider's limits on one reference image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLimits {
    /// A file must be strictly smaller than this.
    pub max_bytes: usize,
    /// Neither side may exceed this.
    pub max_side: u32,
    /// width × height may not exceed this.
    pub max_pixels: u64,
}

impl ImageLimits {
    /// Reve's own limits, which every provider documents or inherits.
    pub const REVE: Self = Self {
        max_bytes: 1_500_000,
        max_side: 8192,
        max_pixels: 33_554_432,
    };
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self::REVE
    }
}

/// Why a header could not give a size. Parsers read in file order and
/// report the first problem they meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeaderError {
    /// The file ends (or a length field points past its end) before the size.
    Truncated,
    /// The header is there but impossible; the text completes "… damaged X: ".
    Corrupt(&'static str),
}

/// The format the bytes' signature claims, without checking the header:
/// `None` for anything else. The file name plays no part.
pub fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    match sniff::sniff(bytes) {
        Sniff::Known(format) => Some(format),
        Sniff::Partial(_) | Sniff::Other(_) => None,
    }
}

/// Inspect `bytes` and check them against `limits`: [`read`], then
/// [`within`]. `name` (a file name) only makes messages clearer; it never
/// decides the format.
pub fn inspect(
    bytes: &[u8],
    name: Option<&str>,
    limits: &ImageLimits,
) -> Result<ImageInfo, RemixError> {
    let info = read(bytes, name)?;
    within(&info, name, limits)?;
    Ok(info)
}

/// What `bytes` are, from their signature and header alone: any image
/// [`inspect`] takes, whatever its size. An app that reads a file once,
/// when it is added, can then judge it against each provider's limits
/// with [`within`] without reading it again.
pub fn read(bytes: &[u8], name: Option<&str>) -> Result<ImageInfo, RemixError> {
    let who = display_name(name);
    let fail = |code, message: String| Err(RemixError::new(code, message));
    if bytes.is_empty() {
        return fail(
            ErrorCode::EmptyImage,
            format!("{who} is empty (0 bytes); choose the file again or export the image again"),
        );
    }
    let format = match sniff::sniff(bytes) {
        Sniff::Known(format) => format,
        Sniff::Partial(label) => return fail(ErrorCode::TruncatedImage, truncated(who, label)),
        Sniff::Other(Some(what)) => {
            return fail(
                ErrorCode::UnsupportedFormat,
                format!("{who} is {what}; use {ACCEPTED}"),
            );
        }
        Sniff::Other(None) => {
            return fail(
                ErrorCode::UnsupportedFormat,
                format!("{who} is not an image format Reve Remix accepts; use {ACCEPTED}"),
            );
        }
    };
    let header = match format {
        ImageFormat::Png => png::dimensions(bytes),
        ImageFormat::Jpeg => jpeg::dimensions(bytes),
        ImageFormat::Webp => webp::dimensions(bytes),
        ImageFormat::Avif | ImageFormat::Heif => heif::dimensions(bytes),
    };
    let (width, height) = match header {
        Ok(size) => size,
        Err(HeaderError::Truncated) => {
            return fail(ErrorCode::TruncatedImage, truncated(who, format.label()));
        }
        Err(HeaderError::Corrupt(why)) => {
            let label = format.label();
            return fail(
                ErrorCode::CorruptImage,
                format!(
                    "{who} is a damaged {label} file: {why}; open it in an image editor and save it again"
                ),
            );
        }
    };
    Ok(ImageInfo {
        format,
        width,
        height,
        bytes: bytes.len(),
    })
}

/// Whether an image [`read`] found (`name`, its file's name) is within
/// `limits`: its size in bytes, each side, its pixels.
pub fn within(
    info: &ImageInfo,
    name: Option<&str>,
    limits: &ImageLimits,
) -> Result<(), RemixError> {
    let who = display_name(name);
    let fail = |code, message: String| Err(RemixError::new(code, message));
    let (width, height) = (info.width, info.height);
    if info.bytes >= limits.max_bytes {
        return fail(
            ErrorCode::ImageTooLarge,
            too_large(who, info.bytes, limits.max_bytes),
        );
    }
    if width > limits.max_side || height > limits.max_side {
        let max = thousands(u64::from(limits.max_side));
        return fail(
            ErrorCode::ImageDimensions,
            format!(
                "{who} is {width} × {height} pixels; neither side may be over {max}: resize it"
            ),
        );
    }
    if info.pixels() > limits.max_pixels {
        let (mp, max_mp) = (megapixels(info.pixels()), megapixels(limits.max_pixels));
        let max = thousands(limits.max_pixels);
        return fail(
            ErrorCode::ImageDimensions,
            format!(
                "{who} is {width} × {height} pixels ({mp} megapixels); references may have at most \
                 {max} pixels ({max_mp} megapixels): resize it"
            ),
        );
    }
    Ok(())
}

const ACCEPTED: &str = "a PNG, JPEG, WebP, AVIF or HEIF image";

/// The file's own name, without the folders some browsers prepend
/// (`C:\fakepath\…`), or "This image" when there is none.
fn display_name(name: Option<&str>) -> &str {
    name.and_then(|n| n.rsplit(['/', '\\']).next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("This image")
}

fn truncated(who: &str, label: &str) -> String {
    format!(
        "{who} is an incomplete {label} file: it ends before its header gives the image's size; \
         download or export it again"
    )
}

/// "cat.heic is 2.1 MB; references must be under 1.5 MB". Sizes are shown
/// rounded down, so the shown size is never above the real one; when one
/// or two decimals cannot show it is over the limit, bytes are spelled out
/// rather than printing "1.5 MB; must be under 1.5 MB".
fn too_large(who: &str, size: usize, limit: usize) -> String {
    let (size, limit) = (size as u64, limit as u64);
    let limit_mb = exact_megabytes(limit);
    let advice = "shrink it or save it as JPEG or WebP";
    for decimals in 1..=2 {
        let unit = 10u64.pow(6 - decimals);
        if size / unit * unit > limit {
            let shown = megabytes_floor(size, decimals);
            return format!(
                "{who} is {shown} MB; references must be under {limit_mb} MB: {advice}"
            );
        }
    }
    let (size, limit) = (thousands(size), thousands(limit));
    format!(
        "{who} is {size} bytes; references must be under {limit_mb} MB ({limit} bytes): {advice}"
    )
}

/// `n` bytes in MB (10^6 bytes), rounded down to `decimals` places.
fn megabytes_floor(n: u64, decimals: u32) -> String {
    let scaled = n / 10u64.pow(6 - decimals);
    let scale = 10u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        scaled / scale,
        scaled % scale,
        width = decimals as usize
    )
}

/// `n` bytes in MB, exactly, without trailing zeros: "1.5", "2", "1.048576".
fn exact_megabytes(n: u64) -> String {
    let text = megabytes_floor(n, 6);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Pixels in millions, rounded down to one decimal: "33.5".
fn megapixels(n: u64) -> String {
    let tenths = n / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `1500000` as "1,500,000": how the messages write counts (the web app
/// writes credits the same way).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Standard base64 (with padding) of `bytes`, appended to `out`: request
/// bodies are built in place, without an intermediate `String`.
pub fn encode_base64_into(out: &mut Vec<u8>, bytes: &[u8]) {
    // Writes into the spare capacity: no zero-fill of megabytes first.
    base64_simd::STANDARD.encode_append(bytes, out);
}

/// Standard base64 (with padding) of `bytes`, as a `String`.
pub fn encode_base64(bytes: &[u8]) -> String {
    base64_simd::STANDARD.encode_to_string(bytes)
}

/// `data:<sniffed mime>;base64,…` appended to `out`.
pub fn data_url_into(out: &mut Vec<u8>, info: &ImageInfo, bytes: &[u8]) {
    out.extend_from_slice(b"data:");
    out.extend_from_slice(info.format.mime().as_bytes());
    out.extend_from_slice(b";base64,");
    encode_base64_into(out, bytes);
}

/// `data:<sniffed mime>;base64,…` as a `String`, sized once up front.
pub fn data_url(info: &ImageInfo, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    data_url_into(&mut out, info, bytes);
    // A MIME type and base64 are ASCII.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_never_shown_equal_to_the_limit() {
        let limit = 1_500_000;
        assert_eq!(
            too_large("a.png", 2_149_999, limit),
            "a.png is 2.1 MB; references must be under 1.5 MB: shrink it or save it as JPEG or WebP"
        );
        assert!(too_large("a.png", 1_520_000, limit).starts_with("a.png is 1.52 MB;"));
        for size in [1_500_000, 1_500_001, 1_509_999] {
            let message = too_large("a.png", size, limit);
            assert!(
                message.contains(&format!("{} bytes", thousands(size as u64))),
                "{message}"
            );
            assert!(
                message.contains("under 1.5 MB (1,500,000 bytes)"),
                "{message}"
            );
        }
    }

    #[test]
    fn numbers_are_grouped_and_megabytes_exact() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(33_554_432), "33,554,432");
        assert_eq!(exact_megabytes(1_500_000), "1.5");
        assert_eq!(exact_megabytes(2_000_000), "2");
        assert_eq!(exact_megabytes(1_048_576), "1.048576");
        assert_eq!(megapixels(33_554_432), "33.5");
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(display_name(Some("C:\\fakepath\\cat.png")), "cat.png");
        assert_eq!(display_name(Some("photos/cat.png")), "cat.png");
        assert_eq!(display_name(Some("  ")), "This image");
        assert_eq!(display_name(None), "This image");
    }
}
