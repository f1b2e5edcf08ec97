//! `inspect` on any bytes: never panics, and every failure is one of the
//! six image codes. The corpus is best seeded with tests/fixtures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reve_remix_core::image::{ImageLimits, inspect, sniff_format};

fuzz_target!(|bytes: &[u8]| {
    match inspect(bytes, Some("fuzz.bin"), &ImageLimits::REVE) {
        Ok(info) => {
            assert_eq!(info.bytes, bytes.len());
            assert!(info.width > 0 && info.height > 0);
            assert!(info.pixels() <= ImageLimits::REVE.max_pixels);
            assert_eq!(sniff_format(bytes), Some(info.format));
        }
        Err(e) => assert!(e.code.is_image(), "{e:?}"),
    }
});
