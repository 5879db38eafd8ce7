//! The operations endpoints, in one style on both listeners: `/live` answers while the
//! process does; `/ready` says whether the gateway can serve and turns 503 the moment
//! shutdown begins, while requests in flight still get their answers.

use std::time::Duration;
use xcgate_tests::soap_client::{self, ITI55, get};
use xcgate_tests::{gateway, guests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_and_ready_answer_on_the_soap_and_the_admin_listener() {
    let gw = gateway()
        .community("north", guests::DEMO_COMMUNITY)
        .toml("[admin]\nlisten = \"127.0.0.1:0\"\n")
        .start()
        .await
        .unwrap();
    let admin = gw.running.admin_url().unwrap();
    for base in [gw.running.url(), admin.clone()] {
        let live = get(&format!("{base}/live")).await;
        assert_eq!((live.status, live.body.as_str()), (200, "live\n"), "{base}");
        let ready = get(&format!("{base}/ready")).await;
        assert_eq!(ready.status, 200, "{base}: {}", ready.body);
        assert!(
            ready
                .body
                .contains("1 communities linked, audit journal open"),
            "{}",
            ready.body
        );
    }
    // The old name of the liveness check is gone: one documented check, `/live`.
    assert_eq!(get(&format!("{admin}/healthz")).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_turns_503_while_shutdown_drains_and_the_request_in_flight_is_answered() {
    let gw = gateway()
        .deadline("5s")
        .community_with("slow", guests::MISBEHAVING, |c| {
            c.timeout("5s")
                .setting("behaviour", "\"sleep\"")
                .setting("sleep_ms", "\"800\"")
        })
        .toml("[admin]\nlisten = \"127.0.0.1:0\"\n")
        .start()
        .await
        .unwrap();
    let admin = gw.running.admin_url().unwrap();
    let url = gw.initiating_url();
    let in_flight = tokio::spawn(async move {
        let body = soap_client::envelope(
            ITI55,
            "urn:uuid:drain-1",
            &soap_client::demographic_query("drain-1", "Virtanen", "Aino", "19900312"),
        );
        soap_client::post(&url, "application/soap+xml; charset=utf-8", body).await
    });
    // Let the request reach the slow community, then begin shutdown.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = tokio::spawn(gw.running.stop());
    let mut saw_draining = false;
    for _ in 0..50 {
        let ready = get(&format!("{admin}/ready")).await;
        if ready.status == 503 {
            assert!(ready.body.contains("draining"), "{}", ready.body);
            saw_draining = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        saw_draining,
        "the admin listener said not ready while the SOAP listener drained"
    );
    let answer = in_flight.await.unwrap();
    assert_eq!(
        answer.status, 200,
        "the request in flight was answered: {}",
        answer.body
    );
    stopping.await.unwrap();
}
