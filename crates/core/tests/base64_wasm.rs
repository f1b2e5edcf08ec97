//! The wasm SIMD base64 path (native tests run the scalar one) against the
//! browser's own `btoa`, on every length around the SIMD block sizes and on
//! a large buffer.
#![cfg(target_arch = "wasm32")]

use reve_remix_core::image::encode_base64_into;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    fn btoa(s: &str) -> String;
}

/// btoa takes a "binary string": one char per byte.
fn browser_base64(bytes: &[u8]) -> String {
    btoa(&bytes.iter().map(|&b| char::from(b)).collect::<String>())
}

fn bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[wasm_bindgen_test]
fn every_short_length_encodes_like_btoa() {
    for len in 0..200 {
        let input = bytes(len, len as u32);
        let mut out = b"prefix".to_vec();
        encode_base64_into(&mut out, &input);
        assert_eq!(&out[..6], b"prefix");
        assert_eq!(
            std::str::from_utf8(&out[6..]).ok(),
            Some(browser_base64(&input).as_str()),
            "length {len}"
        );
    }
}

#[wasm_bindgen_test]
fn a_large_image_encodes_like_btoa() {
    let input = bytes(300_001, 7);
    let mut out = Vec::new();
    encode_base64_into(&mut out, &input);
    assert_eq!(
        std::str::from_utf8(&out).ok(),
        Some(browser_base64(&input).as_str())
    );
}
