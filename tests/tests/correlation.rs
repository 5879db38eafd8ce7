//! Patient correlations and the XDS Affinity Domain option [ITI TF-1 18.2.1;
//! ITI TF-2 3.55.4.2.3.1, 3.55.4.1.2.4]: a local consumer asks by the affinity domain's id
//! (the hetu) and each community is asked by its own id for the patient, found by ITI-55
//! the first time and remembered (no match too) until the responder's
//! CorrelationTimeToLive or `gateway.correlation_ttl` runs out, or an operator revokes it.

mod remote;
mod store_outage;

use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, ReturnType, error_codes};
use xcgate_state::{Direction, PatientId};
use xcgate_tests::soap_client::{self, ITI18, post};
use xcgate_tests::{TestGateway, aino, gateway, guests};

const SOAP: &str = "application/soap+xml; charset=utf-8";
const AINO_HETU: &str = "120390-904J^^^&1.2.246.21&ISO";

fn aino_by_hetu() -> PatientId {
    PatientId::from_cx(AINO_HETU).unwrap()
}

/// An ITI-18 FindDocuments for `patient_cx` on `/initiating`.
async fn find_documents(gw: &TestGateway, patient_cx: &str) -> (AdhocQueryResponse, String) {
    let payload = soap_client::find_documents(patient_cx, ReturnType::LeafClass);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI18, "urn:uuid:c-1", &payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let parsed = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
        .unwrap_or_else(|e| panic!("not an AdhocQueryResponse ({e}): {}", a.body));
    (parsed, a.body)
}

fn homes(r: &AdhocQueryResponse) -> Vec<String> {
    let mut h: Vec<String> = r
        .objects
        .iter()
        .filter_map(|o| o.attr("home").map(str::to_string))
        .collect();
    h.sort();
    h
}

fn errors(r: &AdhocQueryResponse) -> Vec<(String, String, Option<String>)> {
    r.registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| {
            (
                e.error_code.clone(),
                e.code_context.clone(),
                e.location.clone(),
            )
        })
        .collect()
}

