//! The standard IHE SOAP adapter (`plugins/ihe-soap`) against a mock responding gateway
//! that replays the corpus response samples: every sample becomes the right matches,
//! objects, documents or errors at the initiator, and what the adapter sends is a proper
//! SOAP 1.2 / WS-Addressing request [ITI TF-2 3.55, 3.38, 3.39; App V].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use xcgate_ihe::ebrs::{AdhocQueryResponse, RegistryObject, ResponseStatus, ReturnType, actions};
use xcgate_ihe::hl7v3;
use xcgate_ihe::retrieve::RetrieveDocumentSetResponse;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::mock_responder::{MockResponder, Reply};
use xcgate_tests::soap_client::{self, ITI38, ITI39, post};
use xcgate_tests::{TestGateway, corpus};

const SOAP: &str = "application/soap+xml; charset=utf-8";
/// The remote community as this gateway knows it.
const REMOTE: &str = "urn:oid:2.999.40";

/// A gateway with one community behind `plugin = "{IHE_SOAP}"`, its three endpoints on
/// the mock (or on `url` for all three).
fn config(url: &str) -> String {
    format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.9"
deadline = "5s"

[communities.remote]
home_community_id = "{REMOTE}"
plugin = "{{IHE_SOAP}}"
timeout = "4s"
# The tests replay failing answers back to back on purpose: no circuit breaker.
circuit_breaker = {{ failures = 0 }}
settings = {{ sender_home_community_id = "urn:oid:2.999.9", assigning_authority = "2.999.9.1" }}
[communities.remote.endpoints.xcpd]
url = "{url}/xcpd"
[communities.remote.endpoints.query]
url = "{url}/query"
[communities.remote.endpoints.retrieve]
url = "{url}/retrieve"
"#
    )
}

async fn gateway_and_mock() -> (TestGateway, MockResponder) {
    let mock = MockResponder::start().await;
    let gw = TestGateway::start(&config(mock.url()))
        .await
        .expect("the gateway starts");
    (gw, mock)
}

/// The sample files of a folder, checked against the table so a new sample is not
/// silently left out.
fn table_samples<T>(dir: &Path, folder: &str, table: &[(&str, T)]) -> Vec<PathBuf> {
    let files = corpus::samples(dir, folder, "-response-");
    let mut names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    listed.sort();
    assert_eq!(
        names, listed,
        "the table must list every {folder} response sample"
    );
    files
}

fn aino() -> String {
    soap_client::demographic_query("soap", "Virtanen", "Aino", "19900312")
}

/// What an ITI-55 sample must become at the initiator.
#[derive(Debug)]
enum Discovery {
    /// The sample's registrationEvents, each as the same match.
    Matches,
    NoMatch,
    /// A failed community: one detectedIssueEvent with this code.
    Issue(IssueCode),
}

