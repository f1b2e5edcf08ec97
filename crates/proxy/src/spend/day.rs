//! UTC days from Unix seconds, without a date library.

/// Seconds in a day.
const DAY: u64 = 86_400;

/// The UTC day of `now` (Unix seconds): days since 1970-01-01.
pub fn utc_day(now: u64) -> u64 {
    now / DAY
}

/// Seconds from `now` to the next UTC midnight (1 to 86,400).
pub fn seconds_to_midnight(now: u64) -> u64 {
    DAY - now % DAY
}

/// `YYYY-MM-DD` of a UTC day.
pub fn date(day: u64) -> String {
    let (y, m, d) = reve_remix_core::calendar::civil_from_days(day as i64);
    format!("{y:04}-{m:02}-{d:02}")
}
