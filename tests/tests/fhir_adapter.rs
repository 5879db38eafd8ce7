//! The FHIR R4 adapter against a real FHIR server (the loopback Medplum peer) seeded with
//! our fixture `tests/fixtures/fhir/seed.json`: ITI-55 finds patients by PDQm search, ITI-38
//! lists their DocumentReferences as DocumentEntries, ITI-39 returns their bytes exactly.

use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, ReturnType, error_codes};
use xcgate_ihe::retrieve::{DocumentContent, RetrieveDocumentSetResponse};
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::medplum::{self, Medplum};
use xcgate_tests::soap_client::{self, ITI38, ITI39, post};
use xcgate_tests::{TestGateway, corpus};

const SOAP: &str = "application/soap+xml; charset=utf-8";
const HOME: &str = "urn:oid:2.999.44";
const REPOSITORY: &str = "2.999.44.3";
const AINO: &str = "FHIR-1001^^^&2.999.44.1&ISO";

/// A gateway with one community served by the FHIR adapter, its endpoint at `url`.
async fn gateway(url: &str, base_url: &str) -> TestGateway {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.40"
deadline = "8s"

[communities.fhir-ward]
home_community_id = "{HOME}"
plugin = "{{FHIR_COMMUNITY}}"
timeout = "6s"
settings = {{ assigning_authority = "2.999.44.1", repository_unique_id = "{REPOSITORY}", base_url = "{base_url}" }}
[communities.fhir-ward.endpoints.fhir]
url = "{url}"
timeout = "5s"
"#
    ))
    .await
    .expect("the gateway starts")
}

/// The Medplum server with our seed and a gateway in front of it; `None` when skipped.
async fn fhir_community() -> Option<(Medplum, TestGateway)> {
    let server = Medplum::start(&medplum::fixture("seed.json"))?;
    let gw = gateway(&server.base_url, &server.base_url).await;
    Some((server, gw))
}

async fn patients_named(
    gw: &TestGateway,
    family: &str,
    given: &str,
    born: &str,
) -> xcgate_ihe::hl7v3::ParsedResponse {
    let query = soap_client::demographic_query("fhir", family, given, born);
    soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &query).await.body)
}

async fn stored_query(gw: &TestGateway, payload: &str) -> AdhocQueryResponse {
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:fhir-q", payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(&dir, "drivers/soap12-xds.xsd", &a.body, "fhir-iti38").unwrap();
    }
    AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
        .unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

/// A GetDocuments stored query by entryUUID (our own fixture).
fn get_documents_by_uuid(entry_uuid: &str) -> String {
    use xcgate_ihe::ebrs::{AdhocQueryRequest, Slot, StoredQuery};
    let mut q = AdhocQueryRequest::new(StoredQuery::GetDocuments.id(), ReturnType::LeafClass);
    q.query.slots.push(Slot {
        name: "$XDSDocumentEntryEntryUUID".into(),
        slot_type: None,
        values: vec![format!("('{entry_uuid}')")],
    });
    q.set_home(HOME);
    q.build()
}

/// Retrieve documents by uniqueId; the answer and each document's (id, mime, bytes).
async fn retrieve(
    gw: &TestGateway,
    unique_ids: &[&str],
) -> (RetrieveDocumentSetResponse, Vec<(String, String, Vec<u8>)>) {
    let triples: Vec<(&str, &str, &str)> =
        unique_ids.iter().map(|d| (HOME, REPOSITORY, *d)).collect();
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI39, "urn:uuid:fhir-r", &soap_client::retrieve(&triples)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (r, mp) = soap_client::mtom_answer(&a);
    let docs = r
        .documents
        .iter()
        .map(|d| {
            let bytes = match &d.document {
                DocumentContent::XopInclude { href } => mp.attachment(href).unwrap().to_vec(),
                DocumentContent::Inline(b) => b.clone(),
            };
            (d.document_unique_id.clone(), d.mime_type.clone(), bytes)
        })
        .collect();
    (r, docs)
}

