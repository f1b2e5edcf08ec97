//! WebP: a RIFF file whose first chunk is `VP8 ` (lossy), `VP8L`
//! (lossless) or `VP8X` (extended: alpha, animation, metadata), each with
//! the size in its first few bytes.

use super::HeaderError::{self, Corrupt, Truncated};
use super::read::{bytes_at, le_u16, le_u24, le_u32, u8_at};

/// Offset of the first chunk's payload: "RIFF" size "WEBP" fourcc size.
const PAYLOAD: usize = 20;

/// Width and height from the first chunk.
pub(super) fn dimensions(b: &[u8]) -> Result<(u32, u32), HeaderError> {
    let riff_size = le_u32(b, 4).ok_or(Truncated)?;
    let fourcc = bytes_at(b, 12, 4).ok_or(Truncated)?;
    let chunk_size = le_u32(b, 16).ok_or(Truncated)?;
    let (width, height) = match fourcc {
        b"VP8 " => vp8(b, chunk_size)?,
        b"VP8L" => vp8l(b, chunk_size)?,
        b"VP8X" => vp8x(b, chunk_size)?,
        _ => return Err(Corrupt("its first chunk is not VP8, VP8L or VP8X")),
    };
    // The RIFF size covers "WEBP" and at least one chunk header.
    if riff_size < 12 {
        return Err(Corrupt("its RIFF size is too small to hold an image"));
    }
    // Decoders refuse a RIFF or a bitstream chunk that the file cuts short,
    // and checking costs two comparisons, not a read.
    let file_end = u64::from(riff_size) + 8;
    let chunk_end = match fourcc {
        b"VP8X" => 0,
        _ => PAYLOAD as u64 + u64::from(chunk_size),
    };
    if file_end > b.len() as u64 || chunk_end > b.len() as u64 {
        return Err(Truncated);
    }
    Ok((width, height))
}

/// A key frame's header (RFC 6386, 9.1): 3-byte frame tag, start code
/// 9d 01 2a, then 14-bit width and height (the top 2 bits are scaling).
fn vp8(b: &[u8], chunk_size: u32) -> Result<(u32, u32), HeaderError> {
    let tag = le_u24(b, PAYLOAD).ok_or(Truncated)?;
    let start_code = bytes_at(b, PAYLOAD + 3, 3).ok_or(Truncated)?;
    let w = le_u16(b, PAYLOAD + 6).ok_or(Truncated)?;
    let h = le_u16(b, PAYLOAD + 8).ok_or(Truncated)?;
    if chunk_size < 10 {
        return Err(Corrupt("its VP8 chunk is too short for a frame header"));
    }
    if tag & 1 != 0 {
        return Err(Corrupt("its VP8 frame is not a key frame"));
    }
    // The same two checks libwebp makes before trusting the header.
    if (tag >> 1) & 7 > 3 || (tag >> 4) & 1 == 0 {
        return Err(Corrupt("its VP8 frame header is invalid"));
    }
    if start_code != [0x9D, 0x01, 0x2A] {
        return Err(Corrupt("its VP8 start code is wrong"));
    }
    let (width, height) = (u32::from(w & 0x3FFF), u32::from(h & 0x3FFF));
    if width == 0 || height == 0 {
        return Err(Corrupt("its width or height is zero"));
    }
    Ok((width, height))
}

/// Lossless header: signature 0x2f, then width-1 and height-1 in 14 bits
/// each, an alpha hint bit and a 3-bit version that must be 0.
fn vp8l(b: &[u8], chunk_size: u32) -> Result<(u32, u32), HeaderError> {
    let signature = u8_at(b, PAYLOAD).ok_or(Truncated)?;
    let bits = le_u32(b, PAYLOAD + 1).ok_or(Truncated)?;
    if chunk_size < 5 {
        return Err(Corrupt("its VP8L chunk is too short for a header"));
    }
    if signature != 0x2F {
        return Err(Corrupt("its VP8L signature is wrong"));
    }
    if bits >> 29 != 0 {
        return Err(Corrupt("its VP8L version is unknown"));
    }
    Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
}

/// Extended header: flags, 3 reserved bytes, then canvas width-1 and
/// height-1 in 24 bits each. The canvas is the image's size even when the
/// frames inside are smaller.
fn vp8x(b: &[u8], chunk_size: u32) -> Result<(u32, u32), HeaderError> {
    let w = le_u24(b, PAYLOAD + 4).ok_or(Truncated)?;
    let h = le_u24(b, PAYLOAD + 7).ok_or(Truncated)?;
    if chunk_size < 10 {
        return Err(Corrupt("its VP8X chunk is too short for a canvas size"));
    }
    Ok((w + 1, h + 1))
}
