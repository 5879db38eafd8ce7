//! A state store that fails after start-up fails the requests that need it, with the
//! right IHE error, and the gateway keeps serving the rest; when the store is back, so is
//! the translation. On a real PostgreSQL cluster, stopped and started again.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_store_is_down_only_the_translated_queries_fail_and_say_why() {
    let Some(pg) = xcgate_tests::postgres::Postgres::start("outage") else {
        return;
    };
    let text = xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0")
        + &format!("\n[state]\nurl = \"{}\"\n", pg.url());
    let gw = TestGateway::start(&text).await.unwrap();
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(homes(&r).len(), 3, "{body}");

    pg.stop();
    // ITI-18 by hetu needs the store: Failure, saying so, and soon (not at the deadline).
    let started = std::time::Instant::now();
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    assert_eq!(r.status(), ResponseStatus::Failure, "{body}");
    let errors = errors(&r);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, error_codes::REGISTRY_ERROR);
    assert!(errors[0].1.contains("correlation store"), "{}", errors[0].1);
    assert!(
        !errors[0].1.contains("120390"),
        "no patient data in the error"
    );

    // The rest is served: a community's own id, and ITI-55 (whose learning is only logged
    // and counted).
    let (r, body) = find_documents(&gw, "PIR-1001^^^&2.999.1.10.1&ISO").await;
    assert_eq!(r.status(), ResponseStatus::Success, "{body}");
    assert_eq!(homes(&r).len(), 2, "{body}");
    let query = soap_client::demographic_query("o", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&gw.initiating_url(), &query).await;
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(parsed.ack_code.as_deref(), Some("AA"), "{}", answer.body);
    let ready = soap_client::get(&format!("{}/ready", gw.running.url())).await;
    assert_eq!(ready.status, 200, "the gateway stays ready: {}", ready.body);
    let metrics = gw.metrics().render();
    assert!(
        metrics.contains("xcgate_state_failures_total{operation=\"lookup\"}"),
        "{metrics}"
    );

    pg.restart();
    let (r, body) = find_documents(&gw, AINO_HETU).await;
    assert_eq!(r.status(), ResponseStatus::Success, "back: {body}");
    assert_eq!(homes(&r).len(), 3, "{body}");
}
