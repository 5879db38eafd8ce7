//! The DocumentEntry filters of FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1], applied here to
//! the mapped entries rather than sent as MHD search parameters: the codes would need the
//! XDS codingScheme → FHIR system mapping both ways, and MHD's `creation` parameter is not
//! a core R4 one many servers know [ITI TF-2 3.67.4.1.2.1]. Only the patient and the status
//! go to the server. GetAll uses status, type, format and confidentiality only
//! [ITI TF-2 3.18.4.1.2.3.7.4].

use crate::document::{APPROVED, Code, DEPRECATED, Entry};
use std::cmp::Ordering;
use xcgate_sdk::ihe::ebrs::ids::uuids;
use xcgate_sdk::xds::dtm;
use xcgate_sdk::xds::filter::{EntryTimes, codes_match};
use xcgate_sdk::xds::params::{Params, QueryError};

/// FHIR DocumentReference.status values for XDS availabilityStatus values
/// [ITI TF-3 4.5.4.4.7: status]; `None` when none can exist (e.g. only Submitted asked).
pub fn fhir_statuses(xds: &[String]) -> Option<String> {
    let mut out = Vec::new();
    if xds.iter().any(|s| s.trim() == APPROVED) {
        out.push("current");
    }
    if xds.iter().any(|s| s.trim() == DEPRECATED) {
        out.push("superseded");
    }
    (!out.is_empty()).then(|| out.join(","))
}

/// `value` compared with `bound` at the precision both have (DTM `2024` vs `20240312...`).
/// Bounds must be DTM digits as ITI-38 sends them (UTC, no zone); anything else matches
/// nothing, where [`dtm::compare`] would also accept a zoned HL7 TS.
fn compare(value: &str, bound: &str) -> Option<Ordering> {
    let (value, bound) = (value.trim(), bound.trim());
    if !bound.bytes().all(|b| b.is_ascii_digit()) || bound.len() < 4 {
        return None;
    }
    let n = value.len().min(bound.len());
    Some(value.get(..n)?.cmp(bound.get(..n)?))
}

/// True when `value` is in `[from, to)` [ITI TF-2 3.18.4.1.2.3.7.1]; an absent value
/// never matches a given bound.
pub fn in_range(value: Option<&str>, from: Option<&str>, to: Option<&str>) -> bool {
    dtm::in_range_by(value, from, to, compare)
}

/// The `(code, scheme)` pairs [`codes_match`] compares filter values with.
fn pairs<'c>(codes: impl Iterator<Item = &'c Code>) -> Vec<(&'c str, &'c str)> {
    codes
        .map(|c| (c.code.as_str(), c.scheme.as_str()))
        .collect()
}

/// The filters of one query.
pub struct EntryFilter<'p> {
    params: &'p Params,
    statuses: &'p [String],
    all_filters: bool,
    times: EntryTimes<'p>,
}

impl<'p> EntryFilter<'p> {
    /// `all_filters`: FindDocuments (every filter); otherwise GetAll's subset.
    pub fn new(
        params: &'p Params,
        statuses: &'p [String],
        all_filters: bool,
    ) -> Result<Self, QueryError> {
        Ok(EntryFilter {
            params,
            statuses,
            all_filters,
            times: EntryTimes::read(params, all_filters)?,
        })
    }

    fn one(&self, name: &str, code: &Option<Code>) -> bool {
        codes_match(self.params.list(name), &pairs(code.iter()))
    }

    fn many(&self, name: &str, codes: &[Code]) -> bool {
        codes_match(self.params.list(name), &pairs(codes.iter()))
    }

    pub fn matches(&self, e: &Entry) -> bool {
        let p = self.params;
        // Every entry here is a Stable one [ITI TF-3 4.2.3.2.14].
        let common = self.statuses.iter().any(|s| s.trim() == e.status)
            && p.list("$XDSDocumentEntryType")
                .is_none_or(|t| t.iter().any(|t| t.trim() == uuids::STABLE_DOCUMENT_ENTRY))
            && self.one("$XDSDocumentEntryFormatCode", &e.format_code)
            && self.many("$XDSDocumentEntryConfidentialityCode", &e.confidentiality);
        if !common || !self.all_filters {
            return common;
        }
        self.one("$XDSDocumentEntryClassCode", &e.class_code)
            && self.one("$XDSDocumentEntryTypeCode", &e.type_code)
            && self.one("$XDSDocumentEntryPracticeSettingCode", &e.practice_setting)
            && self.one("$XDSDocumentEntryHealthcareFacilityTypeCode", &e.facility_type)
            && self.many("$XDSDocumentEntryEventCodeList", &e.event_codes)
            // Authors are not mapped (DocumentReference.author references resources we do
            // not read), so an author filter matches no entry.
            && p.list("$XDSDocumentEntryAuthorPerson").is_none()
            && self.times.matches_by(
                e.creation_time.as_deref(),
                e.service_start.as_deref(),
                e.service_stop.as_deref(),
                compare,
            )
    }
}

#[cfg(test)]
mod tests;
