use super::*;

fn complete() -> DocumentEntry {
    let code = |c: &str| Code::new(c, "2.999.9", format!("display of {c}"));
    DocumentEntry::new()
        .unique_id("2.999.1.2.3")
        .patient_id("P1^^^&2.999.1&ISO")
        .home("urn:oid:2.999.1")
        .repository_unique_id("2.999.1.1")
        .content(b"abc")
        .mime_type("text/plain")
        .creation_time("20240105093000")
        .language_code("en-US")
        .title("A note")
        .class_code(code("class"))
        .type_code(code("type"))
        .format_code(code("format"))
        .confidentiality_code(code("N"))
        .healthcare_facility_type_code(code("hcft"))
        .practice_setting_code(code("practice"))
}

fn scheme_of(n: &NestedObject) -> &str {
    n.attributes
        .iter()
        .find(|(k, _)| k == "classificationScheme" || k == "identificationScheme")
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn a_complete_entry_has_every_required_slot_code_and_identifier() {
    let e = complete().build().unwrap();
    assert_eq!(
        e.attribute("objectType"),
        Some(uuids::STABLE_DOCUMENT_ENTRY)
    );
    assert_eq!(e.attribute("home"), Some("urn:oid:2.999.1"));
    assert_eq!(e.attribute("id"), e.attribute("lid"));
    assert_eq!(
        e.slot("hash").unwrap(),
        ["a9993e364706816aba3e25717850c26c9cd0d89d"]
    );
    assert_eq!(e.slot("size").unwrap(), ["3"]);
    assert_eq!(e.slot("sourcePatientId").unwrap(), ["P1^^^&2.999.1&ISO"]);
    let schemes: Vec<&str> = e.classifications.iter().map(scheme_of).collect();
    for s in [
        uuids::CLASS_CODE,
        uuids::TYPE_CODE,
        uuids::FORMAT_CODE,
        uuids::CONFIDENTIALITY_CODE,
        uuids::HEALTHCARE_FACILITY_TYPE_CODE,
        uuids::PRACTICE_SETTING_CODE,
    ] {
        assert!(schemes.contains(&s), "{s} missing");
    }
    let ids: Vec<&str> = e.external_identifiers.iter().map(scheme_of).collect();
    assert_eq!(
        ids,
        [
            uuids::DOCUMENT_ENTRY_PATIENT_ID,
            uuids::DOCUMENT_ENTRY_UNIQUE_ID
        ]
    );
    assert_eq!(e.name.unwrap()[0].lang.as_deref(), Some("en-US"));
}

#[test]
fn the_same_document_gets_the_same_ids_every_time() {
    assert_eq!(complete().build().unwrap(), complete().build().unwrap());
    let other = complete().unique_id("2.999.1.2.4").build().unwrap();
    assert_ne!(
        other.attribute("id"),
        complete().build().unwrap().attribute("id")
    );
}

#[test]
fn a_missing_field_is_named() {
    let e = DocumentEntry::new()
        .unique_id("2.999.1")
        .build()
        .unwrap_err();
    for field in [
        "patientId",
        "homeCommunityId",
        "classCode",
        "confidentialityCode",
        "size",
        "hash",
        "creationTime",
    ] {
        assert!(e.missing.contains(&field), "{field}: {e}");
    }
    assert!(!e.missing.contains(&"uniqueId"));
    assert!(e.to_string().contains("ITI TF-3 Table 4.2.3.2-1"), "{e}");
}

#[test]
fn malformed_times_hashes_and_home_are_named() {
    let e = complete()
        .creation_time("2024-01-05")
        .hash("xyz")
        .home("2.999.1")
        .build()
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("creationTime `2024-01-05`"), "{text}");
    assert!(text.contains("hash `xyz`"), "{text}");
    assert!(text.contains("urn:oid:"), "{text}");
}

#[test]
fn the_object_ref_form_carries_the_same_id() {
    let full = complete().build().unwrap();
    let r = complete().object_ref().unwrap();
    assert_eq!(r.kind, "ObjectRef");
    assert_eq!(r.attribute("id"), full.attribute("id"));
}

#[test]
fn urns_parse_back_to_their_uuid() {
    let u = NAMESPACE_OID.v5("x");
    assert_eq!(digest::parse_urn(&u.urn()), Some(u));
    assert_eq!(digest::parse_urn("urn:oid:1.2"), None);
}
