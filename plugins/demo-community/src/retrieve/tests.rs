use super::*;
use crate::catalog::fixtures::{AINO, APPROVED, HOME, REPOSITORY, catalog, request};
use xcgate_sdk::Severity;
use xcgate_sdk::ihe::ebrs::ids::uuids;
use xcgate_sdk::xca_query::ReturnType;
use xcgate_sdk::xds::digest::{hex, sha1};

fn doc_request(home: Option<&str>, repository: &str, unique_id: &str) -> DocumentRequest {
    DocumentRequest {
        home_community_id: home.map(str::to_string),
        repository_unique_id: repository.into(),
        document_unique_id: unique_id.into(),
    }
}

fn slot(o: &xcgate_sdk::xca_query::RegistryObject, name: &str) -> String {
    o.slots
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.values.first())
        .cloned()
        .unwrap_or_default()
}

#[test]
fn retrieved_bytes_have_the_size_and_hash_the_query_returned() {
    let c = catalog();
    let found = crate::query::find(
        &c,
        &request(
            "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
            &[
                ("$XDSDocumentEntryPatientId", AINO),
                ("$XDSDocumentEntryStatus", APPROVED),
            ],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(found.objects.len(), 2);
    for entry in &found.objects {
        let unique_id = entry
            .external_identifiers
            .iter()
            .find(|e| {
                e.attributes.iter().any(|(k, v)| {
                    k == "identificationScheme" && v == uuids::DOCUMENT_ENTRY_UNIQUE_ID
                })
            })
            .and_then(|e| e.attributes.iter().find(|(k, _)| k == "value"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let r = retrieve(
            &c,
            &[doc_request(
                Some(HOME),
                &slot(entry, "repositoryUniqueId"),
                &unique_id,
            )],
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let d = &r.documents[0];
        assert_eq!(d.content.len().to_string(), slot(entry, "size"));
        assert_eq!(hex(&sha1(&d.content)), slot(entry, "hash"));
        assert_eq!(d.home_community_id.as_deref(), Some(HOME));
        assert_eq!(d.repository_unique_id, REPOSITORY);
        assert_eq!(d.document_unique_id, unique_id);
        let mime = entry
            .attributes
            .iter()
            .find(|(k, _)| k == "mimeType")
            .map(|(_, v)| v.as_str());
        assert_eq!(Some(d.mime_type.as_str()), mime);
    }
    // Byte-for-byte the same at every call.
    let again = retrieve(
        &catalog(),
        &[doc_request(None, REPOSITORY, "2.999.1.10.2.1")],
    );
    assert_eq!(again.documents[0].content, c.documents[0].content);
    assert_eq!(
        again.documents[0].home_community_id, None,
        "absent stays absent"
    );
}

#[test]
fn plain_text_is_returned_as_its_bytes() {
    let r = retrieve(
        &catalog(),
        &[doc_request(Some(HOME), REPOSITORY, "2.999.1.10.2.2")],
    );
    assert_eq!(r.documents[0].mime_type, "text/plain");
    assert_eq!(r.documents[0].content, b"Hb 134 g/l\nCRP < 3 mg/l\n");
}

#[test]
fn unknown_documents_and_repositories_are_errors_located_at_the_document() {
    let r = retrieve(
        &catalog(),
        &[
            doc_request(Some(HOME), REPOSITORY, "2.999.1.10.2.1"),
            doc_request(Some(HOME), REPOSITORY, "2.999.1.10.2.99"),
            doc_request(Some(HOME), "2.999.1.20.3", "2.999.1.10.2.3"),
            doc_request(Some("urn:oid:2.999.1.20"), REPOSITORY, "2.999.1.10.2.3"),
        ],
    );
    assert_eq!(r.documents.len(), 1, "the known document is still returned");
    let codes: Vec<(&str, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.error_code.as_str(), e.location.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [
            ("XDSDocumentUniqueIdError", Some("2.999.1.10.2.99")),
            ("XDSUnknownRepositoryId", Some("2.999.1.10.2.3")),
            ("XDSUnknownCommunity", Some("2.999.1.10.2.3")),
        ]
    );
    assert!(r.errors.iter().all(|e| e.severity == Severity::Error));
}

#[test]
fn a_bare_oid_home_community_id_is_the_same_community() {
    let r = retrieve(
        &catalog(),
        &[doc_request(
            Some("2.999.1.10"),
            REPOSITORY,
            "2.999.1.10.2.1",
        )],
    );
    assert!(r.errors.is_empty());
    assert_eq!(
        r.documents[0].home_community_id.as_deref(),
        Some("2.999.1.10")
    );
}
