//! A read-only typed view of a DocumentEntry (`rim:ExtrinsicObject`) [ITI TF-3 4.2.3.2],
//! for routing and audit; the object itself stays in the lossless model.

use super::ids::uuids;
use super::rim::{ObjectKind, RegistryObject};

/// A coded value from a Classification: `nodeRepresentation`, the `codingScheme` Slot and
/// the display name [ITI TF-3 4.2.3.1].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code<'a> {
    pub code: &'a str,
    pub scheme: Option<&'a str>,
    pub display_name: Option<&'a str>,
}

/// A DocumentEntry, read from an ExtrinsicObject without copying it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentEntry<'a> {
    object: &'a RegistryObject,
}

impl<'a> DocumentEntry<'a> {
    /// The view of an ExtrinsicObject; `None` for any other object.
    pub fn new(object: &'a RegistryObject) -> Option<Self> {
        (object.kind == ObjectKind::ExtrinsicObject).then_some(DocumentEntry { object })
    }

    pub fn object(&self) -> &'a RegistryObject {
        self.object
    }

    /// entryUUID (`@id`).
    pub fn entry_uuid(&self) -> Option<&'a str> {
        self.object.id()
    }

    /// `@home` as sent.
    pub fn home(&self) -> Option<&'a str> {
        self.object.home()
    }

    pub fn mime_type(&self) -> Option<&'a str> {
        self.object.attr("mimeType")
    }

    pub fn object_type(&self) -> Option<&'a str> {
        self.object.object_type()
    }

    /// availabilityStatus (`@status`).
    pub fn availability_status(&self) -> Option<&'a str> {
        self.object.status()
    }

    /// True for an On-Demand DocumentEntry [ITI TF-3 4.2.1.1.1].
    pub fn is_on_demand(&self) -> bool {
        self.object_type()
            .is_some_and(|t| t.trim() == uuids::ON_DEMAND_DOCUMENT_ENTRY)
    }

    /// uniqueId: the ExternalIdentifier with its scheme [ITI TF-3 4.2.3.2].
    pub fn unique_id(&self) -> Option<&'a str> {
        self.external_identifier(uuids::DOCUMENT_ENTRY_UNIQUE_ID)
    }

    /// patientId (CX): the ExternalIdentifier with its scheme [ITI TF-3 4.2.3.2].
    pub fn patient_id(&self) -> Option<&'a str> {
        self.external_identifier(uuids::DOCUMENT_ENTRY_PATIENT_ID)
    }

    /// The repository to retrieve from with ITI-43/39.
    pub fn repository_unique_id(&self) -> Option<&'a str> {
        self.slot("repositoryUniqueId")
    }

    pub fn hash(&self) -> Option<&'a str> {
        self.slot("hash")
    }

    pub fn size(&self) -> Option<&'a str> {
        self.slot("size")
    }

    pub fn creation_time(&self) -> Option<&'a str> {
        self.slot("creationTime")
    }

    pub fn language_code(&self) -> Option<&'a str> {
        self.slot("languageCode")
    }

    pub fn source_patient_id(&self) -> Option<&'a str> {
        self.slot("sourcePatientId")
    }

    /// The title (`rim:Name`, first LocalizedString).
    pub fn title(&self) -> Option<&'a str> {
        self.object.name.as_ref().and_then(|n| n.first())
    }

    pub fn class_code(&self) -> Option<Code<'a>> {
        self.codes(uuids::CLASS_CODE).into_iter().next()
    }

    pub fn type_code(&self) -> Option<Code<'a>> {
        self.codes(uuids::TYPE_CODE).into_iter().next()
    }

    pub fn format_code(&self) -> Option<Code<'a>> {
        self.codes(uuids::FORMAT_CODE).into_iter().next()
    }

    pub fn confidentiality_codes(&self) -> Vec<Code<'a>> {
        self.codes(uuids::CONFIDENTIALITY_CODE)
    }

    /// Every Classification of this entry with the given scheme, as codes.
    pub fn codes(&self, scheme: &str) -> Vec<Code<'a>> {
        self.object
            .classifications
            .iter()
            .filter(|c| c.attr("classificationScheme").map(str::trim) == Some(scheme))
            .filter_map(|c| {
                Some(Code {
                    code: c.attr("nodeRepresentation")?,
                    scheme: c.slot_value("codingScheme"),
                    display_name: c.name.as_ref().and_then(|n| n.first()),
                })
            })
            .collect()
    }

    /// A slot value, trimmed of layout.
    fn slot(&self, name: &str) -> Option<&'a str> {
        self.object.slot_value(name).map(str::trim)
    }

    fn external_identifier(&self, scheme: &str) -> Option<&'a str> {
        self.object
            .external_identifiers
            .iter()
            .find(|e| e.attr("identificationScheme").map(str::trim) == Some(scheme))
            .and_then(|e| e.attr("value"))
    }
}
