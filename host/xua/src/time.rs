//! `xs:dateTime` values of SAML (`IssueInstant`, `NotBefore`, `NotOnOrAfter`) to and from
//! `SystemTime`. SAML times are UTC and SHOULD carry no offset [SAML2 Core §1.3.3]; offsets
//! are still read because some issuers send them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use xcgate_ihe::calendar::{UtcDateTime, days_from_civil};

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`; no offset is read as UTC.
pub(crate) fn parse(value: &str) -> Option<SystemTime> {
    let v = value.trim();
    let (date, time) = v.split_once('T')?;
    let mut dp = date.split('-');
    let (y, m, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (h, mi) = time[i + 1..].split_once(':')?;
        let sign = if time.as_bytes()[i] == b'-' { -1 } else { 1 };
        (&time[..i], sign * (num(h)? * 3600 + num(mi)? * 60))
    } else {
        (time, 0)
    };
    let mut tp = clock.split(':');
    let (h, mi, sec) = (num(tp.next()?)?, num(tp.next()?)?, tp.next()?);
    if tp.next().is_some() || h > 24 || mi > 59 {
        return None;
    }
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    let s = num(whole)?;
    if s > 60 || (!frac.is_empty() && num(frac).is_none()) {
        return None;
    }
    let nanos = format!("{frac:0<9}").get(..9).and_then(num).unwrap_or(0);
    let secs = days_from_civil(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?) * 86_400
        + h * 3600
        + mi * 60
        + s
        - offset;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, u32::try_from(nanos).ok()?))
}

/// Format as `YYYY-MM-DDThh:mm:ss.fffZ` (UTC, milliseconds) [SAML2 Core §1.3.3].
pub(crate) fn format(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    UtcDateTime::from_unix(i64::try_from(d.as_secs()).unwrap_or(0))
        .xs_date_time_millis(d.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_offsets() -> Result<(), Box<dyn std::error::Error>> {
        let t = parse("2025-07-31T18:49:15.333Z").ok_or("no parse")?;
        assert_eq!(format(t), "2025-07-31T18:49:15.333Z");
        assert_eq!(t.duration_since(UNIX_EPOCH)?.as_millis(), 1_753_987_755_333);
        assert_eq!(parse("2025-07-31T20:49:15.333+02:00"), Some(t));
        assert_eq!(parse("2011-03-29T09:44:41"), parse("2011-03-29T09:44:41Z"));
        assert_eq!(
            format(parse("2000-02-29T00:00:00Z").ok_or("leap")?),
            "2000-02-29T00:00:00.000Z"
        );
        for bad in [
            "",
            "2025-13-01T00:00:00Z",
            "2025-07-31",
            "2025-07-31T1:2",
            "x-07-31T00:00:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        Ok(())
    }
}
