//! The ebRIM objects of a demo document: its DocumentEntry (ExtrinsicObject), the
//! SubmissionSet (RegistryPackage) that published it and the HasMember Association between
//! them [ITI TF-3 4.2.1, 4.2.3], plus the ObjectRef form of any object.

use crate::catalog::{Catalog, StoredDocument};
use crate::cda::split_person;
use crate::settings::{CONFIDENTIALITY_SCHEME, CodeConfig};
use crate::vocab;
use xcgate_sdk::ihe::ebrs::ids::uuids;
use xcgate_sdk::xca_query::{NestedObject, RegistryObject};
use xcgate_sdk::xds;
use xcgate_sdk::xds::ebrim::{
    self, Coded, OBJECT_TYPE_ASSOCIATION, OBJECT_TYPE_CLASSIFICATION, OBJECT_TYPE_REGISTRY_PACKAGE,
    attributes, first_version, nested, slot,
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

fn sdk_code(c: &CodeConfig) -> xds::Code {
    xds::Code::new(&c.code, &c.scheme, &c.display)
}

/// The full DocumentEntry [ITI TF-3 4.2.3.2, Table 4.2.3.2-1], built by the SDK from what
/// the catalog resolved (every required field is there: the catalog refuses a document
/// without them when it loads the settings).
pub fn document_entry(catalog: &Catalog, doc: &StoredDocument) -> RegistryObject {
    let c = &doc.config;
    let mut entry = xds::DocumentEntry::new()
        .unique_id(&c.unique_id)
        .entry_uuid(&doc.entry_uuid)
        .patient_id(&doc.patient_cx)
        .source_patient_info(source_patient_info(doc))
        .home(&catalog.home)
        .repository_unique_id(&catalog.repository_unique_id)
        .hash(&doc.hash)
        .size(doc.size as u64)
        .mime_type(&c.mime_type)
        .creation_time(&doc.creation_time)
        .language_code(&c.language)
        .title(&c.title)
        .class_code(sdk_code(&c.class_code))
        .type_code(sdk_code(&c.type_code))
        .format_code(sdk_code(&c.format_code))
        .healthcare_facility_type_code(sdk_code(&c.healthcare_facility_type))
        .practice_setting_code(sdk_code(&c.practice_setting))
        .confidentiality_code(sdk_code(&confidentiality(&c.confidentiality)));
    if let Some(t) = &doc.service_start {
        entry = entry.service_start_time(t);
    }
    if let Some(t) = &doc.service_stop {
        entry = entry.service_stop_time(t);
    }
    if let Some(person) = author_person(doc) {
        entry = entry.author_person(person);
    }
    if let Some(org) = &catalog.custodian.name {
        // XON with the organisation OID in component 10 [ITI TF-3 Table 4.2.3.1.7-2, XON].
        entry = entry.author_institution(format!("{org}^^^^^^^^^{}", catalog.custodian.oid));
    }
    entry.build().unwrap_or_else(|e| {
        // Unreachable with a catalog that loaded; an object the host would refuse is
        // still better than a trap, and the log names the field.
        xcgate_sdk::error!("{e}");
        RegistryObject::default()
    })
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
