//! Fitting an image to a model's limits, the sums: which format to write,
//! what size to draw it at, and what to try next when an encode comes out
//! too large. The browser does the decoding and encoding (the package's
//! `fitImage`); everything it is asked to do is decided here, so that it
//! is a native `cargo test` away.
//!
//! A plan starts at the largest size the limits allow (the image's own,
//! when it is within them; for a lossy source far over the byte limit,
//! the size its bytes say will fit) and the best quality; after each encode that
//! is still too large it either lowers the quality a notch (when the file
//! was only a little over) or scales down by the square root of how far
//! over it was (area goes with bytes), aiming 10 % under the limit.

use super::read::{be_u16, be_u32, bytes_at, le_u16, le_u32, u8_at};
use super::{ImageFormat, ImageInfo, ImageLimits};
use crate::error::{ErrorCode, RemixError};

/// Encodes tried before giving up.
pub const ATTEMPTS: u32 = 8;

/// The qualities a lossy format is written at, best first.
pub const QUALITIES: [f64; 4] = [0.9, 0.82, 0.72, 0.6];

/// The formats the browser is asked to write.
pub const WRITABLE: [ImageFormat; 3] = [ImageFormat::Webp, ImageFormat::Jpeg, ImageFormat::Png];

/// True when the image may be sent as it is: within every limit and in
/// a format the model takes.
pub fn fits(info: &ImageInfo, limits: &ImageLimits, accepted: &[ImageFormat]) -> bool {
    info.bytes < limits.max_bytes
        && info.width <= limits.max_side
        && info.height <= limits.max_side
        && info.pixels() <= limits.max_pixels
        && accepted.contains(&info.format)
}

/// The format `fitImage`'s `format` option names: `webp`, `jpeg` or `png`.
pub fn parse_format(name: &str) -> Result<ImageFormat, RemixError> {
    WRITABLE
        .into_iter()
        .find(|f| f.as_str() == name)
        .ok_or_else(|| {
            RemixError::new(
                ErrorCode::InvalidOption,
                [
                    "format \"",
                    name,
                    "\" cannot be written; use \"webp\", \"jpeg\" or \"png\"",
                ]
                .concat(),
            )
        })
}

/// The format to write: `wanted` when given (it must be one the model
/// takes), else WebP, or, for a model that refuses WebP, JPEG, or PNG when
/// the image has transparency (JPEG has none).
pub fn choose_format(
    wanted: Option<ImageFormat>,
    alpha: bool,
    accepted: &[ImageFormat],
) -> Result<ImageFormat, RemixError> {
    if let Some(f) = wanted {
        if accepted.contains(&f) {
            return Ok(f);
        }
        let taken: Vec<&str> = WRITABLE
            .iter()
            .filter(|w| accepted.contains(w))
            .map(|w| w.as_str())
            .collect();
        return Err(RemixError::new(
            ErrorCode::InvalidOption,
            [
                "format \"",
                f.as_str(),
                "\" is not one this model takes; use one of: ",
                &taken.join(", "),
            ]
            .concat(),
        ));
    }
    let order: &[ImageFormat] = if alpha {
        &[ImageFormat::Webp, ImageFormat::Png, ImageFormat::Jpeg]
    } else {
        &[ImageFormat::Webp, ImageFormat::Jpeg, ImageFormat::Png]
    };
    Ok(order
        .iter()
        .copied()
        .find(|f| accepted.contains(f))
        .unwrap_or(ImageFormat::Jpeg))
}

/// What to write instead when the browser could not write `format` (it
/// hands back PNG for a type it cannot encode: WebP in older Safari):
/// PNG keeps transparency, JPEG is smaller. `None`: nothing else to try.
pub fn fallback(format: ImageFormat, alpha: bool, accepted: &[ImageFormat]) -> Option<ImageFormat> {
    let next = match (format, alpha) {
        (ImageFormat::Webp, true) => ImageFormat::Png,
        (ImageFormat::Webp, false) | (ImageFormat::Png, false) => ImageFormat::Jpeg,
        _ => return None,
    };
    if accepted.contains(&next) {
        Some(next)
    } else if next == ImageFormat::Png && accepted.contains(&ImageFormat::Jpeg) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

/// True for the formats whose encoder takes a quality.
pub const fn is_lossy(format: ImageFormat) -> bool {
    !matches!(format, ImageFormat::Png)
}

/// The size to draw `width` × `height` at: `scale` of it, then within the
/// limits' side and pixel caps, never above its own size nor below 1 × 1.
pub fn target_size(width: u32, height: u32, limits: &ImageLimits, scale: f64) -> (u32, u32) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let side = f64::from(limits.max_side) / w.max(h);
    #[expect(clippy::cast_precision_loss, reason = "pixel caps are far below 2^52")]
    let pixels = (limits.max_pixels as f64 / (w * h)).sqrt();
    let s = scale.min(side).min(pixels).min(1.0);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "s ≤ 1 keeps both within u32; floor keeps them within the caps"
    )]
    let fit = |v: f64| ((v * s).floor() as u32).max(1);
    (fit(w), fit(h))
}

