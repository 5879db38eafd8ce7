//! Against a remote responding gateway (a real xcgate behind the IHE SOAP adapter): the
//! responder's `xcpd:CorrelationTimeToLive` [ITI TF-2 3.55.4.2.2] decides how long a
//! correlation is kept, after which the patient is looked up again; and the lookup carries
//! the demographics of the local patient source [ITI TF-2 3.55.4.1.2.1].

use super::*;
use xcgate_tests::mock_responder::{MockResponder, Reply};
use xcgate_tests::soap_client::ITI38;
use xcgate_tests::visit_summary;

/// A remote responding gateway (`remote`, over the IHE SOAP adapter) whose answers come
/// from gateway `b`, a real xcgate fronting a community that holds Aino as N-1, with the
/// responder's CorrelationTimeToLive header added to its ITI-55 answer.
async fn remote_answers(mock: &MockResponder, ttl: &str) -> TestGateway {
    let b = gateway()
        .home_community_id("urn:oid:2.999.40")
        .community_with("north", guests::DEMO_COMMUNITY, |c| {
            c.home_community_id("urn:oid:2.999.40")
                .setting_str("repository_unique_id", "2.999.40.3")
                .patient(aino("2.999.40.1", "N-1").with_hetu("120390-904J"))
                .document(visit_summary("N-1", "2.999.40.2.1"))
        })
        .responding(&["north"])
        .start()
        .await
        .unwrap();
    let query = soap_client::patient_query(
        "q",
        &xcgate_ihe::xcpd::PatientQuery {
            ids: vec![xcgate_ihe::xcpd::Ii::new("1.2.246.21", Some("120390-904J"))],
            ..Default::default()
        },
    );
    let iti55 = soap_client::iti55(&b.responding_url(), &query).await;
    assert!(iti55.body.contains("N-1"), "{}", iti55.body);
    let header = format!(
        "<xcpd:CorrelationTimeToLive xmlns:xcpd=\"urn:ihe:iti:xcpd:2009\">{ttl}</xcpd:CorrelationTimeToLive>"
    );
    let with_ttl = insert_header(&iti55.body, &header);
    mock.reply_on("/xcpd", Reply::soap(with_ttl));
    let payload = soap_client::find_documents("N-1^^^&2.999.40.1&ISO", ReturnType::LeafClass);
    let iti38 = post(
        &b.responding_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:b-1", &payload),
    )
    .await;
    assert!(iti38.body.contains("2.999.40.2.1"), "{}", iti38.body);
    mock.reply_on("/query", Reply::soap(iti38.body));
    b
}

/// `header` as the first child of the envelope's SOAP Header.
fn insert_header(envelope: &str, header: &str) -> String {
    let start = envelope.find(":Header").expect("a SOAP Header");
    let close = start + envelope[start..].find('>').unwrap() + 1;
    format!("{}{header}{}", &envelope[..close], &envelope[close..])
}

fn gateway_to(mock: &MockResponder) -> xcgate_tests::GatewayBuilder {
    gateway()
        .home_community_id("urn:oid:2.999.9")
        .set("assigning_authority", "\"1.2.246.21\"")
        .community_with("remote", guests::IHE_SOAP, |c| {
            c.home_community_id("urn:oid:2.999.40")
                .set("circuit_breaker", "{ failures = 0 }")
                .set(
                    "settings",
                    "{ sender_home_community_id = \"urn:oid:2.999.9\" }",
                )
        })
        .toml(&format!(
            "[communities.remote.endpoints.xcpd]\nurl = \"{0}/xcpd\"\n[communities.remote.endpoints.query]\nurl = \"{0}/query\"\n",
            mock.url()
        ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responders_correlation_time_to_live_is_kept_and_then_she_is_looked_up_again() {
    let mock = MockResponder::start().await;
    let _b = remote_answers(&mock, "PT2S").await;
    let gw = gateway_to(&mock).start().await.unwrap();

    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(r.status(), ResponseStatus::Success, "{body}");
    assert_eq!(homes(&r), ["urn:oid:2.999.40"], "{body}");
    assert_eq!(mock.paths(), ["/xcpd", "/query"]);
    // The remote community is asked by its own id for her, with the hetu's query as is.
    let sent = String::from_utf8_lossy(&mock.last().unwrap().body).into_owned();
    assert!(sent.contains("N-1^^^&amp;2.999.40.1&amp;ISO"), "{sent}");
    assert!(!sent.contains("120390-904J"), "{sent}");
    // Kept for the two seconds the responder asked, not the default day.
    let store = gw.gateway.process.store.as_ref().unwrap();
    let now = xcgate::correlation::now_ms();
    let known = store
        .live(&aino_by_hetu(), Direction::Initiating, now)
        .await
        .unwrap();
    assert_eq!(known.len(), 1, "{known:?}");
    assert_eq!(known[0].expires_at - known[0].learned_at, 2000);

    let _ = find_documents(&gw, AINO_HETU).await;
    assert_eq!(mock.paths(), ["/xcpd", "/query", "/query"], "still known");

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(homes(&r), ["urn:oid:2.999.40"], "{body}");
    assert_eq!(
        mock.paths(),
        ["/xcpd", "/query", "/query", "/xcpd", "/query"],
        "expired: looked up again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_carries_the_demographics_of_the_local_patient_source() {
    let mock = MockResponder::start().await;
    let _b = remote_answers(&mock, "P1D").await;
    let gw = gateway_to(&mock)
        .community_with("home", guests::DEMO_COMMUNITY, |c| {
            c.home_community_id("urn:oid:2.999.9.10")
                .patient(aino("2.999.9.10.1", "H-1").with_hetu("120390-904J"))
        })
        .responding(&["home"])
        .set("patient_source", "\"home\"")
        .start()
        .await
        .unwrap();
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(homes(&r), ["urn:oid:2.999.40"], "{body}");
    let asked = mock
        .received()
        .into_iter()
        .find(|r| r.path == "/xcpd")
        .expect("the remote was asked who she is");
    let asked = String::from_utf8_lossy(&asked.body).into_owned();
    for sent in ["120390-904J", "Virtanen", "Aino", "19900312"] {
        assert!(asked.contains(sent), "{sent} in the ITI-55: {asked}");
    }
    assert!(
        !asked.contains("H-1"),
        "our community's own id stays here: {asked}"
    );
}
