//! PRPA_IN201306UV02: the ITI-55 answer [ITI TF-2 3.55.4.2.2]. The MCCI_IN000002UV01
//! accept acknowledgements of the Deferred Response Option are in `ack`.

use super::datatypes::{write_address, write_ii, write_name, write_telecom};
use super::query::write_device;
use super::{bare_oid, ids};
use crate::xcpd::{DetectedIssue, Ii, PatientMatch};
use crate::xml::{Element, XmlWriter, ns};

/// `acknowledgement/typeCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// Application Accept.
    AA,
    /// Application Error.
    AE,
}

/// `queryAck/queryResponseCode` [ITI TF-2 3.55.4.2.3].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryResponseCode {
    /// Data found.
    OK,
    /// No data found.
    NF,
    /// Application error.
    AE,
    /// Query parameter error.
    QE,
}

/// A sending or receiving device and the homeCommunityId it acts for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub device: Option<Ii>,
    /// homeCommunityId, any form (written as a bare OID root).
    pub home_community: Option<String>,
}

/// The custodian of one registrationEvent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custodian {
    /// homeCommunityId, any form (written as a bare OID root) [ITI TF-2 3.55.4.2.2.4].
    pub home_community: String,
    /// Health Data Locator support [ITI TF-2 3.55.4.2.2.5].
    pub supports_hdl: bool,
}

/// Everything a PRPA_IN201306UV02 says.
#[derive(Debug, Clone)]
pub struct DiscoveryResponse<'a> {
    pub message_id: Ii,
    pub creation_time: &'a str,
    pub processing_code: &'a str,
    pub sender: Party,
    pub receiver: Party,
    pub ack: AckCode,
    /// Text of an `acknowledgementDetail` (error explanation), when there is one.
    pub ack_detail: Option<&'a str>,
    /// The request's message id [ITI TF-2 3.55.4.2.2].
    pub target_message: Option<&'a Ii>,
    pub query_response: QueryResponseCode,
    pub query_id: &'a Ii,
    /// One registrationEvent per match, each with its custodian.
    pub events: &'a [(PatientMatch, Custodian)],
    pub issues: &'a [DetectedIssue],
    /// The request's queryByParameter, copied after queryAck.
    pub query_by_parameter: Option<&'a Element>,
}

fn write_party(w: &mut XmlWriter, tag: &str, type_code: &str, p: &Party) {
    let hcid = p
        .home_community
        .as_deref()
        .map(|h| Ii::new(bare_oid(h), None));
    write_device(w, tag, type_code, p.device.as_ref(), hcid.as_ref());
}

pub(super) fn write_wrapper_start(
    w: &mut XmlWriter,
    root: &str,
    message_id: &Ii,
    creation_time: &str,
    processing_code: &str,
    receiver: &Party,
    sender: &Party,
) {
    w.open(
        root,
        &[
            ("xmlns", Some(ns::HL7)),
            ("xmlns:xsi", Some(ns::XSI)),
            ("ITSVersion", Some("XML_1.0")),
        ],
    );
    write_ii(w, "id", message_id);
    w.empty("creationTime", &[("value", Some(creation_time))]);
    w.empty(
        "interactionId",
        &[("root", Some(ids::INTERACTION)), ("extension", Some(root))],
    );
    w.empty("processingCode", &[("code", Some(processing_code))]);
    w.empty("processingModeCode", &[("code", Some("T"))]);
    w.empty("acceptAckCode", &[("code", Some("NE"))]);
    write_party(w, "receiver", "RCV", receiver);
    write_party(w, "sender", "SND", sender);
}

fn write_match(w: &mut XmlWriter, m: &PatientMatch, custodian: &Custodian) {
    w.open("subject", &[("typeCode", Some("SUBJ"))]);
    w.open(
        "registrationEvent",
        &[("classCode", Some("REG")), ("moodCode", Some("EVN"))],
    );
    w.empty("id", &[("nullFlavor", Some("NA"))]);
    w.empty("statusCode", &[("code", Some("active"))]);
    w.open("subject1", &[("typeCode", Some("SBJ"))])
        .open("patient", &[("classCode", Some("PAT"))]);
    write_ii(w, "id", &m.patient_id);
    w.empty("statusCode", &[("code", Some("active"))]);
    w.open(
        "patientPerson",
        &[
            ("classCode", Some("PSN")),
            ("determinerCode", Some("INSTANCE")),
        ],
    );
    if m.names.is_empty() {
        w.empty("name", &[("nullFlavor", Some("NA"))]);
    }
    for n in &m.names {
        write_name(w, "name", n);
    }
    for t in &m.telecoms {
        write_telecom(w, "telecom", t);
    }
    if let Some(g) = &m.gender {
        w.empty(
            "administrativeGenderCode",
            &[
                ("code", Some(g)),
                ("codeSystem", Some("2.16.840.1.113883.5.1")),
            ],
        );
    }
    if let Some(b) = &m.birth_time {
        w.empty("birthTime", &[("value", Some(b))]);
    }
    for a in &m.addresses {
        write_address(w, "addr", a);
    }
    for other in &m.other_ids {
        w.open("asOtherIDs", &[("classCode", Some("PAT"))]);
        write_ii(w, "id", other);
        w.open(
            "scopingOrganization",
            &[
                ("classCode", Some("ORG")),
                ("determinerCode", Some("INSTANCE")),
            ],
        )
        .empty("id", &[("root", Some(&other.root))])
        .close("scopingOrganization")
        .close("asOtherIDs");
    }
    w.close("patientPerson");
    // subjectOf1 is required [PRPA_MT201310UV02.Patient, 1..*]: an adapter that gives no
    // match quality gets `nullFlavor="UNK"` rather than a schema-invalid patient (found by
    // `xcgate plugin test` on the Python and JavaScript examples).
    let quality = m.match_quality.map(|q| q.min(100).to_string());
    let value: &[(&str, Option<&str>)] = match &quality {
        Some(q) => &[("xsi:type", Some("INT")), ("value", Some(q))],
        None => &[("xsi:type", Some("INT")), ("nullFlavor", Some("UNK"))],
    };
    w.open("subjectOf1", &[])
        .open(
            "queryMatchObservation",
            &[("classCode", Some("COND")), ("moodCode", Some("EVN"))],
        )
        .empty("code", &[("code", Some("IHE_PDQ"))])
        .empty("value", value)
        .close("queryMatchObservation")
        .close("subjectOf1");
    w.close("patient").close("subject1");
    let hdl = if custodian.supports_hdl {
        "SupportsHealthDataLocator"
    } else {
        "NotHealthDataLocator"
    };
    w.open("custodian", &[("typeCode", Some("CST"))])
        .open("assignedEntity", &[("classCode", Some("ASSIGNED"))])
        .empty("id", &[("root", Some(bare_oid(&custodian.home_community)))])
        .empty(
            "code",
            &[
                ("code", Some(hdl)),
                ("codeSystem", Some(ids::HDL_CODE_SYSTEM)),
            ],
        )
        .close("assignedEntity")
        .close("custodian");
    w.close("registrationEvent").close("subject");
}

