//! The audit record: the DICOM audit message [DICOM PS3.15 A.5.1], the successor of RFC 3881
//! that ATNA prescribes [ITI TF-2 3.20.4.1.2]. Plain data; [`crate::event`] fills it per
//! transaction and role, [`crate::xml`] writes it.

use std::time::SystemTime;

/// A coded value: `csd-code`, `codeSystemName`, `originalText` [DICOM PS3.15 A.5.1], the
/// attribute names the IPF sample uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedValue {
    pub code: String,
    pub code_system_name: String,
    pub original_text: String,
}

impl CodedValue {
    pub fn new(code: &str, code_system_name: &str, original_text: &str) -> CodedValue {
        CodedValue {
            code: code.to_string(),
            code_system_name: code_system_name.to_string(),
            original_text: original_text.to_string(),
        }
    }

    /// A DICOM controlled terminology code (`DCM`).
    pub fn dcm(code: &str, original_text: &str) -> CodedValue {
        CodedValue::new(code, "DCM", original_text)
    }
}

/// `EventActionCode` [DICOM PS3.15 A.5.1].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

impl EventAction {
    pub fn code(self) -> &'static str {
        match self {
            EventAction::Create => "C",
            EventAction::Read => "R",
            EventAction::Update => "U",
            EventAction::Delete => "D",
            EventAction::Execute => "E",
        }
    }
}

/// `EventOutcomeIndicator` [DICOM PS3.15 A.5.1]: 0 success, 4 minor, 8 serious, 12 major
/// failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    MinorFailure,
    SeriousFailure,
    MajorFailure,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "0",
            Outcome::MinorFailure => "4",
            Outcome::SeriousFailure => "8",
            Outcome::MajorFailure => "12",
        }
    }
}

/// `EventIdentification`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIdentification {
    pub event_id: CodedValue,
    pub action: EventAction,
    /// Written in UTC with milliseconds.
    pub date_time: SystemTime,
    pub outcome: Outcome,
    pub outcome_description: Option<String>,
    pub event_type_codes: Vec<CodedValue>,
}

/// `NetworkAccessPointTypeCode`: 1 machine (DNS) name, 2 IP address [DICOM PS3.15 A.5.1].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkAccessPoint {
    DnsName(String),
    IpAddress(String),
}

impl NetworkAccessPoint {
    /// An IP address when `host` parses as one, otherwise a DNS name; brackets of an IPv6
    /// literal are dropped.
    pub fn from_host(host: &str) -> NetworkAccessPoint {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<std::net::IpAddr>().is_ok() {
            NetworkAccessPoint::IpAddress(bare.to_string())
        } else {
            NetworkAccessPoint::DnsName(host.to_string())
        }
    }

    pub fn id(&self) -> &str {
        match self {
            NetworkAccessPoint::DnsName(s) | NetworkAccessPoint::IpAddress(s) => s,
        }
    }

    pub fn type_code(&self) -> &'static str {
        match self {
            NetworkAccessPoint::DnsName(_) => "1",
            NetworkAccessPoint::IpAddress(_) => "2",
        }
    }
}

/// `ActiveParticipant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveParticipant {
    pub user_id: String,
    pub alternative_user_id: Option<String>,
    pub user_name: Option<String>,
    pub user_is_requestor: bool,
    pub network_access_point: Option<NetworkAccessPoint>,
    pub role_id_codes: Vec<CodedValue>,
}

/// `AuditSourceIdentification`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSourceIdentification {
    pub enterprise_site_id: Option<String>,
    pub source_id: String,
    pub type_codes: Vec<CodedValue>,
}

/// `ParticipantObjectDetail`: the value is raw bytes, written base64 (`xs:base64Binary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantObjectDetail {
    pub detail_type: String,
    pub value: Vec<u8>,
}

/// `ParticipantObjectIdentification`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantObjectIdentification {
    pub object_id: String,
    /// 1 person, 2 system object [DICOM PS3.15 A.5.1].
    pub type_code: u8,
    /// e.g. 1 patient, 3 report, 24 query.
    pub type_code_role: u8,
    pub id_type_code: CodedValue,
    pub name: Option<String>,
    /// Raw bytes, written base64.
    pub query: Option<Vec<u8>>,
    pub details: Vec<ParticipantObjectDetail>,
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditMessage {
    pub event: EventIdentification,
    pub active_participants: Vec<ActiveParticipant>,
    pub audit_source: AuditSourceIdentification,
    pub participant_objects: Vec<ParticipantObjectIdentification>,
}
