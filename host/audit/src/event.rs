//! The typed builder the gateway calls once per audited transaction and role: it picks
//! EventID, EventActionCode, EventTypeCode and the participant objects of the rows of ITI TF-2
//! [ITI TF-2 3.55.5, 3.56.5, 3.38.5, 3.39.5, 3.18.5, 3.43.6], so the host never spells a DICOM code itself.

use crate::model::{
    ActiveParticipant, AuditMessage, AuditSourceIdentification, CodedValue, EventAction,
    EventIdentification, NetworkAccessPoint, Outcome, ParticipantObjectDetail,
    ParticipantObjectIdentification,
};
use std::time::SystemTime;
pub use xcgate_ihe::transaction::{Role, Transaction};

#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod tests;

/// The `EventTypeCode` of a transaction: EV("ITI-nn", "IHE Transactions", name).
fn event_type(t: Transaction) -> CodedValue {
    CodedValue::new(t.label(), "IHE Transactions", t.title())
}

/// True when the side running in `role` sent the request of `transaction`.
///
/// ITI-55/56/38/39: the Initiating Gateway sends the request, the Responding Gateway answers.
/// ITI-18/43 are the local XDS transactions of [ITI TF-2 3.38.4.1.4, 3.39.6]: the Initiating
/// Gateway *answers* them (XDS Affinity Domain option, audited as Registry / Repository), the
/// Responding Gateway *sends* them to its local registry / repository (audited as Document
/// Consumer).
fn is_requester(role: Role, transaction: Transaction) -> bool {
    match transaction {
        Transaction::Iti18 | Transaction::Iti43 => role == Role::Responding,
        _ => role == Role::Initiating,
    }
}

/// One end of the exchange: `user_id` is the requester's id (its `wsa:ReplyTo` address for
/// an asynchronous exchange) or the responder's SOAP endpoint URI [TF2 3.55.5.1].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub user_id: String,
    pub network_access_point: Option<NetworkAccessPoint>,
    /// `UserName`: for a requester that showed a verified TLS client certificate, its
    /// subject (the system that sent the request) [DICOM PS3.15 A.5.1].
    pub user_name: Option<String>,
}

impl Peer {
    /// `host` is classified as IP address or DNS name by [`NetworkAccessPoint::from_host`].
    pub fn new(user_id: &str, host: &str) -> Peer {
        Peer {
            user_id: user_id.to_string(),
            network_access_point: Some(NetworkAccessPoint::from_host(host)),
            user_name: None,
        }
    }

    /// With `UserName` set (e.g. the subject of the requester's client certificate).
    pub fn with_user_name(mut self, name: Option<String>) -> Peer {
        self.user_name = name;
        self
    }
}

/// The asserted user of an XUA assertion [TF2 3.18.5.1.2]: `user_id` the subject id (e.g.
/// `alias<user@issuer>`), `user_name` the subject name, `roles` the subject role codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanRequestor {
    pub user_id: String,
    pub user_name: Option<String>,
    pub roles: Vec<CodedValue>,
}

/// The Query Parameters participant object of a query transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryParameters {
    /// ITI-55 (and ITI-56): `query_id` is the HL7 queryId (`extension@root` as IPF writes
    /// it), `query_by_parameter` the raw bytes of `queryByParameter` [TF2 3.55.5.1.1].
    Xcpd {
        query_id: String,
        query_by_parameter: Vec<u8>,
        home_community_id: String,
    },
    /// ITI-38 / ITI-18: `stored_query_id` the stored query UUID, `adhoc_query_request` the
    /// raw AdhocQueryRequest, `encoding` its character encoding (e.g. `UTF-8`)
    /// [TF2 3.18.5.1.1]; `home_community_id` when the query targets one.
    StoredQuery {
        stored_query_id: String,
        adhoc_query_request: Vec<u8>,
        encoding: String,
        home_community_id: Option<String>,
    },
}

/// A retrieved (or exported) document [TF2 3.43.6.1.1].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentObject {
    pub document_unique_id: String,
    pub repository_unique_id: String,
    pub home_community_id: Option<String>,
}

