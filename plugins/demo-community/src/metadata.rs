//! The ebRIM objects of a demo document: its DocumentEntry (ExtrinsicObject), the
//! SubmissionSet (RegistryPackage) that published it and the HasMember Association between
//! them [ITI TF-3 4.2.1, 4.2.3], plus the ObjectRef form of any object.

use crate::catalog::{Catalog, StoredDocument};
use crate::cda::split_person;
use crate::settings::{CONFIDENTIALITY_SCHEME, CodeConfig};
use crate::vocab;
use xcgate_ihe::ebrs::ids::uuids;
use xcgate_sdk::xca_query::{NestedObject, RegistryObject};
use xcgate_sdk::xds::ebrim::{
    self, Coded, OBJECT_TYPE_ASSOCIATION, OBJECT_TYPE_CLASSIFICATION, OBJECT_TYPE_REGISTRY_PACKAGE,
    attributes, first_version, localized, nested, slot,
};

/// A coded Classification of `object` [ITI TF-3 4.2.3.1.2], its id derived from the
/// document and `what`.
fn code(
    doc: &StoredDocument,
    object: &str,
    scheme: &str,
    what: &str,
    c: &CodeConfig,
) -> NestedObject {
    let code = Coded {
        code: &c.code,
        scheme: &c.scheme,
        display: &c.display,
    };
    ebrim::coded_classification(&doc.nested_id(what), scheme, object, code)
}

/// An ExternalIdentifier of `object` [ITI TF-3 4.2.3.2.16, 4.2.3.2.26].
fn identifier(
    doc: &StoredDocument,
    object: &str,
    scheme: &str,
    label: &str,
    value: &str,
) -> NestedObject {
    ebrim::external_identifier(&doc.nested_id(label), scheme, object, label, value)
}

/// authorPerson as an XCN with no id: `^Family^Given^Further given^^`
/// [ITI TF-3 Table 4.2.3.1.7-2, XCN].
pub fn author_person(doc: &StoredDocument) -> Option<String> {
    let (given, family) = split_person(doc.config.author.as_deref()?);
    let first = given.first().map(String::as_str).unwrap_or_default();
    let further = given.get(1..).unwrap_or_default().join(" ");
    Some(format!(
        "^{}^{first}^{further}^^",
        family.unwrap_or_default()
    ))
}

/// The author Classification (empty nodeRepresentation, authorPerson as XCN and
/// authorInstitution as XON slots) [ITI TF-3 4.2.3.1.4]; `None` with nothing to say.
fn author(
    catalog: &Catalog,
    doc: &StoredDocument,
    object: &str,
    scheme: &str,
    what: &str,
) -> Option<NestedObject> {
    let mut slots = Vec::new();
    if let Some(person) = author_person(doc) {
        slots.push(slot("authorPerson", vec![person]));
    }
    if let Some(org) = &catalog.custodian.name {
        // XON with the organisation OID in component 10 [ITI TF-3 Table 4.2.3.1.7-2, XON].
        slots.push(slot(
            "authorInstitution",
            vec![format!("{org}^^^^^^^^^{}", catalog.custodian.oid)],
        ));
    }
    if slots.is_empty() {
        return None;
    }
    let mut n = nested(
        "Classification",
        attributes(&[
            ("id", &doc.nested_id(what)),
            ("objectType", OBJECT_TYPE_CLASSIFICATION),
            ("classificationScheme", scheme),
            ("classifiedObject", object),
            ("nodeRepresentation", ""),
        ]),
    );
    n.slots = slots;
    Some(n)
}

/// HL7 v2 PID segments of the source patient [ITI TF-3 4.2.3.2.24 sourcePatientInfo].
fn source_patient_info(doc: &StoredDocument) -> Vec<String> {
    let p = &doc.patient;
    let mut out = vec![format!("PID-3|{}", doc.patient_cx)];
    out.push(format!(
        "PID-5|{}^{}^^^",
        p.name.family.join(" "),
        p.name.given.join(" ")
    ));
    if let Some(b) = &p.birth_time {
        out.push(format!("PID-7|{b}"));
    }
    if let Some(g) = &p.gender {
        out.push(format!("PID-8|{g}"));
    }
    out
}

/// Display names of the HL7 Confidentiality codes [HL7 v3 Confidentiality].
fn confidentiality(code: &str) -> CodeConfig {
    let display = match code {
        "U" => "unrestricted",
        "L" => "low",
        "M" => "moderate",
        "N" => "normal",
        "R" => "restricted",
        "V" => "very restricted",
        other => other,
    };
    CodeConfig {
        code: code.to_string(),
        scheme: CONFIDENTIALITY_SCHEME.to_string(),
        display: display.to_string(),
    }
}

