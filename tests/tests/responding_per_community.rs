//! One responding endpoint per fronted community, as network directories list one URL per
//! homeCommunityId: `/responding/<community>` answers for that community only, and on the
//! shared `/responding` an ITI-55 goes to the community its `receiver` names.

use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, error_codes};
use xcgate_tests::TestGateway;
use xcgate_tests::soap_client::{self, ITI38, get, post};

/// The demo fronting pirkanmaa and uusimaa, which both hold Aino Virtanen.
async fn fronting_two() -> TestGateway {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "max_body = \"16MiB\"",
            "max_body = \"16MiB\"\nresponding = [\"pirkanmaa\", \"uusimaa\"]",
        );
    TestGateway::start(&text).await.expect("starts")
}

/// The patient ids an ITI-55 for Aino to `url` finds; `receiver` replaces the request's
/// receiver homeCommunityId when given.
async fn aino_at(url: &str, receiver: Option<&str>) -> Vec<String> {
    let mut query = soap_client::demographic_query("rg", "Virtanen", "Aino", "19900312");
    if let Some(r) = receiver {
        // The receiver's representedOrganization id (the sender's is 2.999.5).
        query = query.replace("root=\"2.999.1\"", &format!("root=\"{r}\""));
    }
    let parsed = soap_client::iti55_answer(&soap_client::iti55(url, &query).await.body);
    let mut ids: Vec<String> = parsed
        .matches
        .iter()
        .filter_map(|m| m.patient_id.extension.clone())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fronted_community_has_an_endpoint_of_its_own() {
    let gw = fronting_two().await;
    let base = gw.responding_url();
    assert_eq!(aino_at(&base, None).await, ["PIR-1001", "UUS-2001"]);
    assert_eq!(
        aino_at(&format!("{base}/pirkanmaa"), None).await,
        ["PIR-1001"]
    );
    assert_eq!(
        aino_at(&format!("{base}/uusimaa"), None).await,
        ["UUS-2001"]
    );
    // The URL decides, whatever the receiver says.
    assert_eq!(
        aino_at(&format!("{base}/pirkanmaa"), Some("2.999.1.20")).await,
        ["PIR-1001"]
    );
    // A community that is not fronted has no endpoint.
    let lappi = post(&format!("{base}/lappi"), "application/soap+xml", "<x/>").await;
    assert_eq!(lappi.status, 404, "{}", lappi.body);
    assert!(
        lappi.body.contains("/responding/<community>"),
        "{}",
        lappi.body
    );
    assert_eq!(get(&format!("{base}/uusimaa")).await.status, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_shared_endpoint_the_receiver_picks_the_community() {
    let gw = fronting_two().await;
    let base = gw.responding_url();
    assert_eq!(aino_at(&base, Some("2.999.1.20")).await, ["UUS-2001"]);
    assert_eq!(aino_at(&base, Some("2.999.1.10")).await, ["PIR-1001"]);
    // A receiver that is not one of them (this gateway itself): all of them.
    assert_eq!(
        aino_at(&base, Some("2.999.1")).await,
        ["PIR-1001", "UUS-2001"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_naming_another_community_than_the_endpoints_is_unknown_there() {
    let gw = fronting_two().await;
    let payload = soap_client::get_documents("2.999.1.20.2.1", Some("urn:oid:2.999.1.20"));
    let ask = |url: String| {
        let payload = payload.clone();
        async move {
            let a = post(
                &url,
                "application/soap+xml; charset=utf-8",
                soap_client::envelope(ITI38, "urn:uuid:pc-1", &payload),
            )
            .await;
            AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap()
        }
    };
    let there = ask(format!("{}/uusimaa", gw.responding_url())).await;
    assert_eq!(there.status(), ResponseStatus::Success);
    let elsewhere = ask(format!("{}/pirkanmaa", gw.responding_url())).await;
    assert_eq!(elsewhere.status(), ResponseStatus::Failure);
    let codes: Vec<&str> = elsewhere
        .registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| e.error_code.as_str())
        .collect();
    assert_eq!(codes, [error_codes::UNKNOWN_COMMUNITY]);
}
