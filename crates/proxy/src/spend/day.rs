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

/// `YYYY-MM-DD` of a UTC day (Howard Hinnant's civil-from-days).
pub fn date(day: u64) -> String {
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