/// The full DocumentEntry [ITI TF-3 4.2.3.2, Table 4.2.3.2-1].
pub fn document_entry(catalog: &Catalog, doc: &StoredDocument) -> RegistryObject {
    let id = doc.entry_uuid.as_str();
    let c = &doc.config;
    let mut slots = vec![
        slot("creationTime", vec![doc.creation_time.clone()]),
        slot("hash", vec![doc.hash.clone()]),
        slot("languageCode", vec![c.language.clone()]),
        slot(
            "repositoryUniqueId",
            vec![catalog.repository_unique_id.clone()],
        ),
    ];
    if let Some(t) = &doc.service_start {
        slots.push(slot("serviceStartTime", vec![t.clone()]));
    }
    if let Some(t) = &doc.service_stop {
        slots.push(slot("serviceStopTime", vec![t.clone()]));
    }
    slots.push(slot("size", vec![doc.size.to_string()]));
    slots.push(slot("sourcePatientId", vec![doc.patient_cx.clone()]));
    slots.push(slot("sourcePatientInfo", source_patient_info(doc)));
    let mut classifications = Vec::new();
    classifications.extend(author(
        catalog,
        doc,
        id,
        vocab::DOCUMENT_ENTRY_AUTHOR,
        "author",
    ));
    let codes = [
        (uuids::CLASS_CODE, "classCode", &c.class_code),
        (uuids::TYPE_CODE, "typeCode", &c.type_code),
        (uuids::FORMAT_CODE, "formatCode", &c.format_code),
        (
            uuids::HEALTHCARE_FACILITY_TYPE_CODE,
            "healthcareFacilityTypeCode",
            &c.healthcare_facility_type,
        ),
        (
            uuids::PRACTICE_SETTING_CODE,
            "practiceSettingCode",
            &c.practice_setting,
        ),
    ];
    for (scheme, what, value) in codes {
        classifications.push(code(doc, id, scheme, what, value));
    }
    classifications.push(code(
        doc,
        id,
        uuids::CONFIDENTIALITY_CODE,
        "confidentialityCode",
        &confidentiality(&c.confidentiality),
    ));
    RegistryObject {
        kind: "ExtrinsicObject".to_string(),
        attributes: attributes(&[
            ("id", id),
            ("lid", id),
            ("objectType", uuids::STABLE_DOCUMENT_ENTRY),
            ("status", vocab::STATUS_APPROVED),
            ("mimeType", &c.mime_type),
            ("home", &catalog.home),
        ]),
        name: localized(&c.title, Some(&c.language)),
        description: None,
        version_info: first_version(),
        slots,
        classifications,
        external_identifiers: vec![
            identifier(
                doc,
                id,
                uuids::DOCUMENT_ENTRY_PATIENT_ID,
                "XDSDocumentEntry.patientId",
                &doc.patient_cx,
            ),
            identifier(
                doc,
                id,
                uuids::DOCUMENT_ENTRY_UNIQUE_ID,
                "XDSDocumentEntry.uniqueId",
                &c.unique_id,
            ),
        ],
        extra_xml: vec![],
    }
}

/// The SubmissionSet that published `doc` [ITI TF-3 4.2.3.3, Table 4.2.3.3-1]. Its
/// contentTypeCode is the document's classCode and its submissionTime the creationTime: the
/// demo has no separate submission event, and both must stay stable.
pub fn submission_set(catalog: &Catalog, doc: &StoredDocument) -> RegistryObject {
    let id = doc.submission_set_uuid.as_str();
    let mut classifications = vec![nested(
        "Classification",
        attributes(&[
            ("id", &doc.nested_id("SubmissionSet.classification")),
            ("objectType", OBJECT_TYPE_CLASSIFICATION),
            ("classificationNode", vocab::SUBMISSION_SET_NODE),
            ("classifiedObject", id),
        ]),
    )];
    classifications.extend(author(
        catalog,
        doc,
        id,
        vocab::SUBMISSION_SET_AUTHOR,
        "SubmissionSet.author",
    ));
    classifications.push(code(
        doc,
        id,
        vocab::SUBMISSION_SET_CONTENT_TYPE,
        "SubmissionSet.contentTypeCode",
        &doc.config.class_code,
    ));
    RegistryObject {
        kind: "RegistryPackage".to_string(),
        attributes: attributes(&[
            ("id", id),
            ("lid", id),
            ("objectType", OBJECT_TYPE_REGISTRY_PACKAGE),
            ("status", vocab::STATUS_APPROVED),
            ("home", &catalog.home),
        ]),
        name: None,
        description: None,
        version_info: first_version(),
        slots: vec![slot("submissionTime", vec![doc.creation_time.clone()])],
        classifications,
        external_identifiers: vec![
            identifier(
                doc,
                id,
                uuids::SUBMISSION_SET_UNIQUE_ID,
                "XDSSubmissionSet.uniqueId",
                &doc.submission_set_unique_id,
            ),
            // The demo repository is the Document Source of its own documents.
            identifier(
                doc,
                id,
                vocab::SUBMISSION_SET_SOURCE_ID,
                "XDSSubmissionSet.sourceId",
                &catalog.repository_unique_id,
            ),
            identifier(
                doc,
                id,
                uuids::SUBMISSION_SET_PATIENT_ID,
                "XDSSubmissionSet.patientId",
                &doc.patient_cx,
            ),
        ],
        extra_xml: vec![],
    }
}

/// The HasMember Association from the SubmissionSet to the DocumentEntry, with
/// SubmissionSetStatus `Original` (submitted together) [ITI TF-3 4.2.2.1.2].
pub fn has_member(doc: &StoredDocument) -> RegistryObject {
    RegistryObject {
        kind: "Association".to_string(),
        attributes: attributes(&[
            ("id", &doc.association_uuid),
            ("objectType", OBJECT_TYPE_ASSOCIATION),
            ("associationType", vocab::HAS_MEMBER),
            ("sourceObject", &doc.submission_set_uuid),
            ("targetObject", &doc.entry_uuid),
            ("status", vocab::STATUS_APPROVED),
        ]),
        name: None,
        description: None,
        version_info: None,
        slots: vec![slot("SubmissionSetStatus", vec!["Original".to_string()])],
        classifications: vec![],
        external_identifiers: vec![],
        extra_xml: vec![],
    }
}

/// The ObjectRef form of an object: its id and `home` [ITI TF-2 3.18.4.1.2.3.6,
/// 3.38.4.1.3].
pub fn object_ref(catalog: &Catalog, object: &RegistryObject) -> RegistryObject {
    let id = object
        .attributes
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    ebrim::object_ref(id, &catalog.home)
}
