//! UTC timestamps with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`: the form of `EventDateTime`
//! (`xs:dateTime`) [DICOM PS3.15 A.5.1] and of the syslog TIMESTAMP [RFC 5424 §6.2.3], so a
//! record's time is written once and reused in the syslog header.

use std::time::{SystemTime, UNIX_EPOCH};
use xcgate_ihe::calendar::UtcDateTime;

/// `time` in UTC with milliseconds; times before 1970 are written as the epoch (an audit
/// record of an event before 1970 is a clock fault, not data worth a panic).
pub fn utc_millis(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    UtcDateTime::from_unix(i64::try_from(since.as_secs()).unwrap_or(0))
        .xs_date_time_millis(since.subsec_millis())
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
