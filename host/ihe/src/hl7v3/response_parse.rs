//! Reading a PRPA_IN201306UV02 from a responding gateway, tolerant of the deviations seen in
//! real traffic [host/ihe/README.md, "What real peers send"]: element order, empty `asOtherIDs`, `extension=""`,
//! `detectedIssueEvent` outside `reasonOf` (CONNECT), custodian without id.

use super::datatypes::{read_address, read_ii, read_name, read_telecom};
use super::{Hl7Error, urn_oid};
use crate::xcpd::{DetectedIssue, Ii, IssueCode, PatientMatch, RequestedAttribute};
use crate::xml::{Element, ns::HL7};

/// What a PRPA_IN201306UV02 says, in the model types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedResponse {
    pub message_id: Option<Ii>,
    /// `acknowledgement/typeCode/@code` (`AA`, `AE`, ...).
    pub ack_code: Option<String>,
    pub target_message: Option<Ii>,
    /// `acknowledgementDetail/text` values.
    pub ack_details: Vec<String>,
    /// `queryAck/queryResponseCode/@code` (`OK`, `NF`, `AE`, `QE`).
    pub query_response_code: Option<String>,
    /// One per registrationEvent; `home_community_id` from the custodian (`urn:oid:` form),
    /// `None` when the responder left it out.
    pub matches: Vec<PatientMatch>,
    pub issues: Vec<DetectedIssue>,
}

fn read_match(event: &Element) -> Option<PatientMatch> {
    let patient = event.path(HL7, &["subject1", "patient"])?;
    let person = patient.child(HL7, "patientPerson");
    let mut ids = patient.children_named(HL7, "id").filter_map(read_ii);
    let patient_id = ids.next()?;
    let mut m = PatientMatch {
        patient_id,
        other_ids: ids.collect(),
        ..PatientMatch::default()
    };
    if let Some(p) = person {
        m.names = p
            .children_named(HL7, "name")
            .map(read_name)
            .filter(|n| !n.is_empty())
            .collect();
        m.gender = p
            .child(HL7, "administrativeGenderCode")
            .and_then(|g| g.attr("code"))
            .map(|c| c.trim().to_string());
        // An ISO 8601 date where a TS belongs (seen from real gateways) is read as the TS
        // it means; anything else is kept as sent for the host's answer check to name.
        m.birth_time = p
            .child(HL7, "birthTime")
            .and_then(|b| b.attr("value"))
            .map(|v| super::hl7_ts_liberal(v).unwrap_or_else(|| v.trim().to_string()))
            .filter(|v| !v.is_empty());
        m.addresses = p.children_named(HL7, "addr").map(read_address).collect();
        m.telecoms = p
            .children_named(HL7, "telecom")
            .filter_map(read_telecom)
            .collect();
        m.other_ids.extend(
            p.children_named(HL7, "asOtherIDs")
                .flat_map(|o| o.children_named(HL7, "id"))
                .filter_map(read_ii),
        );
    }
    m.addresses
        .extend(patient.children_named(HL7, "addr").map(read_address));
    m.telecoms.extend(
        patient
            .children_named(HL7, "telecom")
            .filter_map(read_telecom),
    );
    m.match_quality = patient
        .path(HL7, &["subjectOf1", "queryMatchObservation", "value"])
        .and_then(|v| v.attr("value"))
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|q| q.clamp(0, 100) as u8);
    m.home_community_id = event
        .path(HL7, &["custodian", "assignedEntity", "id"])
        .and_then(read_ii)
        .map(|ii| urn_oid(&ii.root));
    Some(m)
}

fn read_issue(event: &Element) -> DetectedIssue {
    let requested: Vec<RequestedAttribute> = event
        .children_named(HL7, "triggerFor")
        .filter_map(|t| t.path(HL7, &["actOrderRequired", "code"]))
        .filter_map(|c| c.attr("code"))
        .filter_map(RequestedAttribute::from_code)
        .collect();
    if !requested.is_empty() {
        return DetectedIssue::AttributesRequested(requested);
    }
    let code = event
        .children_named(HL7, "mitigatedBy")
        .filter_map(|m| m.path(HL7, &["detectedIssueManagement", "code"]))
        .filter_map(|c| c.attr("code"))
        .find_map(IssueCode::from_code)
        .unwrap_or(IssueCode::InternalError);
    DetectedIssue::Error {
        code,
        text: event.child(HL7, "text").and_then(Element::text_trimmed),
    }
}

/// Parse a PRPA_IN201306UV02 payload.
pub fn parse_response(msg: &Element) -> Result<ParsedResponse, Hl7Error> {
    if !msg.is(HL7, "PRPA_IN201306UV02") {
        return Err(Hl7Error::WrongMessage {
            expected: "PRPA_IN201306UV02",
            ns: msg.ns.clone(),
            local: msg.local.clone(),
        });
    }
    let ack = msg.child(HL7, "acknowledgement");
    let cap = msg
        .child(HL7, "controlActProcess")
        .ok_or(Hl7Error::Missing("controlActProcess"))?;
    let mut r = ParsedResponse {
        message_id: msg.child(HL7, "id").and_then(read_ii),
        ack_code: ack
            .and_then(|a| a.child(HL7, "typeCode"))
            .and_then(|t| t.attr("code"))
            .map(|c| c.trim().to_string()),
        target_message: ack
            .and_then(|a| a.path(HL7, &["targetMessage", "id"]))
            .and_then(read_ii),
        ack_details: ack
            .into_iter()
            .flat_map(|a| a.children_named(HL7, "acknowledgementDetail"))
            .filter_map(|d| d.child(HL7, "text").and_then(Element::text_trimmed))
            .collect(),
        query_response_code: cap
            .path(HL7, &["queryAck", "queryResponseCode"])
            .and_then(|c| c.attr("code"))
            .map(|c| c.trim().to_string()),
        ..ParsedResponse::default()
    };
    for subject in cap.children_named(HL7, "subject") {
        if let Some(event) = subject.child(HL7, "registrationEvent") {
            match read_match(event) {
                Some(m) => r.matches.push(m),
                None => return Err(Hl7Error::Missing("registrationEvent/subject1/patient/id")),
            }
        }
    }
    let nested = cap
        .children_named(HL7, "reasonOf")
        .filter_map(|r| r.child(HL7, "detectedIssueEvent"));
    let direct = cap.children_named(HL7, "detectedIssueEvent");
    r.issues = nested.chain(direct).map(read_issue).collect();
    Ok(r)
}
