//! HL7 V3 time values (`TS`, `IVL<TS>`) as used in ITI-55 birth times.
//!
//! A TS is `YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]`. A value of lower precision stands for the
//! whole period it names: `1963` is all of 1963 [HL7 V3 Data Types, TS]. Comparison is done
//! on the precision both sides have, so `196308` matches `19630805` and the other way round.

/// The digits of a TS up to seconds, without fraction or time zone; `None` when the text is
/// not a TS (no digits, odd precision, or a month/day out of range).
pub fn digits(ts: &str) -> Option<&str> {
    let ts = ts.trim();
    let end = ts.find(|c: char| !c.is_ascii_digit()).unwrap_or(ts.len());
    let d = &ts[..end.min(14)];
    if d.len() < 4 || !d.len().is_multiple_of(2) {
        return None;
    }
    if d.len() >= 6 && !(1..=12).contains(&d[4..6].parse::<u8>().ok()?) {
        return None;
    }
    if d.len() >= 8 && !(1..=31).contains(&d[6..8].parse::<u8>().ok()?) {
        return None;
    }
    Some(d)
}

fn common<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    let n = a.len().min(b.len());
    (&a[..n], &b[..n])
}

/// True when the period `value` names contains, or is contained in, `candidate`.
pub fn same_period(value: &str, candidate: &str) -> bool {
    match (digits(value), digits(candidate)) {
        (Some(v), Some(c)) => {
            let (v, c) = common(v, c);
            v == c
        }
        _ => false,
    }
}

/// True when `candidate` lies in the interval `[low, high]` (either bound may be absent;
/// bounds are inclusive at their own precision).
pub fn within(low: Option<&str>, high: Option<&str>, candidate: &str) -> bool {
    let Some(c) = digits(candidate) else {
        return false;
    };
    if let Some(low) = low {
        let Some(l) = digits(low) else { return false };
        let (l, c) = common(l, c);
        if c < l {
            return false;
        }
    }
    if let Some(high) = high {
        let Some(h) = digits(high) else { return false };
        let (h, c) = common(h, c);
        if c > h {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_match_at_their_precision() {
        assert!(same_period("1963", "19630805"));
        assert!(same_period("196308", "19630805"));
        assert!(same_period("19630805", "196308"));
        assert!(!same_period("19630806", "19630805"));
        assert!(same_period("19630805120000+0200", "19630805"));
    }

    #[test]
    fn ranges_are_inclusive() {
        assert!(within(Some("1960"), Some("1965"), "19630805"));
        assert!(within(Some("19630805"), None, "19630805"));
        assert!(!within(Some("19630806"), None, "19630805"));
        assert!(!within(None, Some("1962"), "19630805"));
    }

    #[test]
    fn garbage_is_not_a_time() {
        assert_eq!(digits("abc"), None);
        assert_eq!(digits("19631"), None);
        assert_eq!(digits("19631305"), None);
        assert_eq!(digits("20120531131021.710+0300"), Some("20120531131021"));
    }
}