/// The scale to try after an encode at `scale` came to `got` bytes, for a
/// file that must be under `max` bytes: the side goes with the square
/// root of the bytes; aim 10 % under, and at least 10 % smaller.
pub fn next_scale(scale: f64, got: usize, max: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "file sizes are far below 2^52")]
    let ratio = (max as f64 * 0.9 / got.max(1) as f64).sqrt();
    scale * ratio.min(0.9)
}

/// One encode to ask the browser for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attempt {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    /// 0–1, for the lossy formats (PNG ignores it).
    pub quality: f64,
}

/// The encodes to try for one image, each after the last came out too large.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The size the browser decodes it to (EXIF orientation applied).
    width: u32,
    height: u32,
    limits: ImageLimits,
    format: ImageFormat,
    scale: f64,
    quality: usize,
    tried: u32,
}

impl Plan {
    /// A plan for an image that decodes to `width` × `height`, written as `format`.
    pub fn new(width: u32, height: u32, limits: ImageLimits, format: ImageFormat) -> Self {
        Self {
            width,
            height,
            limits,
            format,
            scale: 1.0,
            quality: 0,
            tried: 0,
        }
    }

    /// Start from what the source's own bytes say. A lossy source far
    /// over the byte limit (a phone's JPEG) re-encodes to about its own
    /// size when drawn whole, so the first encode is drawn at the size the
    /// bytes allow instead of spending a full-size encode (seconds for 12
    /// megapixels) to learn that. A lossless source (PNG) says nothing of
    /// what a lossy encode will weigh, and one only a little over keeps
    /// every pixel and tries a notch less quality first, as before.
    #[must_use]
    pub fn sized_for(mut self, source: &ImageInfo) -> Self {
        if !self.a_little_over(source.bytes) && is_lossy(source.format) && is_lossy(self.format) {
            self.scale = next_scale(1.0, source.bytes, self.limits.max_bytes);
        }
        self
    }

    /// Less than a quarter over the byte limit: a notch of quality rather
    /// than pixels.
    fn a_little_over(&self, bytes: usize) -> bool {
        bytes.saturating_mul(4) < self.limits.max_bytes.saturating_mul(5)
    }

    /// The encode to try now.
    pub fn attempt(&self) -> Attempt {
        let (width, height) = target_size(self.width, self.height, &self.limits, self.scale);
        Attempt {
            width,
            height,
            format: self.format,
            quality: QUALITIES[self.quality],
        }
    }

    /// True when `bytes` is a small enough result.
    pub fn done(&self, bytes: usize) -> bool {
        bytes < self.limits.max_bytes
    }

    /// The encode to try after the last one came to `got` bytes (too
    /// many); `None` once the attempts are spent or it cannot get smaller.
    pub fn next(&mut self, got: usize) -> Option<Attempt> {
        self.tried += 1;
        if self.tried >= ATTEMPTS {
            return None;
        }
        let before = self.attempt();
        // A little over: a notch less quality keeps every pixel.
        if is_lossy(self.format) && self.a_little_over(got) && self.quality + 1 < QUALITIES.len() {
            self.quality += 1;
        } else {
            // From the scale actually drawn: the caps may have cut it.
            let drawn = f64::from(before.width) / f64::from(self.width.max(1));
            self.scale = next_scale(self.scale.min(drawn), got, self.limits.max_bytes);
            if self.attempt() == before {
                return None;
            }
        }
        Some(self.attempt())
    }

    /// The browser wrote another type than asked: switch to `format`
    /// (from [`fallback`]), keeping the size; this does not count as a try.
    pub fn switch_format(&mut self, format: ImageFormat) -> Attempt {
        self.format = format;
        self.attempt()
    }
}

