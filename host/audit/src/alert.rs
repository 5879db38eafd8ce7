//! Security Alert records [DICOM PS3.15 A.5.3.11; ITI TF-2 3.20.4.1]: a request refused
//! before it was served, because the requesting node or its user could not be
//! authenticated. ATNA asks a Secure Node to audit such failures as well as the
//! transactions it serves.

use crate::event::Peer;
use crate::model::{
    ActiveParticipant, AuditMessage, AuditSourceIdentification, CodedValue, EventAction,
    EventIdentification, Outcome, ParticipantObjectDetail, ParticipantObjectIdentification,
};
use std::time::SystemTime;

/// What could not be authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// The requesting node: no client certificate where one is required, or one that is
    /// not trusted. EventTypeCode EV(110126, DCM, "Node Authentication").
    NodeAuthentication,
    /// The user the request speaks for: an XUA assertion missing, unsigned, tampered with,
    /// untrusted or expired. EventTypeCode EV(110143, DCM, "Authentication Decision").
    AuthenticationDecision,
}

impl AlertKind {
    fn event_type(self) -> CodedValue {
        match self {
            AlertKind::NodeAuthentication => CodedValue::dcm("110126", "Node Authentication"),
            AlertKind::AuthenticationDecision => {
                CodedValue::dcm("110143", "Authentication Decision")
            }
        }
    }
}

/// A Security Alert: EventID EV(110113, DCM, "Security Alert"), action E, outcome minor
/// failure with `description` (why it was refused: no assertion content, no patient data).
/// `requester` is the node that was refused (UserIsRequestor); `reporter` is this gateway's
/// endpoint, with this process's id; the alert subject is that endpoint (TypeCode 2, system
/// object, ID type URI) with the description as its "Alert Description" detail.
pub fn security_alert(
    kind: AlertKind,
    description: &str,
    requester: Peer,
    reporter: Peer,
    audit_source: AuditSourceIdentification,
) -> AuditMessage {
    let subject = reporter.user_id.clone();
    AuditMessage {
        event: EventIdentification {
            event_id: CodedValue::dcm("110113", "Security Alert"),
            action: EventAction::Execute,
            date_time: SystemTime::now(),
            outcome: Outcome::MinorFailure,
            outcome_description: Some(description.to_string()),
            event_type_codes: vec![kind.event_type()],
        },
        active_participants: vec![
            ActiveParticipant {
                user_id: requester.user_id,
                alternative_user_id: None,
                user_name: requester.user_name,
                user_is_requestor: true,
                network_access_point: requester.network_access_point,
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
            object_id: subject,
            type_code: 2,
            type_code_role: 13,
            id_type_code: CodedValue::new("12", "RFC-3881", "URI"),
            name: None,
            query: None,
            details: vec![ParticipantObjectDetail {
                detail_type: "Alert Description".into(),
                value: description.as_bytes().to_vec(),
            }],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_assertion_is_a_security_alert_naming_the_node_and_the_reason() {
        let source = crate::event::application_server_source("xcgate@test", None);
        let message = security_alert(
            AlertKind::AuthenticationDecision,
            "FailedCheck",
            Peer::new("http://www.w3.org/2005/08/addressing/anonymous", "10.0.0.7")
                .with_user_name(Some("CN=partner".into())),
            Peer::new("https://gw.example/responding", "gw.example"),
            source,
        );
        let xml = message.to_xml();
        for expected in [
            "csd-code=\"110113\"",
            "csd-code=\"110143\"",
            "EventOutcomeIndicator=\"4\"",
            "UserName=\"CN=partner\"",
            "NetworkAccessPointID=\"10.0.0.7\"",
            "ParticipantObjectID=\"https://gw.example/responding\"",
            "type=\"Alert Description\"",
        ] {
            assert!(xml.contains(expected), "{expected} in {xml}");
        }
        let node = security_alert(
            AlertKind::NodeAuthentication,
            "no client certificate",
            Peer::new("10.0.0.7", "10.0.0.7"),
            Peer::new("https://gw.example/responding", "gw.example"),
            crate::event::application_server_source("xcgate@test", None),
        );
        assert!(node.to_xml().contains("csd-code=\"110126\""));
    }
}
