//! ITI-56 Patient Location Query (XCPD Health Data Locator) in both roles: the responding
//! gateway answers from its correlations and the communities it fronts, the initiating
//! gateway asks the communities whose adapters locate patients; requests and answers
//! validate against IHE's `XCPD_PLQ.xsd` (the corpus's SOAP driver schema), and each
//! query is audited.

use xcgate_ihe::xcpd::Ii;
use xcgate_tests::mock_responder::{MockResponder, Reply};
use xcgate_tests::soap_client::{self, ITI18, post};
use xcgate_tests::{TestGateway, aino, corpus, gateway, guests};

const SOAP: &str = "application/soap+xml; charset=utf-8";
const ITI56: &str = "urn:ihe:iti:2009:PatientLocationQuery";

/// Validate a whole envelope against the ITI-56 driver schema, when xmllint is there.
fn schema_valid(xml: &str, label: &str) {
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(&dir, "drivers/soap12-xcpd-plq.xsd", xml, label).unwrap();
    }
}

async fn locate(url: &str, id: &Ii) -> soap_client::Answer {
    let body = xcgate_ihe::plq::build_request(id);
    let request = soap_client::envelope(ITI56, "urn:uuid:plq-1", &body);
    schema_valid(&request, "iti56-request");
    post(url, SOAP, request).await
}

fn locations(answer: &str) -> Vec<(String, String)> {
    let payload = soap_client::body_payload(answer);
    let mut found: Vec<(String, String)> = xcgate_ihe::plq::parse_response(&payload)
        .unwrap_or_else(|e| panic!("{e}: {answer}"))
        .into_iter()
        .map(|l| {
            (
                l.home_community_id,
                l.patient_id.extension.unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A gateway that fronts `north` (Aino as N-1) and reaches `east` (Aino as E-1), both
/// also knowing her hetu.
pub async fn locator_gateway() -> TestGateway {
    gateway()
        .set("assigning_authority", "\"1.2.246.21\"")
        .community_with("north", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "N-1").with_hetu("120390-904J"))
        })
        .community_with("east", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.20.1", "E-1").with_hetu("120390-904J"))
        })
        .responding(&["north"])
        .start()
        .await
        .unwrap()
}

