use super::*;
use xcgate_sdk::xca_query::RegistrySlot;

fn params(pairs: &[(&str, &str)]) -> Params {
    let slots: Vec<RegistrySlot> = pairs
        .iter()
        .map(|(n, v)| RegistrySlot {
            name: n.to_string(),
            slot_type: None,
            values: vec![v.to_string()],
        })
        .collect();
    Params::parse_strict(&slots).unwrap()
}

fn code(code: &str, scheme: &str) -> Code {
    Code {
        code: code.into(),
        scheme: scheme.into(),
        display: code.into(),
    }
}

fn entry() -> Entry {
    Entry {
        resource_id: "d".into(),
        entry_uuid: "urn:uuid:x".into(),
        unique_id: "2.999.1".into(),
        status: APPROVED,
        mime_type: "text/plain".into(),
        title: None,
        comments: None,
        language: None,
        creation_time: Some("20240502061500".into()),
        service_start: None,
        service_stop: None,
        hash: None,
        size: None,
        class_code: Some(code("57133-1", "2.16.840.1.113883.6.1")),
        type_code: Some(code("57133-1", "2.16.840.1.113883.6.1")),
        format_code: None,
        facility_type: None,
        practice_setting: None,
        confidentiality: vec![code("N", "2.16.840.1.113883.5.25")],
        event_codes: vec![],
        subject: None,
    }
}

fn matches(pairs: &[(&str, &str)]) -> bool {
    let p = params(pairs);
    let statuses = vec![APPROVED.to_string()];
    EntryFilter::new(&p, &statuses, true)
        .unwrap()
        .matches(&entry())
}

#[test]
fn xds_statuses_become_fhir_statuses() {
    assert_eq!(
        fhir_statuses(&[APPROVED.into(), DEPRECATED.into()]).as_deref(),
        Some("current,superseded")
    );
    assert_eq!(fhir_statuses(&["urn:x:Submitted".into()]), None);
}

#[test]
fn codes_and_times_filter_the_entries() {
    assert!(matches(&[]));
    assert!(matches(&[(
        "$XDSDocumentEntryClassCode",
        "('57133-1^^2.16.840.1.113883.6.1')"
    )]));
    assert!(matches(&[(
        "$XDSDocumentEntryTypeCode",
        "('x^^y', '57133-1')"
    )]));
    assert!(!matches(&[(
        "$XDSDocumentEntryClassCode",
        "('57133-1^^2.999')"
    )]));
    assert!(matches(&[(
        "$XDSDocumentEntryConfidentialityCode",
        "('N^^2.16.840.1.113883.5.25')"
    )]));
    assert!(!matches(&[("$XDSDocumentEntryFormatCode", "('f^^s')")]));
    assert!(matches(&[("$XDSDocumentEntryCreationTimeFrom", "'2024'")]));
    assert!(!matches(&[(
        "$XDSDocumentEntryCreationTimeTo",
        "'20240502061500'"
    )]));
    assert!(!matches(&[(
        "$XDSDocumentEntryServiceStartTimeFrom",
        "'2024'"
    )]));
    assert!(!matches(&[("$XDSDocumentEntryAuthorPerson", "('%')")]));
    assert!(!matches(&[(
        "$XDSDocumentEntryType",
        "('urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248')"
    )]));
}

#[test]
fn ranges_are_from_inclusive_to_exclusive() {
    let v = Some("20240312083000");
    assert!(in_range(v, Some("20240312083000"), Some("20240313")));
    assert!(!in_range(v, None, Some("2024")));
    assert!(!in_range(None, Some("2024"), None));
    assert!(!in_range(v, Some("garbage"), None));
}
