//! The DICOM audit message XML [DICOM PS3.15 A.5.1], element order and attribute names as
//! in the IPF sample (`atna/atna-iti55-audit-message-ipf.xml`). One record is written on
//! ONE line: CR, LF and TAB in text and attributes become character references, so the
//! journal can frame records by `\n` and the XML still parses to the same values.

use crate::model::{AuditMessage, CodedValue, ParticipantObjectIdentification};
use crate::time::utc_millis;
use xcgate_ihe::retrieve::base64;
use xcgate_ihe::xml::{XmlWriter, escape_text};

impl AuditMessage {
    /// The record as one line of XML (no trailing newline), with an XML declaration.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::with_capacity(2048);
        w.raw(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        w.open("AuditMessage", &[]);

        let event = &self.event;
        let date_time = utc_millis(event.date_time);
        w.open(
            "EventIdentification",
            &[
                ("EventActionCode", Some(event.action.code())),
                ("EventDateTime", Some(&date_time)),
                ("EventOutcomeIndicator", Some(event.outcome.code())),
            ],
        );
        coded(&mut w, "EventID", &event.event_id);
        for code in &event.event_type_codes {
            coded(&mut w, "EventTypeCode", code);
        }
        if let Some(description) = &event.outcome_description {
            w.open("EventOutcomeDescription", &[]);
            one_line_text(&mut w, description);
            w.close("EventOutcomeDescription");
        }
        w.close("EventIdentification");

        for p in &self.active_participants {
            let requestor = if p.user_is_requestor { "true" } else { "false" };
            let nap = p.network_access_point.as_ref();
            w.open(
                "ActiveParticipant",
                &[
                    ("UserID", Some(&p.user_id)),
                    ("AlternativeUserID", p.alternative_user_id.as_deref()),
                    ("UserName", p.user_name.as_deref()),
                    ("UserIsRequestor", Some(requestor)),
                    ("NetworkAccessPointID", nap.map(|n| n.id())),
                    ("NetworkAccessPointTypeCode", nap.map(|n| n.type_code())),
                ],
            );
            for role in &p.role_id_codes {
                coded(&mut w, "RoleIDCode", role);
            }
            w.close("ActiveParticipant");
        }

        let source = &self.audit_source;
        w.open(
            "AuditSourceIdentification",
            &[
                (
                    "AuditEnterpriseSiteID",
                    source.enterprise_site_id.as_deref(),
                ),
                ("AuditSourceID", Some(&source.source_id)),
            ],
        );
        for code in &source.type_codes {
            coded(&mut w, "AuditSourceTypeCode", code);
        }
        w.close("AuditSourceIdentification");

        for object in &self.participant_objects {
            participant_object(&mut w, object);
        }
        w.close("AuditMessage");
        w.finish()
    }
}

fn participant_object(w: &mut XmlWriter, object: &ParticipantObjectIdentification) {
    let type_code = object.type_code.to_string();
    let role = object.type_code_role.to_string();
    w.open(
        "ParticipantObjectIdentification",
        &[
            ("ParticipantObjectID", Some(&object.object_id)),
            ("ParticipantObjectTypeCode", Some(&type_code)),
            ("ParticipantObjectTypeCodeRole", Some(&role)),
        ],
    );
    coded(w, "ParticipantObjectIDTypeCode", &object.id_type_code);
    // Name and Query are a choice in the DICOM schema [DICOM PS3.15 A.5.1]; the query wins
    // because it is what the transaction rows of ITI TF-2 ask for.
    if let Some(query) = &object.query {
        w.open("ParticipantObjectQuery", &[]);
        let mut encoded = String::new();
        base64::encode_into(query, &mut encoded);
        w.raw(&encoded);
        w.close("ParticipantObjectQuery");
    } else if let Some(name) = &object.name {
        w.open("ParticipantObjectName", &[]);
        one_line_text(w, name);
        w.close("ParticipantObjectName");
    }
    for detail in &object.details {
        let value = base64::encode(&detail.value);
        w.empty(
            "ParticipantObjectDetail",
            &[("type", Some(&detail.detail_type)), ("value", Some(&value))],
        );
    }
    w.close("ParticipantObjectIdentification");
}

fn coded(w: &mut XmlWriter, name: &str, code: &CodedValue) {
    w.empty(
        name,
        &[
            ("csd-code", Some(&code.code)),
            ("codeSystemName", Some(&code.code_system_name)),
            ("originalText", Some(&code.original_text)),
        ],
    );
}

/// Character data with LF and TAB also written as references (the shared `escape_text`
/// keeps them, which would break the one-record-per-line journal).
fn one_line_text(w: &mut XmlWriter, text: &str) {
    let mut escaped = String::with_capacity(text.len());
    escape_text(text, &mut escaped);
    let escaped = escaped.replace('\n', "&#10;").replace('\t', "&#9;");
    w.raw(&escaped);
}
