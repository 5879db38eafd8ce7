//! Aggregation cases, table-driven [ITI TF-2 3.38.4.1.3, 3.43.5].

use super::*;
use crate::call::CallFailure;
use crate::plugin::{Retrieved, RetrievedDocument};
use crate::xca::aggregate_retrieve;
use std::collections::HashMap;
use std::time::Duration;
use xcgate_ihe::retrieve::DocumentRequest;

#[derive(Debug)]
struct Community(&'static str, String);

impl Target for Community {
    fn name(&self) -> &str {
        self.0
    }
    fn timeout(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn home_community_id(&self) -> &str {
        &self.1
    }
}

fn community(n: u32) -> Arc<Community> {
    let name = ["a", "b", "c"][n as usize];
    Arc::new(Community(name, format!("urn:oid:2.999.{n}")))
}

fn document(n: u32, with_home: bool) -> RegistryObject {
    let mut o = RegistryObject::new(ObjectKind::ExtrinsicObject);
    o.set_attr(
        "id",
        format!("urn:uuid:00000000-0000-0000-0000-00000000000{n}"),
    );
    if with_home {
        o.set_attr("home", format!("urn:oid:2.999.{n}"));
    }
    o
}

fn found(
    n: u32,
    objects: Vec<RegistryObject>,
    errors: Vec<RegistryError>,
) -> Outcome<Community, FoundObjects> {
    Outcome {
        community: community(n),
        result: Ok(FoundObjects { objects, errors }),
        elapsed: Duration::ZERO,
    }
}

fn failed(n: u32, f: CallFailure) -> Outcome<Community, FoundObjects> {
    Outcome {
        community: community(n),
        result: Err(f),
        elapsed: Duration::ZERO,
    }
}

fn codes(r: &AdhocQueryResponse) -> Vec<(String, Option<String>)> {
    r.registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.location.clone()))
        .collect()
}

#[test]
fn query_aggregation_cases() {
    let unknown_patient = RegistryError::new(
        Severity::Error,
        error_codes::UNKNOWN_PATIENT_ID,
        "who?",
        None,
    );
    struct Case {
        name: &'static str,
        outcomes: Vec<Outcome<Community, FoundObjects>>,
        status: ResponseStatus,
        objects: usize,
        errors: Vec<(&'static str, Option<&'static str>)>,
    }
    let cases = vec![
        Case {
            name: "all succeed",
            outcomes: vec![
                found(0, vec![document(0, true)], vec![]),
                found(1, vec![document(1, true)], vec![]),
                found(2, vec![], vec![]),
            ],
            status: ResponseStatus::Success,
            objects: 2,
            errors: vec![],
        },
        Case {
            name: "one fails",
            outcomes: vec![
                found(0, vec![document(0, true)], vec![]),
                failed(1, CallFailure::Trap("boom".into())),
            ],
            status: ResponseStatus::PartialSuccess,
            objects: 1,
            errors: vec![(error_codes::REGISTRY_ERROR, Some("urn:oid:2.999.1"))],
        },
        Case {
            name: "one times out",
            outcomes: vec![
                found(0, vec![document(0, true)], vec![]),
                failed(1, CallFailure::Timeout(Duration::from_secs(1))),
            ],
            status: ResponseStatus::PartialSuccess,
            objects: 1,
            errors: vec![(error_codes::UNAVAILABLE_COMMUNITY, Some("urn:oid:2.999.1"))],
        },
        Case {
            name: "one returns no home",
            outcomes: vec![
                found(0, vec![document(0, true)], vec![]),
                found(1, vec![document(1, false)], vec![]),
            ],
            status: ResponseStatus::PartialSuccess,
            objects: 1,
            errors: vec![(
                error_codes::MISSING_HOME_COMMUNITY_ID,
                Some("urn:oid:2.999.1"),
            )],
        },
        Case {
            name: "one returns XDSUnknownPatientId, which is dropped",
            outcomes: vec![
                found(0, vec![document(0, true)], vec![]),
                found(1, vec![], vec![unknown_patient]),
            ],
            status: ResponseStatus::Success,
            objects: 1,
            errors: vec![],
        },
        Case {
            name: "all fail",
            outcomes: vec![
                failed(0, CallFailure::Timeout(Duration::from_secs(1))),
                failed(1, CallFailure::MemoryLimit(1)),
            ],
            status: ResponseStatus::Failure,
            objects: 0,
            errors: vec![
                (error_codes::UNAVAILABLE_COMMUNITY, Some("urn:oid:2.999.0")),
                (error_codes::REGISTRY_ERROR, Some("urn:oid:2.999.1")),
            ],
        },
        Case {
            name: "a community error without location gets the community",
            outcomes: vec![found(
                0,
                vec![],
                vec![RegistryError::new(
                    Severity::Error,
                    error_codes::STORED_QUERY_MISSING_PARAM,
                    "x",
                    None,
                )],
            )],
            status: ResponseStatus::Failure,
            objects: 0,
            errors: vec![(
                error_codes::STORED_QUERY_MISSING_PARAM,
                Some("urn:oid:2.999.0"),
            )],
        },
    ];
    for case in cases {
        let r = aggregate_query(&case.outcomes, ReturnType::LeafClass);
        assert_eq!(r.status(), case.status, "{}", case.name);
        assert_eq!(r.objects.len(), case.objects, "{}", case.name);
        let expected: Vec<(String, Option<String>)> = case
            .errors
            .iter()
            .map(|(c, l)| (c.to_string(), l.map(str::to_string)))
            .collect();
        assert_eq!(codes(&r), expected, "{}", case.name);
    }
}