/// How many calls of `transaction` went to `community`, by the gateway's metrics.
fn calls(gw: &TestGateway, community: &str, transaction: &str) -> u64 {
    let prefix = format!(
        "xcgate_community_calls_total{{community=\"{community}\",transaction=\"{transaction}\","
    );
    gw.metrics()
        .render()
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iti18_by_hetu_finds_aino_in_every_demo_community_that_holds_her() {
    let gw = TestGateway::demo().await;
    let example = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../config/examples/iti18-find-documents-hetu.xml"),
    )
    .unwrap();
    let a = post(&gw.initiating_url(), SOAP, example).await;
    let first = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap();
    assert_eq!(first.status(), ResponseStatus::Success, "{}", a.body);
    assert_eq!(
        homes(&first),
        [
            "urn:oid:2.999.1.10",
            "urn:oid:2.999.1.10",
            "urn:oid:2.999.1.20"
        ],
        "her two pirkanmaa documents and her uusimaa one: {}",
        a.body
    );
    // Every community was asked who she is once; lappi, which has no record of her, is
    // not queried for documents.
    for c in ["pirkanmaa", "uusimaa", "lappi"] {
        assert_eq!(calls(&gw, c, "ITI-55"), 1, "{c}");
    }
    assert_eq!(calls(&gw, "lappi", "ITI-18"), 0);
    // The ITI-55 calls are audited as the initiating gateway's, beside the ITI-18 record.
    let journal = gw.journal_text();
    assert_eq!(
        journal
            .lines()
            .filter(|l| l.contains("csd-code=\"ITI-55\""))
            .count(),
        3,
        "one ITI-55 record per community asked"
    );

    // Asked again: what was learned answers, the negative result too.
    let (second, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(homes(&second), homes(&first), "{body}");
    for c in ["pirkanmaa", "uusimaa", "lappi"] {
        assert_eq!(calls(&gw, c, "ITI-55"), 1, "{c} is not asked again");
    }
    assert_eq!(calls(&gw, "lappi", "ITI-18"), 0);
    assert_eq!(calls(&gw, "uusimaa", "ITI-18"), 2);

    // Her correlations, as an operator lists them.
    let store = gw.gateway.process.store.as_ref().unwrap();
    let known = store
        .live(&aino_by_hetu(), Direction::Initiating, i64::MAX / 2 - 1)
        .await
        .unwrap();
    assert!(known.is_empty(), "they expire (a day by default)");
    let now = xcgate::correlation::now_ms();
    let known = store
        .live(&aino_by_hetu(), Direction::Initiating, now)
        .await
        .unwrap();
    let mut there: Vec<(String, Option<String>)> = known
        .iter()
        .map(|c| {
            (
                c.home_community_id.clone(),
                c.remote.as_ref().map(PatientId::cx),
            )
        })
        .collect();
    there.sort();
    assert_eq!(
        there,
        [
            (
                "urn:oid:2.999.1.10".to_string(),
                Some("PIR-1001^^^&2.999.1.10.1&ISO".to_string())
            ),
            (
                "urn:oid:2.999.1.20".to_string(),
                Some("UUS-2001^^^&2.999.1.20.1&ISO".to_string())
            ),
            ("urn:oid:2.999.1.30".to_string(), None),
        ]
    );
    for c in &known {
        let day = 86_400_000;
        assert!(
            (c.expires_at - c.learned_at - day).abs() < 1000,
            "correlation_ttl's default: {c:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_of_a_community_is_passed_on_unchanged() {
    let gw = TestGateway::demo().await;
    let (r, body) = find_documents(&gw, "PIR-1001^^^&2.999.1.10.1&ISO").await;
    assert_eq!(
        homes(&r),
        ["urn:oid:2.999.1.10", "urn:oid:2.999.1.10"],
        "{body}"
    );
    assert_eq!(calls(&gw, "pirkanmaa", "ITI-55"), 0, "no lookup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_that_cannot_be_asked_who_she_is_is_reported_unavailable() {
    let gw = gateway()
        .set("assigning_authority", "\"1.2.246.21\"")
        .community_with("west", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "W-1").with_hetu("120390-904J"))
        })
        .community_with("down", guests::MISBEHAVING, |c| {
            c.setting_str("behaviour", "unavailable")
                .set("circuit_breaker", "{ failures = 0 }")
        })
        .start()
        .await
        .unwrap();
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(r.status(), ResponseStatus::PartialSuccess, "{body}");
    let errors = errors(&r);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (code, context, location) = &errors[0];
    assert_eq!(code, error_codes::UNAVAILABLE_COMMUNITY);
    assert!(context.contains("ITI-55"), "{context}");
    assert_eq!(location.as_deref(), Some("urn:oid:2.999.1.20"));
    assert_eq!(calls(&gw, "down", "ITI-18"), 0, "not queried");
    // A failure teaches nothing: she is looked up there again next time.
    let _ = find_documents(&gw, AINO_HETU).await;
    assert_eq!(calls(&gw, "down", "ITI-55"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_revokes_what_was_learned_and_the_next_query_looks_her_up_again() {
    let text = xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0")
        + "\n[admin]\nlisten = \"127.0.0.1:0\"\n";
    let gw = TestGateway::start(&text).await.unwrap();
    let admin = gw.running.admin_url().unwrap();
    let _ = find_documents(&gw, AINO_HETU).await;

    let encoded: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("patient", AINO_HETU)
        .finish();
    let listed = soap_client::get(&format!("{admin}/admin/correlations?{encoded}")).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let rows: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3, "{}", listed.body);

    let revoked = post(
        &format!("{admin}/admin/correlations/revoke?{encoded}&community=urn:oid:2.999.1.20"),
        "text/plain",
        "",
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(revoked.body.contains("\"revoked\": 1"), "{}", revoked.body);
    let listed = soap_client::get(&format!("{admin}/admin/correlations?{encoded}")).await;
    assert!(!listed.body.contains("2.999.1.20"), "{}", listed.body);
    // The revocation is audited: a patient record deleted, naming her.
    let journal = gw.journal_text();
    let record = journal
        .lines()
        .find(|l| l.contains("csd-code=\"110110\""))
        .expect("a Patient Record audit record");
    assert!(record.contains("EventActionCode=\"D\""), "{record}");
    assert!(record.contains("120390-904J"), "{record}");

    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(homes(&r).len(), 3, "{body}");
    assert_eq!(calls(&gw, "uusimaa", "ITI-55"), 2, "looked up again");
    assert_eq!(calls(&gw, "pirkanmaa", "ITI-55"), 1, "still known");

    let bad = soap_client::get(&format!("{admin}/admin/correlations?patient=nobody")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("HL7 CX"), "{}", bad.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responding_gateway_keeps_the_initiators_id_for_the_patient() {
    let gw = gateway()
        .community_with("north", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "N-1"))
        })
        .responding(&["north"])
        .start()
        .await
        .unwrap();
    // The initiator names her by its own id, in the assigning authority its
    // authorOrPerformer names [ITI TF-2 3.55.4.1.2.4].
    let query = soap_client::patient_query(
        "r",
        &xcgate_ihe::xcpd::PatientQuery {
            names: vec![xcgate_ihe::xcpd::PersonName {
                family: vec!["Virtanen".into()],
                given: vec!["Aino".into()],
                ..Default::default()
            }],
            birth_time: Some(xcgate_ihe::xcpd::TimeQuery {
                value: Some("19900312".into()),
                ..Default::default()
            }),
            ids: vec![xcgate_ihe::xcpd::Ii::new("2.999.5.7", Some("THEIRS-77"))],
            reverse_query_assigning_authority: Some("2.999.5.7".into()),
            ..Default::default()
        },
    );
    let answer = soap_client::iti55(&gw.responding_url(), &query).await;
    assert!(answer.body.contains("N-1"), "{}", answer.body);
    let store = gw.gateway.process.store.as_ref().unwrap();
    let ours = PatientId::new("2.999.1.10.1", "N-1");
    let known = store
        .live(&ours, Direction::Responding, xcgate::correlation::now_ms())
        .await
        .unwrap();
    assert_eq!(known.len(), 1, "{known:?}");
    assert_eq!(known[0].home_community_id, "urn:oid:2.999.5");
    assert_eq!(
        known[0].remote,
        Some(PatientId::new("2.999.5.7", "THEIRS-77"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_correlations_are_purged_in_the_background() {
    let gw = gateway()
        .community("west", guests::DEMO_COMMUNITY)
        .toml("[state]\npurge_every = \"1s\"\n")
        .start()
        .await
        .unwrap();
    let store = gw.gateway.process.store.as_ref().unwrap();
    let now = xcgate::correlation::now_ms();
    let (old, new) = (
        PatientId::new("1.2.246.21", "OLD"),
        PatientId::new("1.2.246.21", "NEW"),
    );
    let there = [PatientId::new("2.999.1.10.1", "W-1")];
    store
        .learn(
            &old,
            "urn:oid:2.999.1.10",
            Direction::Initiating,
            &there,
            now - 5000,
            now - 1,
        )
        .await
        .unwrap();
    store
        .learn(
            &new,
            "urn:oid:2.999.1.10",
            Direction::Initiating,
            &there,
            now,
            now + 60_000,
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(store.list(&old).await.unwrap().is_empty(), "purged");
    assert_eq!(store.list(&new).await.unwrap().len(), 1, "a live one stays");
}