const ITI55_SAMPLES: &[(&str, Discovery)] = &[
    // AA with queryResponseCode QE and a ResponderBusy issue outside reasonOf.
    (
        "iti55-response-connect-qe-responderbusy.xml",
        Discovery::Issue(IssueCode::ResponderBusy),
    ),
    ("iti55-response-ipf-match.xml", Discovery::Matches),
    (
        "iti55-response-metriport-match-multi-addr-name.xml",
        Discovery::Matches,
    ),
    (
        "iti55-response-metriport-match-no-addresses.xml",
        Discovery::Matches,
    ),
    ("iti55-response-metriport-match.xml", Discovery::Matches),
    ("iti55-response-metriport-no-match.xml", Discovery::NoMatch),
    // Bare payload; custodian without a root.
    ("iti55-response-nist-findpatient.xml", Discovery::Matches),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xcpd_answer_sample_becomes_its_matches_or_its_issue() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti55", ITI55_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI55_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, hl7v3::actions::ITI55_RESPONSE);
        let sample_payload =
            xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&reply.body).unwrap()).unwrap();
        mock.reply_with(reply);
        let answer = soap_client::iti55(&gw.initiating_url(), &aino()).await;
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        let got = soap_client::iti55_answer(&answer.body);
        match expect {
            Discovery::Matches => {
                let oracle = hl7v3::parse_response(&sample_payload).unwrap();
                assert!(!oracle.matches.is_empty(), "{name}");
                assert_eq!(got.matches.len(), oracle.matches.len(), "{name}");
                for (g, mut o) in got.matches.iter().cloned().zip(oracle.matches) {
                    // A custodian without id: the community called holds the record.
                    o.home_community_id
                        .get_or_insert_with(|| REMOTE.to_string());
                    assert_eq!(g.patient_id, o.patient_id, "{name}");
                    assert_eq!(g.home_community_id, o.home_community_id, "{name}");
                    assert_eq!(
                        (
                            &g.names,
                            &g.gender,
                            &g.birth_time,
                            &g.addresses,
                            &g.telecoms
                        ),
                        (
                            &o.names,
                            &o.gender,
                            &o.birth_time,
                            &o.addresses,
                            &o.telecoms
                        ),
                        "{name}: demographics pass through"
                    );
                }
                assert_eq!(got.query_response_code.as_deref(), Some("OK"), "{name}");
            }
            Discovery::NoMatch => {
                assert!(
                    got.matches.is_empty() && got.issues.is_empty(),
                    "{name}: {:?}",
                    got.issues
                );
                assert_eq!(got.query_response_code.as_deref(), Some("NF"), "{name}");
            }
            Discovery::Issue(code) => {
                assert!(got.matches.is_empty(), "{name}");
                let issue = got.issues.iter().find_map(|i| match i {
                    DetectedIssue::Error { code, text } => Some((*code, text.clone())),
                    DetectedIssue::AttributesRequested(_) => None,
                });
                let (found, text) =
                    issue.unwrap_or_else(|| panic!("{name}: no issue: {:?}", got.issues));
                assert_eq!(found, *code, "{name}");
                assert!(
                    text.is_some_and(|t| t.contains("remote")),
                    "{name}: the community is named"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_xcpd_request_is_soap_12_with_ws_addressing_and_both_communities() {
    let (gw, mock) = gateway_and_mock().await;
    mock.reply_with(Reply::soap("<nothing-useful/>"));
    let _ = soap_client::iti55(&gw.initiating_url(), &aino()).await;
    let sent = mock.last().expect("the adapter called the responder");
    assert_eq!(sent.path, "/xcpd");
    assert!(
        sent.content_type.starts_with("application/soap+xml"),
        "{}",
        sent.content_type
    );
    let env = xcgate_ihe::soap::parse_envelope(&sent.body).expect("a SOAP 1.2 envelope");
    let a = &env.addressing;
    assert_eq!(a.action.as_deref(), Some(hl7v3::actions::ITI55_REQUEST));
    assert!(
        a.message_id
            .as_deref()
            .is_some_and(|m| m.starts_with("urn:uuid:"))
    );
    assert_eq!(a.reply_to.as_deref(), Some(xcgate_ihe::wsa::ANONYMOUS));
    assert_eq!(a.to.as_deref(), Some(REMOTE));
    let q = hl7v3::parse_query(&env.body).expect("a PRPA_IN201305UV02");
    assert_eq!(q.sender_home_community.as_deref(), Some("2.999.9"));
    assert_eq!(q.receiver_home_community.as_deref(), Some("2.999.40"));
    assert_eq!(q.query.names[0].family, ["Virtanen"]);
    assert_eq!(
        q.query.birth_time.unwrap().value.as_deref(),
        Some("19900312")
    );
    assert_eq!(
        q.query.reverse_query_assigning_authority.as_deref(),
        Some("2.999.9.1")
    );
}

/// What an ITI-38 sample must become at the initiator.
#[derive(Debug)]
enum Query {
    /// Success with the sample's objects, unchanged.
    Objects,
    /// Failure with these error codes, passed on.
    Errors(&'static [&'static str]),
}

const ITI38_SAMPLES: &[(&str, Query)] = &[
    // Bare payload; ebRIM under two prefixes.
    (
        "iti38-response-hieos-connectathon-leafclass.xml",
        Query::Objects,
    ),
    ("iti38-response-metriport-multiple-docs.xml", Query::Objects),
    // PartialSuccess with no object and an error without location.
    (
        "iti38-response-metriport-partialsuccess.xml",
        Query::Errors(&["XDSRegistryError"]),
    ),
    // Failure that still lists objects: Failure means no results.
    (
        "iti38-response-nist-failure-errorlist.xml",
        Query::Errors(&["MyBigError"]),
    ),
    ("iti38-response-nist-success.xml", Query::Objects),
];

async fn query(gw: &TestGateway) -> (AdhocQueryResponse, String) {
    let payload = soap_client::find_documents("P1^^^&2.999.40.1&ISO", ReturnType::LeafClass);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:q", &payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let r = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
        .unwrap_or_else(|e| panic!("{e}: {}", a.body));
    (r, a.body)
}

fn error_codes(r: &AdhocQueryResponse) -> Vec<(String, Option<String>)> {
    r.registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.location.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xca_query_answer_sample_passes_its_objects_or_its_errors() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti38", ITI38_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI38_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, actions::ITI38_RESPONSE);
        let oracle = AdhocQueryResponse::parse(
            &xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&reply.body).unwrap()).unwrap(),
        )
        .unwrap();
        mock.reply_with(reply);
        let (got, body) = query(&gw).await;
        match expect {
            Query::Objects => {
                assert_eq!(got.status(), ResponseStatus::Success, "{name}: {body}");
                assert!(!oracle.objects.is_empty(), "{name}");
                let same: Vec<&RegistryObject> = got.objects.iter().collect();
                let want: Vec<&RegistryObject> = oracle.objects.iter().collect();
                assert_eq!(same, want, "{name}: every object passes through losslessly");
            }
            Query::Errors(codes) => {
                assert_eq!(got.status(), ResponseStatus::Failure, "{name}: {body}");
                assert!(got.objects.is_empty(), "{name}");
                let errors = error_codes(&got);
                for code in *codes {
                    assert!(errors.iter().any(|(c, _)| c == code), "{name}: {errors:?}");
                }
                // Sent locations are kept, a missing one names the community.
                for (sent, (_, location)) in oracle
                    .errors()
                    .into_iter()
                    .flat_map(|l| &l.errors)
                    .zip(&errors)
                {
                    let want = sent.location.clone().unwrap_or_else(|| REMOTE.to_string());
                    assert_eq!(location.as_deref(), Some(want.as_str()), "{name}");
                }
            }
        }
    }
    let sent = mock.last().unwrap();
    assert_eq!(sent.path, "/query");
    let env = xcgate_ihe::soap::parse_envelope(&sent.body).unwrap();
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(actions::ITI38_REQUEST)
    );
    let q = xcgate_ihe::ebrs::AdhocQueryRequest::parse(&env.body).unwrap();
    assert_eq!(
        q.patient_id_slot().map(|s| s.values.clone()),
        Some(vec!["'P1^^^&2.999.40.1&ISO'".to_string()]),
        "parameters pass through unchanged"
    );
}

