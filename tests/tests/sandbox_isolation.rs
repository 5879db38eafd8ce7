//! One community's misbehaving plugin fails only that community's part of the answer:
//! the others' matches still come back, the failed one is named, within the deadline, and
//! the gateway serves the next request normally.

use std::time::{Duration, Instant};
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::{Community, GatewayBuilder, aino, gateway, guests, soap_client};

/// A healthy demo community holding the patient the queries look for, plus one
/// misbehaving community per (name, behaviour, timeout).
fn config(deadline: &str, misbehaving: &[(&str, &str, &str)]) -> GatewayBuilder {
    let healthy = |c: Community| c.timeout("5s").patient(aino("2.999.1.10.1", "H-1"));
    let mut gw =
        gateway()
            .deadline(deadline)
            .community_with("healthy", guests::DEMO_COMMUNITY, healthy);
    for (i, (name, behaviour, timeout)) in misbehaving.iter().enumerate() {
        gw = gw.community_with(name, guests::MISBEHAVING, |c| {
            c.home_community_id(&format!("urn:oid:2.999.1.{}", 50 + i))
                .timeout(timeout)
                .set("memory_limit", "\"16MiB\"")
                .setting_str("behaviour", behaviour)
        });
    }
    gw
}

fn query() -> String {
    soap_client::demographic_query("sandbox", "Virtanen", "Aino", "19900312")
}

