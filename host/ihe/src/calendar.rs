//! The proleptic Gregorian calendar of every timestamp xcgate writes or reads: HL7 TS
//! (`YYYYMMDDHHMMSS`), XDS DTM, `xs:dateTime` of SAML and DICOM audit records. Day numbers
//! count from 1970-01-01 (Howard Hinnant's `days_from_civil` / `civil_from_days`, exact
//! for every year an `i64` day count holds). Pure: callers pass the time in.

/// Days since 1970-01-01 of the date `year-month-day` (`month` 1..=12, `day` 1..=31; a
/// day past the month's end counts on into the next month).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day number from [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both fit in u32 by construction (1..=31 and 1..=12).
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A UTC instant split into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl UtcDateTime {
    /// The fields of `unix_secs` seconds after 1970-01-01T00:00:00Z (negative: before).
    pub fn from_unix(unix_secs: i64) -> UtcDateTime {
        let (year, month, day) = civil_from_days(unix_secs.div_euclid(86_400));
        let in_day = unix_secs.rem_euclid(86_400) as u32;
        UtcDateTime {
            year,
            month,
            day,
            hour: in_day / 3600,
            minute: in_day % 3600 / 60,
            second: in_day % 60,
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn to_unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// HL7 V3 TS to the second, without a zone: `YYYYMMDDHHMMSS`.
    pub fn hl7_ts(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `xs:dateTime` in UTC with milliseconds, `YYYY-MM-DDThh:mm:ss.mmmZ` (SAML instants
    /// [SAML2 Core 1.3.3], DICOM `EventDateTime`, the RFC 5424 syslog TIMESTAMP).
    pub fn xs_date_time_millis(&self, millis: u32) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            millis.min(999)
        )
    }
}

/// An `xs:duration` (`PnYnMnDTnHnMnS`, e.g. `P0Y0M7D`, `PT12H`) in seconds, years as 365
/// days and months as 30; `None` for a negative or malformed duration.
pub fn xs_duration_secs(text: &str) -> Option<u64> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total = 0u64;
    let mut any = false;
    let mut take = |part: &str, units: &[(char, u64)]| -> Option<()> {
        let mut number = String::new();
        let mut next = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let at = units[next..].iter().position(|(u, _)| *u == c)? + next;
            let value: f64 = number.parse().ok()?;
            total = total.checked_add((value * units[at].1 as f64) as u64)?;
            number.clear();
            next = at + 1;
            any = true;
        }
        number.is_empty().then_some(())
    };
    take(
        date,
        &[('Y', 365 * 86_400), ('M', 30 * 86_400), ('D', 86_400)],
    )?;
    if let Some(t) = time {
        take(t, &[('H', 3600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_leap_days_and_centuries() {
        for (days, date) in [
            (0, (1970, 1, 1)),
            (11_016, (2000, 2, 29)),
            (-1, (1969, 12, 31)),
            (47_540, (2100, 2, 28)),
            (47_541, (2100, 3, 1)),
            (-719_468, (0, 3, 1)),
        ] {
            assert_eq!(civil_from_days(days), date, "{days}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), days, "{date:?}");
        }
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn durations_in_seconds() {
        assert_eq!(xs_duration_secs("P0Y0M7D"), Some(7 * 86_400));
        assert_eq!(xs_duration_secs("P1D"), Some(86_400));
        assert_eq!(xs_duration_secs("PT12H30M"), Some(12 * 3600 + 1800));
        assert_eq!(
            xs_duration_secs("P1Y2M3DT4H5M6.5S"),
            Some(365 * 86_400 + 60 * 86_400 + 3 * 86_400 + 4 * 3600 + 5 * 60 + 6)
        );
        for bad in ["", "7D", "P", "PT", "P1H", "P1D2Y", "-P1D", "P1.2.3D"] {
            assert_eq!(xs_duration_secs(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_forms_of_an_instant() {
        let t = UtcDateTime::from_unix(951_782_400);
        assert_eq!(t.hl7_ts(), "20000229000000");
        assert_eq!(
            UtcDateTime::from_unix(1_795_435_199).hl7_ts(),
            "20261123115959"
        );
        assert_eq!(
            UtcDateTime::from_unix(1_584_628_684).xs_date_time_millis(293),
            "2020-03-19T14:38:04.293Z"
        );
        assert_eq!(UtcDateTime::from_unix(-1).hl7_ts(), "19691231235959");
        assert_eq!(t.to_unix(), 951_782_400);
    }
}
