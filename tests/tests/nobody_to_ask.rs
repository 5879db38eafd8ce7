//! Honest answers when there is nothing to ask: a gateway that fronts every community on
//! `/responding` has no community to reach on `/initiating`, and a community whose plugin
//! lacks a capability cannot answer that transaction. Each says so; none answers Success
//! with nothing, as if there were no documents.

use xcgate_ihe::ebrs::{AdhocQueryResponse, ResponseStatus, ReturnType, error_codes};
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::soap_client::{self, ITI38, post};
use xcgate_tests::{gateway, guests};

const SOAP: &str = "application/soap+xml; charset=utf-8";

async fn find_documents(url: &str, home: Option<&str>) -> AdhocQueryResponse {
    let payload = match home {
        None => soap_client::find_documents("P1^^^&2.999.1.10.1&ISO", ReturnType::LeafClass),
        Some(h) => soap_client::get_documents("2.999.1.10.2.1", Some(h)),
    };
    let a = post(
        url,
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:n-1", &payload),
    )
    .await;
    AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap()
}

fn errors(r: &AdhocQueryResponse) -> Vec<(String, String)> {
    r.registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.code_context.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_fronts_all_its_communities_says_initiating_has_none_to_reach() {
    let gw = gateway()
        .community("only", guests::DEMO_COMMUNITY)
        .responding(&["only"])
        .start()
        .await
        .unwrap();
    let query = soap_client::demographic_query("n", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&gw.initiating_url(), &query).await;
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(parsed.ack_code.as_deref(), Some("AE"));
    let texts: Vec<String> = parsed
        .issues
        .iter()
        .filter_map(|i| match i {
            DetectedIssue::Error {
                code: IssueCode::AnswerNotAvailable,
                text: Some(t),
            } => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 1, "{}", answer.body);
    assert!(
        texts[0].contains("/initiating") && texts[0].contains("fronted"),
        "{}",
        texts[0]
    );
    assert!(
        !answer.body.contains("see the detectedIssueEvents"),
        "{}",
        answer.body
    );

    let r = find_documents(&gw.initiating_url(), None).await;
    assert_eq!(r.status(), ResponseStatus::Failure);
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, error_codes::REGISTRY_ERROR);
    assert!(
        e[0].1.contains("no community is reachable at /initiating"),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_without_the_capability_is_named_for_what_it_lacks() {
    let gw = gateway()
        .community("xcpd_only", guests::DISCOVERY_ONLY)
        .start()
        .await
        .unwrap();
    // A patient query: nobody exports document-query.
    let r = find_documents(&gw.initiating_url(), None).await;
    assert_eq!(r.status(), ResponseStatus::Failure);
    let e = errors(&r);
    assert_eq!(e[0].0, error_codes::REGISTRY_ERROR);
    assert!(e[0].1.contains("document-query"), "{e:?}");
    // A query naming that community: it is there, but cannot answer.
    let r = find_documents(&gw.initiating_url(), Some("urn:oid:2.999.1.10")).await;
    let e = errors(&r);
    assert_eq!(e[0].0, error_codes::UNKNOWN_COMMUNITY);
    assert!(
        e[0].1.contains("xcpd_only") && e[0].1.contains("does not export document-query"),
        "{e:?}"
    );
}
