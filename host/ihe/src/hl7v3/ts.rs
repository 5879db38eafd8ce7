//! HL7 V3 `TS` timestamps [HL7 V3 Data Types R1, TS]: `YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]]`
//! with an optional zone `+ZZZZ` / `-ZZZZ` from hour precision on; and the ISO 8601 dates
//! and date-times real gateways send in their place, read as the TS they mean.

/// True for an HL7 TS.
pub fn is_hl7_ts(text: &str) -> bool {
    let (main, zone) = match text.find(['+', '-']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (digits, fraction) = match main.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (main, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14)
        && all_digits(digits)
        && fraction
            .is_none_or(|f| digits.len() == 14 && (1..=4).contains(&f.len()) && all_digits(f))
        && zone.is_none_or(|z| z.len() == 4 && all_digits(z) && digits.len() >= 10)
}

/// `text` as an HL7 TS: a TS as it is; an ISO 8601 date or date-time (`1980-02-03`,
/// `1980-02-03T10:20:30.5+02:00`, `...Z`) converted with its precision and zone kept
/// (`Z` is `+0000`; a fraction is cut to the four digits TS allows). `None` when it is
/// neither, or names no real date.
pub fn hl7_ts_liberal(text: &str) -> Option<String> {
    let text = text.trim();
    if is_hl7_ts(text) {
        return Some(text.to_string());
    }
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let mut out = String::new();
    match parts.as_slice() {
        [y] if time.is_none() => out.push_str(num(y, 4)?),
        [y, m] if time.is_none() => {
            out.push_str(num(y, 4)?);
            out.push_str(month(num(m, 2)?)?);
        }
        [y, m, d] => {
            out.push_str(num(y, 4)?);
            out.push_str(month(num(m, 2)?)?);
            let day = num(d, 2)?;
            (1..=31).contains(&day.parse::<u32>().ok()?).then_some(())?;
            out.push_str(day);
        }
        _ => return None,
    }
    let Some(time) = time else {
        return Some(out);
    };
    // The zone: Z, ±hh:mm, ±hhmm or ±hh.
    let (clock, zone) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, Some("+0000".to_string()))
    } else if let Some(i) = time.rfind(['+', '-']) {
        let z = &time[i + 1..];
        let digits: String = z.chars().filter(|c| *c != ':').collect();
        let digits = match digits.len() {
            2 => format!("{digits}00"),
            4 => digits,
            _ => return None,
        };
        num(&digits, 4)?;
        (&time[..i], Some(format!("{}{digits}", &time[i..=i])))
    } else {
        (time, None)
    };
    let (hms, fraction) = match clock.split_once(['.', ',']) {
        Some((h, f)) => (h, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    let limits = [23u32, 59, 60];
    if !(2..=3).contains(&fields.len()) {
        return None;
    }
    for (f, limit) in fields.iter().zip(limits) {
        let v = num(f, 2)?;
        (v.parse::<u32>().ok()? <= limit).then_some(())?;
        out.push_str(v);
    }
    if let Some(f) = fraction {
        (fields.len() == 3 && !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
            .then_some(())?;
        out.push('.');
        out.push_str(&f[..f.len().min(4)]);
    }
    if let Some(z) = zone {
        out.push_str(&z);
    }
    is_hl7_ts(&out).then_some(out)
}

/// `s` when it is `len` ASCII digits.
fn num(s: &str, len: usize) -> Option<&str> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

fn month(m: &str) -> Option<&str> {
    (1..=12).contains(&m.parse::<u32>().ok()?).then_some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_and_date_times_become_the_ts_they_mean() {
        for (iso, ts) in [
            ("1980-02-03", "19800203"),
            ("1980-02", "198002"),
            ("1980", "1980"),
            ("19800203", "19800203"),
            ("1980-02-03T10:20", "198002031020"),
            ("1980-02-03T10:20:30", "19800203102030"),
            ("1980-02-03T10:20:30Z", "19800203102030+0000"),
            (
                "1980-02-03T10:20:30.123456+02:00",
                "19800203102030.1234+0200",
            ),
            ("1980-02-03T10:20:30-0500", "19800203102030-0500"),
            ("1980-02-03T10:20+02", "198002031020+0200"),
            (" 1980-02-03 ", "19800203"),
        ] {
            assert_eq!(hl7_ts_liberal(iso).as_deref(), Some(ts), "{iso}");
        }
    }

    #[test]
    fn garbage_is_still_not_a_time() {
        for bad in [
            "",
            "the twelfth of March",
            "1980-13-01",
            "1980-02-32",
            "80-02-03",
            "1980-02-03T25:00",
            "1980-02-03T10:20:30+2",
            "1980-02-03T",
            "1980-2-3",
        ] {
            assert_eq!(hl7_ts_liberal(bad), None, "{bad}");
        }
    }
}
