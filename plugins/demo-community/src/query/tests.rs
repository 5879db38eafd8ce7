use super::*;
use crate::catalog::fixtures::{AINO, APPROVED, HOME, JIMMY, catalog, request};
use xcgate_sdk::ihe::ebrs::ids::StoredQuery;

pub(super) const FIND_DOCUMENTS: &str = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
pub(super) const GET_DOCUMENTS: &str = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
pub(super) const FIND_SUBMISSION_SETS: &str = "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9";
pub(super) const GET_ALL: &str = "urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3";
pub(super) const GET_ASSOCIATIONS: &str = "urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155";

pub(super) fn attr<'a>(o: &'a RegistryObject, name: &str) -> Option<&'a str> {
    o.attributes
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(super) fn slot<'a>(o: &'a RegistryObject, name: &str) -> Option<&'a str> {
    o.slots
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.values.first())
        .map(String::as_str)
}

/// The uniqueIds of the DocumentEntries in a response, in order.
pub(super) fn unique_ids(r: &QueryResponse) -> Vec<String> {
    r.objects
        .iter()
        .filter(|o| o.kind == "ExtrinsicObject")
        .filter_map(|o| {
            o.external_identifiers
                .iter()
                .find(|e| {
                    e.attributes.iter().any(|(k, v)| {
                        k == "identificationScheme" && v == uuids::DOCUMENT_ENTRY_UNIQUE_ID
                    })
                })
                .and_then(|e| e.attributes.iter().find(|(k, _)| k == "value"))
                .map(|(_, v)| v.clone())
        })
        .collect()
}

pub(super) fn kinds(r: &QueryResponse) -> Vec<&str> {
    r.objects.iter().map(|o| o.kind.as_str()).collect()
}

fn find(params: &[(&str, &str)]) -> QueryResponse {
    super::find(
        &catalog(),
        &request(FIND_DOCUMENTS, params, ReturnType::LeafClass),
    )
}

pub(super) fn only_error(r: &QueryResponse) -> &RegistryError {
    assert!(r.objects.is_empty(), "a failed query returns no objects");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    &r.errors[0]
}

#[test]
fn the_query_ids_are_those_of_the_message_crate() {
    assert_eq!(StoredQuery::FindDocuments.id(), FIND_DOCUMENTS);
    assert_eq!(StoredQuery::GetDocuments.id(), GET_DOCUMENTS);
    assert_eq!(StoredQuery::FindSubmissionSets.id(), FIND_SUBMISSION_SETS);
    assert_eq!(StoredQuery::GetAll.id(), GET_ALL);
    assert_eq!(StoredQuery::GetAssociations.id(), GET_ASSOCIATIONS);
}

