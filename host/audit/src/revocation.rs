//! The record of an operator's revocation of patient correlations: what the gateway had
//! learned of who a patient is in other communities, deleted on request. A correlation is
//! patient data, so deleting it is audited as a change to a patient record: EventID
//! EV(110110, DCM, "Patient Record"), action D [DICOM PS3.15 A.5.3.9].

use crate::event::Peer;
use crate::model::{
    ActiveParticipant, AuditMessage, AuditSourceIdentification, CodedValue, EventAction,
    EventIdentification, Outcome, ParticipantObjectDetail, ParticipantObjectIdentification,
};
use std::time::SystemTime;

/// The record of `rows` correlations of `patient_cx` revoked (in `home_community_id` only,
/// when given) by `operator` through `reporter` (this gateway's admin endpoint or command,
/// with this process's id).
pub fn correlations_revoked(
    patient_cx: &str,
    home_community_id: Option<&str>,
    rows: u64,
    operator: Peer,
    reporter: Peer,
    audit_source: AuditSourceIdentification,
) -> AuditMessage {
    let description = match home_community_id {
        Some(h) => format!("{rows} patient correlation(s) revoked in {h}"),
        None => format!("{rows} patient correlation(s) revoked"),
    };
    AuditMessage {
        event: EventIdentification {
            event_id: CodedValue::dcm("110110", "Patient Record"),
            action: EventAction::Delete,
            date_time: SystemTime::now(),
            outcome: Outcome::Success,
            outcome_description: Some(description),
            event_type_codes: Vec::new(),
        },
        active_participants: vec![
            ActiveParticipant {
                user_id: operator.user_id,
                alternative_user_id: None,
                user_name: operator.user_name,
                user_is_requestor: true,
                network_access_point: operator.network_access_point,
                role_id_codes: vec![CodedValue::dcm("110153", "Source Role ID")],
            },
            ActiveParticipant {
                user_id: reporter.user_id,
                alternative_user_id: Some(std::process::id().to_string()),
                user_name: reporter.user_name,
                user_is_requestor: false,
                network_access_point: reporter.network_access_point,
                role_id_codes: vec![CodedValue::dcm("110152", "Destination Role ID")],
            },
        ],
        audit_source,
        participant_objects: vec![ParticipantObjectIdentification {
            object_id: patient_cx.to_string(),
            type_code: 1,
            type_code_role: 1,
            id_type_code: CodedValue::new("2", "RFC-3881", "Patient Number"),
            name: None,
            query: None,
            details: home_community_id
                .map(|h| ParticipantObjectDetail {
                    detail_type: "urn:ihe:iti:xca:2010:homeCommunityId".into(),
                    value: h.as_bytes().to_vec(),
                })
                .into_iter()
                .collect(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_is_a_deleted_patient_record_naming_the_patient_and_the_operator() {
        let source = crate::event::application_server_source("xcgate@test", None);
        let message = correlations_revoked(
            "120390-904J^^^&1.2.246.21&ISO",
            Some("urn:oid:2.999.1.20"),
            2,
            Peer::new("operator", "127.0.0.1"),
            Peer::new("http://127.0.0.1:9/admin/correlations/revoke", "127.0.0.1"),
            source,
        );
        let xml = message.to_xml();
        for expected in [
            "csd-code=\"110110\"",
            "EventActionCode=\"D\"",
            "EventOutcomeIndicator=\"0\"",
            "ParticipantObjectID=\"120390-904J^^^&amp;1.2.246.21&amp;ISO\"",
            "ParticipantObjectTypeCodeRole=\"1\"",
            "UserID=\"operator\"",
        ] {
            assert!(xml.contains(expected), "{expected} in {xml}");
        }
    }
}
