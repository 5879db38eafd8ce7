//! A community that keeps failing is skipped for a cool-down (answered at once as
//! unavailable, without a sandbox), then probed again; the other communities are not
//! affected. The state machine itself is unit-tested with paused time in
//! `host/src/breaker.rs`.

use std::time::Duration;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::{GatewayBuilder, TestGateway, aino, gateway, guests, soap_client};

/// A healthy demo community holding Aino, and `down`, which always answers unavailable,
/// behind a breaker that opens after two failures for `cooldown`.
fn with_breaker(cooldown: &str) -> GatewayBuilder {
    gateway()
        .deadline("3s")
        .community_with("healthy", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "H-1"))
        })
        .community_with("down", guests::MISBEHAVING, |c| {
            c.home_community_id("urn:oid:2.999.1.50")
                .setting_str("behaviour", "unavailable")
                .set(
                    "circuit_breaker",
                    &format!("{{ failures = 2, cooldown = \"{cooldown}\" }}"),
                )
        })
}

async fn start() -> TestGateway {
    with_breaker("400ms").start().await.unwrap()
}

/// The matches' ids and the text of the issue naming `down`.
async fn ask(gw: &TestGateway) -> (Vec<String>, String) {
    let query = soap_client::demographic_query("cb", "Virtanen", "Aino", "19900312");
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &query).await.body);
    let ids = parsed
        .matches
        .iter()
        .map(|m| m.patient_id.extension.clone().unwrap_or_default())
        .collect();
    let text = parsed
        .issues
        .iter()
        .find_map(|i| match i {
            DetectedIssue::Error {
                code: IssueCode::AnswerNotAvailable,
                text: Some(t),
            } if t.contains("community down ") => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    (ids, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_failing_twice_in_a_row_is_skipped_until_its_cooldown_ends() {
    let gw = start().await;
    for _ in 0..2 {
        let (ids, text) = ask(&gw).await;
        assert_eq!(ids, ["H-1"]);
        assert!(text.contains("remote down"), "called and failed: {text}");
    }
    let (ids, text) = ask(&gw).await;
    assert_eq!(ids, ["H-1"], "the healthy community is not affected");
    assert!(
        text.contains("skipped after repeated failures"),
        "not called while the circuit is open: {text}"
    );

    // After the cool-down one request probes the community again; it still fails, so
    // the circuit opens for another cool-down.
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (_, text) = ask(&gw).await;
    assert!(text.contains("remote down"), "the probe calls it: {text}");
    let (_, text) = ask(&gw).await;
    assert!(text.contains("skipped after repeated failures"), "{text}");
}

#[test]
fn a_breaker_setting_out_of_range_is_a_config_error() {
    let text = with_breaker("2h").text();
    let e = xcgate::config::Config::from_toml(&text, "t", std::path::PathBuf::from("."))
        .unwrap_err()
        .to_string();
    assert!(e.contains("communities.down.circuit_breaker"), "{e}");
}
