//! UTC timestamps for run directory names, without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current UTC time as `YYYYMMDD-HHMMSS`.
pub fn utc_timestamp_now() -> String {
    // A clock set before 1970 is a broken clock, not bad input; the epoch still gives a
    // valid, sortable name and the suffixing in `RunDir::create` keeps it unique.
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    utc_timestamp(secs)
}

/// Formats `secs` seconds after the Unix epoch as the UTC time `YYYYMMDD-HHMMSS`.
pub fn utc_timestamp(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian (year, month, day) of `days` days after 1970-01-01.
/// Counts in 400-year eras starting on 0000-03-01, so the leap day ends each era-year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z / 146_097;
    let doe = z % 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1st
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era * 400 + yoe + u64::from(month <= 2);
    (year, month, day)
}
