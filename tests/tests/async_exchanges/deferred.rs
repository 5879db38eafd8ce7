//! The XCPD Deferred Response option on the responding side [ITI TF-2 3.55.6.2,
//! 3.55.4.1.3]: acknowledged at once, answered at the request's respondTo.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_iti55_is_acknowledged_at_once_and_answered_at_its_respond_to() {
    let gw = demo().await;
    let l = MockResponder::start().await;
    // The first delivery is refused by an AE acknowledgement: retried, then accepted.
    l.reply_first(vec![mcci("AE")]);
    l.reply_with(mcci("AA"));
    let address = format!("{}/deferred", l.url());
    let request =
        example("iti55-virtanen-deferred.xml").replace("http://127.0.0.1:9311/deferred", &address);
    let answer = post(&gw.responding_url(), SOAP, request.clone()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
    assert!(ack.accepted(), "{}", answer.body);
    assert_eq!(
        ack.target.and_then(|t| t.extension).as_deref(),
        Some("example-deferred-1")
    );
    validate(
        "drivers/soap12-mcci-in000002.xsd",
        &answer.body,
        "deferred ack",
    );

    let received = l.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2, "refused once, then accepted");
    let (env, text) = envelope_of(&received[1]);
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(hl7v3::actions::ITI55_DEFERRED_RESPONSE)
    );
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    let parsed = hl7v3::parse_response(&env.body).unwrap();
    // The same queryId as the request [ITI TF-2 3.55.6.2].
    let query_id = env
        .body
        .path(hl7v3_ns(), &["controlActProcess", "queryAck", "queryId"]);
    assert_eq!(
        query_id.and_then(|q| q.attr("extension")),
        Some("query-deferred-1"),
        "{text}"
    );
    assert_eq!(parsed.matches.len(), 2, "{text}");
    validate("drivers/soap12-prpa-in201306.xsd", &text, "deferred answer");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(l.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_iti55_that_cannot_be_answered_that_way_gets_an_ae_acknowledgement() {
    let gw = demo_with_replies("allow = [\"http://127.0.0.1:1/\"]").await;
    let l = listener().await;
    let request = example("iti55-virtanen-deferred.xml").replace(
        "http://127.0.0.1:9311/deferred",
        &format!("{}/deferred", l.url()),
    );
    let no_respond_to = example("iti55-virtanen-deferred.xml")
        .replace("<telecom value=\"http://127.0.0.1:9311/deferred\"/>", "");
    for (request, why) in [(request, "respondTo address"), (no_respond_to, "has none")] {
        let answer = post(&gw.responding_url(), SOAP, request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
        assert_eq!(ack.code, "AE");
        assert!(answer.body.contains("NS250"), "{}", answer.body);
        assert!(
            ack.text.unwrap_or_default().contains(why),
            "{}",
            answer.body
        );
        validate(
            "drivers/soap12-mcci-in000002.xsd",
            &answer.body,
            "deferred refusal",
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(l.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_deferred_request_is_acknowledged_and_answered_at_its_respond_to() {
    let Some(dir) = corpus::dir() else { return };
    let gw = TestGateway::demo().await;
    let l = MockResponder::start().await;
    l.reply_with(mcci("AA"));
    // IPF's deferred sample leaves its respondTo for the user to fill in.
    let text = std::fs::read_to_string(dir.join("samples/iti55/iti55-request-ipf-deferred.xml"))
        .unwrap()
        .replace("***REPLACEME***", &format!("{}/ipf", l.url()));
    let request = soap_client::envelope(
        hl7v3::actions::ITI55_DEFERRED_REQUEST,
        "urn:uuid:0e1f7c1c-3f43-4b3a-9d43-0f2f2b9f1d0d",
        &text,
    );
    let answer = post(&gw.initiating_url(), SOAP, request).await;
    let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
    assert!(ack.accepted(), "{}", answer.body);
    let received = l.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(hl7v3::actions::ITI55_DEFERRED_RESPONSE)
    );
    assert!(hl7v3::parse_response(&env.body).is_ok(), "{text}");
    validate(
        "drivers/soap12-prpa-in201306.xsd",
        &text,
        "ipf deferred answer",
    );
}