/// The EXIF orientation (1–8) of a JPEG, 1 when there is none. Read from
/// the first APP1 `Exif` segment's IFD0, with bounds checks throughout.
pub fn exif_orientation(b: &[u8]) -> u8 {
    jpeg_exif_orientation(b)
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn jpeg_exif_orientation(b: &[u8]) -> Option<u8> {
    if b.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut pos = 2usize;
    loop {
        if u8_at(b, pos)? != 0xFF {
            return None;
        }
        let marker = u8_at(b, pos + 1)?;
        // Image data (SOS) or an end: no EXIF before it.
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = usize::from(be_u16(b, pos + 2)?);
        if marker == 0xE1 && bytes_at(b, pos + 4, 6)? == b"Exif\0\0" {
            let tiff = bytes_at(b, pos + 10, len.checked_sub(8)?)?;
            return tiff_orientation(tiff);
        }
        pos = pos.checked_add(2 + len)?;
    }
}

/// Tag 0x0112 of a TIFF header's first IFD.
fn tiff_orientation(t: &[u8]) -> Option<u8> {
    let little = match t.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at| if little { le_u16(t, at) } else { be_u16(t, at) };
    let u32_at = |at| {
        if little { le_u32(t, at) } else { be_u32(t, at) }
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(256))
        .find_map(|i| {
            let entry = ifd.checked_add(2 + 12 * i)?;
            (u16_at(entry)? == 0x0112).then(|| u16_at(entry + 8))?
        })
        .and_then(|v| u8::try_from(v).ok())
}

/// The size `info` decodes to once `orientation` is applied: 5–8 turn it
/// a quarter, so width and height swap.
pub fn oriented(info: &ImageInfo, orientation: u8) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (info.height, info.width)
    } else {
        (info.width, info.height)
    }
}

/// Whether the image may have transparent pixels, from its headers: a PNG
/// with an alpha channel or a `tRNS` chunk, a WebP with its alpha flag,
/// an AVIF or HEIF with an alpha auxiliary image. JPEG never has any.
pub fn has_alpha(b: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => false,
        ImageFormat::Png => png_alpha(b),
        ImageFormat::Webp => match bytes_at(b, 12, 4) {
            Some(b"VP8X") => u8_at(b, 20).is_some_and(|f| f & 0x10 != 0),
            Some(b"VP8L") => le_u32(b, 21).is_some_and(|v| v & (1 << 28) != 0),
            _ => false,
        },
        ImageFormat::Avif | ImageFormat::Heif => {
            let head = &b[..b.len().min(64 * 1024)];
            head.windows(15).any(|w| w == b"auxiliary:alpha")
        }
    }
}

fn png_alpha(b: &[u8]) -> bool {
    // Colour types 4 and 6 carry alpha; any may have a tRNS chunk before IDAT.
    if matches!(u8_at(b, 25), Some(4 | 6)) {
        return true;
    }
    let mut pos = 8usize;
    while let (Some(len), Some(kind)) = (be_u32(b, pos), bytes_at(b, pos + 4, 4)) {
        match kind {
            b"tRNS" => return true,
            b"IDAT" | b"IEND" => return false,
            _ => {}
        }
        let Some(next) = usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(12)?.checked_add(l))
        else {
            return false;
        };
        pos = next;
    }
    false
}

/// `unsupported_environment`: no `OffscreenCanvas` or `createImageBitmap` (Node).
pub fn unsupported_environment() -> RemixError {
    RemixError::new(
        ErrorCode::UnsupportedEnvironment,
        "Fitting an image needs a browser's createImageBitmap and OffscreenCanvas, which this \
         environment lacks: run it in a browser page or a Worker; in Node, resize the image with \
         an image library (such as sharp) to under 1.5 MB first",
    )
}

/// `undecodable_image`: the browser could not decode a `format` image.
pub fn undecodable(name: Option<&str>, format: ImageFormat) -> RemixError {
    let heif = matches!(format, ImageFormat::Heif);
    RemixError::new(
        ErrorCode::UndecodableImage,
        [
            super::display_name(name),
            " could not be decoded by this browser as ",
            format.label(),
            if heif {
                " (HEIC/HEIF is not decodable here)"
            } else {
                " (the file may be damaged)"
            },
            "; browsers decode PNG, JPEG, WebP and AVIF: convert it to JPEG and try again",
        ]
        .concat(),
    )
}

/// `unsupported_environment`: the browser would not draw or encode it (a
/// canvas too large for its memory, or no 2D context).
pub fn not_encoded(name: Option<&str>) -> RemixError {
    RemixError::new(
        ErrorCode::UnsupportedEnvironment,
        [
            super::display_name(name),
            " could not be re-encoded: this browser would not draw or encode it; try another \
             browser, or export a smaller copy",
        ]
        .concat(),
    )
}

/// `image_too_large`: still too large after every attempt.
pub fn still_too_large(name: Option<&str>) -> RemixError {
    RemixError::new(
        ErrorCode::ImageTooLarge,
        [
            super::display_name(name),
            " stays too large even much smaller; crop it or export a smaller copy",
        ]
        .concat(),
    )
}
