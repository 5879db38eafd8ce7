//! A community that keeps failing is skipped for a cool-down (answered at once as
//! unavailable, without a sandbox), then probed again; the other communities are not
//! affected. The state machine itself is unit-tested with paused time in
//! `host/src/breaker.rs`.

use std::time::Duration;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::{TestGateway, soap_client};

const CONFIG: &str = r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"
deadline = "3s"

[communities.healthy]
home_community_id = "urn:oid:2.999.1.10"
plugin = "{DEMO_COMMUNITY}"
[[communities.healthy.settings.patients]]
id = { root = "2.999.1.10.1", extension = "H-1" }
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"

[communities.down]
home_community_id = "urn:oid:2.999.1.50"
plugin = "{MISBEHAVING}"
settings = { behaviour = "unavailable" }
circuit_breaker = { failures = 2, cooldown = "400ms" }
"#;

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
    let gw = TestGateway::start(CONFIG).await.unwrap();
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
    let text = CONFIG.replace("cooldown = \"400ms\"", "cooldown = \"2h\"");
    let e = xcgate::config::Config::from_toml(&text, "t", std::path::PathBuf::from("."))
        .unwrap_err()
        .to_string();
    assert!(e.contains("communities.down.circuit_breaker"), "{e}");
}