#[test]
fn object_ref_answers_hold_only_references_with_home() {
    let mut doc = document(0, true);
    doc.set_attr("mimeType", "text/xml");
    let r = aggregate_query(&[found(0, vec![doc], vec![])], ReturnType::ObjectRef);
    assert_eq!(r.objects.len(), 1);
    assert_eq!(r.objects[0].kind, ObjectKind::ObjectRef);
    assert_eq!(r.objects[0].home(), Some("urn:oid:2.999.0"));
    assert_eq!(r.objects[0].attr("mimeType"), None);
}

fn request(n: u32, doc: &str) -> DocumentRequest {
    DocumentRequest {
        home_community_id: Some(format!("urn:oid:2.999.{n}")),
        repository_unique_id: format!("2.999.{n}.3"),
        document_unique_id: doc.to_string(),
    }
}

fn retrieved(r: &DocumentRequest) -> RetrievedDocument {
    RetrievedDocument {
        home_community_id: None,
        repository_unique_id: r.repository_unique_id.clone(),
        document_unique_id: r.document_unique_id.clone(),
        new_repository_unique_id: None,
        new_document_unique_id: None,
        mime_type: "text/xml".into(),
        content: bytes::Bytes::from(format!("<doc id=\"{}\"/>", r.document_unique_id)),
    }
}

#[test]
fn retrieve_across_three_communities_with_one_missing_document() {
    let asked: HashMap<String, Vec<DocumentRequest>> = (0..3)
        .map(|n| {
            (
                format!("urn:oid:2.999.{n}"),
                vec![request(n, &format!("2.999.{n}.2.1"))],
            )
        })
        .collect();
    let missing = RegistryError::new(
        Severity::Error,
        error_codes::DOCUMENT_UNIQUE_ID_ERROR,
        "unknown document",
        Some("2.999.2.2.1"),
    );
    let outcomes: Vec<Outcome<Community, Retrieved>> = (0..3)
        .map(|n| {
            let req = &asked[&format!("urn:oid:2.999.{n}")][0];
            let answer = if n == 2 {
                Retrieved {
                    documents: vec![],
                    errors: vec![missing.clone()],
                }
            } else {
                Retrieved {
                    documents: vec![retrieved(req)],
                    errors: vec![],
                }
            };
            Outcome {
                community: community(n),
                result: Ok(answer),
                elapsed: Duration::ZERO,
            }
        })
        .collect();
    let (response, attachments) = aggregate_retrieve(&outcomes, &asked, vec![]);
    assert_eq!(response.registry.status, ResponseStatus::PartialSuccess);
    assert_eq!(response.documents.len(), 2);
    assert_eq!(attachments.len(), 2);
    assert_eq!(
        response.documents[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.0"),
        "HomeCommunityId is echoed from the request"
    );
    let errors = &response.registry.errors.as_ref().unwrap().errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.as_deref(), Some("2.999.2.2.1"));
    assert_eq!(&attachments[1].body[..], b"<doc id=\"2.999.1.2.1\"/>");
}

#[test]
fn a_failed_community_fails_each_of_its_documents_by_name() {
    let asked: HashMap<String, Vec<DocumentRequest>> = [(
        "urn:oid:2.999.0".to_string(),
        vec![request(0, "d1"), request(0, "d2")],
    )]
    .into();
    let outcomes = vec![Outcome {
        community: community(0),
        result: Err::<Retrieved, _>(CallFailure::Timeout(Duration::from_secs(2))),
        elapsed: Duration::ZERO,
    }];
    let (response, attachments) = aggregate_retrieve(&outcomes, &asked, vec![]);
    assert_eq!(response.registry.status, ResponseStatus::Failure);
    assert!(attachments.is_empty());
    let errors = &response.registry.errors.as_ref().unwrap().errors;
    let located: Vec<_> = errors
        .iter()
        .map(|e| (e.error_code.as_str(), e.location.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        located,
        [
            (error_codes::UNAVAILABLE_COMMUNITY, "d1"),
            (error_codes::UNAVAILABLE_COMMUNITY, "d2")
        ]
    );
    assert!(
        errors[0]
            .code_context
            .contains("community a (urn:oid:2.999.0)")
    );
}
