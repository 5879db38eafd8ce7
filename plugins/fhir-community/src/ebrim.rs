//! DocumentEntry facts as the ebRIM ExtrinsicObject XDS metadata expects
//! [ITI TF-3 4.2.3.2, Table 4.2.3.2-1], and the ObjectRef form of it
//! [ITI TF-2 3.18.4.1.2.3.6]. Slots are in name order; the Classification,
//! ExternalIdentifier and ObjectRef layout is the SDK's [`xcgate_sdk::xds::ebrim`], the
//! same as the demo community's.

use crate::digest;
use crate::document::{Code, Entry};
use xcgate_sdk::ihe::ebrs::ids::uuids;
use xcgate_sdk::xca_query::{NestedObject, RegistryObject};
use xcgate_sdk::xds::ebrim::{self, Coded, attributes, first_version, localized, slot};

/// Where an entry's objects are: its ids are named by the community and the entry.
pub struct Target<'a> {
    pub home: &'a str,
    pub repository_unique_id: &'a str,
    /// The patient id in CX form `ID^^^&OID&ISO` [ITI TF-3 4.2.3.2.16].
    pub patient_cx: &'a str,
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
    let code = Coded {
        code: &c.code,
        scheme: &c.scheme,
        display: &c.display,
    };
    let id = nested_id(target, entry, what);
    ebrim::coded_classification(&id, scheme, &entry.entry_uuid, code)
}

fn identifier(
    target: &Target,
    entry: &Entry,
    scheme: &str,
    label: &str,
    value: &str,
) -> NestedObject {
    let id = nested_id(target, entry, label);
    ebrim::external_identifier(&id, scheme, &entry.entry_uuid, label, value)
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
        attributes: attributes(&[
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
            .and_then(|t| localized(t, entry.language.as_deref())),
        description: entry.comments.as_deref().and_then(|c| localized(c, None)),
        version_info: first_version(),
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
    ebrim::object_ref(&entry.entry_uuid, home)
}

/// The CX of a patient id [ITI TF-3 4.2.3.2.16]: `ID^^^&OID&ISO`.
pub fn patient_cx(extension: &str, root: &str) -> String {
    format!("{extension}^^^&{root}&ISO")
}