#[test]
fn find_documents_returns_the_patients_documents_and_no_others() {
    let aino = find(&[
        ("$XDSDocumentEntryPatientId", AINO),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    assert!(aino.errors.is_empty(), "{:?}", aino.errors);
    assert_eq!(unique_ids(&aino), ["2.999.1.10.2.1", "2.999.1.10.2.2"]);
    let jimmy = find(&[
        ("$XDSDocumentEntryPatientId", JIMMY),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    assert_eq!(unique_ids(&jimmy), ["2.999.1.10.2.3"]);
    let other_root = find(&[
        (
            "$XDSDocumentEntryPatientId",
            "'PIR-1001^^^&2.999.1.20.1&ISO'",
        ),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    assert!(other_root.objects.is_empty() && other_root.errors.is_empty());
}

#[test]
fn a_document_entry_is_complete() {
    let r = find(&[
        ("$XDSDocumentEntryPatientId", AINO),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    let e = &r.objects[0];
    assert_eq!(attr(e, "home"), Some(HOME));
    assert_eq!(attr(e, "objectType"), Some(uuids::STABLE_DOCUMENT_ENTRY));
    assert_eq!(attr(e, "status"), Some(STATUS_APPROVED));
    assert_eq!(attr(e, "mimeType"), Some("text/xml"));
    assert_eq!(attr(e, "id"), attr(e, "lid"));
    assert!(attr(e, "id").is_some_and(|id| id.starts_with("urn:uuid:")));
    // 10:30 at +0200 is 08:30 UTC [ITI TF-3 4.2.3.2.6].
    assert_eq!(slot(e, "creationTime"), Some("20240312083000"));
    assert_eq!(slot(e, "repositoryUniqueId"), Some("2.999.1.10.3"));
    assert_eq!(slot(e, "languageCode"), Some("fi-FI"));
    assert_eq!(
        slot(e, "sourcePatientId"),
        Some("PIR-1001^^^&2.999.1.10.1&ISO")
    );
    assert_eq!(slot(e, "serviceStartTime"), Some("20240308"));
    assert!(slot(e, "hash").is_some_and(|h| h.len() == 40));
    let schemes: Vec<&str> = e
        .classifications
        .iter()
        .filter_map(|c| {
            c.attributes
                .iter()
                .find(|(k, _)| k == "classificationScheme")
        })
        .map(|(_, v)| v.as_str())
        .collect();
    for s in [
        uuids::CLASS_CODE,
        uuids::TYPE_CODE,
        uuids::FORMAT_CODE,
        uuids::CONFIDENTIALITY_CODE,
        uuids::HEALTHCARE_FACILITY_TYPE_CODE,
        uuids::PRACTICE_SETTING_CODE,
        crate::vocab::DOCUMENT_ENTRY_AUTHOR,
    ] {
        assert!(schemes.contains(&s), "classification {s} is missing");
    }
    assert_eq!(e.external_identifiers.len(), 2);
    assert!(e.external_identifiers.iter().all(|x| x.name.is_some()));
    assert_eq!(
        e.name.as_ref().map(|n| n[0].value.as_str()),
        Some("Discharge summary")
    );
    // The same query gives the same ids: nothing is random.
    assert_eq!(
        r,
        find(&[
            ("$XDSDocumentEntryPatientId", AINO),
            ("$XDSDocumentEntryStatus", APPROVED),
        ])
    );
}

#[test]
fn status_class_and_time_filters_select_documents() {
    let base = [
        ("$XDSDocumentEntryPatientId", AINO),
        ("$XDSDocumentEntryStatus", APPROVED),
    ];
    let with = |extra: &[(&str, &str)]| {
        let mut p = base.to_vec();
        p.extend_from_slice(extra);
        unique_ids(&find(&p))
    };
    let deprecated = find(&[
        ("$XDSDocumentEntryPatientId", AINO),
        (
            "$XDSDocumentEntryStatus",
            "('urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated')",
        ),
    ]);
    assert!(deprecated.objects.is_empty() && deprecated.errors.is_empty());
    assert_eq!(
        with(&[(
            "$XDSDocumentEntryClassCode",
            "('11502-2^^2.16.840.1.113883.6.1')"
        )]),
        ["2.999.1.10.2.2"]
    );
    assert!(
        with(&[(
            "$XDSDocumentEntryClassCode",
            "('11502-2^^2.16.840.1.113883.6.96')"
        )])
        .is_empty()
    );
    assert_eq!(
        with(&[(
            "$XDSDocumentEntryClassCode",
            "('11502-2^^2.16.840.1.113883.6.1','18842-5^^2.16.840.1.113883.6.1')"
        )])
        .len(),
        2
    );
    assert_eq!(
        with(&[(
            "$XDSDocumentEntryFormatCode",
            "('urn:ihe:pcc:xds-ms:2007^^1.3.6.1.4.1.19376.1.2.3')"
        )]),
        ["2.999.1.10.2.1"]
    );
    assert_eq!(
        with(&[(
            "$XDSDocumentEntryConfidentialityCode",
            "('R^^2.16.840.1.113883.5.25')"
        )]),
        ["2.999.1.10.2.2"]
    );
    // Created 2024-03-12 08:30 UTC and 2024-03-10 06:15 UTC; From inclusive, To exclusive.
    assert_eq!(
        with(&[("$XDSDocumentEntryCreationTimeFrom", "20240311")]),
        ["2.999.1.10.2.1"]
    );
    assert_eq!(
        with(&[("$XDSDocumentEntryCreationTimeTo", "20240312083000")]),
        ["2.999.1.10.2.2"]
    );
    assert_eq!(
        with(&[
            ("$XDSDocumentEntryCreationTimeFrom", "202403"),
            ("$XDSDocumentEntryCreationTimeTo", "202404"),
        ])
        .len(),
        2
    );
    assert_eq!(
        with(&[("$XDSDocumentEntryServiceStartTimeFrom", "2024")]),
        ["2.999.1.10.2.1"],
        "a document without a service time does not match a bound on it"
    );
    assert_eq!(
        with(&[("$XDSDocumentEntryAuthorPerson", "('%Lääkäri%')")]),
        ["2.999.1.10.2.1"]
    );
    assert!(
        with(&[(
            "$XDSDocumentEntryType",
            "('urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248')"
        )])
        .is_empty()
    );
}

#[test]
fn a_missing_status_is_a_missing_parameter() {
    let r = find(&[("$XDSDocumentEntryPatientId", AINO)]);
    let e = only_error(&r);
    assert_eq!(e.error_code, "XDSStoredQueryMissingParam");
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.location.as_deref(), Some(HOME));
    assert!(e.code_context.contains("$XDSDocumentEntryStatus"));
    let r = find(&[("$XDSDocumentEntryStatus", APPROVED)]);
    assert_eq!(only_error(&r).error_code, "XDSStoredQueryMissingParam");
}

#[test]
fn two_patient_ids_or_a_malformed_filter_are_refused() {
    let r = find(&[
        ("$XDSDocumentEntryPatientId", &format!("({AINO},{JIMMY})")),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    assert_eq!(only_error(&r).error_code, "XDSStoredQueryParamNumber");
    let r = find(&[
        ("$XDSDocumentEntryPatientId", AINO),
        ("$XDSDocumentEntryStatus", APPROVED),
        (
            "$XDSDocumentEntryClassCode",
            "('11502-2^^2.16.840.1.113883.6.1'",
        ),
    ]);
    assert_eq!(only_error(&r).error_code, "XDSRegistryError");
    // A patient id that is not even a quoted string names no known patient: Success, empty
    // (the IPF sample's injection attempt, shared corpus iti18-request-ipf.xml).
    let r = find(&[
        (
            "$XDSDocumentEntryPatientId",
            "'PIR-1001^^^&2.999.1.10.1&ISO''%20or%201=1--",
        ),
        ("$XDSDocumentEntryStatus", APPROVED),
    ]);
    assert!(
        r.objects.is_empty() && r.errors.is_empty(),
        "{:?}",
        r.errors
    );
}

#[test]
fn an_unknown_query_id_is_an_unknown_stored_query() {
    let r = super::find(
        &catalog(),
        &request(
            "urn:uuid:00000000-0000-0000-0000-000000000000",
            &[],
            ReturnType::LeafClass,
        ),
    );
    let e = only_error(&r);
    assert_eq!(e.error_code, "XDSUnknownStoredQuery");
    assert_eq!(e.location.as_deref(), Some(HOME));
}

/// The queries about submission sets, associations and ids.
mod related;
