//! Bounds-checked reads at an offset.
//!
//! Every length in a file header is attacker-controlled, so offsets are
//! added with `checked_add` and every read goes through `slice::get`: a read
//! past the end is `None`, which the parsers turn into `truncated_image` or
//! `corrupt_image`, never a panic.

/// `n` bytes at `at`, or `None` if they are not all there.
pub(super) fn bytes_at(b: &[u8], at: usize, n: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(n)?)
}

pub(super) fn array_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    bytes_at(b, at, N)?.try_into().ok()
}

pub(super) fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

pub(super) fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    array_at(b, at).map(u16::from_be_bytes)
}

pub(super) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    array_at(b, at).map(u32::from_be_bytes)
}

pub(super) fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    array_at(b, at).map(u64::from_be_bytes)
}

pub(super) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    array_at(b, at).map(u16::from_le_bytes)
}

pub(super) fn le_u24(b: &[u8], at: usize) -> Option<u32> {
    let [x, y, z] = array_at::<3>(b, at)?;
    Some(u32::from_le_bytes([x, y, z, 0]))
}

pub(super) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    array_at(b, at).map(u32::from_le_bytes)
}
