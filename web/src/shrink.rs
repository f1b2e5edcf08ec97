//! "Shrink and add": an image the board turned away as too large (a phone
//! photo is often 3–6 MB; references must be under 1.5 MB) is decoded and
//! re-encoded smaller by the browser (see `canvas.rs`). The result goes
//! through the core's checks like any other file.

#![cfg_attr(
    not(target_arch = "wasm32"),
    allow(
        dead_code,
        reason = "only the browser build decodes and encodes images"
    )
)]

use leptos::prelude::*;
use reve_remix_core::image::{ImageFormat, ImageLimits};

use crate::state::AppState;

/// What the encoder is asked for; the size then comes down by scaling.
const QUALITY: f64 = 0.85;
/// Encodes tried before giving up (each one smaller than the last).
const ATTEMPTS: u32 = 6;

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

/// Shrink the rejected file at `index` of `state.rejected` and add the
/// result to the board; if the browser cannot, say why in its entry.
pub fn shrink_and_add(state: AppState, index: usize) {
    let Some((name, bytes)) = state.rejected.with_untracked(|r| {
        r.get(index)
            .and_then(|r| Some((r.name.clone(), r.original.clone()?)))
    }) else {
        return;
    };
    state.rejected.update(|r| r[index].shrinking = true);
    let info = state.info_untracked();
    let webp = info.formats.contains(&ImageFormat::Webp);
    leptos::task::spawn_local(async move {
        let outcome = encode_to_fit(&name, &bytes.0, &info.limits, webp).await;
        // The entry may have moved (a dismiss, another add): find it again.
        let position = state.rejected.with_untracked(|r| {
            r.iter().position(|r| {
                r.original
                    .as_ref()
                    .is_some_and(|o| std::sync::Arc::ptr_eq(&o.0, &bytes.0))
            })
        });
        match outcome {
            Ok((format, shrunk)) => {
                if let Some(i) = position {
                    state.rejected.update(|r| {
                        r.remove(i);
                    });
                }
                state.add_bytes(&shrunk_name(&name, format), shrunk);
            }
            Err(why) => {
                if let Some(i) = position {
                    state.rejected.update(|r| {
                        r[i].reason = format!("{name} could not be shrunk here: {why}");
                        r[i].original = None;
                        r[i].shrinking = false;
                    });
                }
            }
        }
    });
}

/// Re-encode `bytes` (an image over `limits`) as WebP (when the provider
/// takes it and the browser can write it) or JPEG, scaling down until it
/// is under the limits.
#[cfg(target_arch = "wasm32")]
async fn encode_to_fit(
    name: &str,
    bytes: &[u8],
    limits: &ImageLimits,
    webp: bool,
) -> Result<(ImageFormat, Vec<u8>), String> {
    use crate::browser::canvas::{self, CanvasError};

    let unlimited = ImageLimits {
        max_bytes: usize::MAX,
        max_side: u32::MAX,
        max_pixels: u64::MAX,
    };
    let info =
        reve_remix_core::image::inspect(bytes, Some(name), &unlimited).map_err(|e| e.message)?;
    let cannot_decode = || {
        format!(
            "this browser cannot decode {} images; convert it to JPEG, then add it again.",
            info.format.label()
        )
    };
    let blob = crate::browser::blob::blob(bytes, info.format.mime()).ok_or_else(cannot_decode)?;
    let mut format = if webp {
        ImageFormat::Webp
    } else {
        ImageFormat::Jpeg
    };
    let mut scale = 1.0;
    for _ in 0..ATTEMPTS {
        let (w, h) = target_size(info.width, info.height, limits, scale);
        let encoded = canvas::reencode(&blob, Some((w, h)), format.mime(), QUALITY)
            .await
            .map_err(|e| match e {
                CanvasError::Decode => cannot_decode(),
                CanvasError::Encode => "the browser would not encode it.".to_string(),
            })?;
        if encoded.type_() != format.mime() {
            // A browser that cannot write WebP hands back PNG: use JPEG.
            format = ImageFormat::Jpeg;
            continue;
        }
        let out = crate::browser::blob::read_blob(&encoded)
            .await
            .ok_or("the shrunk image could not be read")?;
        if out.len() < limits.max_bytes {
            return Ok((format, out));
        }
        scale = next_scale(scale, out.len(), limits.max_bytes);
    }
    Err("it stays too large even much smaller; crop it or export a smaller copy.".to_string())
}

#[cfg(not(target_arch = "wasm32"))]
async fn encode_to_fit(
    _name: &str,
    _bytes: &[u8],
    _limits: &ImageLimits,
    _webp: bool,
) -> Result<(ImageFormat, Vec<u8>), String> {
    Err("shrinking needs the browser build of this app.".to_string())
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
