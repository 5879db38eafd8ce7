use super::*;
use crate::ebrim::{self, Target};
use xcgate_sdk::ihe::ebrs::ids::uuids;

/// The shared FHIR fixture the integration tests serve (tests/fixtures/fhir/seed.json).
fn seed() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/fhir/seed.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn resource(id: &str) -> serde_json::Value {
    seed()["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .find(|r| r["id"] == id)
        .unwrap()
}

fn entry(id: &str) -> Result<Entry, Skip> {
    let doc: DocumentReference = serde_json::from_value(resource(id)).unwrap();
    Entry::from_fhir(&doc, "urn:oid:2.999.44", &BTreeMap::new())
}

#[test]
fn a_document_reference_maps_to_document_entry_facts() {
    let e = entry("aino-note").unwrap();
    assert_eq!(
        e.entry_uuid,
        "urn:uuid:6b1f7c52-3f0e-4f8e-9d4a-0c7e5a1e2b01"
    );
    assert_eq!(e.unique_id, "2.999.44.2.1");
    assert_eq!(e.status, APPROVED);
    assert_eq!(e.mime_type, "text/plain");
    assert_eq!(e.title.as_deref(), Some("Lähete"));
    assert_eq!(e.language.as_deref(), Some("fi-FI"));
    assert_eq!(e.creation_time.as_deref(), Some("20240502061500"), "UTC");
    assert_eq!(e.service_start.as_deref(), Some("20240502080000"));
    assert_eq!(e.size, Some(66));
    let class = e.class_code.as_ref().unwrap();
    assert_eq!(
        (
            class.code.as_str(),
            class.scheme.as_str(),
            class.display.as_str()
        ),
        ("57133-1", "2.16.840.1.113883.6.1", "Referral note")
    );
    assert_eq!(
        e.format_code.as_ref().unwrap().scheme,
        "1.3.6.1.4.1.19376.1.2.3"
    );
    assert_eq!(e.facility_type.as_ref().unwrap().scheme, "2.999.44.9");
    assert_eq!(e.confidentiality[0].code, "N");
    assert_eq!(e.subject.as_deref(), Some("Patient/aino"));
    let doc: DocumentReference = serde_json::from_value(resource("aino-note")).unwrap();
    let content = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/fhir/documents/aino-note.txt"
    ))
    .unwrap();
    assert_eq!(
        e.hash.as_deref(),
        Some(xcgate_sdk::xds::digest::hex(&xcgate_sdk::xds::digest::sha1(&content)).as_str())
    );
    assert_eq!(doc.content[0].attachment.size, Some(content.len() as u64));
}

#[test]
fn statuses_and_unusable_references() {
    assert_eq!(entry("aino-old").unwrap().status, DEPRECATED);
    let derived = entry("aino-summary").unwrap().entry_uuid;
    assert!(derived.starts_with("urn:uuid:"), "{derived}");
    assert_eq!(derived, entry("aino-summary").unwrap().entry_uuid, "stable");
    let mut doc: DocumentReference = serde_json::from_value(resource("aino-note")).unwrap();
    doc.status = Some("entered-in-error".into());
    let none = BTreeMap::new();
    assert_eq!(
        Entry::from_fhir(&doc, "h", &none),
        Err(Skip::EnteredInError)
    );
    doc.status = None;
    doc.content.clear();
    assert_eq!(Entry::from_fhir(&doc, "h", &none), Err(Skip::NoContent));
    doc.master_identifier = None;
    assert_eq!(Entry::from_fhir(&doc, "h", &none), Err(Skip::NoUniqueId));
}

#[test]
fn the_entry_is_an_xds_extrinsic_object() {
    let e = entry("aino-note").unwrap();
    let target = Target {
        home: "urn:oid:2.999.44",
        repository_unique_id: "2.999.44.3",
        patient_cx: "FHIR-1001^^^&2.999.44.1&ISO",
    };
    let o = ebrim::document_entry(&target, &e);
    let attr = |k: &str| {
        o.attributes
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(o.kind, "ExtrinsicObject");
    assert_eq!(attr("id"), Some(e.entry_uuid.as_str()));
    assert_eq!(attr("objectType"), Some(uuids::STABLE_DOCUMENT_ENTRY));
    assert_eq!(attr("home"), Some("urn:oid:2.999.44"));
    assert_eq!(attr("mimeType"), Some("text/plain"));
    let slot = |k: &str| {
        o.slots
            .iter()
            .find(|s| s.name == k)
            .map(|s| s.values.clone())
    };
    assert_eq!(
        slot("repositoryUniqueId"),
        Some(vec!["2.999.44.3".to_string()])
    );
    assert_eq!(
        slot("creationTime"),
        Some(vec!["20240502061500".to_string()])
    );
    assert_eq!(
        slot("sourcePatientId"),
        Some(vec!["FHIR-1001^^^&2.999.44.1&ISO".to_string()])
    );
    let ext = |scheme: &str| {
        o.external_identifiers
            .iter()
            .find(|x| {
                x.attributes
                    .iter()
                    .any(|(k, v)| k == "identificationScheme" && v == scheme)
            })
            .and_then(|x| x.attributes.iter().find(|(k, _)| k == "value"))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        ext(uuids::DOCUMENT_ENTRY_UNIQUE_ID).as_deref(),
        Some("2.999.44.2.1")
    );
    assert_eq!(
        ext(uuids::DOCUMENT_ENTRY_PATIENT_ID).as_deref(),
        Some("FHIR-1001^^^&2.999.44.1&ISO")
    );
    let schemes: Vec<&str> = o
        .classifications
        .iter()
        .filter_map(|c| {
            c.attributes
                .iter()
                .find(|(k, _)| k == "classificationScheme")
        })
        .map(|(_, v)| v.as_str())
        .collect();
    for scheme in [
        uuids::CLASS_CODE,
        uuids::TYPE_CODE,
        uuids::FORMAT_CODE,
        uuids::CONFIDENTIALITY_CODE,
    ] {
        assert!(schemes.contains(&scheme), "{scheme}");
    }
    let mut ids: Vec<&str> = o
        .classifications
        .iter()
        .chain(&o.external_identifiers)
        .filter_map(|c| c.attributes.iter().find(|(k, _)| k == "id"))
        .map(|(_, v)| v.as_str())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "nested ids are unique");
    let r = ebrim::object_ref("urn:oid:2.999.44", &e);
    assert_eq!(r.kind, "ObjectRef");
}

#[test]
fn the_fixture_documents_are_the_bytes_the_seed_serves() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/fhir/documents/"
    );
    for (file, id, inline) in [
        ("aino-note.txt", "aino-note", true),
        ("aino-summary.xml", "aino-summary-bin", false),
        ("aino-scan.pdf", "aino-scan-bin", false),
    ] {
        let r = resource(id);
        let data = if inline {
            r["content"][0]["attachment"]["data"]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            r["data"].as_str().unwrap().to_string()
        };
        let bytes = std::fs::read(format!("{dir}{file}")).unwrap();
        assert_eq!(
            crate::digest::base64_decode(&data).unwrap(),
            bytes,
            "{file}"
        );
    }
}
