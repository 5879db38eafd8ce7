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

/// An ITI-38 FindDocuments through the gateway; the parsed answer and its text.
async fn find_documents(gw: &TestGateway) -> (AdhocQueryResponse, String) {
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

mod errors;
mod liberal;
mod query;
mod retrieve;
mod xcpd;
