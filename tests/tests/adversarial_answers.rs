//! Adapters that answer with what no valid answer holds, and the table limit, each as a
//! pair: the answer just inside the rule is served, the one just outside is refused and
//! named; the healthy community still answers, the gateway serves the next request, and
//! the failure kind is counted on `GET /metrics`.

use xcgate_ihe::xcpd::DetectedIssue;
use xcgate_tests::{Community, TestGateway, aino, gateway, guests, soap_client};

/// A gateway with a healthy demo community and a misbehaving community `odd` shaped by
/// `odd`, with the admin listener for `/metrics`.
async fn with_odd(odd: impl FnOnce(Community) -> Community) -> TestGateway {
    gateway()
        .community_with("healthy", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "H-1"))
        })
        .community_with("odd", guests::MISBEHAVING, |c| {
            odd(c.set("circuit_breaker", "{ failures = 0 }"))
        })
        .toml("[admin]\nlisten = \"127.0.0.1:0\"\n")
        .start()
        .await
        .unwrap()
}

/// One ITI-55: how many matches `odd` gave and the issue text naming it, if any. The
/// healthy community's match is always there.
async fn ask(gw: &TestGateway) -> (usize, Option<String>) {
    let query = soap_client::demographic_query("odd", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&gw.initiating_url(), &query).await;
    assert_eq!(answer.status, 200);
    let parsed = soap_client::iti55_answer(&answer.body);
    let healthy = parsed
        .matches
        .iter()
        .filter(|m| m.patient_id.extension.as_deref() == Some("H-1"))
        .count();
    assert_eq!(healthy, 1, "the healthy community always answers");
    let failure = parsed.issues.iter().find_map(|i| match i {
        DetectedIssue::Error { text: Some(t), .. } if t.contains("community odd ") => {
            Some(t.clone())
        }
        _ => None,
    });
    (parsed.matches.len() - healthy, failure)
}

async fn metrics(gw: &TestGateway) -> String {
    let admin = gw.running.admin_url().expect("[admin] is configured");
    let answer = soap_client::get(&format!("{admin}/metrics")).await;
    assert_eq!(answer.status, 200);
    answer.body
}

/// Refused twice (so the second request proves the gateway kept serving), counted under
/// `kind`, and named with `text` in the answer.
async fn refused_as(odd: impl FnOnce(Community) -> Community, kind: &str, text: &str) {
    let gw = with_odd(odd).await;
    for _ in 0..2 {
        let (matches, failure) = ask(&gw).await;
        assert_eq!(matches, 0);
        assert!(
            failure.as_deref().is_some_and(|t| t.contains(text)),
            "{failure:?}"
        );
    }
    let m = metrics(&gw).await;
    let line = format!(
        "xcgate_community_calls_total{{community=\"odd\",transaction=\"ITI-55\",outcome=\"{kind}\"}} 2"
    );
    assert!(m.contains(&line), "{line} not in\n{m}");
    assert!(m.contains(
        "xcgate_community_calls_total{community=\"healthy\",transaction=\"ITI-55\",outcome=\"ok\"} 2"
    ));
    assert!(m.contains("xcgate_requests_total{transaction=\"ITI-55\",outcome=\"partial\"} 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_id_that_is_not_utf8_is_refused_as_an_invalid_answer() {
    refused_as(
        |c| c.setting_str("invalid_utf8", "true"),
        "invalid_answer",
        "answer is invalid",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_of_4096_bytes_is_served_and_one_of_4097_is_refused() {
    let gw = with_odd(|c| c.setting_str("id_length", "4096")).await;
    assert_eq!(ask(&gw).await, (1, None));
    refused_as(
        |c| c.setting_str("id_length", "4097"),
        "invalid_answer",
        "patient-id extension is longer than 4096 bytes",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_precision_birth_time_is_served_and_an_absurd_one_is_refused() {
    let gw = with_odd(|c| c.setting_str("birth_time", "19900312123045.1234+0200")).await;
    assert_eq!(ask(&gw).await, (1, None));
    // An ISO 8601 date is read as the TS it means, not refused.
    let gw = with_odd(|c| c.setting_str("birth_time", "1990-03-12T12:30:45+02:00")).await;
    assert_eq!(ask(&gw).await, (1, None));
    refused_as(
        |c| c.setting_str("birth_time", "the twelfth of March"),
        "invalid_answer",
        "birth-time is not an HL7 TS",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_limit_the_plugin_fits_is_served_and_one_element_less_is_refused() {
    // Find the plugin's largest table by following the refusals: each names the size of
    // the first table that did not fit (a component has several: the WASI adapter's and
    // the guest's own).
    let mut limit = 1;
    let fits = loop {
        let gw = with_odd(|c| c.set("max_table_elements", &limit.to_string())).await;
        match ask(&gw).await {
            (1, None) => break limit,
            (_, failure) => {
                let text = failure.unwrap_or_default();
                let wanted: u32 = text
                    .split("a table of ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("the refusal names the size wanted: {text}"));
                assert!(wanted > limit, "{text}");
                limit = wanted;
            }
        }
    };
    assert!(fits > 1);
    refused_as(
        |c| c.set("max_table_elements", &(fits - 1).to_string()),
        "table_limit",
        &format!("over its limit of {} (max_table_elements)", fits - 1),
    )
    .await;
}
