//! A DocumentEntry (a stable ExtrinsicObject) with the metadata a query response must
//! carry [ITI TF-3 4.2.3.2, Table 4.2.3.2-1; ITI TF-2 3.38.4.1.3 for `home`], laid out as
//! every xcgate adapter lays it out (see [`ebrim`](super::ebrim)). [`DocumentEntry::build`]
//! fails with the names of the required fields that are missing or malformed, so an adapter
//! finds out in its unit tests, not from an initiator's validator.
//!
//! ```
//! use xcgate_sdk::xds::{Code, DocumentEntry};
//! let entry = DocumentEntry::new()
//!     .unique_id("1.2.246.10.1.2.3")
//!     .patient_id("010190-123A^^^&1.2.246.21&ISO")
//!     .home("urn:oid:1.2.246.10")
//!     .repository_unique_id("1.2.246.10.1")
//!     .content(b"<ClinicalDocument/>")
//!     .mime_type("text/xml")
//!     .creation_time("20240105093000")
//!     .language_code("fi-FI")
//!     .class_code(Code::new("11488-4", "2.16.840.1.113883.6.1", "Consult note"))
//!     .type_code(Code::new("11488-4", "2.16.840.1.113883.6.1", "Consult note"))
//!     .format_code(Code::new("urn:ihe:pcc:xds-ms:2007", "1.3.6.1.4.1.19376.1.2.3", "XDS-MS"))
//!     .confidentiality_code(Code::new("N", "2.16.840.1.113883.5.25", "normal"))
//!     .healthcare_facility_type_code(Code::new("22232009", "2.16.840.1.113883.6.96", "Hospital"))
//!     .practice_setting_code(Code::new("394802001", "2.16.840.1.113883.6.96", "General medicine"))
//!     .build()
//!     .unwrap();
//! assert_eq!(entry.kind, "ExtrinsicObject");
//!
//! let missing = DocumentEntry::new().unique_id("1.2.3").build().unwrap_err();
//! assert!(missing.to_string().contains("classCode"));
//! ```

use super::digest::{self, NAMESPACE_OID};
use super::ebrim::{self, attributes, first_version, localized, nested, slot};
use super::vocab;
use crate::ihe::ebrs::ids::uuids;
use crate::xca_query::{NestedObject, RegistryObject};

/// A coded value: the code, its coding scheme and its display name [ITI TF-3 4.2.3.1.2].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub scheme: String,
    pub display: String,
}

impl Code {
    pub fn new(
        code: impl Into<String>,
        scheme: impl Into<String>,
        display: impl Into<String>,
    ) -> Code {
        Code {
            code: code.into(),
            scheme: scheme.into(),
            display: display.into(),
        }
    }
}

/// The fields of a DocumentEntry; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct DocumentEntry {
    unique_id: Option<String>,
    entry_uuid: Option<String>,
    patient_id: Option<String>,
    source_patient_id: Option<String>,
    source_patient_info: Vec<String>,
    home: Option<String>,
    repository_unique_id: Option<String>,
    hash: Option<String>,
    size: Option<u64>,
    mime_type: Option<String>,
    creation_time: Option<String>,
    service_start_time: Option<String>,
    service_stop_time: Option<String>,
    language_code: Option<String>,
    title: Option<String>,
    comments: Option<String>,
    author_person: Option<String>,
    author_institution: Option<String>,
    class_code: Option<Code>,
    type_code: Option<Code>,
    format_code: Option<Code>,
    confidentiality_codes: Vec<Code>,
    healthcare_facility_type_code: Option<Code>,
    practice_setting_code: Option<Code>,
    event_codes: Vec<Code>,
}

/// What [`DocumentEntry::build`] found wrong: each required field missing, each field
/// malformed, named as ITI TF-3 Table 4.2.3.2-1 names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDocumentEntry {
    pub missing: Vec<&'static str>,
    pub malformed: Vec<String>,
}

