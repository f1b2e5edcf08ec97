//! The "remix": a real image built from the references, laid out in a grid
//! at the requested aspect ratio, with the prompt written underneath in a
//! tiny built-in 5×7 bitmap font. Images the `image` crate can decode (PNG,
//! JPEG, WebP) are scaled into their cells; AVIF/HEIF and URLs become
//! coloured placeholder tiles labelled with their index.

use std::io::Cursor;

use image::{ImageReader, Limits, Rgba, RgbaImage};

use crate::images::RefImage;
use crate::judge::Format;

/// The long side of every result, in pixels.
pub const LONG_SIDE: u32 = 512;

/// The file format of a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    Png,
    Jpeg,
    Webp,
}

impl OutFormat {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Webp => "webp",
        }
    }
}

/// What to draw.
pub struct Spec {
    pub images: Vec<RefImage>,
    pub prompt: String,
    /// `"16:9"` etc.; `None` = follow the first decodable image, else 1:1.
    pub aspect: Option<String>,
    /// Transparent background (inference.sh `remove_background`, Reve's postprocessing).
    pub transparent: bool,
    pub format: OutFormat,
}

/// A finished image.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub format: OutFormat,
}

const PALETTE: [[u8; 3]; 6] = [
    [0xe0, 0x6c, 0x4f],
    [0x4f, 0x8f, 0xe0],
    [0x5c, 0xb8, 0x6b],
    [0xd9, 0xa4, 0x2b],
    [0x9b, 0x5c, 0xd6],
    [0x3a, 0xb0, 0xb0],
];

/// Draw the remix. Runs in a blocking thread (decoding can take a while).
pub fn render(spec: &Spec) -> Rendered {
    let decoded: Vec<Option<RgbaImage>> = spec.images.iter().map(decode).collect();
    let (aw, ah) = aspect(spec.aspect.as_deref(), decoded.iter().flatten().next());
    let (width, height) = if aw >= ah {
        (LONG_SIDE, (LONG_SIDE * ah / aw).max(16))
    } else {
        ((LONG_SIDE * aw / ah).max(16), LONG_SIDE)
    };
    let bg = if spec.transparent {
        Rgba([0, 0, 0, 0])
    } else {
        Rgba([0x1d, 0x1f, 0x27, 0xff])
    };
    let mut canvas = RgbaImage::from_pixel(width, height, bg);
    if !spec.transparent {
        // A soft diagonal gradient, so the result is visibly "made".
        for (x, y, px) in canvas.enumerate_pixels_mut() {
            let t = ((x + y) * 48 / (width + height)) as u8;
            px.0 = [0x1d + t, 0x1f + t / 2, 0x27 + t, 0xff];
        }
    }

    // The prompt band at the bottom.
    let scale = if width >= 384 { 2 } else { 1 };
    let cols = ((width - 8) / (6 * scale)).max(1) as usize;
    let lines = wrap(&spec.prompt, cols, 3);
    let band = if lines.is_empty() {
        0
    } else {
        lines.len() as u32 * 9 * scale + 8
    };
    let band = band.min(height / 3);
    if band > 0 {
        fill(
            &mut canvas,
            0,
            height - band,
            width,
            band,
            Rgba([0, 0, 0, 0xc0]),
        );
        for (i, line) in lines.iter().enumerate() {
            let y = height - band + 4 + i as u32 * 9 * scale;
            draw_text(
                &mut canvas,
                4,
                y,
                line,
                scale,
                Rgba([0xff, 0xff, 0xff, 0xff]),
            );
        }
    }

    // The grid of references.
    let n = spec.images.len().max(1) as u32;
    let grid_cols = (f64::from(n).sqrt().ceil() as u32).max(1);
    let grid_rows = n.div_ceil(grid_cols);
    let area_h = height - band;
    let pad = 4;
    let cell_w = (width.saturating_sub(pad) / grid_cols).max(pad + 2);
    let cell_h = (area_h.saturating_sub(pad) / grid_rows.max(1)).max(pad + 2);
    for (i, image) in spec.images.iter().enumerate() {
        let (col, row) = (i as u32 % grid_cols, i as u32 / grid_cols);
        let (x0, y0) = (pad + col * cell_w, pad + row * cell_h);
        let (w, h) = (cell_w - pad, cell_h - pad);
        match &decoded[i] {
            Some(img) => {
                let (tw, th) = fit(img.width(), img.height(), w, h);
                let thumb = image::imageops::thumbnail(img, tw.max(1), th.max(1));
                image::imageops::overlay(
                    &mut canvas,
                    &thumb,
                    i64::from(x0 + (w - tw) / 2),
                    i64::from(y0 + (h - th) / 2),
                );
            }
            None => {
                let [r, g, b] = PALETTE[i % PALETTE.len()];
                fill(&mut canvas, x0, y0, w, h, Rgba([r, g, b, 0xff]));
                let label = match image {
                    RefImage::Url(_) => "URL",
                    RefImage::Bytes {
                        format: Format::Avif,
                        ..
                    } => "AVIF",
                    RefImage::Bytes {
                        format: Format::Heif,
                        ..
                    } => "HEIF",
                    RefImage::Bytes { .. } => "IMAGE",
                };
                let big = (h / 24).clamp(1, 6);
                let index = i.to_string();
                let iw = index.len() as u32 * 6 * big;
                draw_text(
                    &mut canvas,
                    x0 + w.saturating_sub(iw) / 2,
                    y0 + h.saturating_sub(16 * big) / 2,
                    &index,
                    big,
                    Rgba([0xff; 4]),
                );
                let small = (big / 2).max(1);
                let lw = label.len() as u32 * 6 * small;
                let ly = (y0 + h.saturating_sub(16 * big) / 2 + 9 * big)
                    .min(y0 + h.saturating_sub(8 * small));
                draw_text(
                    &mut canvas,
                    x0 + w.saturating_sub(lw) / 2,
                    ly,
                    label,
                    small,
                    Rgba([0xff; 4]),
                );
            }
        }
    }

    encode(canvas, spec.format, !spec.transparent)
}

