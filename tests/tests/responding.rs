//! The responding-gateway role on `POST /responding`: a remote gateway's ITI-55 / ITI-38 /
//! ITI-39 reach only the local communities this gateway fronts (`gateway.responding`)
//! [ITI TF-2 3.55.4.2, 3.38.4.1.3, 3.39.4.1.3].

use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, ReturnType, error_codes};
use xcgate_ihe::soap::{Fault, FaultCode};
use xcgate_tests::TestGateway;
use xcgate_tests::soap_client::{self, ITI18, ITI38, ITI39, post};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// The demo, fronting pirkanmaa for remote gateways.
async fn fronting_pirkanmaa() -> TestGateway {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "max_body = \"16MiB\"",
            "max_body = \"16MiB\"\nresponding = [\"pirkanmaa\"]",
        );
    TestGateway::start(&text).await.expect("starts")
}

fn aino() -> String {
    soap_client::demographic_query("rg", "Virtanen", "Aino", "19900312")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_patient_discovery_is_answered_by_the_fronted_community_only() {
    let gw = fronting_pirkanmaa().await;
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.responding_url(), &aino()).await.body);
    let found: Vec<_> = parsed
        .matches
        .iter()
        .map(|m| {
            (
                m.patient_id.extension.clone().unwrap_or_default(),
                m.home_community_id.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("PIR-1001".to_string(), "urn:oid:2.999.1.10".to_string())]
    );
    // The initiating side of the same gateway reaches the other communities, not its own.
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &aino()).await.body);
    let ids: Vec<_> = parsed
        .matches
        .iter()
        .filter_map(|m| m.patient_id.extension.clone())
        .collect();
    assert_eq!(ids, ["UUS-2001"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_query_gets_home_on_every_object_and_unknown_communities_are_refused() {
    let gw = fronting_pirkanmaa().await;
    let payload =
        soap_client::find_documents("PIR-1001^^^&2.999.1.10.1&ISO", ReturnType::LeafClass);
    let a = post(
        &gw.responding_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:rg-1", &payload),
    )
    .await;
    let r = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap();
    assert_eq!(r.status(), ResponseStatus::Success, "{}", a.body);
    assert!(!r.objects.is_empty());
    assert!(
        r.home_carriers()
            .iter()
            .all(|o| o.home() == Some("urn:oid:2.999.1.10"))
    );
    let payload = soap_client::get_documents("2.999.1.20.2.1", Some("urn:oid:2.999.1.20"));
    let a = post(
        &gw.responding_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:rg-2", &payload),
    )
    .await;
    let r = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap();
    assert_eq!(r.status(), ResponseStatus::Failure);
    let e = &r.registry.errors.as_ref().unwrap().errors[0];
    assert_eq!(
        (e.error_code.as_str(), e.location.as_deref()),
        (error_codes::UNKNOWN_COMMUNITY, Some("urn:oid:2.999.1.20"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_retrieve_is_answered_with_mtom_for_the_fronted_community() {
    let gw = fronting_pirkanmaa().await;
    let payload = soap_client::retrieve(&[
        ("urn:oid:2.999.1.10", "2.999.1.10.3", "2.999.1.10.2.1"),
        ("urn:oid:2.999.1.20", "2.999.1.20.3", "2.999.1.20.2.1"),
    ]);
    let a = post(
        &gw.responding_url(),
        SOAP,
        soap_client::envelope(ITI39, "urn:uuid:rg-3", &payload),
    )
    .await;
    let (r, _) = soap_client::mtom_answer(&a);
    assert_eq!(r.registry.status, ResponseStatus::PartialSuccess);
    assert_eq!(r.documents.len(), 1);
    assert_eq!(
        r.documents[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.1.10")
    );
    let e = &r.registry.errors.as_ref().unwrap().errors[0];
    assert_eq!(
        (e.error_code.as_str(), e.location.as_deref()),
        (error_codes::UNKNOWN_COMMUNITY, Some("2.999.1.20.2.1"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_consumer_transactions_and_unknown_must_understand_headers_are_refused() {
    let gw = fronting_pirkanmaa().await;
    let a = post(
        &gw.responding_url(),
        SOAP,
        soap_client::envelope(
            ITI18,
            "urn:uuid:rg-4",
            &soap_client::get_documents("1", Some("urn:oid:2.999.1.10")),
        ),
    )
    .await;
    let f = Fault::from_element(&soap_client::body_payload(&a.body)).unwrap();
    assert_eq!(
        f.subcode.map(|s| s.1).as_deref(),
        Some("ActionNotSupported")
    );
    let with_header = soap_client::envelope(soap_client::ITI55, "urn:uuid:rg-5", &aino()).replace(
        "<soap:Header>",
        "<soap:Header><p:Policy xmlns:p=\"urn:example:policy\" soap:mustUnderstand=\"1\"/>",
    );
    let a = post(&gw.responding_url(), SOAP, with_header).await;
    assert_eq!(
        Fault::from_element(&soap_client::body_payload(&a.body))
            .unwrap()
            .code,
        FaultCode::MustUnderstand
    );
    // An unknown WS-Security header is accepted (and ignored until XUA is configured).
    let with_security = soap_client::envelope(soap_client::ITI55, "urn:uuid:rg-6", &aino()).replace(
        "<soap:Header>",
        "<soap:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" soap:mustUnderstand=\"1\"><x/></wsse:Security>",
    );
    let a = post(&gw.responding_url(), SOAP, with_security).await;
    assert_eq!(soap_client::iti55_answer(&a.body).matches.len(), 1);
}

#[test]
fn a_fronted_community_must_exist() {
    let text = xcgate::config::DEMO_CONFIG.replace(
        "max_body = \"16MiB\"",
        "max_body = \"16MiB\"\nresponding = [\"atlantis\"]",
    );
    let e = xcgate::config::Config::from_toml(&text, "demo", std::path::PathBuf::from("."))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("gateway.responding") && e.contains("atlantis") && e.contains("pirkanmaa"),
        "{e}"
    );
}