fn write_issue(w: &mut XmlWriter, issue: &DetectedIssue) {
    w.open("reasonOf", &[("typeCode", Some("RSON"))]);
    w.open(
        "detectedIssueEvent",
        &[("classCode", Some("ALRT")), ("moodCode", Some("EVN"))],
    );
    w.empty(
        "code",
        &[
            (
                "code",
                Some("_ActAdministrativeDetectedIssueManagementCode"),
            ),
            ("codeSystem", Some(ids::DETECTED_ISSUE_CODE_SYSTEM)),
        ],
    );
    match issue {
        DetectedIssue::Error { code, text } => {
            if let Some(t) = text {
                w.leaf("text", t);
            }
            w.open("mitigatedBy", &[("typeCode", Some("MITGT"))])
                .open(
                    "detectedIssueManagement",
                    &[("classCode", Some("ACT")), ("moodCode", Some("EVN"))],
                )
                .empty(
                    "code",
                    &[
                        ("code", Some(code.code())),
                        ("codeSystem", Some(ids::ISSUE_MANAGEMENT_CODE_SYSTEM)),
                    ],
                )
                .close("detectedIssueManagement")
                .close("mitigatedBy");
        }
        DetectedIssue::AttributesRequested(attrs) => {
            for a in attrs {
                w.open("triggerFor", &[("typeCode", Some("TRIG"))])
                    .open(
                        "actOrderRequired",
                        &[("classCode", Some("ACT")), ("moodCode", Some("RQO"))],
                    )
                    .empty(
                        "code",
                        &[
                            ("code", Some(a.code())),
                            ("codeSystem", Some(ids::REQUESTED_ATTRIBUTE_CODE_SYSTEM)),
                        ],
                    )
                    .close("actOrderRequired")
                    .close("triggerFor");
            }
        }
    }
    w.close("detectedIssueEvent").close("reasonOf");
}

impl DiscoveryResponse<'_> {
    /// The PRPA_IN201306UV02 element (declares its namespaces), in schema order.
    pub fn build(&self) -> String {
        let mut w = XmlWriter::with_capacity(2048 + self.events.len() * 1500);
        write_wrapper_start(
            &mut w,
            "PRPA_IN201306UV02",
            &self.message_id,
            self.creation_time,
            self.processing_code,
            &self.receiver,
            &self.sender,
        );
        w.open("acknowledgement", &[]);
        w.empty(
            "typeCode",
            &[(
                "code",
                Some(if self.ack == AckCode::AA { "AA" } else { "AE" }),
            )],
        );
        if let Some(t) = self.target_message {
            w.open("targetMessage", &[]);
            write_ii(&mut w, "id", t);
            w.close("targetMessage");
        }
        if let Some(d) = self.ack_detail {
            let type_code = if self.ack == AckCode::AE { "E" } else { "W" };
            w.open("acknowledgementDetail", &[("typeCode", Some(type_code))])
                .leaf("text", d)
                .close("acknowledgementDetail");
        }
        w.close("acknowledgement");
        w.open(
            "controlActProcess",
            &[("classCode", Some("CACT")), ("moodCode", Some("EVN"))],
        );
        w.empty(
            "code",
            &[
                ("code", Some("PRPA_TE201306UV02")),
                ("codeSystem", Some(ids::INTERACTION)),
            ],
        );
        for (m, c) in self.events {
            write_match(&mut w, m, c);
        }
        for issue in self.issues {
            write_issue(&mut w, issue);
        }
        let code = match self.query_response {
            QueryResponseCode::OK => "OK",
            QueryResponseCode::NF => "NF",
            QueryResponseCode::AE => "AE",
            QueryResponseCode::QE => "QE",
        };
        w.open("queryAck", &[]);
        write_ii(&mut w, "queryId", self.query_id);
        w.empty("queryResponseCode", &[("code", Some(code))])
            .close("queryAck");
        if let Some(q) = self.query_by_parameter {
            w.element(q, ns::HL7);
        }
        w.close("controlActProcess").close("PRPA_IN201306UV02");
        w.finish()
    }
}
