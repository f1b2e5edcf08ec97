//! `inspect` on any bytes.

use reve_remix_core::image::{ImageLimits, inspect as inspect_image, sniff_format};

/// Never panics, and every failure is one of the six image codes; a
/// success describes the bytes given, within the limits.
pub fn inspect(bytes: &[u8]) {
    match inspect_image(bytes, Some("fuzz.bin"), &ImageLimits::REVE) {
        Ok(info) => {
            assert_eq!(info.bytes, bytes.len());
            assert!(info.width > 0 && info.height > 0);
            assert!(info.pixels() <= ImageLimits::REVE.max_pixels);
            assert_eq!(sniff_format(bytes), Some(info.format));
        }
        Err(e) => assert!(e.code.is_image(), "{e:?}"),
    }
}
