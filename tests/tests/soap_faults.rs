//! Bad input gets the right SOAP 1.2 fault, never a panic or a bare 500.

use xcgate_ihe::soap::{Fault, FaultCode};
use xcgate_tests::soap_client::{self, ITI55, post};
use xcgate_tests::{TestGateway, gateway, guests};

const SOAP: &str = "application/soap+xml; charset=utf-8";

fn fault_of(body: &str) -> Fault {
    Fault::from_element(&soap_client::body_payload(body))
        .unwrap_or_else(|| panic!("not a fault: {body}"))
}

fn small_query() -> String {
    soap_client::demographic_query("faults", "Virtanen", "Aino", "19900312")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_xml_is_a_sender_fault_that_says_where() {
    let gw = TestGateway::demo().await;
    let a = post(&gw.initiating_url(), SOAP, "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body><oops></soap:Body>").await;
    assert_eq!(a.status, 400);
    let f = fault_of(&a.body);
    assert_eq!(f.code, FaultCode::Sender);
    assert!(f.reason.contains("malformed XML"), "{}", f.reason);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctype_is_refused_before_any_entity_is_expanded() {
    let gw = TestGateway::demo().await;
    let evil = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><x>&lol2;</x></soap:Body></soap:Envelope>"#;
    let a = post(&gw.initiating_url(), SOAP, evil).await;
    assert_eq!(a.status, 400);
    assert!(fault_of(&a.body).reason.contains("DOCTYPE"), "{}", a.body);
    let xxe = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><x>&xxe;</x></soap:Body></soap:Envelope>"#;
    let a = post(&gw.initiating_url(), SOAP, xxe).await;
    assert_eq!(a.status, 400);
    assert!(!a.body.contains("root:"), "no file content may leak");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undefined_entity_reference_is_refused() {
    let gw = TestGateway::demo().await;
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI55, "urn:uuid:1", "<x>&nope;</x>"),
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(fault_of(&a.body).reason.contains("&nope;"), "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_action_is_action_not_supported_and_relates_to_the_request() {
    let gw = TestGateway::demo().await;
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope("urn:example:NoSuchThing", "urn:uuid:42", &small_query()),
    )
    .await;
    assert_eq!(a.status, 400);
    let f = fault_of(&a.body);
    assert_eq!(
        f.subcode.map(|s| s.1).as_deref(),
        Some("ActionNotSupported")
    );
    assert!(f.reason.contains("urn:example:NoSuchThing"), "{}", f.reason);
    let env = xcgate_ihe::soap::parse_envelope(a.body.as_bytes()).unwrap();
    assert_eq!(env.addressing.relates_to.as_deref(), Some("urn:uuid:42"));
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(xcgate_ihe::wsa::FAULT_ACTION)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_soapaction_is_ignored_and_wsa_action_decides() {
    let gw = TestGateway::demo().await;
    let ct = "application/soap+xml; charset=utf-8; action=\"urn:example:Wrong\"";
    let a = post(
        &gw.initiating_url(),
        ct,
        soap_client::envelope(ITI55, "urn:uuid:43", &small_query()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_that_does_not_match_the_body_is_refused() {
    let gw = TestGateway::demo().await;
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(
            ITI55,
            "urn:uuid:44",
            "<AdhocQueryRequest xmlns=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\"/>",
        ),
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(
        fault_of(&a.body).reason.contains("does not match the Body"),
        "{}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_with_413_and_a_fault() {
    let gw = gateway()
        .set("max_body", "\"64KiB\"")
        .community_with("a", guests::DEMO_COMMUNITY, |c| c.setting("patients", "[]"))
        .start()
        .await
        .unwrap();
    let padding = "x".repeat(70 * 1024);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI55, "urn:uuid:45", &format!("<x>{padding}</x>")),
    )
    .await;
    assert_eq!(a.status, 413);
    assert!(
        fault_of(&a.body).reason.contains("65536 bytes"),
        "{}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soap_11_envelope_is_a_version_mismatch() {
    let gw = TestGateway::demo().await;
    let soap11 = format!(
        r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>{}</e:Body></e:Envelope>"#,
        small_query()
    );
    let a = post(&gw.initiating_url(), "text/xml; charset=utf-8", soap11).await;
    assert_eq!(a.status, 500);
    let f = fault_of(&a.body);
    assert_eq!(f.code, FaultCode::VersionMismatch);
    assert!(a.body.contains("SupportedEnvelope"), "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_must_understand_header_we_do_not_know_is_a_must_understand_fault() {
    let gw = TestGateway::demo().await;
    let request = soap_client::envelope(ITI55, "urn:uuid:46", &small_query())
        .replace("<soap:Header>", "<soap:Header><x:Billing xmlns:x=\"urn:example:billing\" soap:mustUnderstand=\"true\">7</x:Billing>");
    let a = post(&gw.initiating_url(), SOAP, request).await;
    assert_eq!(a.status, 500);
    assert_eq!(fault_of(&a.body).code, FaultCode::MustUnderstand);
    assert!(
        a.body.contains("NotUnderstood") && a.body.contains("urn:example:billing"),
        "{}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_variants_of_real_toolkits_are_accepted() {
    let gw = TestGateway::demo().await;
    // Default-namespace WS-A, whitespace in the Action, a bare-UUID MessageID, the wrong-namespace
    // mustUnderstand of some toolkits, and an (ignored) WS-Security header.
    let request = format!(
        r#"<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Header>
  <Action xmlns="http://www.w3.org/2005/08/addressing" mustUnderstand="1">
      {ITI55}
  </Action>
  <MessageID xmlns="http://www.w3.org/2005/08/addressing">6b3c1f0e-2c7b-4f38-a1a5-0d4b1b9a8c11</MessageID>
  <a:To xmlns:a="http://www.w3.org/2005/08/addressing" a:mustUnderstand="1">http://gw/initiating</a:To>
  <wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" S:mustUnderstand="true"/>
</S:Header><S:Body>{}</S:Body></S:Envelope>"#,
        small_query()
    );
    let a = post(&gw.initiating_url(), SOAP, request).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let env = xcgate_ihe::soap::parse_envelope(a.body.as_bytes()).unwrap();
    assert_eq!(
        env.addressing.relates_to.as_deref(),
        Some("6b3c1f0e-2c7b-4f38-a1a5-0d4b1b9a8c11")
    );
    assert_eq!(
        env.addressing.action.as_deref(),
        Some("urn:hl7-org:v3:PRPA_IN201306UV02:CrossGatewayPatientDiscovery")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_without_any_parameter_gets_an_hl7_qe_answer() {
    let gw = TestGateway::demo().await;
    let q = small_query();
    let start = q.find("<parameterList>").unwrap();
    let end = q.find("</parameterList>").unwrap() + "</parameterList>".len();
    let empty = format!("{}<parameterList/>{}", &q[..start], &q[end..]);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI55, "urn:uuid:47", &empty),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.ack_code.as_deref(), Some("AE"));
    assert_eq!(parsed.query_response_code.as_deref(), Some("QE"));
    assert!(
        parsed.ack_details[0].contains("LivingSubjectId or LivingSubjectName"),
        "{:?}",
        parsed.ack_details
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responding_endpoint_serves_nothing_until_a_community_is_fronted() {
    let gw = TestGateway::demo().await;
    let a = post(
        &gw.responding_url(),
        SOAP,
        soap_client::envelope(ITI55, "urn:uuid:48", &small_query()),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        fault_of(&a.body).subcode.map(|s| s.1).as_deref(),
        Some("ActionNotSupported")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_methods_paths_and_media_types_get_plain_http_errors() {
    let gw = TestGateway::demo().await;
    let a = post(&format!("{}/nowhere", gw.running.url()), SOAP, "x").await;
    assert_eq!(a.status, 404);
    let a = post(&gw.initiating_url(), "application/json", "{}").await;
    assert_eq!(a.status, 415);
    assert!(fault_of(&a.body).reason.contains("application/json"));
}
