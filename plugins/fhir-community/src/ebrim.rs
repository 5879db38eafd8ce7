//! DocumentEntry facts as the ebRIM ExtrinsicObject XDS metadata expects
//! [ITI TF-3 4.2.3.2, Table 4.2.3.2-1], and the ObjectRef form of it
//! [ITI TF-2 3.18.4.1.2.3.6]. The layout follows the demo community's: slots in name
//! order, coded Classifications with a `codingScheme` slot and the display as Name
//! [ITI TF-3 4.2.3.1.2], ExternalIdentifiers with their ebRIM Names
//! [ITI TF-3 4.2.3.2.16, 4.2.3.2.26].

use crate::digest;
use crate::document::{Code, Entry};
use xcgate_ihe::ebrs::ids::uuids;
use xcgate_sdk::xca_query::{
    LocalizedString, NestedObject, RegistryObject, RegistrySlot, VersionInfo,
};

const OBJECT_TYPE_CLASSIFICATION: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification";
const OBJECT_TYPE_EXTERNAL_IDENTIFIER: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier";

/// Where an entry's objects are: its ids are named by the community and the entry.
pub struct Target<'a> {
    pub home: &'a str,
    pub repository_unique_id: &'a str,
    /// The patient id in CX form `ID^^^&OID&ISO` [ITI TF-3 4.2.3.2.16].
    pub patient_cx: &'a str,
}

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn slot(name: &str, values: Vec<String>) -> RegistrySlot {
    RegistrySlot {
        name: name.to_string(),
        slot_type: None,
        values,
    }
}

fn text(value: &str, lang: Option<&str>) -> Option<Vec<LocalizedString>> {
    Some(vec![LocalizedString {
        value: value.to_string(),
        lang: lang.map(str::to_string),
        charset: None,
    }])
}

fn nested(kind: &str, attributes: Vec<(String, String)>) -> NestedObject {
    NestedObject {
        kind: kind.to_string(),
        attributes,
        name: None,
        description: None,
        slots: vec![],
        extra_xml: vec![],
    }
}

/// A stable id for a nested object of the entry (`classCode`, `eventCodeList.2`, ...).
fn nested_id(target: &Target, entry: &Entry, what: &str) -> String {
    digest::uuid_urn(&format!("{}|{}|{what}", target.home, entry.entry_uuid))
}

fn classification(
    target: &Target,
    entry: &Entry,
    scheme: &str,
    what: &str,
    c: &Code,
) -> NestedObject {
    let mut n = nested(
        "Classification",
        attrs(&[
            ("id", &nested_id(target, entry, what)),
            ("objectType", OBJECT_TYPE_CLASSIFICATION),
            ("classificationScheme", scheme),
            ("classifiedObject", &entry.entry_uuid),
            ("nodeRepresentation", &c.code),
        ]),
    );
    n.slots = vec![slot("codingScheme", vec![c.scheme.clone()])];
    n.name = text(&c.display, None);
    n
}

fn identifier(
    target: &Target,
    entry: &Entry,
    scheme: &str,
    label: &str,
    value: &str,
) -> NestedObject {
    let mut n = nested(
        "ExternalIdentifier",
        attrs(&[
            ("id", &nested_id(target, entry, label)),
            ("objectType", OBJECT_TYPE_EXTERNAL_IDENTIFIER),
            ("identificationScheme", scheme),
            ("registryObject", &entry.entry_uuid),
            ("value", value),
        ]),
    );
    n.name = text(label, None);
    n
}

/// The DocumentEntry (ExtrinsicObject) of `entry`. Optional metadata the DocumentReference
/// lacks is left out rather than invented.
pub fn document_entry(target: &Target, entry: &Entry) -> RegistryObject {
    let mut slots = Vec::new();
    let mut add = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            slots.push(slot(name, vec![v]));
        }
    };
    add("creationTime", entry.creation_time.clone());
    add("hash", entry.hash.clone());
    add("languageCode", entry.language.clone());
    add(
        "repositoryUniqueId",
        Some(target.repository_unique_id.to_string()),
    );
    add("serviceStartTime", entry.service_start.clone());
    add("serviceStopTime", entry.service_stop.clone());
    add("size", entry.size.map(|s| s.to_string()));
    add("sourcePatientId", Some(target.patient_cx.to_string()));
    let mut classifications = Vec::new();
    let single = [
        (uuids::CLASS_CODE, "classCode", &entry.class_code),
        (uuids::TYPE_CODE, "typeCode", &entry.type_code),
        (uuids::FORMAT_CODE, "formatCode", &entry.format_code),
        (
            uuids::HEALTHCARE_FACILITY_TYPE_CODE,
            "healthcareFacilityTypeCode",
            &entry.facility_type,
        ),
        (
            uuids::PRACTICE_SETTING_CODE,
            "practiceSettingCode",
            &entry.practice_setting,
        ),
    ];
    for (scheme, what, value) in single {
        if let Some(c) = value {
            classifications.push(classification(target, entry, scheme, what, c));
        }
    }
    let multiple = [
        (
            uuids::CONFIDENTIALITY_CODE,
            "confidentialityCode",
            &entry.confidentiality,
        ),
        (uuids::EVENT_CODE_LIST, "eventCodeList", &entry.event_codes),
    ];
    for (scheme, what, list) in multiple {
        for (i, c) in list.iter().enumerate() {
            let what = format!("{what}.{i}");
            classifications.push(classification(target, entry, scheme, &what, c));
        }
    }
    let id = entry.entry_uuid.as_str();
    RegistryObject {
        kind: "ExtrinsicObject".to_string(),
        attributes: attrs(&[
            ("id", id),
            ("lid", id),
            ("objectType", uuids::STABLE_DOCUMENT_ENTRY),
            ("status", entry.status),
            ("mimeType", &entry.mime_type),
            ("home", target.home),
        ]),
        name: entry
            .title
            .as_deref()
            .and_then(|t| text(t, entry.language.as_deref())),
        description: entry.comments.as_deref().and_then(|c| text(c, None)),
        version_info: Some(VersionInfo {
            version_name: Some("1".to_string()),
            comment: None,
        }),
        slots,
        classifications,
        external_identifiers: vec![
            identifier(
                target,
                entry,
                uuids::DOCUMENT_ENTRY_PATIENT_ID,
                "XDSDocumentEntry.patientId",
                target.patient_cx,
            ),
            identifier(
                target,
                entry,
                uuids::DOCUMENT_ENTRY_UNIQUE_ID,
                "XDSDocumentEntry.uniqueId",
                &entry.unique_id,
            ),
        ],
        extra_xml: vec![],
    }
}

/// The ObjectRef form: id and `home` only [ITI TF-2 3.38.4.1.3].
pub fn object_ref(home: &str, entry: &Entry) -> RegistryObject {
    RegistryObject {
        kind: "ObjectRef".to_string(),
        attributes: attrs(&[("id", &entry.entry_uuid), ("home", home)]),
        name: None,
        description: None,
        version_info: None,
        slots: vec![],
        classifications: vec![],
        external_identifiers: vec![],
        extra_xml: vec![],
    }
}

/// The CX of a patient id [ITI TF-3 4.2.3.2.16]: `ID^^^&OID&ISO`.
pub fn patient_cx(extension: &str, root: &str) -> String {
    format!("{extension}^^^&{root}&ISO")
}
