//! Fresh identifiers and timestamps for outgoing messages.

use std::time::{SystemTime, UNIX_EPOCH};

/// A new WS-Addressing MessageID, `urn:uuid:` form.
pub fn new_message_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// A new random UUID (for HL7 message id extensions and request ids).
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current UTC time as an HL7 TS with seconds and zone: `YYYYMMDDHHMMSS+0000`.
pub fn hl7_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    hl7_ts(secs)
}

/// Format Unix seconds as an HL7 TS in UTC.
pub fn hl7_ts(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}+0000",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hl7_timestamps_are_utc_calendar_dates() {
        assert_eq!(super::hl7_ts(0), "19700101000000+0000");
        assert_eq!(super::hl7_ts(951_782_400), "20000229000000+0000");
        assert_eq!(super::hl7_ts(1_795_435_199), "20261123115959+0000");
    }
}
