//! XDS DTM times. XDS metadata wants DTM in UTC with no zone [ITI TF-3 Table 4.2.3.1.7-2,
//! "DTM"], while sources hold HL7 V3 `TS` (local time with a zone, as a CDA header has it)
//! or ISO 8601 (FHIR); stored-query time parameters are compared in DTM form at the
//! precision both sides have [ITI TF-2 3.18.4.1.2.3.7.1].

use crate::hl7_time;
use std::cmp::Ordering;
use xcgate_ihe::calendar::{civil_from_days, days_from_civil};

/// The XDS DTM of an HL7 TS: digits up to seconds, shifted to UTC when the TS has a zone
/// and at least hour precision; `None` when the text is not a TS. Precision is kept
/// (`2024` stays `2024`; `202403121030+0200` becomes `202403120830`).
pub fn to_utc(ts: &str) -> Option<String> {
    let ts = ts.trim();
    let digits = hl7_time::digits(ts)?;
    let Some(offset_minutes) = zone_offset(ts)? else {
        return Some(digits.to_string());
    };
    shift_to_utc(digits, offset_minutes)
}

/// Move validated TS digits (`YYYY[MM[DD[HH[MM[SS]]]]]`, see [`hl7_time::digits`]) that are
/// local time at `offset_minutes` east of UTC to UTC, keeping their precision. Below hour
/// precision the period named is not moved by a zone, so such digits come back as they
/// are; `None` only when the digits are not a time.
pub fn shift_to_utc(digits: &str, offset_minutes: i64) -> Option<String> {
    if digits.len() < 10 || offset_minutes == 0 {
        return Some(digits.to_string());
    }
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i64>().ok());
    let (year, month, day, hour) = (num(0..4)?, num(4..6)?, num(6..8)?, num(8..10)?);
    let (month, day) = (u32::try_from(month).ok()?, u32::try_from(day).ok()?);
    let minute = num(10..12).unwrap_or(0);
    let second = num(12..14).unwrap_or(0);
    let local = days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
    let utc = local - offset_minutes;
    let (y, m, d) = civil_from_days(utc.div_euclid(1440));
    let in_day = utc.rem_euclid(1440);
    let full = format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{second:02}",
        in_day / 60,
        in_day % 60
    );
    full.get(..digits.len()).map(str::to_string)
}

/// `Some(None)` without a zone, `Some(Some(minutes east of UTC))` with one, `None` when the
/// zone is malformed.
fn zone_offset(ts: &str) -> Option<Option<i64>> {
    let Some(at) = ts.find(['+', '-']) else {
        return Some(None);
    };
    let (sign, zone) = ts.split_at(at + 1);
    if zone.len() != 4 || !zone.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = zone[..2].parse().ok()?;
    let minutes: i64 = zone[2..].parse().ok()?;
    if hours > 14 || minutes > 59 {
        return None;
    }
    let value = hours * 60 + minutes;
    Some(Some(if sign.ends_with('-') { -value } else { value }))
}

/// Compare a metadata DTM with a query bound on the precision both have, so that a bound
/// of `2024` covers the whole year [ITI TF-2 3.18.4.1.2.3.7.1]; `None` when the bound is not
/// a time.
pub fn compare(value: &str, bound: &str) -> Option<Ordering> {
    let bound = to_utc(bound)?;
    let n = value.len().min(bound.len());
    Some(value.get(..n)?.cmp(bound.get(..n)?))
}

/// True when `value` lies in `[from, to)`: `...From` is inclusive and `...To` exclusive
/// [ITI TF-2 3.18.4.1.2.3.7.1]. An absent value never matches a given bound.
pub fn in_range(value: Option<&str>, from: Option<&str>, to: Option<&str>) -> bool {
    in_range_by(value, from, to, compare)
}

/// [`in_range`] with the adapter's own comparison of a value with a bound (`None`: the
/// bound is not a time it accepts, so nothing matches it), for adapters that read the
/// bounds more strictly or loosely than [`compare`].
pub fn in_range_by(
    value: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    compare: impl Fn(&str, &str) -> Option<Ordering>,
) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    let Some(value) = value else { return false };
    let from_ok = from.is_none_or(|f| compare(value, f).is_some_and(Ordering::is_ge));
    let to_ok = to.is_none_or(|t| compare(value, t).is_some_and(Ordering::is_lt));
    from_ok && to_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoned_times_move_to_utc_at_their_own_precision() {
        assert_eq!(
            to_utc("20240312103000+0200").as_deref(),
            Some("20240312083000")
        );
        assert_eq!(to_utc("202403121030+0200").as_deref(), Some("202403120830"));
        assert_eq!(
            to_utc("20240101013000+0300").as_deref(),
            Some("20231231223000")
        );
        assert_eq!(
            to_utc("20240229233000-0100").as_deref(),
            Some("20240301003000")
        );
        assert_eq!(to_utc("20240312+0200").as_deref(), Some("20240312"));
        assert_eq!(
            to_utc("20240312103000.123").as_deref(),
            Some("20240312103000")
        );
        assert_eq!(to_utc("2024031210300+02"), None);
        assert_eq!(to_utc("yesterday"), None);
    }

    #[test]
    fn ranges_are_from_inclusive_to_exclusive() {
        let v = Some("20240312083000");
        assert!(in_range(v, Some("2024"), None));
        assert!(in_range(v, Some("20240312083000"), Some("20240313")));
        assert!(!in_range(v, None, Some("2024")));
        assert!(!in_range(v, None, Some("20240312083000")));
        assert!(in_range(v, None, Some("2025")));
        assert!(!in_range(None, Some("2024"), None));
        assert!(in_range(None, None, None));
        assert!(!in_range(v, Some("garbage"), None));
    }

    #[test]
    fn digits_shift_only_at_hour_precision_or_finer() {
        assert_eq!(
            shift_to_utc("20240502091500", 180).as_deref(),
            Some("20240502061500")
        );
        assert_eq!(
            shift_to_utc("2024061020", -300).as_deref(),
            Some("2024061101")
        );
        assert_eq!(shift_to_utc("20240610", 120).as_deref(), Some("20240610"));
        assert_eq!(shift_to_utc("2024", 0).as_deref(), Some("2024"));
    }
}
