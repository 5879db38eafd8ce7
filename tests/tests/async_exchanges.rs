//! Asynchronous exchanges [ITI TF-2 Appendix V; 3.55.6.2]: a request whose `wsa:ReplyTo` is
//! a real address is accepted with 202 and its answer arrives at that address as a new
//! SOAP request that relates to it; a deferred ITI-55 is acknowledged at once and answered
//! at its `respondTo`. The test's own listener stands in for the initiator, and the corpus
//! schemas (xmllint) judge what arrives. Here the responding side and WS-Addressing;
//! the Deferred Response option in `deferred`, two gateways in `two_gateways`.

mod deferred;
mod deferred_adapter;
mod two_gateways;

use std::time::Duration;
use xcgate_ihe::hl7v3;
use xcgate_ihe::soap;
use xcgate_state::ExchangeState;
use xcgate_tests::mock_responder::{MockResponder, Received, Reply};
use xcgate_tests::soap_client::{self, post};
use xcgate_tests::{TestGateway, corpus};

pub(super) const SOAP: &str = "application/soap+xml; charset=utf-8";
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";

pub(super) fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../config/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The demo, also fronting its three communities on /responding, with `[gateway.replies]`
/// replaced by `replies` (TOML lines of that table).
pub(super) async fn demo_with_replies(replies: &str) -> TestGateway {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "[gateway]\n",
            "[gateway]\nresponding = [\"pirkanmaa\", \"uusimaa\", \"lappi\"]\n",
        )
        .replace(
            "[gateway.replies]\nallow = [\"http://127.0.0.1:*/\"]\n",
            &format!("[gateway.replies]\n{replies}\n"),
        );
    TestGateway::start(&text).await.expect("the gateway starts")
}

pub(super) async fn demo() -> TestGateway {
    demo_with_replies("allow = [\"http://127.0.0.1:*/\"]\nretry = \"100ms\"").await
}

/// A listener for answers: 202 to everything until told otherwise.
pub(super) async fn listener() -> MockResponder {
    let l = MockResponder::start().await;
    l.reply_with(Reply::new(202, None, ""));
    l
}

/// Every exchange in `gw`'s state store (at most ten).
pub(super) async fn exchanges_of(gw: &TestGateway) -> Vec<xcgate_state::Exchange> {
    let store = gw
        .gateway
        .process
        .store
        .as_ref()
        .expect("a gateway that serves has a store");
    store.exchanges(None, 10).await.expect("the store answers")
}

pub(super) fn reply_to(xml: &str, address: &str) -> String {
    xml.replace(ANONYMOUS, address)
}

pub(super) fn message_id(xml: &str) -> String {
    soap::parse_envelope(xml.as_bytes())
        .unwrap()
        .addressing
        .message_id
        .unwrap()
}

/// The one answer that arrived, parsed: its envelope and text.
pub(super) fn envelope_of(r: &Received) -> (soap::Envelope, String) {
    let text = String::from_utf8_lossy(&r.body).into_owned();
    (
        soap::parse_envelope(&r.body).expect("a SOAP envelope"),
        text,
    )
}

/// The patient ids (extensions) of the matches of the PRPA_IN201306UV02 in `env`.
pub(super) fn match_ids(env: &soap::Envelope) -> Vec<String> {
    hl7v3::parse_response(&env.body)
        .expect("a PRPA_IN201306UV02")
        .matches
        .iter()
        .filter_map(|m| m.patient_id.extension.clone())
        .collect()
}

pub(super) fn hl7v3_ns() -> &'static str {
    xcgate_ihe::xml::ns::HL7
}

pub(super) fn validate(schema: &str, xml: &str, label: &str) {
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(&dir, schema, xml, label).unwrap();
    }
}

