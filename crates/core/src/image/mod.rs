//! Reference images: what a file is, judged from its bytes alone, and
//! whether a provider will take it; base64 and data URLs.
//!
//! Checks run in DESIGN.md's order: `empty_image`, `unsupported_format`,
//! `truncated_image`, `corrupt_image`, `image_too_large`, `image_dimensions`.

use crate::error::{ErrorCode, RemixError};

/// The five formats Reve Remix accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Webp,
    Avif,
    Heif,
}

impl ImageFormat {
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
}

/// What a reference image is, read from its headers without decoding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// The file's size in bytes.
    pub bytes: usize,
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
    pub const REVE: Self = Self { max_bytes: 1_500_000, max_side: 8192, max_pixels: 33_554_432 };
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self::REVE
    }
}

/// Inspect `bytes` and check them against `limits`. `name` (a file name)
/// only makes messages clearer; it never decides the format.
pub fn inspect(bytes: &[u8], name: Option<&str>, limits: &ImageLimits) -> Result<ImageInfo, RemixError> {
    let _ = (bytes, name, limits);
    Err(RemixError::new(ErrorCode::UnsupportedFormat, "image checks are not built yet"))
}

/// Standard base64 (with padding) of `bytes`, appended to `out`: request
/// bodies are built in place, without an intermediate `String`.
pub fn encode_base64_into(out: &mut Vec<u8>, bytes: &[u8]) {
    use base64::Engine as _;
    let start = out.len();
    out.resize(start + base64::encoded_len(bytes.len(), true).unwrap_or(0), 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(bytes, &mut out[start..])
        .unwrap_or(0);
    out.truncate(start + written);
}

/// `data:<sniffed mime>;base64,…` appended to `out`.
pub fn data_url_into(out: &mut Vec<u8>, info: &ImageInfo, bytes: &[u8]) {
    out.extend_from_slice(b"data:");
    out.extend_from_slice(info.format.mime().as_bytes());
    out.extend_from_slice(b";base64,");
    encode_base64_into(out, bytes);
}