fn encode(canvas: RgbaImage, format: OutFormat, opaque: bool) -> Rendered {
    let (width, height) = canvas.dimensions();
    let mut bytes = Vec::new();
    let ok = match format {
        OutFormat::Png => {
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut bytes,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Sub,
            );
            if opaque {
                image::DynamicImage::ImageRgba8(canvas.clone())
                    .to_rgb8()
                    .write_with_encoder(enc)
                    .is_ok()
            } else {
                canvas.write_with_encoder(enc).is_ok()
            }
        }
        OutFormat::Jpeg => {
            let rgb = image::DynamicImage::ImageRgba8(canvas.clone()).to_rgb8();
            rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut bytes, 85,
            ))
            .is_ok()
        }
        OutFormat::Webp => canvas
            .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut bytes))
            .is_ok(),
    };
    if ok {
        return Rendered {
            bytes,
            width,
            height,
            format,
        };
    }
    // Fall back to PNG, which cannot fail on an in-memory buffer.
    let mut png = Vec::new();
    let _ = canvas.write_with_encoder(image::codecs::png::PngEncoder::new(&mut png));
    Rendered {
        bytes: png,
        width,
        height,
        format: OutFormat::Png,
    }
}

fn decode(image: &RefImage) -> Option<RgbaImage> {
    let RefImage::Bytes { bytes, format } = image else {
        return None;
    };
    let codec = format.codec()?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes.as_slice()), codec);
    let mut limits = Limits::default();
    limits.max_image_width = Some(8192);
    limits.max_image_height = Some(8192);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().ok().map(|d| d.to_rgba8())
}

/// The canvas ratio: the requested one, else the first image's nearest, else 1:1.
fn aspect(requested: Option<&str>, first: Option<&RgbaImage>) -> (u32, u32) {
    const RATIOS: [(u32, u32); 7] = [(16, 9), (9, 16), (3, 2), (2, 3), (4, 3), (3, 4), (1, 1)];
    if let Some((w, h)) = requested.and_then(|r| r.split_once(':'))
        && let (Ok(w), Ok(h)) = (w.parse::<u32>(), h.parse::<u32>())
        && w > 0
        && h > 0
        && w <= 64
        && h <= 64
    {
        return (w, h);
    }
    match first {
        Some(img) if img.height() > 0 => {
            let r = f64::from(img.width()) / f64::from(img.height());
            let mut best = (1, 1);
            let mut best_d = f64::MAX;
            for (w, h) in RATIOS {
                let d = (f64::from(w) / f64::from(h)).ln() - r.ln();
                if d.abs() < best_d {
                    best_d = d.abs();
                    best = (w, h);
                }
            }
            best
        }
        _ => (1, 1),
    }
}