/// Teach `gw` where Aino is: an ITI-18 by her hetu on `/initiating` (east answers E-1).
pub async fn learn_aino(gw: &TestGateway) {
    let payload = soap_client::find_documents(
        "120390-904J^^^&1.2.246.21&ISO",
        xcgate_ihe::ebrs::ReturnType::LeafClass,
    );
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI18, "urn:uuid:learn", &payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responding_gateway_says_where_aino_is_known_from_what_it_learned_and_fronts() {
    let gw = locator_gateway().await;
    learn_aino(&gw).await;
    let hetu = Ii::new("1.2.246.21", Some("120390-904J"));
    let a = locate(&gw.responding_url(), &hetu).await;
    assert_eq!(a.status, 200, "{}", a.body);
    schema_valid(&a.body, "iti56-response");
    assert!(
        a.body
            .contains("urn:ihe:iti:2009:PatientLocationQueryResponse"),
        "{}",
        a.body
    );
    assert_eq!(
        locations(&a.body),
        [
            ("urn:oid:2.999.1.10".to_string(), "N-1".to_string()),
            ("urn:oid:2.999.1.20".to_string(), "E-1".to_string()),
        ],
        "north holds her by that id; east's id was learned: {}",
        a.body
    );
    // Audited as the responding gateway's ITI-56, naming her.
    let journal = gw.journal_text();
    let record = journal
        .lines()
        .find(|l| l.contains("csd-code=\"ITI-56\""))
        .expect("an ITI-56 audit record");
    assert!(record.contains("EventOutcomeIndicator=\"0\""), "{record}");
    assert!(record.contains("120390-904J"), "{record}");

    // By north's own id: north holds her.
    let a = locate(&gw.responding_url(), &Ii::new("2.999.1.10.1", Some("N-1"))).await;
    assert_eq!(
        locations(&a.body),
        [("urn:oid:2.999.1.10".to_string(), "N-1".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_patient_or_a_malformed_query_is_a_sender_fault_and_audited() {
    let gw = locator_gateway().await;
    let a = locate(&gw.responding_url(), &Ii::new("2.999.77", Some("NOBODY"))).await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("env:Sender"), "{}", a.body);
    assert!(a.body.contains("no community"), "{}", a.body);
    schema_valid(&a.body, "iti56-fault");
    let journal = gw.journal_text();
    let record = journal
        .lines()
        .find(|l| l.contains("csd-code=\"ITI-56\""))
        .expect("the failed query is audited");
    assert!(!record.contains("EventOutcomeIndicator=\"0\""), "{record}");

    let bad = soap_client::envelope(
        ITI56,
        "urn:uuid:plq-bad",
        "<xcpd:PatientLocationQueryRequest xmlns:xcpd=\"urn:ihe:iti:xcpd:2009\"/>",
    );
    let a = post(&gw.responding_url(), SOAP, bad).await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("RequestedPatientId"), "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_iti55_answers_say_it_supports_the_health_data_locator() {
    let gw = locator_gateway().await;
    let query = soap_client::demographic_query("hdl", "Virtanen", "Aino", "19900312");
    let a = soap_client::iti55(&gw.responding_url(), &query).await;
    assert!(
        a.body.contains("SupportsHealthDataLocator"),
        "the custodian's code [ITI TF-2 3.55.4.2.2.5]: {}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_initiating_gateway_asks_the_communities_that_locate_patients_and_merges_their_answers()
{
    // The remote responding gateway: a real xcgate, whose ITI-56 answer the mock replays
    // (and whose request from our side the mock keeps, to validate).
    let remote = locator_gateway().await;
    learn_aino(&remote).await;
    let hetu = Ii::new("1.2.246.21", Some("120390-904J"));
    let answer = locate(&remote.responding_url(), &hetu).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mock = MockResponder::start().await;
    mock.reply_on("/plq", Reply::soap(answer.body));
    mock.reply_on("/down", Reply::new(503, Some("text/plain"), "maintenance"));
    let gw = gateway()
        .home_community_id("urn:oid:2.999.7")
        .community_with("remote", guests::IHE_SOAP, |c| {
            c.home_community_id("urn:oid:2.999.1")
                .set("circuit_breaker", "{ failures = 0 }")
                .setting_str("sender_home_community_id", "urn:oid:2.999.7")
        })
        .community_with("other", guests::IHE_SOAP, |c| {
            c.home_community_id("urn:oid:2.999.8")
                .set("circuit_breaker", "{ failures = 0 }")
                .setting_str("iti56_endpoint", "down")
        })
        .toml(&format!(
            "[communities.remote.endpoints.plq]\nurl = \"{0}/plq\"\n[communities.other.endpoints.down]\nurl = \"{0}/down\"\n",
            mock.url()
        ))
        .start()
        .await
        .unwrap();
    let a = locate(&gw.initiating_url(), &hetu).await;
    assert_eq!(a.status, 200, "{}", a.body);
    schema_valid(&a.body, "iti56-initiating-response");
    assert_eq!(locations(&a.body).len(), 2, "{}", a.body);

    // What our adapter sent is a schema-valid ITI-56 with its action.
    let sent = mock
        .received()
        .into_iter()
        .find(|r| r.path == "/plq")
        .expect("the remote was asked");
    let sent = String::from_utf8_lossy(&sent.body).into_owned();
    schema_valid(&sent, "iti56-sent");
    assert!(sent.contains(ITI56), "{sent}");
    assert!(sent.contains("120390-904J"), "{sent}");
    // One record per community asked, the failed one too.
    let journal = gw.journal_text();
    let records: Vec<&str> = journal
        .lines()
        .filter(|l| l.contains("csd-code=\"ITI-56\""))
        .collect();
    assert_eq!(records.len(), 2, "{journal}");

    // Nobody to ask: a Receiver fault saying so.
    let alone = gateway()
        .community("plain", guests::DEMO_COMMUNITY)
        .start()
        .await
        .unwrap();
    let a = locate(&alone.initiating_url(), &hetu).await;
    assert_eq!(a.status, 500, "{}", a.body);
    assert!(a.body.contains("patient-location"), "{}", a.body);
}
