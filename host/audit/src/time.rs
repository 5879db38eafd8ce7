//! UTC timestamps with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`: the form of `EventDateTime`
//! (`xs:dateTime`) [DICOM PS3.15 A.5.1] and of the syslog TIMESTAMP [RFC 5424 §6.2.3], so a
//! record's time is written once and reused in the syslog header.

use std::time::{SystemTime, UNIX_EPOCH};

/// `time` in UTC with milliseconds; times before 1970 are written as the epoch (an audit
/// record of an event before 1970 is a clock fault, not data worth a panic).
pub fn utc_millis(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let millis = since.subsec_millis();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`,
/// restricted to non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::utc_millis;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn known_instants() {
        assert_eq!("1970-01-01T00:00:00.000Z", utc_millis(UNIX_EPOCH));
        // The IPF sample's EventDateTime.
        let sample = UNIX_EPOCH + Duration::from_millis(1_584_628_684_293);
        assert_eq!("2020-03-19T14:38:04.293Z", utc_millis(sample));
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!("2000-02-29T00:00:00.000Z", utc_millis(leap));
        let end = UNIX_EPOCH + Duration::from_millis(4_102_444_799_999);
        assert_eq!("2099-12-31T23:59:59.999Z", utc_millis(end));
    }
}
