//! PNG: the size is in IHDR, which the spec requires to be the first chunk.

use super::HeaderError::{self, Corrupt, Truncated};
use super::read::{be_u32, bytes_at};

pub(super) const SIGNATURE: [u8; 8] = *b"\x89PNG\r\n\x1a\n";

/// Width and height from IHDR. Reads 33 bytes, whatever the file's size.
pub(super) fn dimensions(b: &[u8]) -> Result<(u32, u32), HeaderError> {
    // The sniffer accepts "\x89PNG" so that a signature mangled by a
    // text-mode transfer (CRLF -> LF) is reported as damaged, not as
    // "not an image".
    match b.get(..SIGNATURE.len()) {
        Some(sig) if sig == SIGNATURE => {}
        Some(_) => {
            return Err(Corrupt(
                "its signature was altered, as a text-mode transfer does",
            ));
        }
        None if SIGNATURE.starts_with(b) => return Err(Truncated),
        None => {
            return Err(Corrupt(
                "its signature was altered, as a text-mode transfer does",
            ));
        }
    }
    let len = be_u32(b, 8).ok_or(Truncated)?;
    let kind = bytes_at(b, 12, 4).ok_or(Truncated)?;
    if kind != b"IHDR" {
        return Err(Corrupt("its first chunk is not the IHDR header"));
    }
    if len != 13 {
        return Err(Corrupt("its IHDR header is not 13 bytes long"));
    }
    // Type, data and CRC: 4 + 13 + 4 bytes from offset 12.
    let checked = bytes_at(b, 12, 17).ok_or(Truncated)?;
    let crc = be_u32(b, 29).ok_or(Truncated)?;
    if crc32(checked) != crc {
        return Err(Corrupt("its IHDR header fails its checksum"));
    }
    let width = be_u32(b, 16).ok_or(Truncated)?;
    let height = be_u32(b, 20).ok_or(Truncated)?;
    if width == 0 || height == 0 {
        return Err(Corrupt("its width or height is zero"));
    }
    // The spec caps each side at 2^31 - 1; more means a damaged field.
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(Corrupt("its width or height is out of range"));
    }
    Ok((width, height))
}

/// CRC-32 (ISO-HDLC, as zlib and PNG use it). Bitwise: it only ever runs
/// over IHDR's 17 bytes, so a 1 KB table would cost more than it saves.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}