/// An MCCI_IN000002UV01 accept acknowledgement (the initiator's answer to a deferred
/// answer), with `code`.
pub(super) fn mcci(code: &str) -> Reply {
    let ack = format!(
        r#"<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="2.999.5.9"/><creationTime value="20261206120000"/><interactionId root="2.16.840.1.113883.1.6" extension="MCCI_IN000002UV01"/><processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="NE"/><acknowledgement><typeCode code="{code}"/><targetMessage><id root="2.999.1"/></targetMessage></acknowledgement></MCCI_IN000002UV01>"#
    );
    let headers = xcgate_ihe::wsa::response_headers(hl7v3::actions::MCCI_ACK, "urn:uuid:ack", None);
    Reply::soap(soap::build_envelope(&headers, &ack))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iti55_with_a_reply_to_is_accepted_with_202_and_answered_at_that_address() {
    let gw = demo().await;
    let l = listener().await;
    let address = format!("{}/replies/iti55", l.url());
    let request = reply_to(&example("iti55-virtanen.xml"), &address);
    let answer = post(&gw.responding_url(), SOAP, request.clone()).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert!(answer.body.is_empty(), "{}", answer.body);

    let received = l.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1, "one answer, at the ReplyTo");
    assert_eq!(received[0].path, "/replies/iti55");
    assert!(
        received[0]
            .content_type
            .contains(hl7v3::actions::ITI55_RESPONSE),
        "{}",
        received[0].content_type
    );
    let (env, text) = envelope_of(&received[0]);
    let a = &env.addressing;
    assert_eq!(a.action.as_deref(), Some(hl7v3::actions::ITI55_RESPONSE));
    assert_eq!(a.relates_to, Some(message_id(&request)));
    assert_eq!(a.to.as_deref(), Some(address.as_str()));
    assert_ne!(a.message_id, Some(message_id(&request)));
    let parsed = hl7v3::parse_response(&env.body).unwrap();
    assert_eq!(parsed.matches.len(), 2, "{text}");
    validate("drivers/soap12-prpa-in201306.xsd", &text, "async iti55");

    // The answer is audited when it is delivered, its Source the ReplyTo address
    // [ITI TF-2 3.55.5.1].
    let journal = gw.journal_text();
    assert!(
        journal
            .lines()
            .any(|r| r.contains(&format!("UserID=\"{address}\"")) && r.contains("ITI-55")),
        "{journal}"
    );
    let metrics = gw.metrics().render();
    assert!(
        metrics.contains("xcgate_async_exchanges_total{event=\"accepted\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("xcgate_async_exchanges_total{event=\"delivered\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iti38_and_an_iti39_on_initiating_are_answered_asynchronously_and_mtom_stays_mtom() {
    // The bundled demo as it is: its communities are reached from /initiating.
    let gw = TestGateway::demo().await;
    let l = listener().await;
    let address = format!("{}/replies", l.url());
    let query = reply_to(&example("iti38-find-documents.xml"), &address);
    let retrieve = reply_to(&example("iti39-retrieve.xml"), &address);
    for request in [&query, &retrieve] {
        let answer = post(&gw.initiating_url(), SOAP, request.clone()).await;
        assert_eq!(answer.status, 202, "{}", answer.body);
    }
    let received = l.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2);
    let of = |id: String| {
        received
            .iter()
            .find(|r| String::from_utf8_lossy(&r.body).contains(&id))
            .unwrap_or_else(|| panic!("no answer relates to {id}"))
    };

    let (env, text) = envelope_of(of(message_id(&query)));
    assert_eq!(
        env.addressing.action.as_deref(),
        Some("urn:ihe:iti:2007:CrossGatewayQueryResponse")
    );
    let response = xcgate_ihe::ebrs::AdhocQueryResponse::parse(&env.body).unwrap();
    assert!(!response.objects.is_empty(), "{text}");
    validate("drivers/soap12-xds.xsd", &text, "async iti38");

    let mtom = of(message_id(&retrieve));
    assert!(
        mtom.content_type.starts_with("multipart/related"),
        "{}",
        mtom.content_type
    );
    assert!(mtom.content_type.contains("CrossGatewayRetrieveResponse"));
    let parts = xcgate_ihe::mtom::parse_multipart(&mtom.content_type, mtom.body.clone()).unwrap();
    let root = soap::parse_envelope(parts.root().body()).unwrap();
    assert_eq!(root.addressing.relates_to, Some(message_id(&retrieve)));
    let response = xcgate_ihe::retrieve::RetrieveDocumentSetResponse::parse(&root.body).unwrap();
    assert_eq!(response.documents.len(), 2);
    assert_eq!(
        parts.attachments().count(),
        2,
        "each document a binary part"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_outside_the_allowed_list_is_refused_and_never_contacted() {
    let l = listener().await;
    let request = reply_to(
        &example("iti38-find-documents.xml"),
        &format!("{}/replies", l.url()),
    );
    for replies in ["allow = [\"http://127.0.0.1:1/replies\"]", ""] {
        let gw = demo_with_replies(replies).await;
        let answer = post(&gw.initiating_url(), SOAP, request.clone()).await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(
            answer.body.contains("InvalidAddressingHeader"),
            "{}",
            answer.body
        );
        assert!(
            answer.body.contains("gateway.replies.allow"),
            "{}",
            answer.body
        );
        let store = gw.gateway.process.store.as_ref().unwrap();
        assert!(store.exchanges(None, 10).await.unwrap().is_empty());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(l.received().is_empty(), "the address was contacted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_asynchronous_request_that_fails_the_checks_gets_its_fault_on_the_connection() {
    let gw = demo().await;
    let l = listener().await;
    let address = format!("{}/replies", l.url());
    // Without a MessageID the answer could not relate to the request.
    let no_id = reply_to(&example("iti38-find-documents.xml"), &address).replace(
        "<wsa:MessageID>urn:uuid:5b0f5d52-8a41-4c55-a4d3-6c0a5e1f0d01</wsa:MessageID>",
        "",
    );
    assert!(!no_id.contains("MessageID"), "the example changed");
    let answer = post(&gw.initiating_url(), SOAP, no_id).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body.contains("MessageAddressingHeaderRequired"),
        "{}",
        answer.body
    );
    // A header it must understand and does not.
    let must_understand = reply_to(&example("iti38-find-documents.xml"), &address).replace(
        "</soap:Header>",
        "<x:Unknown xmlns:x=\"urn:example\" soap:mustUnderstand=\"true\"/></soap:Header>",
    );
    let answer = post(&gw.initiating_url(), SOAP, must_understand).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert!(answer.body.contains("MustUnderstand"), "{}", answer.body);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(l.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_is_down_for_a_while_gets_the_answer_once_it_is_back() {
    let gw = demo().await;
    let l = listener().await;
    l.reply_first(vec![Reply::new(503, None, ""), Reply::new(503, None, "")]);
    let request = reply_to(
        &example("iti38-find-documents.xml"),
        &format!("{}/r", l.url()),
    );
    assert_eq!(
        post(&gw.initiating_url(), SOAP, request.clone())
            .await
            .status,
        202
    );
    let received = l.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 3, "two failed attempts, then the delivery");
    // Retried with the same answer, and never again once delivered.
    assert!(received.iter().all(|r| r.body == received[0].body));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(l.received().len(), 3);
    let store = gw.gateway.process.store.as_ref().unwrap();
    let all = store.exchanges(None, 10).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].state, ExchangeState::Delivered);
    assert_eq!(all[0].attempts, 3);
    assert_eq!(all[0].relates_to, message_id(&request));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_stays_down_is_given_up_after_the_horizon_with_the_answer_kept_and_audited()
{
    let gw = demo_with_replies(
        "allow = [\"http://127.0.0.1:*/\"]\nretry = \"100ms\"\nmax_retry = \"200ms\"\nhorizon = \"1500ms\"",
    )
    .await;
    let l = MockResponder::start().await; // 500 to everything
    let request = reply_to(
        &example("iti38-find-documents.xml"),
        &format!("{}/r", l.url()),
    );
    assert_eq!(post(&gw.initiating_url(), SOAP, request).await.status, 202);
    // Pending work does not make the gateway unready.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        soap_client::get(&format!("{}/ready", gw.running.url()))
            .await
            .status,
        200
    );

    let store = gw.gateway.process.store.as_ref().unwrap();
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    let exchange = loop {
        let all = store.exchanges(None, 10).await.unwrap();
        if all[0].state == ExchangeState::GivenUp || tokio::time::Instant::now() > until {
            break all[0].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(exchange.state, ExchangeState::GivenUp);
    assert!(exchange.attempts >= 3, "{}", exchange.attempts);
    assert!(
        String::from_utf8_lossy(&exchange.body).contains("AdhocQueryResponse"),
        "the answer is kept"
    );
    assert!(exchange.last_error.as_deref().unwrap_or("").contains("500"));
    let journal = gw.journal_text();
    assert!(
        journal
            .lines()
            .any(|r| r.contains("EventOutcomeIndicator=\"8\"")
                && r.contains("could not be delivered")),
        "{journal}"
    );
    let attempts = l.received().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(l.received().len(), attempts, "no attempt after giving up");
    assert!(
        gw.metrics()
            .render()
            .contains("xcgate_async_exchanges_total{event=\"given_up\"} 1")
    );

    // The receiver works again and the operator retries it (`xcgate pending retry`): the
    // running gateway delivers the kept answer.
    l.reply_with(Reply::new(202, None, ""));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        store
            .retry_given_up(&exchange.id, now, now + 60_000)
            .await
            .unwrap()
    );
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    while store.exchange(&exchange.id).await.unwrap().unwrap().state != ExchangeState::Delivered
        && tokio::time::Instant::now() < until
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        store.exchange(&exchange.id).await.unwrap().unwrap().state,
        ExchangeState::Delivered
    );
    let last = l.received().last().cloned().unwrap();
    assert!(String::from_utf8_lossy(&last.body).contains("AdhocQueryResponse"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_no_request_awaits_is_refused_at_replies() {
    let gw = TestGateway::demo().await;
    let headers = xcgate_ihe::wsa::answer_headers(
        "urn:ihe:iti:2007:CrossGatewayQueryResponse",
        "urn:uuid:stray",
        "urn:uuid:never-sent",
        "http://127.0.0.1/replies",
    );
    let stray = soap::build_envelope(&headers, "<x xmlns=\"urn:example\"/>");
    let answer = post(&format!("{}/replies", gw.running.url()), SOAP, stray).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body.contains("no request of this gateway awaits"),
        "{}",
        answer.body
    );
}

/// A local Document Consumer's ITI-18 on `/initiating` may ask asynchronously too
/// [ITI TF-1 18.2.2]: the hetu is translated per community as in a synchronous exchange,
/// and the answer, with the Registry Stored Query response action, arrives at the ReplyTo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iti18_from_a_local_consumer_is_answered_asynchronously() {
    let gw = TestGateway::demo().await;
    let l = listener().await;
    let request = reply_to(
        &example("iti18-find-documents-hetu.xml"),
        &format!("{}/iti18", l.url()),
    );
    assert_ne!(
        request,
        example("iti18-find-documents-hetu.xml"),
        "the example's ReplyTo is anonymous"
    );
    let answer = post(&gw.initiating_url(), SOAP, request.clone()).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let received = l.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(
        env.addressing.action.as_deref(),
        Some("urn:ihe:iti:2007:RegistryStoredQueryResponse")
    );
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    let response = xcgate_ihe::ebrs::AdhocQueryResponse::parse(&env.body).unwrap();
    assert_eq!(response.objects.len(), 3, "her three documents: {text}");
    validate("drivers/soap12-xds.xsd", &text, "async iti18");
}

/// What is not an answer gets a fault at `/replies`, never a panic: a body that is not XML,
/// and an envelope without the `wsa:RelatesTo` that would name its request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_message_at_replies_gets_a_clear_fault() {
    let gw = TestGateway::demo().await;
    let replies = format!("{}/replies", gw.running.url());
    let garbage = post(&replies, SOAP, "this is <not xml").await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);
    assert!(garbage.body.contains("env:Fault"), "{}", garbage.body);
    let headers = xcgate_ihe::wsa::response_headers(
        "urn:ihe:iti:2007:CrossGatewayQueryResponse",
        "urn:uuid:no-relates-to",
        None,
    );
    let unrelated = post(
        &replies,
        SOAP,
        soap::build_envelope(&headers, "<x xmlns=\"urn:example\"/>"),
    )
    .await;
    assert_eq!(unrelated.status, 400, "{}", unrelated.body);
    assert!(
        unrelated.body.contains("MessageAddressingHeaderRequired"),
        "{}",
        unrelated.body
    );
    assert!(
        unrelated.body.contains("needs wsa:RelatesTo"),
        "{}",
        unrelated.body
    );
    assert!(
        soap_client::get(&format!("{}/ready", gw.running.url()))
            .await
            .status
            == 200
    );
}
