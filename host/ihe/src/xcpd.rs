//! The XCPD (ITI-55) data model, independent of its HL7 V3 encoding. The WIT types of the
//! plugin contract mirror these one to one.

/// An HL7 V3 instance identifier (II).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Ii {
    pub root: String,
    pub extension: Option<String>,
}

impl Ii {
    pub fn new(root: impl Into<String>, extension: Option<&str>) -> Self {
        Ii {
            root: root.into(),
            extension: extension.map(str::to_string),
        }
    }

    /// The id as an HL7 CX, `extension^^^&root&ISO` (the form of stored query patient ids
    /// and audit records).
    pub fn cx(&self) -> String {
        format!(
            "{}^^^&{}&ISO",
            self.extension.as_deref().unwrap_or(""),
            self.root
        )
    }
}

/// A person name (PN).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonName {
    pub family: Vec<String>,
    pub given: Vec<String>,
    pub prefix: Vec<String>,
    pub suffix: Vec<String>,
    pub name_use: Option<String>,
}

impl PersonName {
    pub fn is_empty(&self) -> bool {
        self.family.is_empty()
            && self.given.is_empty()
            && self.prefix.is_empty()
            && self.suffix.is_empty()
    }
}

/// A postal address (AD).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub street_lines: Vec<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub address_use: Option<String>,
}

/// A telecom address (TEL).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Telecom {
    pub value: String,
    pub telecom_use: Option<String>,
}

/// A point in time or an interval, as HL7 TS strings.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimeQuery {
    pub value: Option<String>,
    pub low: Option<String>,
    pub high: Option<String>,
}

/// The parameters of an ITI-55 query [ITI TF-2 Table 3.55.4.1.2.2-1].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientQuery {
    pub names: Vec<PersonName>,
    pub birth_time: Option<TimeQuery>,
    pub gender: Option<String>,
    pub ids: Vec<Ii>,
    pub addresses: Vec<Address>,
    pub telecoms: Vec<Telecom>,
    pub mothers_maiden_name: Option<PersonName>,
    pub birth_place_address: Option<Address>,
    pub birth_place_name: Option<String>,
    pub principal_care_provider_ids: Vec<Ii>,
    pub match_algorithm: Option<String>,
    pub minimum_degree_match: Option<u8>,
    pub reverse_query_assigning_authority: Option<String>,
}

/// One matching patient record [ITI TF-2 3.55.4.2.2].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientMatch {
    pub patient_id: Ii,
    pub other_ids: Vec<Ii>,
    pub names: Vec<PersonName>,
    pub gender: Option<String>,
    pub birth_time: Option<String>,
    pub addresses: Vec<Address>,
    pub telecoms: Vec<Telecom>,
    pub mothers_maiden_name: Option<PersonName>,
    pub match_quality: Option<u8>,
    /// The community holding the record, `urn:oid:` form.
    pub home_community_id: Option<String>,
    /// How long the responder recommends keeping this correlation, in seconds: its
    /// `xcpd:CorrelationTimeToLive` [ITI TF-2 3.55.4.2.2]. Adapters pass it as the
    /// [`CORRELATION_TTL_SLOT`] extension of a match (an `xs:duration`).
    pub correlation_ttl: Option<u64>,
}

/// The extension slot of a WIT `patient-match` that carries the responder's
/// `xcpd:CorrelationTimeToLive` (an `xs:duration`, e.g. `P7D`).
pub const CORRELATION_TTL_SLOT: &str = "correlation-time-to-live";

/// An attribute a responder asks for [ITI TF-2 Table 3.55.4.2.2.6-1].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestedAttribute {
    AdministrativeGender,
    PatientAddress,
    PatientTelecom,
    BirthPlaceName,
    BirthPlaceAddress,
    MothersMaidenName,
}

impl RequestedAttribute {
    /// The trigger code, codeSystem `1.3.6.1.4.1.19376.1.2.27.1`.
    pub fn code(self) -> &'static str {
        match self {
            RequestedAttribute::AdministrativeGender => {
                "LivingSubjectAdministrativeGenderRequested"
            }
            RequestedAttribute::PatientAddress => "PatientAddressRequested",
            RequestedAttribute::PatientTelecom => "PatientTelecomRequested",
            RequestedAttribute::BirthPlaceName => "LivingSubjectBirthPlaceNameRequested",
            RequestedAttribute::BirthPlaceAddress => "LivingSubjectBirthPlaceAddressRequested",
            RequestedAttribute::MothersMaidenName => "MothersMaidenNameRequested",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            RequestedAttribute::AdministrativeGender,
            RequestedAttribute::PatientAddress,
            RequestedAttribute::PatientTelecom,
            RequestedAttribute::BirthPlaceName,
            RequestedAttribute::BirthPlaceAddress,
            RequestedAttribute::MothersMaidenName,
        ]
        .into_iter()
        .find(|a| a.code() == code.trim())
    }
}

/// The error codes of a detectedIssueManagement [ITI TF-2 Table 3.55.4.2.2.7-1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueCode {
    /// The responder is too busy to answer.
    ResponderBusy,
    /// The answer is not available (e.g. timed out, unreachable); human intervention may help.
    AnswerNotAvailable,
    /// An internal error at the responder.
    InternalError,
}

impl IssueCode {
    pub fn code(self) -> &'static str {
        match self {
            IssueCode::ResponderBusy => "ResponderBusy",
            IssueCode::AnswerNotAvailable => "AnswerNotAvailable",
            IssueCode::InternalError => "InternalError",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "ResponderBusy" => Some(IssueCode::ResponderBusy),
            "AnswerNotAvailable" => Some(IssueCode::AnswerNotAvailable),
            "InternalError" => Some(IssueCode::InternalError),
            _ => None,
        }
    }
}

/// A detectedIssueEvent of a PRPA_IN201306UV02 [ITI TF-2 3.55.4.2.2.6, 3.55.4.2.2.7].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectedIssue {
    /// Case 3: these attributes would help.
    AttributesRequested(Vec<RequestedAttribute>),
    /// An error, with a text (e.g. which community failed; never patient data).
    Error {
        code: IssueCode,
        text: Option<String>,
    },
}