/// The issue naming `community`, if any.
fn issue_for<'a>(issues: &'a [DetectedIssue], community: &str) -> Option<(&'a IssueCode, &'a str)> {
    issues.iter().find_map(|i| match i {
        DetectedIssue::Error {
            code,
            text: Some(t),
        } if t.contains(&format!("community {community} ")) => Some((code, t.as_str())),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trapping_a_spinning_and_a_sleeping_plugin_fail_alone_within_the_deadline() {
    let gw = config(
        "3s",
        &[
            ("trapper", "trap", "2s"),
            ("spinner", "spin", "300ms"),
            ("sleeper", "sleep", "300ms"),
        ],
    )
    .start()
    .await
    .unwrap();
    let started = Instant::now();
    let a = soap_client::iti55(&gw.initiating_url(), &query()).await;
    let elapsed = started.elapsed();
    assert_eq!(a.status, 200, "{}", a.body);
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.query_response_code.as_deref(), Some("OK"));
    let ids: Vec<_> = parsed
        .matches
        .iter()
        .map(|m| m.patient_id.extension.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["H-1"], "the healthy community's match comes back");
    assert_eq!(
        parsed.matches[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.1.10")
    );

    let (code, text) =
        issue_for(&parsed.issues, "trapper").expect("the trapping community is named");
    assert_eq!(*code, IssueCode::InternalError);
    // The SDK's hook reported the panic: the initiator learns that it panicked, the
    // operator (log and metrics) what it said; the message stays in the gateway.
    assert!(
        text.contains("urn:oid:2.999.1.50") && text.contains("the adapter panicked"),
        "{text}"
    );
    assert!(!text.contains("deliberate"), "{text}");
    let metrics = gw.metrics().render();
    assert!(
        metrics.contains(
            "xcgate_community_calls_total{community=\"trapper\",transaction=\"ITI-55\",outcome=\"panic\"} 1"
        ),
        "{metrics}"
    );
    let (code, text) =
        issue_for(&parsed.issues, "spinner").expect("the spinning community is named");
    assert_eq!(*code, IssueCode::AnswerNotAvailable);
    assert!(text.contains("no answer within"), "{text}");
    let (code, _) = issue_for(&parsed.issues, "sleeper").expect("the sleeping community is named");
    assert_eq!(*code, IssueCode::AnswerNotAvailable);
    assert!(
        elapsed < Duration::from_secs(3),
        "answered after {elapsed:?}, past the 3s deadline"
    );

    // The gateway keeps serving normally.
    let again = soap_client::iti55(&gw.initiating_url(), &query()).await;
    assert_eq!(soap_client::iti55_answer(&again.body).matches.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_deadline_cuts_off_a_community_whose_own_timeout_is_longer() {
    let gw = config("500ms", &[("sleeper", "sleep", "60s")])
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let a = soap_client::iti55(&gw.initiating_url(), &query()).await;
    let elapsed = started.elapsed();
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.matches.len(), 1, "what arrived in time is returned");
    assert!(
        issue_for(&parsed.issues, "sleeper").is_some(),
        "the late community is named"
    );
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(3),
        "answered after {elapsed:?} for a 500ms deadline"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_transaction_deadline_overrides_the_gateway_deadline() {
    let gw = config("60s", &[("sleeper", "sleep", "60s")])
        .set("deadlines", "{ iti55 = \"500ms\" }")
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let a = soap_client::iti55(&gw.initiating_url(), &query()).await;
    let elapsed = started.elapsed();
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.matches.len(), 1);
    assert!(issue_for(&parsed.issues, "sleeper").is_some());
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(3),
        "answered after {elapsed:?} for a 500ms ITI-55 deadline"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_allocates_without_end_is_stopped_at_its_memory_limit() {
    let gw = config("5s", &[("hoarder", "allocate", "4s")])
        .start()
        .await
        .unwrap();
    let a = soap_client::iti55(&gw.initiating_url(), &query()).await;
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.matches.len(), 1);
    let (code, text) =
        issue_for(&parsed.issues, "hoarder").expect("the hoarding community is named");
    assert_eq!(*code, IssueCode::InternalError);
    assert!(text.contains("memory limit of 16777216 bytes"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_recurses_without_end_traps_on_its_stack_limit() {
    let gw = config("5s", &[("recurser", "recurse", "4s")])
        .start()
        .await
        .unwrap();
    let parsed = soap_client::iti55_answer(
        &soap_client::iti55(&gw.initiating_url(), &query())
            .await
            .body,
    );
    assert_eq!(parsed.matches.len(), 1);
    let (_, text) = issue_for(&parsed.issues, "recurser").expect("named");
    assert!(text.contains("crashed"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_errors_map_to_their_hl7_codes() {
    let gw = config(
        "5s",
        &[
            ("busy", "busy", "2s"),
            ("down", "unavailable", "2s"),
            ("broken", "error", "2s"),
        ],
    )
    .start()
    .await
    .unwrap();
    let parsed = soap_client::iti55_answer(
        &soap_client::iti55(&gw.initiating_url(), &query())
            .await
            .body,
    );
    assert_eq!(
        issue_for(&parsed.issues, "busy").map(|i| *i.0),
        Some(IssueCode::ResponderBusy)
    );
    assert_eq!(
        issue_for(&parsed.issues, "down").map(|i| *i.0),
        Some(IssueCode::AnswerNotAvailable)
    );
    assert_eq!(
        issue_for(&parsed.issues, "broken").map(|i| *i.0),
        Some(IssueCode::InternalError)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_no_community_can_answer_the_answer_is_ae() {
    let gw = gateway()
        .deadline("2s")
        .community_with("failing", guests::MISBEHAVING, |c| {
            c.setting_str("behaviour", "error")
        })
        .community_with("trapper", guests::MISBEHAVING, |c| {
            c.timeout("1s").setting_str("behaviour", "trap")
        })
        .start()
        .await
        .unwrap();
    let parsed = soap_client::iti55_answer(
        &soap_client::iti55(&gw.initiating_url(), &query())
            .await
            .body,
    );
    assert_eq!(parsed.ack_code.as_deref(), Some("AE"));
    assert_eq!(parsed.query_response_code.as_deref(), Some("AE"));
    assert_eq!(parsed.issues.len(), 2);
}

/// Three simultaneous requests against a slow community capped at `cap` calls.
async fn three_at_once(cap: u32) -> Vec<xcgate_ihe::hl7v3::ParsedResponse> {
    let gw = config("5s", &[])
        .community_with("slow", guests::MISBEHAVING, |c| {
            c.timeout("3s")
                .setting_str("behaviour", "sleep")
                .setting_str("sleep_ms", "600")
                .set("max_concurrent", &cap.to_string())
        })
        .start()
        .await
        .unwrap();
    let url = gw.initiating_url();
    let q = query();
    let (a, b, c) = tokio::join!(
        soap_client::iti55(&url, &q),
        soap_client::iti55(&url, &q),
        soap_client::iti55(&url, &q)
    );
    [a, b, c]
        .iter()
        .map(|x| soap_client::iti55_answer(&x.body))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_within_its_concurrency_cap_serves_every_call() {
    for answer in three_at_once(3).await {
        assert_eq!(
            answer.matches.len(),
            2,
            "healthy + slow: {:?}",
            answer.issues
        );
        assert!(answer.issues.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_over_its_concurrency_cap_is_busy_while_the_others_answer() {
    let answers = three_at_once(2).await;
    let busy: Vec<_> = answers
        .iter()
        .filter_map(|a| issue_for(&a.issues, "slow"))
        .collect();
    assert_eq!(busy.len(), 1, "exactly the call over the cap of 2 fails");
    assert_eq!(*busy[0].0, IssueCode::ResponderBusy);
    assert!(
        busy[0].1.contains("limit of 2 concurrent calls"),
        "{}",
        busy[0].1
    );
    assert!(
        answers.iter().all(|a| a
            .matches
            .iter()
            .any(|m| m.patient_id.extension.as_deref() == Some("H-1"))),
        "the healthy community answers every call"
    );
}
