//! Times between FHIR and IHE: FHIR `date`/`dateTime`/`instant` are ISO 8601 with dashes
//! and a zone [FHIR R4 datatypes.html#dateTime]; XCPD wants HL7 V3 `TS` digits
//! [ITI TF-2 3.55.4.2.2]; XDS metadata wants DTM in UTC with no zone
//! [ITI TF-3 Table 4.2.3.1.7-2, "DTM"]. Precision is kept both ways: `1990-03` is the
//! month, not its first day.

use xcgate_sdk::hl7_time;
use xcgate_sdk::xds::dtm;

/// The digits of a FHIR date or dateTime up to seconds (`1990-03-12` → `19900312`), and
/// the rest of the text (time fraction and zone).
fn split(fhir: &str) -> Option<(String, &str)> {
    let text = fhir.trim();
    let mut digits = String::new();
    let mut rest = "";
    for (i, c) in text.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ':' | 'T' if digits.len() < 14 && !(c == '-' && digits.len() >= 8) => {}
            _ => {
                rest = &text[i..];
                break;
            }
        }
    }
    if digits.len() > 14 {
        return None;
    }
    hl7_time::digits(&digits)?;
    Some((digits, rest))
}

/// A FHIR `date` as an HL7 TS (`1990-03-12` → `19900312`); `None` when it is not a date.
pub fn to_ts(fhir: &str) -> Option<String> {
    split(fhir).map(|(d, _)| d)
}

/// Minutes east of UTC of an ISO zone (`Z`, `+03:00`, `-0500`); `None` for no zone.
fn zone_minutes(rest: &str) -> Option<i64> {
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if rest == "Z" {
        return Some(0);
    }
    let sign = match rest.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// A FHIR dateTime/instant as XDS DTM in UTC (`2024-05-02T09:15:00+03:00` →
/// `20240502061500`). A date alone is not shifted (it names a day, not an instant).
pub fn to_dtm(fhir: &str) -> Option<String> {
    let (digits, rest) = split(fhir)?;
    let Some(offset) = zone_minutes(rest).filter(|o| *o != 0 && digits.len() >= 10) else {
        return Some(digits);
    };
    dtm::shift_to_utc(&digits, offset)
}

/// An HL7 TS as a FHIR date search value of the same precision, at most a day
/// (`19900312` → `1990-03-12`, `1990` → `1990`) [FHIR R4 search.html#date].
pub fn ts_to_fhir_date(ts: &str) -> Option<String> {
    let d = hl7_time::digits(ts)?;
    let d = d.get(..d.len().min(8))?;
    Some(match d.len() {
        4 => d.to_string(),
        6 => format!("{}-{}", &d[..4], &d[4..6]),
        _ => format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_dates_become_ts_digits_at_their_precision() {
        assert_eq!(to_ts("1990-03-12").as_deref(), Some("19900312"));
        assert_eq!(to_ts("1990-03").as_deref(), Some("199003"));
        assert_eq!(to_ts("1990").as_deref(), Some("1990"));
        assert_eq!(to_ts("yesterday"), None);
        assert_eq!(to_ts("1990-13-01"), None);
    }

    #[test]
    fn fhir_instants_become_utc_dtm() {
        assert_eq!(
            to_dtm("2024-05-02T09:15:00+03:00").as_deref(),
            Some("20240502061500")
        );
        assert_eq!(
            to_dtm("2024-01-01T01:30:00.123+02:00").as_deref(),
            Some("20231231233000")
        );
        assert_eq!(
            to_dtm("2024-06-10T11:45:00Z").as_deref(),
            Some("20240610114500")
        );
        assert_eq!(
            to_dtm("2024-06-10T20:00:00-05:00").as_deref(),
            Some("20240611010000")
        );
        assert_eq!(to_dtm("2024-06-10").as_deref(), Some("20240610"));
    }

    #[test]
    fn ts_values_become_fhir_date_search_values() {
        assert_eq!(ts_to_fhir_date("19900312").as_deref(), Some("1990-03-12"));
        assert_eq!(
            ts_to_fhir_date("199003121030+0200").as_deref(),
            Some("1990-03-12")
        );
        assert_eq!(ts_to_fhir_date("199003").as_deref(), Some("1990-03"));
        assert_eq!(ts_to_fhir_date("1990").as_deref(), Some("1990"));
        assert_eq!(ts_to_fhir_date("19"), None);
    }
}
