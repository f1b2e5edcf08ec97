//! fitImage's browser half in a real Chromium: a phone-sized JPEG photo
//! with EXIF orientation 6, a PNG with transparency, and an image that
//! already fits. The test images are made here by the browser itself.
#![cfg(target_arch = "wasm32")]

use js_sys::{Promise, Reflect};
use reve_remix::fit::{FitOptions, blob_of, fit_image, read_blob};
use reve_remix_core::image::{self, ImageFormat, ImageLimits};
use wasm_bindgen::{Clamped, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{ImageData, ImageEncodeOptions, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

wasm_bindgen_test_configure!(run_in_browser);

const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");

fn context(canvas: &OffscreenCanvas) -> OffscreenCanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .expect("2d")
        .expect("a 2d context")
        .unchecked_into()
}

/// A `w` × `h` canvas of noise over a gradient (`alpha`: half-transparent
/// noise), encoded as `mime` at `quality`.
async fn noisy(w: u32, h: u32, amp: u32, alpha: bool, mime: &str, quality: f64) -> Vec<u8> {
    let mut seed: u32 = 0x2545_f491;
    let mut px = vec![0u8; (w * h * 4) as usize];
    for (i, p) in px.chunks_exact_mut(4).enumerate() {
        let (x, y) = (i as u32 % w, i as u32 / w);
        for (c, v) in p.iter_mut().take(3).enumerate() {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let base = (x * 255 / w + y * 255 / h + c as u32 * 60) / 2;
            *v = (base + seed % amp).min(255) as u8;
        }
        p[3] = if alpha { (seed % 200) as u8 } else { 255 };
    }
    let canvas = OffscreenCanvas::new(w, h).expect("canvas");
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px), w, h).expect("pixels");
    context(&canvas)
        .put_image_data(&data, 0.0, 0.0)
        .expect("put");
    let opts = ImageEncodeOptions::new();
    opts.set_type(mime);
    opts.set_quality(quality);
    let blob = JsFuture::from(canvas.convert_to_blob_with_options(&opts).expect("encode"))
        .await
        .expect("encoded");
    read_blob(&blob.unchecked_into()).await.expect("bytes")
}

/// `jpeg` with an EXIF APP1 segment (big-endian TIFF, IFD0 holding only
/// Orientation = `orientation`) spliced in after its SOI marker.
fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
    tiff.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
    let len = (2 + 6 + tiff.len()) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The alpha of pixel (`x`, `y`) of an image, as the browser decodes it.
async fn alpha_at(bytes: &[u8], mime: &str, x: i32, y: i32) -> u8 {
    let blob = blob_of(bytes, mime).expect("blob");
    let decode: js_sys::Function = Reflect::get(&js_sys::global(), &"createImageBitmap".into())
        .expect("createImageBitmap")
        .unchecked_into();
    let bitmap: web_sys::ImageBitmap = JsFuture::from(Promise::from(
        decode.call1(&JsValue::UNDEFINED, &blob).expect("decode"),
    ))
    .await
    .expect("decoded")
    .unchecked_into();
    let canvas = OffscreenCanvas::new(bitmap.width(), bitmap.height()).expect("canvas");
    let ctx = context(&canvas);
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
        .expect("draw");
    let data = ctx
        .get_image_data(x.into(), y.into(), 1.0, 1.0)
        .expect("read back");
    data.data().0[3]
}

#[wasm_bindgen_test]
async fn a_large_photo_turned_by_exif_fits_upright_and_keeps_its_shape() {
    let mut photo = Vec::new();
    for amp in [48, 96, 160, 255] {
        photo = noisy(4000, 3000, amp, false, "image/jpeg", 1.0).await;
        if photo.len() > 4_000_000 {
            break;
        }
    }
    assert!(photo.len() > 4_000_000, "{} bytes", photo.len());
    let photo = with_orientation(&photo, 6);
    let fitted = fit_image(
        photo.into(),
        None,
        Some("photo.jpg"),
        &FitOptions::default(),
    )
    .await
    .expect("fitted");
    assert!(fitted.resized);
    assert_eq!((fitted.from.width, fitted.from.height), (4000, 3000));
    let info = fitted.info;
    assert!(info.bytes < 1_500_000, "{info:?}");
    assert_eq!(info.format, ImageFormat::Webp);
    // Orientation 6 turns it a quarter: portrait, 3:4.
    assert!(info.height > info.width, "{info:?}");
    let skew = (info.width * 4).abs_diff(info.height * 3);
    assert!(skew <= 8, "{info:?}");
    // What came back decodes, and passes the checks every reference must.
    let again = image::inspect(&fitted.bytes, None, &ImageLimits::REVE).expect("a reference");
    assert_eq!(again, info);
    assert_eq!(fitted.blob.type_(), "image/webp");
    assert!(alpha_at(&fitted.bytes, "image/webp", 0, 0).await == 255);
}

#[wasm_bindgen_test]
async fn a_model_that_refuses_webp_gets_jpeg() {
    let photo = noisy(3000, 2000, 255, false, "image/jpeg", 1.0).await;
    let opts = FitOptions {
        formats: &[ImageFormat::Png, ImageFormat::Jpeg],
        ..FitOptions::default()
    };
    let fitted = fit_image(photo.into(), None, None, &opts)
        .await
        .expect("fitted");
    assert_eq!(fitted.info.format, ImageFormat::Jpeg);
    assert!(fitted.info.bytes < 1_500_000);
    assert!(fitted.info.width > fitted.info.height);
}

#[wasm_bindgen_test]
async fn a_transparent_png_keeps_its_transparency() {
    let png = noisy(1500, 1500, 255, true, "image/png", 1.0).await;
    assert!(png.len() > 1_500_000, "{} bytes", png.len());
    let fitted = fit_image(png.into(), None, Some("logo.png"), &FitOptions::default())
        .await
        .expect("fitted");
    let format = fitted.info.format;
    assert!(
        matches!(format, ImageFormat::Webp | ImageFormat::Png),
        "{format:?}"
    );
    assert!(fitted.info.bytes < 1_500_000);
    assert_eq!(fitted.info.width, fitted.info.height);
    assert!(alpha_at(&fitted.bytes, format.mime(), 5, 5).await < 255);
}

#[wasm_bindgen_test]
async fn an_image_that_fits_comes_back_byte_for_byte() {
    let given = blob_of(PNG, "image/png").expect("blob");
    let fitted = fit_image(PNG.into(), Some(&given), None, &FitOptions::default())
        .await
        .expect("fitted");
    assert!(!fitted.resized);
    assert_eq!(&fitted.bytes[..], PNG);
    assert_eq!(read_blob(&fitted.blob).await.expect("bytes"), PNG);
    assert_eq!(fitted.info, fitted.from);
}

#[wasm_bindgen_test]
async fn what_the_browser_cannot_decode_is_undecodable_image() {
    let heic = reve_remix_fixtures::bytes("heic_64x40.heic");
    let opts = FitOptions {
        formats: &[ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp],
        ..FitOptions::default()
    };
    let err = fit_image(heic[..].into(), None, Some("IMG_1.HEIC"), &opts)
        .await
        .expect_err("Chromium decodes no HEIC");
    assert_eq!(err.code.as_str(), "undecodable_image");
    assert!(
        err.message.contains("HEIC/HEIF is not decodable here"),
        "{}",
        err.message
    );
}