impl std::fmt::Display for InvalidDocumentEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!(
                "lacks {} (required in a query response, ITI TF-3 Table 4.2.3.2-1)",
                self.missing.join(", ")
            ));
        }
        parts.extend(self.malformed.iter().cloned());
        write!(f, "DocumentEntry {}", parts.join("; "))
    }
}

impl std::error::Error for InvalidDocumentEntry {}

macro_rules! text_setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )*};
}

macro_rules! code_setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, code: Code) -> Self {
            self.$name = Some(code);
            self
        }
    )*};
}

impl DocumentEntry {
    pub fn new() -> DocumentEntry {
        DocumentEntry::default()
    }

    text_setters!(
        /// XDSDocumentEntry.uniqueId: the document's OID (or `OID^extension`).
        unique_id,
        /// entryUUID (`urn:uuid:...`). Default: a name-based UUID of the uniqueId, so the
        /// same document has the same id in every answer.
        entry_uuid,
        /// XDSDocumentEntry.patientId: the patient's CX in the affinity domain
        /// (`ID^^^&OID&ISO`). It is also the sourcePatientId unless that is set.
        patient_id,
        /// sourcePatientId: the patient's CX in the source (default: the patientId).
        source_patient_id,
        /// `home`: this community's homeCommunityId (`urn:oid:...`), usually
        /// `ctx.target_home_community_id`.
        home,
        /// repositoryUniqueId: the OID of the repository that returns the document on ITI-39.
        repository_unique_id,
        /// hash: SHA-1 of the content, hex (see [`DocumentEntry::content`]).
        hash,
        /// mimeType.
        mime_type,
        /// creationTime, UTC DTM (`YYYYMMDDhhmmss`, shorter precisions allowed).
        creation_time,
        /// serviceStartTime, UTC DTM.
        service_start_time,
        /// serviceStopTime, UTC DTM.
        service_stop_time,
        /// languageCode (`fi-FI`, `en-US`).
        language_code,
        /// title: the ExtrinsicObject's Name.
        title,
        /// comments: the ExtrinsicObject's Description.
        comments,
        /// authorPerson as an XCN (`^Family^Given^^^`).
        author_person,
        /// authorInstitution as an XON (`Name^^^^^^^^^OID`).
        author_institution,
    );

    code_setters!(
        /// classCode.
        class_code,
        /// typeCode.
        type_code,
        /// formatCode.
        format_code,
        /// healthcareFacilityTypeCode.
        healthcare_facility_type_code,
        /// practiceSettingCode.
        practice_setting_code,
    );

    /// A confidentialityCode (at least one is required; several may apply).
    pub fn confidentiality_code(mut self, code: Code) -> Self {
        self.confidentiality_codes.push(code);
        self
    }

    /// An eventCodeList entry.
    pub fn event_code(mut self, code: Code) -> Self {
        self.event_codes.push(code);
        self
    }

    /// size in bytes.
    pub fn size(mut self, bytes: u64) -> Self {
        self.size = Some(bytes);
        self
    }

    /// hash and size from the document's bytes.
    pub fn content(self, bytes: &[u8]) -> Self {
        self.hash(digest::hex(&digest::sha1(bytes)))
            .size(bytes.len() as u64)
    }

    /// sourcePatientInfo: HL7 v2 PID fields (`PID-5|Family^Given^^^`, `PID-7|19900101`).
    pub fn source_patient_info(mut self, pid_fields: Vec<String>) -> Self {
        self.source_patient_info = pid_fields;
        self
    }

    /// The entryUUID (the given one, or derived from the uniqueId); `None` without either.
    pub fn id(&self) -> Option<String> {
        self.entry_uuid
            .clone()
            .or_else(|| self.unique_id.as_deref().map(|u| NAMESPACE_OID.v5(u).urn()))
    }

    /// The ObjectRef form of this entry (for `return-type` object-ref).
    pub fn object_ref(&self) -> Result<RegistryObject, InvalidDocumentEntry> {
        let mut missing = Vec::new();
        let id = self.id();
        if id.is_none() {
            missing.push("uniqueId");
        }
        if self.home.is_none() {
            missing.push("homeCommunityId");
        }
        match (id, &self.home) {
            (Some(id), Some(home)) => Ok(ebrim::object_ref(&id, home)),
            _ => Err(InvalidDocumentEntry {
                missing,
                malformed: vec![],
            }),
        }
    }