fn fixture_document(name: &str) -> Vec<u8> {
    std::fs::read(medplum::fixture(&format!("documents/{name}"))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_is_found_by_name_and_birth_date_and_a_stranger_is_not() {
    let Some((_server, gw)) = fhir_community().await else {
        return;
    };
    let found = patients_named(&gw, "Virtanen", "Aino", "19900312").await;
    assert_eq!(
        found.query_response_code.as_deref(),
        Some("OK"),
        "{:?}",
        found.issues
    );
    assert_eq!(
        found.matches.len(),
        1,
        "the namesake without an id in our authority is not offered"
    );
    let aino = &found.matches[0];
    assert_eq!(aino.patient_id.root, "2.999.44.1");
    assert_eq!(aino.patient_id.extension.as_deref(), Some("FHIR-1001"));
    assert!(aino.other_ids.iter().any(|i| i.root == "1.2.246.21"));
    assert_eq!(aino.names[0].family, ["Virtanen"]);
    assert_eq!(aino.gender.as_deref(), Some("F"));
    assert_eq!(aino.birth_time.as_deref(), Some("19900312"));
    assert_eq!(aino.home_community_id.as_deref(), Some(HOME));

    let stranger = patients_named(&gw, "Virtanen", "Aino", "19910312").await;
    assert_eq!(stranger.query_response_code.as_deref(), Some("NF"));
    assert!(stranger.matches.is_empty());
    let prefix_only = patients_named(&gw, "Virta", "Aino", "19900312").await;
    assert_eq!(
        prefix_only.query_response_code.as_deref(),
        Some("NF"),
        "FHIR's prefix match is checked again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_patient_s_documents_are_listed_with_their_xds_metadata() {
    let Some((_server, gw)) = fhir_community().await else {
        return;
    };
    let r = stored_query(
        &gw,
        &soap_client::find_documents(AINO, ReturnType::LeafClass),
    )
    .await;
    assert_eq!(r.status(), ResponseStatus::Success);
    let mut ids: Vec<&str> = r.document_entries().filter_map(|e| e.unique_id()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "2.999.44.2.1",
            "2.999.44.2.2",
            "2.999.44.2.3",
            "2.999.44.2.5"
        ],
        "Approved only: the superseded one and the other patient's are not listed"
    );
    let note = r
        .document_entries()
        .find(|e| e.unique_id() == Some("2.999.44.2.1"))
        .unwrap();
    assert_eq!(
        note.entry_uuid(),
        Some("urn:uuid:6b1f7c52-3f0e-4f8e-9d4a-0c7e5a1e2b01")
    );
    assert_eq!(note.home(), Some(HOME));
    assert_eq!(note.patient_id(), Some(AINO));
    assert_eq!(note.mime_type(), Some("text/plain"));
    assert_eq!(note.repository_unique_id(), Some(REPOSITORY));
    assert_eq!(note.creation_time(), Some("20240502061500"));
    assert_eq!(note.size(), Some("66"));
    assert_eq!(note.title(), Some("Lähete"));
    let class = note.class_code().unwrap();
    assert_eq!(
        (class.code, class.scheme),
        ("57133-1", Some("2.16.840.1.113883.6.1"))
    );
    assert_eq!(note.type_code().unwrap().code, "57133-1");
    assert_eq!(
        note.format_code().unwrap().code,
        "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    );
    let summary = r
        .document_entries()
        .find(|e| e.unique_id() == Some("2.999.44.2.2"))
        .unwrap();
    assert_eq!(
        summary.hash(),
        Some("aca1f2912903f7e4c1a4623543b30ca4926a80a9"),
        "hex SHA-1 (sha1sum of documents/aino-summary.xml)"
    );

    let refs = stored_query(
        &gw,
        &soap_client::find_documents(AINO, ReturnType::ObjectRef),
    )
    .await;
    assert_eq!(refs.objects.len(), 4);
    assert!(refs.objects.iter().all(|o| o.home() == Some(HOME)));

    let by_id = stored_query(&gw, &soap_client::get_documents("2.999.44.2.2", Some(HOME))).await;
    let entries: Vec<_> = by_id.document_entries().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].patient_id(),
        Some(AINO),
        "the subject is resolved to our id"
    );

    let by_uuid = stored_query(
        &gw,
        &get_documents_by_uuid("urn:uuid:6b1f7c52-3f0e-4f8e-9d4a-0c7e5a1e2b01"),
    )
    .await;
    let entries: Vec<_> = by_uuid.document_entries().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].unique_id(), Some("2.999.44.2.1"));

    let unknown = stored_query(
        &gw,
        &soap_client::find_documents("NOBODY^^^&2.999.44.1&ISO", ReturnType::LeafClass),
    )
    .await;
    assert_eq!(unknown.status(), ResponseStatus::Success);
    assert!(unknown.objects.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_come_back_byte_exact_whether_inline_or_in_a_binary() {
    let Some((_server, gw)) = fhir_community().await else {
        return;
    };
    let (r, docs) = retrieve(&gw, &["2.999.44.2.1", "2.999.44.2.2", "2.999.44.2.3"]).await;
    assert_eq!(r.registry.status, ResponseStatus::Success);
    assert_eq!(
        docs,
        [
            (
                "2.999.44.2.1".to_string(),
                "text/plain".to_string(),
                fixture_document("aino-note.txt")
            ),
            (
                "2.999.44.2.2".to_string(),
                "text/xml".to_string(),
                fixture_document("aino-summary.xml")
            ),
            (
                "2.999.44.2.3".to_string(),
                "application/pdf".to_string(),
                fixture_document("aino-scan.pdf")
            ),
        ],
        "inline data, a relative Binary and an absolute URL under the base"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_document_and_a_url_to_another_host_fail_alone() {
    let Some((_server, gw)) = fhir_community().await else {
        return;
    };
    let (r, docs) = retrieve(&gw, &["2.999.44.2.1", "2.999.44.2.99", "2.999.44.2.5"]).await;
    assert_eq!(r.registry.status, ResponseStatus::PartialSuccess);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].0, "2.999.44.2.1");
    let errors: Vec<(String, Option<String>)> = r
        .registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.location.clone()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                error_codes::DOCUMENT_UNIQUE_ID_ERROR.to_string(),
                Some("2.999.44.2.99".to_string())
            ),
            (
                error_codes::REPOSITORY_ERROR.to_string(),
                Some("2.999.44.2.5".to_string())
            ),
        ]
    );
}

