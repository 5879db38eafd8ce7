//! Each per-community limit as a pair: an answer just under it is served, one just over it
//! is refused and named, and the other communities are unaffected.

use xcgate_ihe::ebrs::error_codes;
use xcgate_ihe::retrieve::DocumentContent;
use xcgate_tests::{Community, TestGateway, aino, gateway, guests, soap_client};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// A gateway with a healthy community `ok` and a community `big` whose document is
/// `document_size` bytes, under `max_answer = "64KiB"`.
async fn with_document_of(document_size: usize) -> TestGateway {
    gateway()
        .community("ok", guests::MISBEHAVING)
        .community_with("big", guests::MISBEHAVING, |c| {
            c.set("max_answer", "\"64KiB\"")
                .setting_str("document_size", &document_size.to_string())
        })
        .start()
        .await
        .unwrap()
}

/// Retrieve one document from each community: the sizes of the documents that came back
/// and the (code, location, context) of each error.
async fn retrieve(gw: &TestGateway) -> (Vec<usize>, Vec<(String, String, String)>) {
    let request = soap_client::retrieve(&[
        ("urn:oid:2.999.1.10", "2.999.99.3", "2.999.1.10.2.1"),
        ("urn:oid:2.999.1.20", "2.999.99.3", "2.999.1.20.2.1"),
    ]);
    let answer = soap_client::post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(soap_client::ITI39, "urn:uuid:limits", &request),
    )
    .await;
    let (response, mp) = soap_client::mtom_answer(&answer);
    let sizes = response
        .documents
        .iter()
        .map(|d| match &d.document {
            DocumentContent::XopInclude { href } => mp.attachment(href).map_or(0, |b| b.len()),
            DocumentContent::Inline(bytes) => bytes.len(),
        })
        .collect();
    let errors = response
        .registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| {
            (
                e.error_code.clone(),
                e.location.clone().unwrap_or_default(),
                e.code_context.clone(),
            )
        })
        .collect();
    (sizes, errors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_answer_of_exactly_max_answer_bytes_is_served() {
    let gw = with_document_of(64 * 1024).await;
    let (sizes, errors) = retrieve(&gw).await;
    assert_eq!(sizes, [1024, 64 * 1024]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_answer_one_byte_over_max_answer_is_refused_and_named() {
    let gw = with_document_of(64 * 1024 + 1).await;
    let (sizes, errors) = retrieve(&gw).await;
    assert_eq!(
        sizes,
        [1024],
        "the other community's document still comes back"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (code, location, context) = &errors[0];
    assert_eq!(code, error_codes::REGISTRY_ERROR);
    assert_eq!(location, "2.999.1.20.2.1");
    assert!(
        context.contains("community big") && context.contains("too large"),
        "{context}"
    );
}

/// ITI-55 through a gateway with a healthy demo community and one misbehaving community
/// `limited` shaped by `limited`: the healthy match is always there;
/// returns how many matches `limited` gave and the failure text naming it, if any.
async fn iti55_with(limited: impl FnOnce(Community) -> Community) -> (usize, Option<String>) {
    let gw = gateway()
        .deadline("5s")
        .community_with("healthy", guests::DEMO_COMMUNITY, |c| {
            c.patient(aino("2.999.1.10.1", "H-1"))
        })
        .community_with("limited", guests::MISBEHAVING, |c| {
            limited(c.set("circuit_breaker", "{ failures = 0 }"))
        })
        .start()
        .await
        .unwrap();
    let query = soap_client::demographic_query("limits", "Virtanen", "Aino", "19900312");
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &query).await.body);
    let healthy = parsed
        .matches
        .iter()
        .filter(|m| m.patient_id.extension.as_deref() == Some("H-1"))
        .count();
    assert_eq!(healthy, 1, "the healthy community always answers");
    let failure = parsed.issues.iter().find_map(|i| match i {
        xcgate_ihe::xcpd::DetectedIssue::Error { text: Some(t), .. }
            if t.contains("community limited ") =>
        {
            Some(t.clone())
        }
        _ => None,
    });
    (parsed.matches.len() - healthy, failure)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_under_the_limit_is_served_and_over_it_is_stopped() {
    let under = iti55_with(|c| {
        c.set("memory_limit", "\"16MiB\"")
            .setting_str("behaviour", "allocate")
            .setting_str("allocate_mib", "10")
    })
    .await;
    assert_eq!(under, (1, None));
    let (matches, failure) = iti55_with(|c| {
        c.set("memory_limit", "\"16MiB\"")
            .setting_str("behaviour", "allocate")
            .setting_str("allocate_mib", "17")
    })
    .await;
    assert_eq!(matches, 0);
    assert!(
        failure
            .as_deref()
            .is_some_and(|t| t.contains("memory limit")),
        "{failure:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_recursion_is_served_and_unbounded_recursion_traps() {
    let under = iti55_with(|c| {
        c.setting_str("behaviour", "recurse")
            .setting_str("recurse_depth", "1000")
    })
    .await;
    assert_eq!(under, (1, None));
    let (matches, failure) = iti55_with(|c| c.setting_str("behaviour", "recurse")).await;
    assert_eq!(matches, 0);
    assert!(
        failure.as_deref().is_some_and(|t| t.contains("crashed")),
        "{failure:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_up_to_max_answer_items_are_served_and_one_more_is_refused() {
    let at = iti55_with(|c| {
        c.set("max_answer_items", "10")
            .setting_str("match_count", "10")
    })
    .await;
    assert_eq!(at, (10, None));
    let (matches, failure) = iti55_with(|c| {
        c.set("max_answer_items", "10")
            .setting_str("match_count", "11")
    })
    .await;
    assert_eq!(matches, 0);
    assert!(
        failure
            .as_deref()
            .is_some_and(|t| t.contains("too large") && t.contains("max_answer_items = 10")),
        "{failure:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_within_its_timeout_is_served_and_one_past_it_is_cut_off() {
    let under = iti55_with(|c| {
        c.timeout("2s")
            .setting_str("behaviour", "sleep")
            .setting_str("sleep_ms", "100")
    })
    .await;
    assert_eq!(under, (1, None));
    let (matches, failure) = iti55_with(|c| {
        c.timeout("300ms")
            .setting_str("behaviour", "sleep")
            .setting_str("sleep_ms", "2000")
    })
    .await;
    assert_eq!(matches, 0);
    assert!(failure.is_some(), "the late community is named");
}
