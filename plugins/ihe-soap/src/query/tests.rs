use super::*;
use crate::settings::tests::ctx;
use xcgate_sdk::ihe::ebrs::{
    AdhocQueryRequest, ObjectKind, RegistryError, RegistryObject, RegistryResponse, StoredQuery,
};
use xcgate_sdk::ihe::xml;
use xcgate_sdk::xca_query::{RegistrySlot, ReturnType};

fn settings(remote: Option<&str>) -> Settings {
    Settings::read(
        |k| {
            (k == "remote_home_community_id")
                .then(|| remote.map(str::to_string))
                .flatten()
        },
        &ctx(None),
    )
    .unwrap()
}

fn request(query: StoredQuery, home: Option<&str>) -> QueryRequest {
    QueryRequest {
        query_id: query.id().into(),
        parameters: vec![RegistrySlot {
            name: "$XDSDocumentEntryPatientId".into(),
            slot_type: None,
            values: vec!["'P1^^^&2.999.1.10.1&ISO'".into()],
        }],
        return_type: ReturnType::LeafClass,
        home_community_id: home.map(str::to_string),
        extensions: vec![],
    }
}

fn sent(xml_text: &str) -> AdhocQueryRequest {
    AdhocQueryRequest::parse(&xml::parse(xml_text.as_bytes()).unwrap()).unwrap()
}

#[test]
fn home_is_the_responders_own_and_only_where_it_belongs() {
    let s = settings(None);
    let q = sent(&super::request(
        &s,
        &request(StoredQuery::FindDocuments, None),
    ));
    assert_eq!(q.home(), None, "a patient query needs no home");
    assert_eq!(q.query.slots.len(), 1);
    let q = sent(&super::request(
        &s,
        &request(StoredQuery::GetDocuments, None),
    ));
    assert_eq!(
        q.home(),
        Some("urn:oid:2.999.1.10"),
        "an id query needs one"
    );
    let s = settings(Some("2.999.77"));
    let q = sent(&super::request(
        &s,
        &request(StoredQuery::GetDocuments, Some("urn:oid:2.999.1.10")),
    ));
    assert_eq!(q.home(), Some("urn:oid:2.999.77"), "the responder's id");
}

fn object(kind: ObjectKind, id: &str) -> RegistryObject {
    let mut o = RegistryObject::new(kind);
    o.set_attr("id", id);
    o.set_attr("home", "urn:oid:2.999.1.10");
    o
}

fn response(status: ResponseStatus, objects: usize, errors: &[(&str, Severity)]) -> Element {
    let mut r = AdhocQueryResponse::new(status);
    r.registry = RegistryResponse::new(
        status,
        errors
            .iter()
            .map(|(code, sev)| RegistryError::new(*sev, code, "context", None))
            .collect(),
    );
    r.objects = (0..objects)
        .map(|i| object(ObjectKind::ExtrinsicObject, &format!("urn:uuid:e{i}")))
        .collect();
    xml::parse(r.build().as_bytes()).unwrap()
}

#[test]
fn success_and_partial_success_give_objects_and_errors() {
    let o = answer(&response(ResponseStatus::Success, 2, &[])).unwrap();
    assert_eq!(
        (o.response.objects.len(), o.response.errors.len(), o.dropped),
        (2, 0, 0)
    );
    let o = answer(&response(
        ResponseStatus::PartialSuccess,
        1,
        &[("XDSRegistryBusy", Severity::Error)],
    ))
    .unwrap();
    assert_eq!(o.response.objects.len(), 1);
    assert_eq!(o.response.errors[0].error_code, "XDSRegistryBusy");
    assert_eq!(o.response.errors[0].location, None);
    let none = answer(&response(ResponseStatus::Success, 0, &[])).unwrap();
    assert!(none.response.objects.is_empty() && none.response.errors.is_empty());
}

#[test]
fn failure_gives_its_errors_only_and_must_name_one() {
    let o = answer(&response(
        ResponseStatus::Failure,
        3,
        &[("XDSUnknownPatientId", Severity::Error)],
    ))
    .unwrap();
    assert!(o.response.objects.is_empty());
    assert_eq!(o.dropped, 3);
    assert_eq!(o.response.errors.len(), 1);
    for errors in [&[][..], &[("XDSRegistryError", Severity::Warning)][..]] {
        assert!(matches!(
            answer(&response(ResponseStatus::Failure, 0, errors)),
            Err(AdapterError::BadResponse(_))
        ));
    }
}

#[test]
fn other_messages_are_refused() {
    let e = xml::parse(
        br#"<x:AdhocQueryRequest xmlns:x="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/>"#,
    )
    .unwrap();
    assert!(
        matches!(answer(&e), Err(AdapterError::BadResponse(m)) if m.contains("AdhocQueryResponse"))
    );
}