/// What an ITI-39 sample must become at the initiator.
#[derive(Debug)]
enum Retrieve {
    /// Success with the sample's documents, byte-exact.
    Documents,
    /// Failure with (at least) these error codes.
    Errors(&'static [&'static str]),
}

const ITI39_SAMPLES: &[(&str, Retrieve)] = &[
    (
        "iti39-response-connect-failure.xml",
        Retrieve::Errors(&["XDSRepositoryError"]),
    ),
    // Legacy PartialSuccess URN, severity="Error", no document.
    (
        "iti39-response-connect-partialsuccess.xml",
        Retrieve::Errors(&["XDSStoredQueryParamNumber"]),
    ),
    (
        "iti39-response-metriport-mtom-binary.txt",
        Retrieve::Documents,
    ),
    (
        "iti39-response-metriport-mtom-multi.txt",
        Retrieve::Documents,
    ),
    ("iti39-response-metriport-mtom-xml.txt", Retrieve::Documents),
    // Success with an error and no document: the error is passed on.
    (
        "iti39-response-metriport-registry-error.xml",
        Retrieve::Errors(&["XDSRegistryError"]),
    ),
    // A SOAP Fault (Sender): the community failed.
    (
        "iti39-response-metriport-soap-fault.xml",
        Retrieve::Errors(&["XDSRegistryError"]),
    ),
    // Document text that is not base64: an error per document, no invented content.
    (
        "iti39-response-metriport-success.xml",
        Retrieve::Errors(&["XDSRepositoryError"]),
    ),
    (
        "iti39-response-nist-failure.xml",
        Retrieve::Errors(&["MyBigError"]),
    ),
    ("iti39-response-nist-success.xml", Retrieve::Documents),
];

