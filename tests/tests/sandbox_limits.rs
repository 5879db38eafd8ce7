//! Each per-community limit as a pair: an answer just under it is served, one just over it
//! is refused and named, and the other communities are unaffected.

use xcgate_ihe::ebrs::error_codes;
use xcgate_ihe::retrieve::DocumentContent;
use xcgate_tests::{TestGateway, soap_client};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// A gateway with a healthy community `ok` and a community `big` whose document is
/// `document_size` bytes, under `max_answer = "64KiB"`.
async fn gateway(document_size: usize) -> TestGateway {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[communities.ok]
home_community_id = "urn:oid:2.999.1.10"
plugin = "{{MISBEHAVING}}"

[communities.big]
home_community_id = "urn:oid:2.999.1.20"
plugin = "{{MISBEHAVING}}"
max_answer = "64KiB"
settings = {{ document_size = "{document_size}" }}
"#
    ))
    .await
    .unwrap()
}

/// Retrieve one document from each community: the sizes of the documents that came back
/// and the (code, location, context) of each error.
async fn retrieve(gw: &TestGateway) -> (Vec<usize>, Vec<(String, String, String)>) {
    let request = soap_client::retrieve(&[
        ("urn:oid:2.999.1.10", "2.999.99.3", "2.999.1.10.2.1"),
        ("urn:oid:2.999.1.20", "2.999.99.3", "2.999.1.20.2.1"),
    ]);
    let answer = soap_client::post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(soap_client::ITI39, "urn:uuid:limits", &request),
    )
    .await;
    let (response, mp) = soap_client::mtom_answer(&answer);
    let sizes = response
        .documents
        .iter()
        .map(|d| match &d.document {
            DocumentContent::XopInclude { href } => mp.attachment(href).map_or(0, |b| b.len()),
            DocumentContent::Inline(bytes) => bytes.len(),
        })
        .collect();
    let errors = response
        .registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| {
            (
                e.error_code.clone(),
                e.location.clone().unwrap_or_default(),
                e.code_context.clone(),
            )
        })
        .collect();
    (sizes, errors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_answer_of_exactly_max_answer_bytes_is_served() {
    let gw = gateway(64 * 1024).await;
    let (sizes, errors) = retrieve(&gw).await;
    assert_eq!(sizes, [1024, 64 * 1024]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_answer_one_byte_over_max_answer_is_refused_and_named() {
    let gw = gateway(64 * 1024 + 1).await;
    let (sizes, errors) = retrieve(&gw).await;
    assert_eq!(
        sizes,
        [1024],
        "the other community's document still comes back"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (code, location, context) = &errors[0];
    assert_eq!(code, error_codes::REGISTRY_ERROR);
    assert_eq!(location, "2.999.1.20.2.1");
    assert!(
        context.contains("community big") && context.contains("too large"),
        "{context}"
    );
}
