//! Joining a network: what xcgate sends through `bundled:ihe-soap` passes a responding
//! gateway that enforces the network's rules, written from the specifications
//! (`xcgate_tests::network_rules`), in the IHE and in the eHealth Exchange profile, for
//! ITI-55, ITI-38 and ITI-39; and libxmlsec1, not xcgate's own XML-DSig code, verifies
//! both the assertion's signature and the message signature of every request.

use crate::chain::{discover_query_retrieve, gateway_a_config, gateway_b_config};
use xcgate_tests::network_responder::{NetworkResponder, verify_with_xmlsec};
use xcgate_tests::network_rules::Network;
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client};

/// `[gateway.xua.issuer]` for gateway A, with the attributes the networks require.
fn issuer(signer: &Pki) -> String {
    format!(
        r#"
[gateway.xua.issuer]
key_file = "{}"
cert_file = "{}"
name = "CN=gateway A,O=Example HIE"
system_subject = "CN=gateway A,O=Example HIE"
organization = "Example Hospital"
organization_id = "2.999.2"
role = {{ code = "112247003", system = "2.16.840.1.113883.6.96", display = "Medical doctor" }}
purpose_of_use = {{ code = "TREATMENT", system = "2.16.840.1.113883.3.18.7.1", display = "Treatment" }}
npi = "1234567893"
"#,
        signer.path("client.key"),
        signer.path("client.pem")
    )
}

/// B (the demo's pirkanmaa on `/responding`) behind a responder enforcing `network`,
/// and A reaching it in `profile`.
async fn chain(
    network: Network,
    profile: &str,
    signer: &Pki,
) -> (TestGateway, TestGateway, NetworkResponder) {
    let b = TestGateway::start(&gateway_b_config(""))
        .await
        .expect("B starts");
    let responder = NetworkResponder::start(network, b.responding_url()).await;
    let a_config = format!(
        "{}{}",
        gateway_a_config(
            responder.url(),
            &format!("xua = \"issue\"\nxua_profile = \"{profile}\"")
        ),
        issuer(signer)
    );
    let a = TestGateway::start(&a_config).await.expect("A starts");
    (a, b, responder)
}

/// Every request the responder saw passed its rules, and libxmlsec1 verifies their
/// signatures (`message` says whether a message signature is expected).
fn verified_independently(responder: &NetworkResponder, message: bool) {
    let seen = responder.seen();
    assert_eq!(seen.len(), 3, "ITI-55, ITI-38 and ITI-39");
    for s in &seen {
        assert!(s.broken.is_empty(), "{:?}", s.broken);
        let Some(verdict) = verify_with_xmlsec(&s.envelope) else {
            return;
        };
        assert_eq!(verdict["assertion_signature"], "ok", "{verdict}");
        if message {
            assert_eq!(verdict["message_signature"], "ok", "{verdict}");
            assert_eq!(verdict["holder_of_key_is_signer"], true, "{verdict}");
            assert_eq!(
                verdict["key_identifier"], verdict["assertion_id"],
                "{verdict}"
            );
            let ts = format!("#{}", verdict["timestamp_id"].as_str().unwrap_or("?"));
            assert_eq!(verdict["references"], serde_json::json!([ts]), "{verdict}");
        } else {
            assert_eq!(verdict["message_signature"], "absent", "{verdict}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transaction_passes_an_ehealth_exchange_responder_and_its_signatures_verify() {
    let signer = Pki::generate("network-ehex");
    let (a, _b, responder) = chain(Network::EhealthExchange, "ehealth-exchange", &signer).await;
    discover_query_retrieve(&a.initiating_url()).await;
    verified_independently(&responder, true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transaction_passes_an_ihe_responder_and_its_assertion_verifies() {
    let signer = Pki::generate("network-ihe");
    let (a, _b, responder) = chain(Network::Ihe, "ihe", &signer).await;
    discover_query_retrieve(&a.initiating_url()).await;
    verified_independently(&responder, false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ihe_profile_request_is_refused_by_the_ehealth_exchange_and_the_reason_reaches_the_operator()
 {
    let signer = Pki::generate("network-refused");
    let (a, _b, responder) = chain(Network::EhealthExchange, "ihe", &signer).await;
    let query = soap_client::demographic_query("refused", "Virtanen", "Aino", "19900312");
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&a.initiating_url(), &query).await.body);
    assert!(parsed.matches.is_empty());
    let text = parsed
        .issues
        .iter()
        .find_map(|i| match i {
            xcgate_ihe::xcpd::DetectedIssue::Error { text: Some(t), .. } => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // The peer's plain-text refusal, with its status and first line.
    assert!(text.contains("400"), "{text}");
    assert!(text.contains("Timestamp Required"), "{text}");
    assert!(!responder.seen()[0].broken.is_empty());
}