/// (RepositoryUniqueId, DocumentUniqueId) → (mimeType, bytes).
type Documents = Vec<((String, String), (String, Vec<u8>))>;

/// The sample's documents, read independently of the adapter; first occurrence wins.
fn sample_documents(reply: &Reply) -> Documents {
    let mtom = reply
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("multipart/related"));
    let (root, mp) = if mtom {
        let mp = xcgate_ihe::mtom::parse_multipart(
            reply.content_type.as_deref().unwrap(),
            reply.body.clone(),
        )
        .unwrap();
        (mp.root().body().clone(), Some(mp))
    } else {
        (reply.body.clone(), None)
    };
    let payload = xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&root).unwrap()).unwrap();
    let Ok(r) = RetrieveDocumentSetResponse::parse_per_document(&payload) else {
        return Vec::new();
    };
    let attachments = mp
        .as_ref()
        .map(|m| m.resolve_xop().unwrap())
        .unwrap_or_default();
    let mut out: Documents = Vec::new();
    for d in r.documents {
        let key = (d.repository_unique_id.clone(), d.document_unique_id.clone());
        if out.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let bytes = attachments.document_bytes(&d.document).unwrap().to_vec();
        out.push((key, (d.mime_type.clone(), bytes)));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xca_retrieve_answer_sample_gives_its_bytes_or_its_errors() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti39", ITI39_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI39_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, actions::ITI39_RESPONSE);
        let documents = sample_documents(&reply);
        mock.reply_with(reply);
        // Ask for exactly the documents the sample holds (or one it does not).
        let mut asked: Vec<(&str, &str, &str)> = documents
            .iter()
            .map(|((repo, doc), _)| (REMOTE, repo.as_str(), doc.as_str()))
            .collect();
        if asked.is_empty() {
            asked.push((REMOTE, "2.999.40.3", "2.999.40.2.1"));
        }
        let a = post(
            &gw.initiating_url(),
            SOAP,
            soap_client::envelope(ITI39, "urn:uuid:r", &soap_client::retrieve(&asked)),
        )
        .await;
        assert_eq!(a.status, 200, "{name}: {}", a.body);
        let (got, mp) = soap_client::mtom_answer(&a);
        match expect {
            Retrieve::Documents => {
                assert_eq!(
                    got.registry.status,
                    ResponseStatus::Success,
                    "{name}: {:?}",
                    got.registry.errors
                );
                assert_eq!(got.documents.len(), documents.len(), "{name}");
                let by_id: HashMap<_, _> = documents.iter().cloned().collect();
                let attachments = mp.resolve_xop().unwrap();
                for d in &got.documents {
                    let (mime, bytes) =
                        &by_id[&(d.repository_unique_id.clone(), d.document_unique_id.clone())];
                    assert_eq!(&d.mime_type, mime, "{name}");
                    assert_eq!(
                        d.home_community_id.as_deref(),
                        Some(REMOTE),
                        "{name}: echoed"
                    );
                    let content = attachments.document_bytes(&d.document).unwrap();
                    assert!(!bytes.is_empty(), "{name}");
                    assert_eq!(&content[..], &bytes[..], "{name}: byte-exact");
                }
            }
            Retrieve::Errors(codes) => {
                assert_eq!(got.registry.status, ResponseStatus::Failure, "{name}");
                assert!(got.documents.is_empty(), "{name}");
                let errors: Vec<&str> = got
                    .registry
                    .errors
                    .iter()
                    .flat_map(|l| &l.errors)
                    .map(|e| e.error_code.as_str())
                    .collect();
                for code in *codes {
                    assert!(errors.contains(code), "{name}: {errors:?}");
                }
            }
        }
    }
    // The request went out as MTOM, one DocumentRequest per document, naming the remote.
    let sent = mock.last().unwrap();
    assert_eq!(sent.path, "/retrieve");
    assert!(
        sent.content_type.starts_with("multipart/related"),
        "{}",
        sent.content_type
    );
    let mp = xcgate_ihe::mtom::parse_multipart(&sent.content_type, sent.body.clone()).unwrap();
    let env = xcgate_ihe::soap::parse_envelope(mp.root().body()).unwrap();
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(actions::ITI39_REQUEST)
    );
    let r = xcgate_ihe::retrieve::RetrieveDocumentSetRequest::parse(&env.body).unwrap();
    assert!(
        r.documents
            .iter()
            .all(|d| d.home_community_id.as_deref() == Some(REMOTE))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_a_busy_status_garbage_or_silence_is_an_error_never_an_empty_answer() {
    let (gw, mock) = gateway_and_mock().await;
    let fault = xcgate_ihe::soap::Fault::new(xcgate_ihe::soap::FaultCode::Receiver, "down")
        .to_envelope(None);
    let cases = [
        (
            Reply::new(500, Some(SOAP), fault),
            IssueCode::AnswerNotAvailable,
            "XDSUnavailableCommunity",
        ),
        (
            Reply::new(503, Some("text/html"), "<html>busy</html>"),
            IssueCode::ResponderBusy,
            "XDSRegistryBusy",
        ),
        (
            Reply::new(200, Some("text/html"), "<html><p>Login</p>"),
            IssueCode::InternalError,
            "XDSRegistryError",
        ),
        (
            Reply::new(200, Some(SOAP), ""),
            IssueCode::InternalError,
            "XDSRegistryError",
        ),
    ];
    for (reply, issue, xds) in cases {
        let label = format!("{} {:?}", reply.status, reply.body);
        mock.reply_with(reply);
        let got = soap_client::iti55_answer(
            &soap_client::iti55(&gw.initiating_url(), &aino()).await.body,
        );
        assert!(got.matches.is_empty(), "{label}");
        assert!(
            matches!(got.issues.as_slice(), [DetectedIssue::Error { code, .. }] if *code == issue),
            "{label}: {:?}",
            got.issues
        );
        let (r, _) = query(&gw).await;
        assert_eq!(r.status(), ResponseStatus::Failure, "{label}");
        assert_eq!(
            error_codes(&r),
            [(xds.to_string(), Some(REMOTE.to_string()))],
            "{label}"
        );
    }
    // Nobody listening at all.
    let closed = TestGateway::start(&config("http://127.0.0.1:9"))
        .await
        .unwrap();
    let got = soap_client::iti55_answer(
        &soap_client::iti55(&closed.initiating_url(), &aino())
            .await
            .body,
    );
    assert!(matches!(
        got.issues.as_slice(),
        [DetectedIssue::Error {
            code: IssueCode::AnswerNotAvailable,
            ..
        }]
    ));
}
