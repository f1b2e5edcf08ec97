//! "Shrink and add", the sums: an image the board turned away as too large
//! (a phone photo is often 3–6 MB; references must be under 1.5 MB) is
//! re-encoded smaller by the browser (`browser/canvas.rs`) at the sizes
//! worked out here, until it fits.

use reve_remix_core::image::{ImageFormat, ImageLimits};

/// What the encoder is asked for; the size then comes down by scaling.
pub const QUALITY: f64 = 0.85;
/// Encodes tried before giving up (each one smaller than the last).
pub const ATTEMPTS: u32 = 6;

/// The size to draw `width` × `height` at: `scale` of it, then within the
/// limits' side and pixel caps, never below 1 × 1.
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
/// file that must be under `max` bytes: area goes with bytes, so the side
/// goes with their square root; a margin, and at least 10 % smaller, so
/// that every attempt makes progress.
pub fn next_scale(scale: f64, got: usize, max: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "file sizes are far below 2^52")]
    let ratio = (max as f64 * 0.9 / got.max(1) as f64).sqrt();
    scale * ratio.min(0.9)
}

/// The shrunk file's name: `photo.heic` → `photo.webp`.
pub fn shrunk_name(name: &str, format: ImageFormat) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains(['/', '\\']) => stem,
        _ => name,
    };
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ImageLimits = ImageLimits::REVE;

    #[test]
    fn a_size_within_the_limits_stays_unless_scaled() {
        assert_eq!(target_size(4000, 3000, &LIMITS, 1.0), (4000, 3000));
        assert_eq!(target_size(4000, 3000, &LIMITS, 0.5), (2000, 1500));
    }

    #[test]
    fn sides_and_pixels_are_capped() {
        // 12000 px is over the 8192 side cap.
        let (w, h) = target_size(12000, 600, &LIMITS, 1.0);
        assert!(w <= 8192 && h >= 409, "{w} × {h}");
        // 8000 × 8000 is 64 MP, over the 33.5 MP cap.
        let (w, h) = target_size(8000, 8000, &LIMITS, 1.0);
        assert!(
            u64::from(w) * u64::from(h) <= LIMITS.max_pixels,
            "{w} × {h}"
        );
        assert_eq!(target_size(0, 0, &LIMITS, 0.01), (1, 1));
    }

    #[test]
    fn each_attempt_is_smaller_and_aims_under_the_limit() {
        let next = next_scale(1.0, 6_000_000, 1_500_000);
        assert!(next < 0.5 && next > 0.4, "{next}");
        // Barely over: still at least 10 % smaller.
        assert!(next_scale(1.0, 1_500_001, 1_500_000) <= 0.9);
    }

    #[test]
    fn the_name_keeps_its_stem_and_takes_the_new_extension() {
        assert_eq!(
            shrunk_name("IMG_0042.HEIC", ImageFormat::Webp),
            "IMG_0042.webp"
        );
        assert_eq!(
            shrunk_name("holiday.photo.jpg", ImageFormat::Jpeg),
            "holiday.photo.jpg"
        );
        assert_eq!(shrunk_name("scan", ImageFormat::Jpeg), "scan.jpg");
        assert_eq!(shrunk_name(".hidden", ImageFormat::Webp), ".hidden.webp");
    }
}
