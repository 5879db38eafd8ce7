//! Every ITI-38/ITI-18 and ITI-39/ITI-43 request sample of the shared corpus, through the
//! gateway on the demo config: each gets a well-formed, schema-valid answer with the
//! status and errors the demo data implies (the samples' patients and communities are
//! not the demo's, so queries find nothing and retrieves name unknown communities). The
//! asynchronous captures are answered asynchronously, at the test's listener.

use std::time::Duration;
use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, error_codes};
use xcgate_ihe::retrieve::RetrieveDocumentSetResponse;
use xcgate_tests::mock_responder::{MockResponder, Reply};
use xcgate_tests::soap_client::{self, Answer, ITI18, ITI38, ITI39, ITI43, post};
use xcgate_tests::{TestGateway, corpus};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// (file, expected status, an error code every error must have, if any).
const QUERIES: &[(&str, ResponseStatus, Option<&str>)] = &[
    (
        "iti38-request-hieos-connectathon-leafclass.xml",
        ResponseStatus::Success,
        None,
    ),
    ("iti38-request-nhn-async.xml", ResponseStatus::Success, None),
    (
        "iti38-request-nhn-soap-saml.xml",
        ResponseStatus::Success,
        None,
    ),
    (
        "iti38-request-nist-finddocuments.xml",
        ResponseStatus::Success,
        None,
    ),
    (
        "iti38-request-openncp-epsos.xml",
        ResponseStatus::Success,
        None,
    ),
    ("iti18-request-ipf.xml", ResponseStatus::Success, None),
    (
        "iti18-request-nist-bad-code.xml",
        ResponseStatus::Success,
        None,
    ),
    (
        "iti18-request-nist-missing-status.xml",
        ResponseStatus::Failure,
        Some(error_codes::STORED_QUERY_MISSING_PARAM),
    ),
    ("iti18-request-nist-soap.xml", ResponseStatus::Success, None),
    ("iti18-request-nist.xml", ResponseStatus::Success, None),
];

/// (file, expected error code on every requested document).
const RETRIEVES: &[(&str, &str)] = &[
    (
        "iti39-request-nhn-async-saml.xml",
        error_codes::UNKNOWN_COMMUNITY,
    ),
    ("iti39-request-nist.xml", error_codes::UNKNOWN_COMMUNITY),
    (
        "iti39-request-openncp-epsos.xml",
        error_codes::UNKNOWN_COMMUNITY,
    ),
    ("iti43-request-hieos-ig.xml", error_codes::UNKNOWN_COMMUNITY),
    (
        "iti43-request-nist.xml",
        error_codes::MISSING_HOME_COMMUNITY_ID,
    ),
];

/// POST a sample to `/initiating`. A sample that asks for an asynchronous answer (a
/// ReplyTo that is a real address: the NHN async captures) is sent with that address moved
/// to the test's listener, must be accepted with 202, and its answer is what arrives
/// there, related to the request [ITI TF-2 App V V.5].
async fn send(gw: &TestGateway, listener: &MockResponder, name: &str, request: String) -> Answer {
    let env = xcgate_ihe::soap::parse_envelope(request.as_bytes()).unwrap();
    let Some(reply_to) = env.addressing.reply_address() else {
        return post(&gw.initiating_url(), SOAP, request).await;
    };
    let path = reply_to
        .split_once("://")
        .and_then(|(_, r)| r.find('/').map(|i| &r[i..]));
    let address = format!("{}{}", listener.url(), path.unwrap_or("/"));
    let before = listener.received().len();
    let accepted = post(
        &gw.initiating_url(),
        SOAP,
        request.replace(reply_to, &address),
    )
    .await;
    assert_eq!(accepted.status, 202, "{name}: {}", accepted.body);
    let received = listener.wait_for(before + 1, Duration::from_secs(10)).await;
    let answer = received
        .get(before)
        .unwrap_or_else(|| panic!("{name}: no answer at {address}"));
    let text = String::from_utf8_lossy(&answer.body).into_owned();
    assert!(
        text.contains(env.addressing.message_id.as_deref().unwrap()),
        "{name}: the answer relates to the request: {text}"
    );
    Answer {
        status: 200,
        content_type: answer.content_type.clone(),
        body: text,
        raw: answer.body.clone(),
    }
}

/// A listener for asynchronous answers.
async fn listener() -> MockResponder {
    let l = MockResponder::start().await;
    l.reply_with(Reply::new(202, None, ""));
    l
}