/// The detectedIssueEvent codes of an ITI-55 answer.
fn issue_codes(answer: &xcgate_ihe::hl7v3::ParsedResponse) -> Vec<IssueCode> {
    answer
        .issues
        .iter()
        .filter_map(|i| match i {
            DetectedIssue::Error { code, .. } => Some(*code),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_refuses_or_cannot_be_reached_is_reported_not_hidden() {
    let Some(server) = Medplum::start(&medplum::fixture("seed.json")) else {
        return;
    };
    // A base the server does not serve: it answers every search with an OperationOutcome.
    let wrong_base = format!("{}/NoSuchBase", server.base_url);
    let gw = gateway(&wrong_base, &wrong_base).await;
    let refused = patients_named(&gw, "Virtanen", "Aino", "19900312").await;
    assert!(refused.matches.is_empty());
    assert_eq!(
        issue_codes(&refused),
        [IssueCode::InternalError],
        "{:?}",
        refused.issues
    );

    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/fhir/R4", l.local_addr().unwrap())
    };
    let gw = gateway(&closed, &closed).await;
    let unreachable = patients_named(&gw, "Virtanen", "Aino", "19900312").await;
    assert_eq!(
        issue_codes(&unreachable),
        [IssueCode::AnswerNotAvailable],
        "{:?}",
        unreachable.issues
    );
}