    fn check(&self) -> InvalidDocumentEntry {
        let text = [
            ("uniqueId", &self.unique_id),
            ("patientId", &self.patient_id),
            ("homeCommunityId", &self.home),
            ("repositoryUniqueId", &self.repository_unique_id),
            ("hash", &self.hash),
            ("mimeType", &self.mime_type),
            ("creationTime", &self.creation_time),
            ("languageCode", &self.language_code),
        ];
        let codes = [
            ("classCode", &self.class_code),
            ("typeCode", &self.type_code),
            ("formatCode", &self.format_code),
            (
                "healthcareFacilityTypeCode",
                &self.healthcare_facility_type_code,
            ),
            ("practiceSettingCode", &self.practice_setting_code),
        ];
        let mut missing: Vec<&'static str> = text
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(n, _)| *n)
            .collect();
        missing.extend(codes.iter().filter(|(_, c)| c.is_none()).map(|(n, _)| *n));
        if self.confidentiality_codes.is_empty() {
            missing.push("confidentialityCode");
        }
        if self.size.is_none() {
            missing.push("size");
        }
        let mut malformed = Vec::new();
        if let Some(h) = &self.hash
            && (h.len() != 40 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            malformed.push(format!("hash `{h}` is not 40 hex digits (SHA-1)"));
        }
        for (name, t) in [
            ("creationTime", &self.creation_time),
            ("serviceStartTime", &self.service_start_time),
            ("serviceStopTime", &self.service_stop_time),
        ] {
            if let Some(t) = t
                && !is_dtm(t)
            {
                malformed.push(format!(
                    "{name} `{t}` is not a UTC DTM (YYYY[MM[DD[hh[mm[ss]]]]])"
                ));
            }
        }
        if let Some(home) = &self.home
            && !home.starts_with("urn:oid:")
        {
            malformed.push(format!("homeCommunityId `{home}` is not in urn:oid: form"));
        }
        InvalidDocumentEntry { missing, malformed }
    }

    /// The ExtrinsicObject, or what is missing or malformed.
    pub fn build(self) -> Result<RegistryObject, InvalidDocumentEntry> {
        let problems = self.check();
        if !problems.missing.is_empty() || !problems.malformed.is_empty() {
            return Err(problems);
        }
        Ok(self.layout())
    }

    /// Lay the checked fields out [ITI TF-3 4.2.3.2]: slots in name order, the author
    /// Classification first, then the codes, then the two ExternalIdentifiers.
    fn layout(self) -> RegistryObject {
        let req = |v: Option<String>| v.unwrap_or_default();
        let id = self.id().unwrap_or_default();
        let namespace = digest::parse_urn(&id).unwrap_or_else(|| NAMESPACE_OID.v5(&id));
        let nested_id = |what: &str| namespace.v5(what).urn();
        let patient_id = req(self.patient_id);
        let language = req(self.language_code);
        let mut slots = vec![slot("creationTime", vec![req(self.creation_time)])];
        slots.push(slot("hash", vec![req(self.hash).to_ascii_lowercase()]));
        slots.push(slot("languageCode", vec![language.clone()]));
        slots.push(slot(
            "repositoryUniqueId",
            vec![req(self.repository_unique_id)],
        ));
        if let Some(t) = self.service_start_time {
            slots.push(slot("serviceStartTime", vec![t]));
        }
        if let Some(t) = self.service_stop_time {
            slots.push(slot("serviceStopTime", vec![t]));
        }
        slots.push(slot(
            "size",
            vec![self.size.unwrap_or_default().to_string()],
        ));
        let source = self.source_patient_id.unwrap_or_else(|| patient_id.clone());
        slots.push(slot("sourcePatientId", vec![source]));
        if !self.source_patient_info.is_empty() {
            slots.push(slot("sourcePatientInfo", self.source_patient_info));
        }
        let mut classifications = Vec::new();
        let mut author_slots = Vec::new();
        if let Some(p) = self.author_person {
            author_slots.push(slot("authorPerson", vec![p]));
        }
        if let Some(i) = self.author_institution {
            author_slots.push(slot("authorInstitution", vec![i]));
        }
        if !author_slots.is_empty() {
            let mut author = nested(
                "Classification",
                attributes(&[
                    ("id", &nested_id("author")),
                    ("objectType", ebrim::OBJECT_TYPE_CLASSIFICATION),
                    ("classificationScheme", vocab::DOCUMENT_ENTRY_AUTHOR),
                    ("classifiedObject", &id),
                    ("nodeRepresentation", ""),
                ]),
            );
            author.slots = author_slots;
            classifications.push(author);
        }
        let code = |scheme: &str, what: &str, c: &Code| -> NestedObject {
            let coded = ebrim::Coded {
                code: &c.code,
                scheme: &c.scheme,
                display: &c.display,
            };
            ebrim::coded_classification(&nested_id(what), scheme, &id, coded)
        };
        let single = [
            (uuids::CLASS_CODE, "classCode", self.class_code),
            (uuids::TYPE_CODE, "typeCode", self.type_code),
            (uuids::FORMAT_CODE, "formatCode", self.format_code),
            (
                uuids::HEALTHCARE_FACILITY_TYPE_CODE,
                "healthcareFacilityTypeCode",
                self.healthcare_facility_type_code,
            ),
            (
                uuids::PRACTICE_SETTING_CODE,
                "practiceSettingCode",
                self.practice_setting_code,
            ),
        ];
        for (scheme, what, c) in single {
            if let Some(c) = c {
                classifications.push(code(scheme, what, &c));
            }
        }
        for (i, c) in self.confidentiality_codes.iter().enumerate() {
            let what = numbered("confidentialityCode", i);
            classifications.push(code(uuids::CONFIDENTIALITY_CODE, &what, c));
        }
        for (i, c) in self.event_codes.iter().enumerate() {
            let what = numbered("eventCodeList", i);
            classifications.push(code(uuids::EVENT_CODE_LIST, &what, c));
        }
        let identifier = |scheme: &str, label: &str, value: &str| {
            ebrim::external_identifier(&nested_id(label), scheme, &id, label, value)
        };
        let external_identifiers = vec![
            identifier(
                uuids::DOCUMENT_ENTRY_PATIENT_ID,
                "XDSDocumentEntry.patientId",
                &patient_id,
            ),
            identifier(
                uuids::DOCUMENT_ENTRY_UNIQUE_ID,
                "XDSDocumentEntry.uniqueId",
                self.unique_id.as_deref().unwrap_or_default(),
            ),
        ];
        RegistryObject {
            kind: "ExtrinsicObject".to_string(),
            attributes: attributes(&[
                ("id", &id),
                ("lid", &id),
                ("objectType", uuids::STABLE_DOCUMENT_ENTRY),
                ("status", vocab::STATUS_APPROVED),
                ("mimeType", &req(self.mime_type)),
                ("home", &req(self.home)),
            ]),
            name: self
                .title
                .as_deref()
                .and_then(|t| localized(t, Some(&language))),
            description: self
                .comments
                .as_deref()
                .and_then(|c| localized(c, Some(&language))),
            version_info: first_version(),
            slots,
            classifications,
            external_identifiers,
            extra_xml: vec![],
        }
    }
}

/// The first of a repeated code keeps the plain name (stable ids for the common case of
/// one); the next are numbered.
fn numbered(what: &str, i: usize) -> String {
    if i == 0 {
        what.to_string()
    } else {
        format!("{what}.{i}")
    }
}

/// A UTC DTM: 4, 6, 8, 10, 12 or 14 digits [ITI TF-3 Table 4.2.3.1.7-2].
fn is_dtm(t: &str) -> bool {
    matches!(t.len(), 4 | 6 | 8 | 10 | 12 | 14) && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
#[path = "document_entry/tests.rs"]
mod tests;