/// `AuditSourceTypeCode` 4 "Application Server process tier" [DICOM PS3.15 A.5.1]: what
/// a gateway is; the host may overwrite [`AuditSourceIdentification::type_codes`].
pub fn application_server_source(
    source_id: &str,
    site_id: Option<&str>,
) -> AuditSourceIdentification {
    AuditSourceIdentification {
        enterprise_site_id: site_id.map(str::to_string),
        source_id: source_id.to_string(),
        type_codes: vec![CodedValue::dcm(
            "4",
            "Application Server process tier in a multi-tier system",
        )],
    }
}

/// A patient id in HL7 CX form, `id^^^&oid&ISO`, as ParticipantObjectID [TF2 3.55.5.1.2].
pub fn patient_cx(id: &str, assigning_authority_oid: &str) -> String {
    format!("{id}^^^&{assigning_authority_oid}&ISO")
}

/// Builds the [`AuditMessage`] of one transaction seen from one role.
///
/// Outcomes that need two records are two builds: a PartialSuccess of ITI-18/38 is a
/// success and a failure event [TF2 3.18.5.1]; a mixed ITI-39/43 is a success event with
/// the retrieved documents and a failure event with the others [TF2 3.43.6.1].
#[derive(Debug, Clone)]
pub struct AuditEvent {
    transaction: Transaction,
    role: Role,
    outcome: Outcome,
    outcome_description: Option<String>,
    time: SystemTime,
    source: Peer,
    destination: Peer,
    process_id: String,
    audit_source: AuditSourceIdentification,
    humans: Vec<HumanRequestor>,
    patients: Vec<String>,
    query: Option<QueryParameters>,
    documents: Vec<DocumentObject>,
}

impl AuditEvent {
    /// `source` sent the request, `destination` answered it; the event time is now and the
    /// process id that of this process.
    pub fn new(
        transaction: Transaction,
        role: Role,
        outcome: Outcome,
        source: Peer,
        destination: Peer,
        audit_source: AuditSourceIdentification,
    ) -> AuditEvent {
        AuditEvent {
            transaction,
            role,
            outcome,
            outcome_description: None,
            time: SystemTime::now(),
            source,
            destination,
            process_id: std::process::id().to_string(),
            audit_source,
            humans: Vec::new(),
            patients: Vec::new(),
            query: None,
            documents: Vec::new(),
        }
    }

    pub fn time(mut self, time: SystemTime) -> Self {
        self.time = time;
        self
    }

    pub fn process_id(mut self, process_id: &str) -> Self {
        self.process_id = process_id.to_string();
        self
    }

    /// Free text on a failure (e.g. the error codes returned); no patient data.
    pub fn outcome_description(mut self, text: &str) -> Self {
        self.outcome_description = Some(text.to_string());
        self
    }

    pub fn human_requestor(mut self, human: HumanRequestor) -> Self {
        self.humans.push(human);
        self
    }

    /// A patient, CX-formatted (see [`patient_cx`]). Per row [TF2 3.55.5.1, 3.18.5.1,
    /// 3.43.6.1]: ITI-55 IG none; ITI-55 RG one per patient returned; ITI-38/18 the queried
    /// patient; ITI-39/43 0..1.
    pub fn patient(mut self, cx: &str) -> Self {
        self.patients.push(cx.to_string());
        self
    }

    pub fn query(mut self, query: QueryParameters) -> Self {
        self.query = Some(query);
        self
    }

    pub fn document(mut self, document: DocumentObject) -> Self {
        self.documents.push(document);
        self
    }

