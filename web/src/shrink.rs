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

use crate::model::shrink::shrunk_name;

use crate::state::AppState;

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
    use crate::model::shrink::{ATTEMPTS, QUALITY, next_scale, target_size};

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
