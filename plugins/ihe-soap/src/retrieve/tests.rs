use super::*;
use crate::answer;
use crate::settings::tests::ctx;
use xcgate_sdk::ihe::ebrs::{RegistryError as EbError, RegistryResponse, Severity};
use xcgate_sdk::ihe::mtom::{MtomBuilder, cid_href};
use xcgate_sdk::ihe::retrieve::DocumentResponse;
use xcgate_sdk::ihe::soap::build_envelope;
use xcgate_sdk::ihe::xml;

fn settings() -> Settings {
    Settings::read(|_| None, &ctx(None)).unwrap()
}

#[test]
fn every_request_names_the_responding_community() {
    let xml_text = request(
        &settings(),
        &[DocumentRequest {
            home_community_id: None,
            repository_unique_id: " 2.999.1.10.3 ".into(),
            document_unique_id: "2.999.1.10.2.1".into(),
        }],
    );
    let r = RetrieveDocumentSetRequest::parse(&xml::parse(xml_text.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        r.documents[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.1.10")
    );
    assert_eq!(r.documents[0].repository_unique_id, "2.999.1.10.3");
}

fn document(id: &str, content: DocumentContent) -> DocumentResponse {
    DocumentResponse {
        home_community_id: Some("urn:oid:2.999.1.10".into()),
        repository_unique_id: "2.999.1.10.3".into(),
        document_unique_id: id.into(),
        new_repository_unique_id: None,
        new_document_unique_id: None,
        mime_type: "text/plain".into(),
        document: content,
        extensions: vec![],
    }
}

fn response(status: ResponseStatus, docs: Vec<DocumentResponse>, errors: &[&str]) -> String {
    let mut r = RetrieveDocumentSetResponse::new(status);
    r.registry = RegistryResponse::new(
        status,
        errors
            .iter()
            .map(|loc| EbError::new(Severity::Error, "XDSDocumentUniqueIdError", "c", Some(loc)))
            .collect(),
    );
    r.documents = docs;
    build_envelope("", &r.build())
}

fn read(
    status: ResponseStatus,
    docs: Vec<DocumentResponse>,
    errors: &[&str],
) -> Result<Outcome, AdapterError> {
    let body = response(status, docs, errors).into_bytes();
    answer(&answer::read(200, None, body, "ITI-39 retrieve")?)
}

#[test]
fn inline_documents_and_errors_come_back_as_sent() {
    let o = read(
        ResponseStatus::PartialSuccess,
        vec![document(
            "d1",
            DocumentContent::Inline(b"\x00bytes\xff".to_vec()),
        )],
        &["d2"],
    )
    .unwrap();
    let d = &o.response.documents[0];
    assert_eq!(d.content, b"\x00bytes\xff");
    assert_eq!(
        (d.document_unique_id.as_str(), d.mime_type.as_str()),
        ("d1", "text/plain")
    );
    assert_eq!(o.response.errors[0].location.as_deref(), Some("d2"));
}

#[test]
fn mtom_attachments_are_returned_byte_exact() {
    let pdf: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let payload = response(
        ResponseStatus::Success,
        vec![document(
            "d1",
            DocumentContent::XopInclude {
                href: cid_href("doc 1@x"),
            },
        )],
        &[],
    );
    let (ct, chunks) = MtomBuilder::new("m", payload)
        .attachment("doc 1@x", "application/pdf", pdf.clone().into())
        .build()
        .unwrap();
    let body: Vec<u8> = chunks.iter().flat_map(|c| c.to_vec()).collect();
    let a = answer::read(200, Some(&ct), body, "t").unwrap();
    let o = answer(&a).unwrap();
    assert_eq!(o.response.documents[0].content, pdf);
}

#[test]
fn an_unusable_document_costs_only_itself() {
    let o = read(
        ResponseStatus::Success,
        vec![
            document(
                "d1",
                DocumentContent::XopInclude {
                    href: "cid:x".into(),
                },
            ),
            document("d2", DocumentContent::Inline(b"ok".to_vec())),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(o.response.documents.len(), 1);
    assert_eq!(o.response.documents[0].document_unique_id, "d2");
    let e = &o.response.errors[0];
    assert_eq!(
        (e.error_code.as_str(), e.location.as_deref()),
        ("XDSRepositoryError", Some("d1"))
    );
    assert!(e.code_context.contains("MTOM"), "{}", e.code_context);
    // Document text that is not base64 [host/ihe/README.md, "What real peers send"].
    let body = response(
        ResponseStatus::Success,
        vec![document("d3", DocumentContent::Inline(b"ok".to_vec()))],
        &[],
    )
    .replace("b2s=", "Metriport Rocks!");
    let o = answer(&answer::read(200, None, body.into_bytes(), "t").unwrap()).unwrap();
    assert!(o.response.documents.is_empty());
    assert_eq!(o.response.errors[0].location.as_deref(), Some("d3"));
}

#[test]
fn failure_gives_its_errors_only_and_must_name_one() {
    let o = read(
        ResponseStatus::Failure,
        vec![document("d1", DocumentContent::Inline(b"x".to_vec()))],
        &["d1"],
    )
    .unwrap();
    assert!(o.response.documents.is_empty());
    assert_eq!((o.dropped, o.response.errors.len()), (1, 1));
    assert!(matches!(
        read(ResponseStatus::Failure, vec![], &[]),
        Err(AdapterError::BadResponse(_))
    ));
}
