//! Our header-read dimensions against an independent decoder: real PNG,
//! JPEG and WebP files made by the `image` crate at random sizes, read by
//! `inspect` and decoded back by `image`.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Cursor;

use image::{DynamicImage, ImageFormat as Theirs, RgbImage, RgbaImage};
use proptest::prelude::*;
use reve_remix_core::image::{ImageFormat, ImageLimits, inspect};

fn encode(format: Theirs, w: u32, h: u32, alpha: bool, seed: u8) -> Vec<u8> {
    let pixel = |x: u32, y: u32| [(x as u8) ^ seed, (y as u8).wrapping_mul(3), seed, 200];
    let img = if alpha && format != Theirs::Jpeg {
        DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| image::Rgba(pixel(x, y))))
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
            let [r, g, b, _] = pixel(x, y);
            image::Rgb([r, g, b])
        }))
    };
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .expect("the image crate encodes");
    out.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn inspect_reads_the_size_the_decoder_decodes(
        w in 1u32..=256,
        h in 1u32..=256,
        which in 0usize..3,
        alpha in any::<bool>(),
        seed in any::<u8>(),
    ) {
        let (theirs, ours) = [
            (Theirs::Png, ImageFormat::Png),
            (Theirs::Jpeg, ImageFormat::Jpeg),
            (Theirs::WebP, ImageFormat::Webp),
        ][which];
        let bytes = encode(theirs, w, h, alpha, seed);
        let info = inspect(&bytes, None, &ImageLimits::REVE)
            .map_err(|e| TestCaseError::fail(format!("{theirs:?} {w}x{h}: {e:?}")))?;
        let decoded = image::load_from_memory_with_format(&bytes, theirs)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(info.format, ours);
        prop_assert_eq!((info.width, info.height), (decoded.width(), decoded.height()));
        prop_assert_eq!((info.width, info.height), (w, h));
        prop_assert_eq!(info.bytes, bytes.len());
    }
}
