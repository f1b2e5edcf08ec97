//! Image inspection spends memory on what a file holds, never on what it
//! claims: headers that claim a 4 GB box, chunk or RIFF are read with a few
//! bytes of allocation and answered with an image error. Counted by a
//! global allocator, so this file holds this one test (no other thread
//! allocates while it counts).
#![cfg(not(target_arch = "wasm32"))]
// A counting allocator needs `unsafe impl GlobalAlloc`; it only forwards
// to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use reve_remix_core::image::{ImageLimits, inspect};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
    let mut b = 24u32.to_be_bytes().to_vec();
    b.extend_from_slice(b"ftyp");
    b.extend_from_slice(brand);
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(b"mif1");
    b.extend_from_slice(brand);
    b
}

fn claims() -> Vec<(&'static str, Vec<u8>)> {
    let mut heif_large = ftyp(b"heic");
    // size 1: a 64-bit size follows; 4 GB of `meta`, of which 12 bytes exist.
    heif_large.extend_from_slice(&1u32.to_be_bytes());
    heif_large.extend_from_slice(b"meta");
    heif_large.extend_from_slice(&(4u64 << 30).to_be_bytes());
    heif_large.extend_from_slice(&[0; 12]);

    let mut heif_32 = ftyp(b"avif");
    heif_32.extend_from_slice(&u32::MAX.to_be_bytes());
    heif_32.extend_from_slice(b"meta");
    heif_32.extend_from_slice(&[0; 16]);

    // Inside a complete meta: an ipco claiming 4 GB, an ipma claiming 2^32
    // entries of up to 255 associations each.
    let mut heif_inner = ftyp(b"heic");
    let mut meta = vec![0, 0, 0, 0];
    let mut iprp = Vec::new();
    iprp.extend_from_slice(&u32::MAX.to_be_bytes());
    iprp.extend_from_slice(b"ipco");
    let mut ipma = 16u32.to_be_bytes().to_vec();
    ipma.extend_from_slice(b"ipma");
    ipma.extend_from_slice(&[0, 0, 0, 1]);
    ipma.extend_from_slice(&u32::MAX.to_be_bytes());
    let mut iprp_box = ((8 + ipma.len()) as u32).to_be_bytes().to_vec();
    iprp_box.extend_from_slice(b"iprp");
    iprp_box.extend_from_slice(&ipma);
    meta.extend_from_slice(&iprp_box);
    meta.extend_from_slice(&iprp);
    heif_inner.extend_from_slice(&((8 + meta.len()) as u32).to_be_bytes());
    heif_inner.extend_from_slice(b"meta");
    heif_inner.extend_from_slice(&meta);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&[0; 17]);

    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&u32::MAX.to_le_bytes());
    webp.extend_from_slice(b"WEBPVP8X");
    webp.extend_from_slice(&u32::MAX.to_le_bytes());
    webp.extend_from_slice(&[0; 10]);

    // JPEG lengths are 16 bits: the largest claim is 64 KB, of 4 bytes.
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E', b'x'];

    vec![
        ("heif 64-bit meta size", heif_large),
        ("avif 32-bit meta size", heif_32),
        ("heif ipco and ipma counts", heif_inner),
        ("png chunk length", png),
        ("webp riff and chunk size", webp),
        ("jpeg segment length", jpeg),
    ]
}

#[test]
fn a_claimed_4_gb_box_costs_no_memory_and_is_an_image_error() {
    for (what, bytes) in claims() {
        let before = ALLOCATED.load(Ordering::Relaxed);
        let result = inspect(&bytes, Some("claim.bin"), &ImageLimits::REVE);
        let spent = ALLOCATED.load(Ordering::Relaxed) - before;
        let err = result.expect_err(what);
        assert!(err.code.is_image(), "{what}: {err:?}");
        // The error's message is the only allocation worth the name.
        assert!(
            spent < 4096,
            "{what}: {spent} bytes allocated for a {}-byte file",
            bytes.len()
        );
    }
}