fn wrap(text: &str, action: &str) -> String {
    if text.contains("http://www.w3.org/2003/05/soap-envelope") {
        text.to_string()
    } else {
        soap_client::envelope(action, "urn:uuid:corpus", text)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_query_sample_gets_a_valid_answer() {
    let Some(dir) = corpus::dir() else { return };
    let validate = corpus::have_xmllint();
    let gw = TestGateway::demo().await;
    let replies = listener().await;
    let mut seen = 0;
    for (folder, action) in [("iti38", ITI38), ("iti18", ITI18)] {
        for path in corpus::samples(&dir, folder, "request") {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let (_, status, code) = QUERIES
                .iter()
                .find(|(f, _, _)| *f == name)
                .unwrap_or_else(|| panic!("no expectation for {name}"));
            let request = wrap(&std::fs::read_to_string(&path).unwrap(), action);
            let a = send(&gw, &replies, &name, request).await;
            assert_eq!(a.status, 200, "{name}: {}", a.body);
            let r = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(r.status(), *status, "{name}: {}", a.body);
            for e in r.registry.errors.iter().flat_map(|l| &l.errors) {
                assert!(
                    e.location
                        .as_deref()
                        .is_some_and(|l| l.starts_with("urn:oid:")),
                    "{name}: every error names its community"
                );
                if let Some(code) = code {
                    assert_eq!(e.error_code, *code, "{name}");
                }
            }
            if validate {
                corpus::validate(&dir, "drivers/soap12-xds.xsd", &a.body, &name).unwrap();
            }
            seen += 1;
        }
    }
    assert_eq!(seen, QUERIES.len(), "the corpus changed: update QUERIES");
    assert_eq!(
        replies.received().len(),
        1,
        "iti38-request-nhn-async.xml answered at its ReplyTo"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_retrieve_sample_gets_a_valid_mtom_answer() {
    let Some(dir) = corpus::dir() else { return };
    let validate = corpus::have_xmllint();
    let gw = TestGateway::demo().await;
    let replies = listener().await;
    let mut seen = 0;
    for (folder, action) in [("iti39", ITI39), ("iti43", ITI43)] {
        for path in corpus::samples(&dir, folder, "request")
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let (_, code) = RETRIEVES
                .iter()
                .find(|(f, _)| *f == name)
                .unwrap_or_else(|| panic!("no expectation for {name}"));
            let request = wrap(&std::fs::read_to_string(&path).unwrap(), action);
            let a = send(&gw, &replies, &name, request).await;
            assert_eq!(a.status, 200, "{name}: {}", a.body);
            let (r, mp): (RetrieveDocumentSetResponse, _) = soap_client::mtom_answer(&a);
            assert_eq!(r.registry.status, ResponseStatus::Failure, "{name}");
            let errors = &r.registry.errors.as_ref().expect("errors").errors;
            assert!(
                !errors.is_empty() && errors.iter().all(|e| e.error_code == *code),
                "{name}: {errors:?}"
            );
            if validate {
                let inlined =
                    xcgate_ihe::mtom::inline_xop_as_base64(mp.root().body(), &mp).unwrap();
                corpus::validate(&dir, "drivers/soap12-xds.xsd", &inlined, &name).unwrap();
            }
            seen += 1;
        }
    }
    assert_eq!(
        seen,
        RETRIEVES.len(),
        "the corpus changed: update RETRIEVES"
    );
    assert_eq!(
        replies.received().len(),
        1,
        "iti39-request-nhn-async-saml.xml answered at its ReplyTo"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_raw_mtom_request_capture_is_read_and_its_encoding_error_reported() {
    let Some(dir) = corpus::dir() else { return };
    let gw = TestGateway::demo().await;
    let raw =
        std::fs::read(dir.join("samples/iti39/iti39-request-nhn-mtom-multipart.txt")).unwrap();
    let boundary = xcgate_ihe::mtom::sniff_boundary(&raw).expect("a boundary line");
    let content_type = format!(
        "multipart/related; type=\"application/xop+xml\"; boundary=\"{boundary}\"; start-info=\"application/soap+xml\""
    );
    let a = post(&gw.initiating_url(), &content_type, raw).await;
    // The root part declares UTF-8 but holds an ISO-8859-1 byte: a clear Sender fault.
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("not UTF-8"), "{}", a.body);
}
