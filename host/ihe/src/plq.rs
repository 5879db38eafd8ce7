//! ITI-56 Patient Location Query, the XCPD Health Data Locator: "where else is this
//! patient known?" The request names a patient by an id the responder knows
//! (`RequestedPatientId`); the response lists, per community, the patient's id there
//! (`PatientLocationResponse`: `HomeCommunityId`, `CorrespondingPatientId`, and the
//! requested id echoed) [ITI TF-2 3.56, a stub pointing to the XCPD Health Data Locator
//! supplement; messages as in IHE's `XCPD_PLQ.xsd`, namespace `urn:ihe:iti:xcpd:2009`].

use crate::hl7v3::urn_oid;
use crate::xcpd::Ii;
use crate::xml::{Element, XmlWriter, ns::XCPD};

/// What a location query or answer lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlqError(pub String);

/// One community that knows the patient, and by which id.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientLocation {
    /// `urn:oid:` form.
    pub home_community_id: String,
    pub patient_id: Ii,
}

fn ii(e: &Element, what: &str) -> Result<Ii, PlqError> {
    let root = e
        .attr("root")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| PlqError(format!("{what} has no root")))?;
    Ok(Ii::new(
        root,
        e.attr("extension").map(str::trim).filter(|x| !x.is_empty()),
    ))
}

fn write_ii(w: &mut XmlWriter, name: &str, id: &Ii) {
    w.empty(
        name,
        &[
            ("root", Some(id.root.as_str())),
            ("extension", id.extension.as_deref()),
        ],
    );
}

/// The requested patient of an `xcpd:PatientLocationQueryRequest`.
pub fn parse_request(e: &Element) -> Result<Ii, PlqError> {
    if !e.is(XCPD, "PatientLocationQueryRequest") {
        return Err(PlqError(format!(
            "expected xcpd:PatientLocationQueryRequest, found {}",
            e.local
        )));
    }
    let requested = e
        .child(XCPD, "RequestedPatientId")
        .ok_or_else(|| PlqError("RequestedPatientId is missing".into()))?;
    let id = ii(requested, "RequestedPatientId")?;
    if id.extension.is_none() {
        return Err(PlqError("RequestedPatientId has no extension".into()));
    }
    Ok(id)
}

/// An `xcpd:PatientLocationQueryRequest` for `requested`, declaring its namespace.
pub fn build_request(requested: &Ii) -> String {
    let mut w = XmlWriter::with_capacity(256);
    w.open(
        "xcpd:PatientLocationQueryRequest",
        &[("xmlns:xcpd", Some(XCPD))],
    );
    write_ii(&mut w, "xcpd:RequestedPatientId", requested);
    w.close("xcpd:PatientLocationQueryRequest");
    w.finish()
}

/// The locations of an `xcpd:PatientLocationQueryResponse` (every `PatientLocationResponse`
/// must be complete; the echoed requested id is not checked).
pub fn parse_response(e: &Element) -> Result<Vec<PatientLocation>, PlqError> {
    if !e.is(XCPD, "PatientLocationQueryResponse") {
        return Err(PlqError(format!(
            "expected xcpd:PatientLocationQueryResponse, found {}",
            e.local
        )));
    }
    e.children_named(XCPD, "PatientLocationResponse")
        .enumerate()
        .map(|(i, r)| {
            let n = i + 1;
            let hcid = r
                .child(XCPD, "HomeCommunityId")
                .and_then(Element::text_trimmed)
                .ok_or_else(|| {
                    PlqError(format!(
                        "PatientLocationResponse {n} has no HomeCommunityId"
                    ))
                })?;
            let id = r
                .child(XCPD, "CorrespondingPatientId")
                .ok_or_else(|| {
                    PlqError(format!(
                        "PatientLocationResponse {n} has no CorrespondingPatientId"
                    ))
                })
                .and_then(|c| ii(c, "CorrespondingPatientId"))?;
            Ok(PatientLocation {
                home_community_id: urn_oid(&hcid),
                patient_id: id,
            })
        })
        .collect()
}

/// An `xcpd:PatientLocationQueryResponse` listing `locations` of `requested`, declaring
/// its namespace. The schema wants at least one location: callers answer an unknown
/// patient otherwise.
pub fn build_response(requested: &Ii, locations: &[PatientLocation]) -> String {
    let mut w = XmlWriter::with_capacity(256 + 256 * locations.len());
    w.open(
        "xcpd:PatientLocationQueryResponse",
        &[("xmlns:xcpd", Some(XCPD))],
    );
    for l in locations {
        w.open("xcpd:PatientLocationResponse", &[]);
        w.leaf("xcpd:HomeCommunityId", &urn_oid(&l.home_community_id));
        write_ii(&mut w, "xcpd:CorrespondingPatientId", &l.patient_id);
        write_ii(&mut w, "xcpd:RequestedPatientId", requested);
        w.close("xcpd:PatientLocationResponse");
    }
    w.close("xcpd:PatientLocationQueryResponse");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Element {
        crate::xml::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn a_request_round_trips_and_names_its_patient() {
        let id = Ii::new("2.999.1.10.1", Some("PIR-1001"));
        assert_eq!(parse_request(&parse(&build_request(&id))), Ok(id));
    }

    #[test]
    fn a_request_without_a_usable_id_says_what_is_missing() {
        let bare = "<x:PatientLocationQueryRequest xmlns:x=\"urn:ihe:iti:xcpd:2009\"/>";
        assert!(
            parse_request(&parse(bare))
                .unwrap_err()
                .0
                .contains("RequestedPatientId")
        );
        let no_ext = "<x:PatientLocationQueryRequest xmlns:x=\"urn:ihe:iti:xcpd:2009\"><x:RequestedPatientId root=\"1.2\"/></x:PatientLocationQueryRequest>";
        assert!(
            parse_request(&parse(no_ext))
                .unwrap_err()
                .0
                .contains("extension")
        );
    }

    #[test]
    fn a_response_round_trips_every_location() {
        let requested = Ii::new("1.2.246.21", Some("120390-904J"));
        let locations = vec![
            PatientLocation {
                home_community_id: "urn:oid:2.999.1.10".into(),
                patient_id: Ii::new("2.999.1.10.1", Some("PIR-1001")),
            },
            PatientLocation {
                home_community_id: "2.999.1.20".into(),
                patient_id: Ii::new("2.999.1.20.1", Some("UUS-2001")),
            },
        ];
        let parsed = parse_response(&parse(&build_response(&requested, &locations))).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].home_community_id, "urn:oid:2.999.1.20");
        assert_eq!(parsed[0].patient_id, locations[0].patient_id);
    }
}
