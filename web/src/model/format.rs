//! How numbers read in the UI: file sizes, durations, credits, prices,
//! download names.

use reve_remix_core::image::thousands;

/// `12.3 KB`, `1.45 MB`: sizes in decimal units, as file managers show
/// them. Integer arithmetic only: float formatting would cost the download
/// ~20 KB of wasm.
pub fn bytes(n: usize) -> String {
    if n < 1000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        let tenths = n / 100;
        format!("{}.{} KB", tenths / 10, tenths % 10)
    } else {
        let hundredths = n / 10_000;
        format!("{}.{:02} MB", hundredths / 100, hundredths % 100)
    }
}

/// A shrunk copy's file name: `photo.heic` → `photo.webp` (the stem kept,
/// the extension of the format written).
pub fn shrunk_name(name: &str, format: reve_remix_core::image::ImageFormat) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains(['/', '\\']) => stem,
        _ => name,
    };
    format!("{stem}.{}", format.extension())
}

/// `0.8 s`, `12 s`, `2 min 5 s`.
pub fn duration(ms: f64) -> String {
    let ms = if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    };
    if ms < 10_000 {
        let tenths = ms / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    } else if ms < 60_000 {
        format!("{} s", ms / 1000)
    } else {
        let s = ms / 1000;
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// Credits as a provider reports them: `3`, `0.25`, `210,000` (two
/// decimals at most; AI/ML API counts in the hundreds of thousands).
pub fn credits(c: f64) -> String {
    if !c.is_finite() {
        return String::new();
    }
    let sign = if c < 0.0 { "-" } else { "" };
    let hundredths = (c.abs() * 100.0 + 0.5) as u64;
    let (whole, frac) = (thousands(hundredths / 100), hundredths % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// `$0.06`, `$0.057`: US dollars to a tenth of a cent, the trailing zero
/// dropped. Integer arithmetic, as [`bytes`].
pub fn usd(usd: f64) -> String {
    let mills = if usd.is_finite() && usd > 0.0 {
        (usd * 1000.0 + 0.5) as u64
    } else {
        0
    };
    let (whole, frac) = (thousands(mills / 1000), mills % 1000);
    if frac % 10 == 0 {
        format!("${whole}.{:02}", frac / 10)
    } else {
        format!("${whole}.{frac:03}")
    }
}

/// The file extension for an image MIME type.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" | "image/jpg" => "jpg",
        "image/webp" => "webp",
        "image/avif" => "avif",
        "image/heic" | "image/heif" => "heic",
        _ => "png",
    }
}

/// `reve-remix-fal-20250101-120304.png`: a download name that sorts by
/// time, for a time in the person's local time (ms since the epoch plus
/// the time zone's offset then: `browser::page::local_ms`).
pub fn download_name(provider: &str, local_ms: f64, ext: &str) -> String {
    format!("reve-remix-{provider}-{}.{ext}", stamp(local_ms))
}

/// `20250101-120304` for `ms` since the epoch, read as a calendar date and
/// time of day (whole seconds, rounded down as `Date` does), by arithmetic
/// rather than the browser's calendar, so that it is a native test away.
pub fn stamp(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.floor() as i64 } else { 0 };
    let (days, secs) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000) / 1000);
    let (y, m, d) = reve_remix_core::calendar::civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shrunk_name_keeps_its_stem_and_takes_the_new_extension() {
        use reve_remix_core::image::ImageFormat;
        assert_eq!(
            shrunk_name("IMG_0042.HEIC", ImageFormat::Webp),
            "IMG_0042.webp"
        );
        assert_eq!(
            shrunk_name("holiday.photo.jpg", ImageFormat::Jpeg),
            "holiday.photo.jpg"
        );
        assert_eq!(shrunk_name("scan", ImageFormat::Jpeg), "scan.jpg");
        assert_eq!(shrunk_name(".hidden", ImageFormat::Webp), ".hidden.webp");
    }

    #[test]
    fn a_download_is_named_by_its_date_and_time() {
        assert_eq!(stamp(0.0), "19700101-000000");
        // 2025-01-01 12:03:04.999 UTC: seconds are rounded down.
        assert_eq!(stamp(1_735_732_984_999.0), "20250101-120304");
        // The day after the 29th of February of a leap year, and of 2000.
        assert_eq!(stamp(1_709_251_199_000.0), "20240229-235959");
        assert_eq!(stamp(1_709_251_200_000.0), "20240301-000000");
        assert_eq!(stamp(951_782_400_000.0), "20000229-000000");
        assert_eq!(stamp(253_402_300_799_000.0), "99991231-235959");
        assert_eq!(stamp(-1.0), "19691231-235959");
        assert_eq!(stamp(f64::NAN), "19700101-000000");
        assert_eq!(
            download_name("fal", 1_735_732_984_000.0 + 3_600_000.0, "png"),
            "reve-remix-fal-20250101-130304.png"
        );
    }

    #[test]
    fn credits_read_as_people_write_them() {
        assert_eq!(credits(3.0), "3");
        assert_eq!(credits(0.25), "0.25");
        assert_eq!(credits(1.5), "1.5");
        assert_eq!(credits(999.0), "999");
        assert_eq!(credits(210_000.0), "210,000");
        assert_eq!(credits(1_234_567.891), "1,234,567.89");
        assert_eq!(credits(-1_000.0), "-1,000");
        assert_eq!(credits(f64::NAN), "");
    }
}