fn fit(w: u32, h: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if w == 0 || h == 0 {
        return (1, 1);
    }
    let s = (f64::from(max_w) / f64::from(w)).min(f64::from(max_h) / f64::from(h));
    (
        ((f64::from(w) * s) as u32).clamp(1, max_w.max(1)),
        ((f64::from(h) * s) as u32).clamp(1, max_h.max(1)),
    )
}

fn fill(img: &mut RgbaImage, x0: u32, y0: u32, w: u32, h: u32, color: Rgba<u8>) {
    let (iw, ih) = img.dimensions();
    for y in y0..(y0 + h).min(ih) {
        for x in x0..(x0 + w).min(iw) {
            let px = img.get_pixel_mut(x, y);
            if color.0[3] == 0xff {
                *px = color;
            } else {
                let a = u16::from(color.0[3]);
                for c in 0..3 {
                    px.0[c] =
                        ((u16::from(px.0[c]) * (255 - a) + u16::from(color.0[c]) * a) / 255) as u8;
                }
                px.0[3] = px.0[3].max(color.0[3]);
            }
        }
    }
}

/// Up to `max_lines` lines of at most `cols` characters; the last ends in "..." if cut.
fn wrap(text: &str, cols: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let word: String = word.chars().take(cols).collect();
        let needed = if line.is_empty() {
            word.chars().count()
        } else {
            line.chars().count() + 1 + word.chars().count()
        };
        if needed > cols {
            lines.push(std::mem::take(&mut line));
            if lines.len() == max_lines {
                cut = true;
                break;
            }
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !cut && !line.is_empty() {
        lines.push(line);
    }
    if cut && let Some(last) = lines.last_mut() {
        let keep = cols.saturating_sub(3);
        *last = last.chars().take(keep).collect::<String>() + "...";
    }
    lines
}

fn draw_text(img: &mut RgbaImage, x: u32, y: u32, text: &str, scale: u32, color: Rgba<u8>) {
    let (iw, ih) = img.dimensions();
    for (i, ch) in text.chars().enumerate() {
        let rows = glyph(ch);
        let gx = x + i as u32 * 6 * scale;
        for (ry, bits) in rows.iter().enumerate() {
            for rx in 0..5u32 {
                if bits & (0b10000 >> rx) == 0 {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (px, py) = (gx + rx * scale + dx, y + ry as u32 * scale + dy);
                        if px < iw && py < ih {
                            img.put_pixel(px, py, color);
                        }
                    }
                }
            }
        }
    }
}

/// The 5×7 glyph of a character (lowercase drawn as uppercase; unknown → '?').
fn glyph(c: char) -> [u8; 7] {
    let c = c.to_ascii_uppercase();
    match c {
        ' ' => [0; 7],
        'A' => [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
        'B' => [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
        'C' => [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
        'D' => [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
        'E' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
        'F' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
        'G' => [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
        'H' => [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
        'I' => [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
        'M' => [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'P' => [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
        'Q' => [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
        'R' => [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
        'S' => [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
        'T' => [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
        'X' => [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04],
        'Z' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
        '0' => [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
        '1' => [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
        '2' => [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
        '3' => [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
        '4' => [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
        '5' => [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
        '6' => [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
        '7' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
        '9' => [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c],
        ',' => [0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08],
        '!' => [0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04],
        ':' => [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
        ';' => [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x04, 0x08],
        '\'' => [0x0c, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00],
        '"' => [0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00],
        '-' => [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
        '+' => [0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00],
        '/' => [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        '<' => [0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02],
        '>' => [0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08],
        '#' => [0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a],
        '=' => [0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00],
        '_' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f],
        '*' => [0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00],
        '&' => [0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d],
        '@' => [0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e],
        '%' => [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        _ => [0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_text() {
        let spec = Spec {
            images: vec![RefImage::Url("https://example.com/a.png".into()); 5],
            prompt: "A cat <img>0</img> wearing the hat from <img>1</img>, ".repeat(10),
            aspect: Some("16:9".into()),
            transparent: false,
            format: OutFormat::Png,
        };
        let out = render(&spec);
        assert_eq!((out.width, out.height), (512, 288));
        let img = image::load_from_memory(&out.bytes).expect("a PNG");
        assert_eq!(img.width(), 512);
        assert!(wrap("a b c", 10, 3) == vec!["a b c".to_string()]);
        assert_eq!(wrap(&"word ".repeat(100), 20, 2).len(), 2);
    }
}