    /// The record.
    pub fn build(self) -> AuditMessage {
        let t = self.transaction;
        let requester_here = is_requester(self.role, t);
        // Query transactions: EV(110112, DCM, "Query"), E on both sides [TF2 3.55.5.1,
        // 3.18.5.1]; retrieves: the requester imports (110107, C), the responder exports
        // (110106, R) [TF2 3.43.6.1].
        let (event_id, action) = if !t.is_retrieve() {
            (CodedValue::dcm("110112", "Query"), EventAction::Execute)
        } else if requester_here {
            (CodedValue::dcm("110107", "Import"), EventAction::Create)
        } else {
            (CodedValue::dcm("110106", "Export"), EventAction::Read)
        };

        let mut participants = Vec::with_capacity(2 + self.humans.len());
        let here = Some(self.process_id);
        let (source_alt, destination_alt) = if requester_here {
            (here, None)
        } else {
            (None, here)
        };
        participants.push(peer_participant(
            self.source,
            source_alt,
            true,
            CodedValue::dcm("110153", "Source Role ID"),
        ));
        for human in self.humans {
            participants.push(ActiveParticipant {
                user_id: human.user_id,
                alternative_user_id: None,
                user_name: human.user_name,
                user_is_requestor: true,
                network_access_point: None,
                role_id_codes: human.roles,
            });
        }
        participants.push(peer_participant(
            self.destination,
            destination_alt,
            false,
            CodedValue::dcm("110152", "Destination Role ID"),
        ));

        let mut objects = Vec::new();
        for cx in self.patients {
            objects.push(ParticipantObjectIdentification {
                object_id: cx,
                type_code: 1,
                type_code_role: 1,
                id_type_code: CodedValue::new("2", "RFC-3881", "Patient Number"),
                name: None,
                query: None,
                details: Vec::new(),
            });
        }
        if let Some(query) = self.query {
            objects.push(query_object(t, query));
        }
        for document in self.documents {
            objects.push(document_object(document));
        }

        AuditMessage {
            event: EventIdentification {
                event_id,
                action,
                date_time: self.time,
                outcome: self.outcome,
                outcome_description: self.outcome_description,
                event_type_codes: vec![event_type(t)],
            },
            active_participants: participants,
            audit_source: self.audit_source,
            participant_objects: objects,
        }
    }
}

fn peer_participant(
    peer: Peer,
    alternative_user_id: Option<String>,
    user_is_requestor: bool,
    role: CodedValue,
) -> ActiveParticipant {
    ActiveParticipant {
        user_id: peer.user_id,
        alternative_user_id,
        user_name: peer.user_name,
        user_is_requestor,
        network_access_point: peer.network_access_point,
        role_id_codes: vec![role],
    }
}

/// Query Parameters: TypeCode 2 (system object), Role 24 (query) [TF2 3.55.5.1.1, 3.18.5.1.1].
fn query_object(t: Transaction, query: QueryParameters) -> ParticipantObjectIdentification {
    let (object_id, bytes, details) = match query {
        QueryParameters::Xcpd {
            query_id,
            query_by_parameter,
            home_community_id,
        } => (
            query_id,
            query_by_parameter,
            vec![detail("ihe:homeCommunityID", &home_community_id)],
        ),
        QueryParameters::StoredQuery {
            stored_query_id,
            adhoc_query_request,
            encoding,
            home_community_id,
        } => {
            let mut details = vec![detail("QueryEncoding", &encoding)];
            if let Some(home) = home_community_id {
                details.push(detail("urn:ihe:iti:xca:2010:homeCommunityId", &home));
            }
            (stored_query_id, adhoc_query_request, details)
        }
    };
    ParticipantObjectIdentification {
        object_id,
        type_code: 2,
        type_code_role: 24,
        id_type_code: event_type(t),
        name: None,
        query: Some(bytes),
        details,
    }
}

/// Document: TypeCode 2, Role 3 (report), IDTypeCode EV(9, RFC-3881, "Report Number")
/// [TF2 3.43.6.1.1].
fn document_object(document: DocumentObject) -> ParticipantObjectIdentification {
    let mut details = vec![detail(
        "Repository Unique ID",
        &document.repository_unique_id,
    )];
    if let Some(home) = document.home_community_id {
        details.push(detail("ihe:homeCommunityID", &home));
    }
    ParticipantObjectIdentification {
        object_id: document.document_unique_id,
        type_code: 2,
        type_code_role: 3,
        id_type_code: CodedValue::new("9", "RFC-3881", "Report Number"),
        name: None,
        query: None,
        details,
    }
}

fn detail(detail_type: &str, value: &str) -> ParticipantObjectDetail {
    ParticipantObjectDetail {
        detail_type: detail_type.to_string(),
        value: value.as_bytes().to_vec(),
    }
}
