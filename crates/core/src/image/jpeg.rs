//! JPEG: the size is in the first SOFn frame header, after any number of
//! APPn (EXIF, ICC, XMP), DQT, DHT and COM segments. Segments are skipped
//! by their length fields, so the cost is one step per segment, never a
//! byte-by-byte scan.

use super::HeaderError::{self, Corrupt, Truncated};
use super::read::{be_u16, u8_at};

/// Width and height from the first frame header.
pub(super) fn dimensions(b: &[u8]) -> Result<(u32, u32), HeaderError> {
    if b.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return Err(Corrupt(
            "it does not start with a JPEG start-of-image marker",
        ));
    }
    let mut pos: usize = 2;
    loop {
        if u8_at(b, pos).ok_or(Truncated)? != 0xFF {
            return Err(Corrupt(
                "a segment does not start where the previous one ends",
            ));
        }
        // Any number of 0xFF fill bytes may precede a marker (B.1.1.2).
        while u8_at(b, pos).ok_or(Truncated)? == 0xFF {
            pos = pos.checked_add(1).ok_or(Truncated)?;
        }
        let marker = u8_at(b, pos).ok_or(Truncated)?;
        pos = pos.checked_add(1).ok_or(Truncated)?;
        match marker {
            // Standalone markers: TEM and RSTn carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            0x00 => return Err(Corrupt("it has a stuffed zero where a marker should be")),
            0xD8 => return Err(Corrupt("it has a second start-of-image marker")),
            0xD9 => return Err(Corrupt("it ends before any frame header")),
            0xDA => return Err(Corrupt("its image data starts before the frame header")),
            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which
            // share the range but are not frame headers.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => return frame_header(b, pos),
            _ => {
                let len = be_u16(b, pos).ok_or(Truncated)?;
                if len < 2 {
                    return Err(Corrupt("a segment is shorter than its own length field"));
                }
                pos = pos.checked_add(usize::from(len)).ok_or(Truncated)?;
                if pos > b.len() {
                    return Err(Truncated);
                }
            }
        }
    }
}

/// SOFn at `pos` (just past the marker): Lf(2) P(1) Y(2) X(2) Nf(1) ...
fn frame_header(b: &[u8], pos: usize) -> Result<(u32, u32), HeaderError> {
    let at = |off: usize| pos.checked_add(off).ok_or(Truncated);
    let len = be_u16(b, pos).ok_or(Truncated)?;
    let height = be_u16(b, at(3)?).ok_or(Truncated)?;
    let width = be_u16(b, at(5)?).ok_or(Truncated)?;
    let components = u8_at(b, at(7)?).ok_or(Truncated)?;
    if components == 0 || usize::from(len) < 8 + 3 * usize::from(components) {
        return Err(Corrupt("its frame header is too short for its components"));
    }
    // A zero height means "defined later by a DNL marker", which no
    // browser or provider supports; a zero width is never valid.
    if width == 0 || height == 0 {
        return Err(Corrupt("its width or height is zero"));
    }
    Ok((u32::from(width), u32::from(height)))
}
