//! HEIF, HEIC and AVIF (ISO-BMFF): the size is an `ispe` property in
//! `meta/iprp/ipco`, tied to items by `meta/iprp/ipma`. A file holds one
//! `ispe` per image item (tiles, thumbnails, alpha and depth planes too),
//! so the primary item (`meta/pitm`) decides which one is the picture.
//!
//! Only `ftyp`, the top-level box headers before `meta`, and `meta` itself
//! are read; `mdat` (the pixels) is skipped by its length.

use super::HeaderError::{self, Corrupt, Truncated};
use super::read::{be_u16, be_u32, be_u64, bytes_at, u8_at};

/// One box: its type and where its content starts and ends in the file.
struct BoxRef {
    kind: [u8; 4],
    content: usize,
    end: usize,
}

/// The box at `at`, which must end by `limit`. `overrun` is what a box
/// running past `limit` means: the file was cut (top level) or a length
/// field lies (inside `meta`, which is known to be complete).
fn box_at(b: &[u8], at: usize, limit: usize, overrun: HeaderError) -> Result<BoxRef, HeaderError> {
    let fits = |n: usize| at.checked_add(n).is_some_and(|end| end <= limit);
    if !fits(8) {
        return Err(overrun);
    }
    let size32 = be_u32(b, at).ok_or(Truncated)?;
    let kind = bytes_at(b, at + 4, 4)
        .ok_or(Truncated)?
        .try_into()
        .map_err(|_| Truncated)?;
    let (header, size) = match size32 {
        // "Extends to the end of the enclosing container."
        0 => (8, (limit - at) as u64),
        1 => {
            if !fits(16) {
                return Err(overrun);
            }
            (16, be_u64(b, at + 8).ok_or(Truncated)?)
        }
        n => (8, u64::from(n)),
    };
    if size < header as u64 {
        return Err(Corrupt("a box is smaller than its own header"));
    }
    let end = (at as u64)
        .checked_add(size)
        .filter(|&end| end <= limit as u64)
        .ok_or(overrun)?;
    // `end <= limit`, a `usize`, so the conversion cannot fail.
    let end = usize::try_from(end).map_err(|_| Corrupt("a box size is out of range"))?;
    Ok(BoxRef {
        kind,
        content: at + header,
        end,
    })
}

/// The boxes inside `parent`'s content, from `start` (past any FullBox
/// version and flags). A child overrunning its parent is a lie: `corrupt`.
fn children(
    b: &[u8],
    start: usize,
    end: usize,
) -> impl Iterator<Item = Result<BoxRef, HeaderError>> + '_ {
    let mut at = start;
    std::iter::from_fn(move || {
        if at >= end {
            return None;
        }
        let next = box_at(
            b,
            at,
            end,
            Corrupt("a box runs past the box that contains it"),
        );
        match &next {
            Ok(child) => at = child.end,
            Err(_) => at = end,
        }
        Some(next)
    })
}

/// Width and height of the primary image.
pub(super) fn dimensions(b: &[u8]) -> Result<(u32, u32), HeaderError> {
    let mut at = 0;
    let mut saw_movie = false;
    while at < b.len() {
        let item = box_at(b, at, b.len(), Truncated)?;
        match &item.kind {
            b"meta" => return meta(b, &item),
            b"moov" => saw_movie = true,
            _ => {}
        }
        at = item.end;
    }
    if saw_movie {
        // An image sequence with no still image: browsers and providers
        // read the still one.
        return Err(Corrupt("it is an image sequence with no still image"));
    }
    Err(Truncated)
}

