//! The comparisons DocumentEntry filters of FindDocuments and GetAll are made of
//! [ITI TF-2 3.18.4.1.2.3.7.1, 3.18.4.1.2.3.7.4]: coded values, plain values and the SQL
//! LIKE patterns of the author parameter, and the time ranges, read with [`super::dtm`].

use super::dtm;
use super::params::{Params, QueryError};
use std::cmp::Ordering;

/// True when some filter value `code^^scheme` [ITI TF-2 3.18.4.1.2.3.5] names one of
/// `codes`, each given as `(code, scheme)`; a value without `^^scheme` matches the code in
/// any scheme. No filter (`None`) matches everything; an entry without codes matches no
/// given filter.
pub fn codes_match(filter: Option<&[String]>, codes: &[(&str, &str)]) -> bool {
    let Some(values) = filter else { return true };
    values.iter().any(|v| {
        let (c, scheme) = match v.split_once("^^") {
            Some((c, s)) => (c, Some(s)),
            None => (v.as_str(), None),
        };
        codes.iter().any(|(code, code_scheme)| {
            c.trim() == *code && scheme.is_none_or(|s| s.trim() == *code_scheme)
        })
    })
}

/// True when some value is `value` (status, entry type), or no filter is given.
pub fn one_of_values(filter: Option<&[String]>, value: &str) -> bool {
    filter.is_none_or(|values| values.iter().any(|v| v.trim() == value))
}

/// SQL LIKE as the author parameters use it: `%` any run, `_` any one character
/// [ITI TF-2 3.18.4.1.2.3.7.1, $XDSDocumentEntryAuthorPerson].
pub fn like(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    // Iterative match with backtracking to the last `%`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < v.len() {
        if i < p.len() && (p[i] == '_' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '%' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p.get(i..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '%'))
}

/// The time filters of FindDocuments, each a `...From` / `...To` pair
/// [ITI TF-2 3.18.4.1.2.3.7.1]; the other stored queries have none (GetAll
/// [ITI TF-2 3.18.4.1.2.3.7.4]), so for them every entry passes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryTimes<'p> {
    creation: (Option<&'p str>, Option<&'p str>),
    service_start: (Option<&'p str>, Option<&'p str>),
    service_stop: (Option<&'p str>, Option<&'p str>),
}

impl<'p> EntryTimes<'p> {
    /// Read the CreationTime, ServiceStartTime and ServiceStopTime bounds when `all_filters`
    /// (FindDocuments); none otherwise. A bound given twice is XDSStoredQueryParamNumber.
    pub fn read(params: &'p Params, all_filters: bool) -> Result<Self, QueryError> {
        if !all_filters {
            return Ok(EntryTimes::default());
        }
        Ok(EntryTimes {
            creation: params.entry_time_range("CreationTime")?,
            service_start: params.entry_time_range("ServiceStartTime")?,
            service_stop: params.entry_time_range("ServiceStopTime")?,
        })
    }

    /// True when the entry's creationTime, serviceStartTime and serviceStopTime (DTM) are
    /// each in their range, with [`dtm::compare`] reading the bounds.
    pub fn matches(
        &self,
        creation: Option<&str>,
        service_start: Option<&str>,
        service_stop: Option<&str>,
    ) -> bool {
        self.matches_by(creation, service_start, service_stop, dtm::compare)
    }

    /// [`EntryTimes::matches`] with the adapter's own comparison of a value with a bound
    /// (see [`dtm::in_range_by`]).
    pub fn matches_by(
        &self,
        creation: Option<&str>,
        service_start: Option<&str>,
        service_stop: Option<&str>,
        compare: impl Fn(&str, &str) -> Option<Ordering> + Copy,
    ) -> bool {
        let within = |value, (from, to): (Option<&str>, Option<&str>)| {
            dtm::in_range_by(value, from, to, compare)
        };
        within(creation, self.creation)
            && within(service_start, self.service_start)
            && within(service_stop, self.service_stop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xca_query::RegistrySlot;

    #[test]
    fn entry_times_apply_only_to_find_documents() {
        let slots = [RegistrySlot {
            name: "$XDSDocumentEntryCreationTimeFrom".into(),
            slot_type: None,
            values: vec!["'2024'".into()],
        }];
        let params = Params::parse(&slots);
        let find = EntryTimes::read(&params, true).unwrap();
        assert!(find.matches(Some("20240312083000"), None, None));
        assert!(!find.matches(Some("20231231"), None, None));
        assert!(!find.matches(None, None, None));
        let get_all = EntryTimes::read(&params, false).unwrap();
        assert!(get_all.matches(Some("20231231"), None, None));
        assert!(!find.matches_by(Some("20240312"), None, None, |_, _| None));
    }

    #[test]
    fn codes_match_code_and_scheme() {
        let c = [("N", "2.16.840.1.113883.5.25")];
        assert!(codes_match(None, &c));
        assert!(codes_match(Some(&["N^^2.16.840.1.113883.5.25".into()]), &c));
        assert!(codes_match(Some(&["N".into()]), &c));
        assert!(!codes_match(Some(&["N^^1.2".into()]), &c));
        assert!(!codes_match(
            Some(&["R^^2.16.840.1.113883.5.25".into()]),
            &c
        ));
        assert!(!codes_match(Some(&["N".into()]), &[]));
        assert!(codes_match(Some(&["R".into()]), &[("N", "1"), ("R", "2")]));
    }

    #[test]
    fn plain_values_match_trimmed() {
        assert!(one_of_values(None, "x"));
        assert!(one_of_values(Some(&[" x ".into()]), "x"));
        assert!(!one_of_values(Some(&["y".into()]), "x"));
    }

    #[test]
    fn like_patterns() {
        assert!(like("%Lääkäri%", "^Lääkäri^Laura^^^"));
        assert!(like("^L_äkäri%", "^Lääkäri^Laura^^^"));
        assert!(!like("%Smith%", "^Lääkäri^Laura^^^"));
        assert!(like("%", ""));
        assert!(!like("a", ""));
    }
}