fn meta(b: &[u8], meta: &BoxRef) -> Result<(u32, u32), HeaderError> {
    // FullBox: version and flags before the children.
    let start = meta.content.checked_add(4).filter(|&s| s <= meta.end);
    let start = start.ok_or(Corrupt("its meta box is too short"))?;
    let mut primary = None;
    let mut ipco = None;
    let mut ipmas = Vec::new();
    for child in children(b, start, meta.end) {
        let child = child?;
        match &child.kind {
            b"pitm" => primary = Some(pitm(b, &child)?),
            b"iprp" => {
                for prop in children(b, child.content, child.end) {
                    let prop = prop?;
                    match &prop.kind {
                        b"ipco" => ipco = Some(prop),
                        b"ipma" => ipmas.push(prop),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let ipco = ipco.ok_or(Corrupt("it has no image properties (ipco)"))?;
    // Property i (1-based, as ipma counts) is props[i - 1].
    let props = children(b, ipco.content, ipco.end).collect::<Result<Vec<_>, _>>()?;
    let associated = match primary {
        Some(item) => associations(b, &ipmas, item)?,
        None => None,
    };
    let primary_props: Vec<&BoxRef> = associated
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| props.get(i.checked_sub(1)?))
        .collect();
    let size = match primary_props.iter().find(|p| &p.kind == b"ispe") {
        Some(ispe) => transformed(b, extent(b, ispe)?, &primary_props)?,
        // Without pitm/ipma, the largest size is the picture rather than a
        // thumbnail, tile or plane.
        None => {
            let mut largest: Option<(u32, u32)> = None;
            for ispe in props.iter().filter(|p| &p.kind == b"ispe") {
                let (w, h) = extent(b, ispe)?;
                let pixels = |(w, h): (u32, u32)| u64::from(w) * u64::from(h);
                if largest.is_none_or(|l| pixels((w, h)) > pixels(l)) {
                    largest = Some((w, h));
                }
            }
            largest.ok_or(Corrupt("it has no image size property (ispe)"))?
        }
    };
    if size.0 == 0 || size.1 == 0 {
        return Err(Corrupt("its width or height is zero"));
    }
    Ok(size)
}

/// An `ispe`: FullBox version and flags, then width and height.
fn extent(b: &[u8], ispe: &BoxRef) -> Result<(u32, u32), HeaderError> {
    let short = Corrupt("its image size property (ispe) is too short");
    if ispe
        .content
        .checked_add(12)
        .is_none_or(|end| end > ispe.end)
    {
        return Err(short);
    }
    match (be_u32(b, ispe.content + 4), be_u32(b, ispe.content + 8)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(short),
    }
}

/// The size a decoder outputs: `ispe` is the coded size (encoders pad it to
/// the codec's block size), then the item's transformative properties
/// apply in their ipma order: `clap` crops, `irot` by 90° or 270° swaps.
/// A zero `ispe` is left for the caller to report.
fn transformed(b: &[u8], coded: (u32, u32), props: &[&BoxRef]) -> Result<(u32, u32), HeaderError> {
    let (mut w, mut h) = coded;
    if w == 0 || h == 0 {
        return Ok(coded);
    }
    for prop in props {
        match &prop.kind {
            b"clap" => {
                // widthN, widthD, heightN, heightD, then offsets (unused).
                let field = |i: usize| {
                    be_u32(b, prop.content + 4 * i).filter(|_| prop.content + 32 <= prop.end)
                };
                let (Some(wn), Some(wd), Some(hn), Some(hd)) =
                    (field(0), field(1), field(2), field(3))
                else {
                    return Err(Corrupt("its crop property (clap) is too short"));
                };
                // Rounded as libheif rounds: (n + d/2) / d.
                let round = |n: u32, d: u32| {
                    (d != 0).then(|| (u64::from(n) + u64::from(d / 2)) / u64::from(d))
                };
                let (Some(cw), Some(ch)) = (round(wn, wd), round(hn, hd)) else {
                    return Err(Corrupt("its crop property (clap) divides by zero"));
                };
                if cw == 0 || ch == 0 || cw > u64::from(w) || ch > u64::from(h) {
                    return Err(Corrupt("its crop property (clap) does not fit the image"));
                }
                // Both fit in the u32 they are no larger than.
                (w, h) = (cw as u32, ch as u32);
            }
            b"irot" => {
                let angle = u8_at(b, prop.content).filter(|_| prop.content < prop.end);
                let angle = angle.ok_or(Corrupt("its rotation property (irot) is empty"))?;
                if angle & 1 == 1 {
                    (w, h) = (h, w);
                }
            }
            _ => {}
        }
    }
    Ok((w, h))
}

/// The primary item id: u16 in version 0, u32 from version 1.
fn pitm(b: &[u8], pitm: &BoxRef) -> Result<u32, HeaderError> {
    let short = || Corrupt("its primary item box (pitm) is too short");
    if pitm.content >= pitm.end {
        return Err(short());
    }
    let version = u8_at(b, pitm.content).ok_or_else(short)?;
    let (id, len) = if version == 0 {
        (be_u16(b, pitm.content + 4).map(u32::from), 6)
    } else {
        (be_u32(b, pitm.content + 4), 8)
    };
    if pitm
        .content
        .checked_add(len)
        .is_none_or(|end| end > pitm.end)
    {
        return Err(short());
    }
    id.ok_or_else(short)
}

/// The 1-based property indices `item` is associated with, in order, from
/// the first ipma entry for it.
fn associations(b: &[u8], ipmas: &[BoxRef], item: u32) -> Result<Option<Vec<usize>>, HeaderError> {
    let short = || Corrupt("its property associations (ipma) run past their box");
    for ipma in ipmas {
        // Reads never leave the box: `within` bounds every field by its end.
        let within = |at: usize, n: usize| at.checked_add(n).is_some_and(|end| end <= ipma.end);
        if !within(ipma.content, 8) {
            return Err(short());
        }
        let version = u8_at(b, ipma.content).ok_or_else(short)?;
        let flags = be_u32(b, ipma.content).ok_or_else(short)? & 0x00FF_FFFF;
        let entries = be_u32(b, ipma.content + 4).ok_or_else(short)?;
        let id_len = if version >= 1 { 4 } else { 2 };
        let index_len = if flags & 1 == 1 { 2 } else { 1 };
        let mut at = ipma.content + 8;
        // Each entry takes at least 3 bytes, so a lying count runs out of
        // box long before it runs out of u32.
        for _ in 0..entries {
            if !within(at, id_len + 1) {
                return Err(short());
            }
            let id = if id_len == 4 {
                be_u32(b, at).ok_or_else(short)?
            } else {
                u32::from(be_u16(b, at).ok_or_else(short)?)
            };
            let count = usize::from(u8_at(b, at + id_len).ok_or_else(short)?);
            at += id_len + 1;
            let list = bytes_at(b, at, count * index_len).filter(|_| within(at, count * index_len));
            let list = list.ok_or_else(short)?;
            if id == item {
                // The top bit is "essential"; the rest is the index.
                let indices = list
                    .chunks_exact(index_len)
                    .map(|c| match *c {
                        [hi, lo] => usize::from(u16::from_be_bytes([hi, lo]) & 0x7FFF),
                        [one] => usize::from(one & 0x7F),
                        _ => 0,
                    })
                    .collect();
                return Ok(Some(indices));
            }
            at += count * index_len;
        }
    }
    Ok(None)
}
