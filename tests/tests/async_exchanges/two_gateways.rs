//! Two gateways: A reaches B asynchronously (WS-Addressing) or deferred, as its endpoint
//! says, and a deferred request goes through both and back [ITI TF-2 App V; 3.55.6.2].

use super::*;
use xcgate_tests::pki::Pki;
use xcgate_tests::tls_client;

/// Gateway A reaches B's pirkanmaa through an endpoint marked `async = true`: every
/// request leaves with A's `/replies` as its ReplyTo, B accepts it with 202 and answers
/// there, and A hands each answer to its call, so its own initiator sees a synchronous
/// round trip [ITI TF-2 App V V.5].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_reaches_another_asynchronously_through_an_endpoint_marked_async() {
    let b = TestGateway::start(&crate::chain::gateway_b_config(""))
        .await
        .expect("B starts");
    let a = TestGateway::start(&crate::chain::gateway_a_config(
        &b.responding_url(),
        "async = true",
    ))
    .await
    .expect("A starts");
    crate::chain::discover_query_retrieve(&a.initiating_url()).await;

    let replies = format!("{}/replies", a.running.url());
    let owed = exchanges_of(&b).await;
    let mut transactions: Vec<&str> = owed.iter().map(|e| e.transaction.as_str()).collect();
    transactions.sort();
    assert_eq!(
        transactions,
        ["ITI-38", "ITI-39", "ITI-55"],
        "B answered each asynchronously"
    );
    assert!(
        owed.iter()
            .all(|e| e.state == ExchangeState::Delivered && e.address == replies)
    );
    let awaited = exchanges_of(&a).await;
    assert_eq!(awaited.len(), 3, "A awaited three answers");
    assert!(
        awaited
            .iter()
            .all(|e| e.state == ExchangeState::Delivered && e.body.is_empty()),
        "each handed to its call, none kept: {awaited:?}"
    );
}

/// The Deferred Response option in both roles, between two gateways: a local initiator
/// asks A deferred; A acknowledges, asks B (its endpoint marked `deferred = true`)
/// deferred in turn, B acknowledges and answers at A's `/replies`, and A sends the
/// aggregated answer to the initiator's `respondTo` [ITI TF-2 3.55.6.2].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_iti55_goes_deferred_through_two_gateways_and_back() {
    let b = TestGateway::start(&crate::chain::gateway_b_config(""))
        .await
        .expect("B starts");
    let a = TestGateway::start(&format!(
        "{}\n[gateway.replies]\nallow = [\"http://127.0.0.1:*/\"]\n",
        crate::chain::gateway_a_config(&b.responding_url(), "deferred = true")
    ))
    .await
    .expect("A starts");
    let initiator = MockResponder::start().await;
    initiator.reply_with(mcci("AA"));
    let request = example("iti55-virtanen-deferred.xml").replace(
        "http://127.0.0.1:9311/deferred",
        &format!("{}/deferred", initiator.url()),
    );
    let answer = post(&a.initiating_url(), SOAP, request.clone()).await;
    let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
    assert!(ack.accepted(), "A acknowledges: {}", answer.body);

    let received = initiator.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(
        received.len(),
        1,
        "the answer reaches the initiator's respondTo"
    );
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(hl7v3::actions::ITI55_DEFERRED_RESPONSE)
    );
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    let ids = match_ids(&env);
    assert_eq!(ids, ["PIR-1001"], "B's pirkanmaa holds her: {text}");
    validate(
        "drivers/soap12-prpa-in201306.xsd",
        &text,
        "deferred through two gateways",
    );

    // B was asked deferred, and answered at A's /replies.
    let owed = exchanges_of(&b).await;
    assert_eq!(owed.len(), 1, "{owed:?}");
    assert_eq!(owed[0].state, ExchangeState::Delivered);
    assert_eq!(owed[0].address, format!("{}/replies", a.running.url()));
    let mut kinds: Vec<(String, ExchangeState)> = exchanges_of(&a)
        .await
        .into_iter()
        .map(|e| (e.direction.name().to_string(), e.state))
        .collect();
    kinds.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        kinds,
        [
            ("awaited".to_string(), ExchangeState::Delivered),
            ("owed".to_string(), ExchangeState::Delivered)
        ],
        "A awaited B's answer and owed the initiator one"
    );
}

/// A synchronous initiator is served as before when A reaches B deferred.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_round_trip_holds_when_a_asks_b_deferred() {
    let b = TestGateway::start(&crate::chain::gateway_b_config(""))
        .await
        .expect("B starts");
    let a = TestGateway::start(&crate::chain::gateway_a_config(
        &b.responding_url(),
        "deferred = true\nasync = true",
    ))
    .await
    .expect("A starts");
    crate::chain::discover_query_retrieve(&a.initiating_url()).await;
}

/// B (`[gateway.replies]`: https only, the HIE's CA, a client certificate `client`, or
/// none) and A, which serves HTTPS and asks a client certificate on `/replies` (the
/// responding role's rule) and reaches B asynchronously.
async fn mutual_tls_pair(pki: &Pki, client: bool) -> (TestGateway, TestGateway) {
    let client_files = if client {
        format!(
            "client_cert_file = \"{}\"\nclient_key_file = \"{}\"\n",
            pki.path("client.pem"),
            pki.path("client.key")
        )
    } else {
        String::new()
    };
    let b = TestGateway::start(&crate::chain::gateway_b_config("").replace(
        "[gateway.replies]\nallow = [\"http://127.0.0.1:*/\"]\n",
        &format!(
            "[gateway.replies]\nallow = [\"https://127.0.0.1:*/\"]\nca_file = \"{}\"\n{client_files}retry = \"100ms\"\n",
            pki.path("ca.pem")
        ),
    ))
    .await
    .expect("B starts");
    let a = TestGateway::start(&format!(
        "{}\n[gateway.tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\nclient_ca_file = \"{}\"\nrequire_client_certificate = [\"responding\"]\n",
        crate::chain::gateway_a_config(&b.responding_url(), "async = true"),
        pki.path("server.pem"),
        pki.path("server.key"),
        pki.path("ca.pem")
    ))
    .await
    .expect("A starts");
    (a, b)
}

/// ITI-55 from A's own initiator (over HTTPS, no client certificate needed on
/// `/initiating`): the status and answer.
async fn discover_through(a: &TestGateway, pki: &Pki) -> (u16, String) {
    let mut sender = tls_client::connect(a.running.addr.port(), pki, None)
        .await
        .expect("A's TLS");
    tls_client::iti55(&mut sender, "/initiating")
        .await
        .expect("an answer")
}

/// B's answers reach A's `/replies` over mutual TLS: B trusts the HIE's CA for A's
/// certificate and presents its own, as `[gateway.replies]` says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_reach_a_over_mutual_tls_with_the_certificate_of_gateway_replies() {
    let pki = Pki::generate("async-mtls");
    let (a, b) = mutual_tls_pair(&pki, true).await;
    let (status, body) = discover_through(&a, &pki).await;
    assert_eq!(status, 200, "{body}");
    let found = soap_client::iti55_answer(&body);
    let ids: Vec<_> = found
        .matches
        .iter()
        .filter_map(|m| m.patient_id.extension.clone())
        .collect();
    assert_eq!(ids, ["PIR-1001"], "{:?}", found.issues);
    let owed = exchanges_of(&b).await;
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].state, ExchangeState::Delivered);
    assert!(
        owed[0].address.starts_with("https://"),
        "{}",
        owed[0].address
    );
}

/// Without a client certificate B's answers are refused at A's `/replies`: A's call runs
/// out of time and its initiator hears why, and B keeps trying, saying why not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_client_certificate_a_refuses_the_answers_and_b_keeps_them() {
    let pki = Pki::generate("async-mtls-none");
    let (a, b) = mutual_tls_pair(&pki, false).await;
    let (status, body) = discover_through(&a, &pki).await;
    assert_eq!(status, 200, "{body}");
    let found = soap_client::iti55_answer(&body);
    assert!(found.matches.is_empty(), "{body}");
    assert_eq!(found.issues.len(), 1, "{body}");
    let owed = exchanges_of(&b).await;
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].state, ExchangeState::Pending);
    assert!(owed[0].attempts >= 1);
    let why = owed[0]
        .last_error
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    // A asks certificates of the responding role only, so the handshake passes and
    // `/replies` answers 403 (a client certificate is required).
    assert!(why.contains("403"), "{why}");
}

/// B requires XUA; A issues the assertion for each request it makes asynchronous or
/// deferred, over the request as it leaves (the rewrite comes first), and B judges it
/// again, at the time it arrived, when it makes the answer [ITI TF-2 3.40.4.1].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xua_holds_when_a_asks_b_asynchronously() {
    let signer = Pki::generate("async-xua");
    let b = TestGateway::start(&crate::chain::gateway_b_config(&format!(
        "[gateway.xua]\nresponding = \"required\"\ntrusted_issuers = [\"{}\"]\n",
        signer.path("client.pem")
    )))
    .await
    .expect("B starts");
    let a = TestGateway::start(&format!(
        "{}\n[gateway.xua.issuer]\nkey_file = \"{}\"\ncert_file = \"{}\"\nname = \"urn:oid:2.999.2\"\n",
        crate::chain::gateway_a_config(
            &b.responding_url(),
            "xua = \"issue\"\nasync = true\ndeferred = true"
        ),
        signer.path("client.key"),
        signer.path("client.pem")
    ))
    .await
    .expect("A starts");
    crate::chain::discover_query_retrieve(&a.initiating_url()).await;
    let owed = exchanges_of(&b).await;
    assert_eq!(owed.len(), 3);
    assert!(owed.iter().all(|e| e.state == ExchangeState::Delivered));
    let journal = b.journal_text();
    assert!(
        journal
            .lines()
            .any(|r| r.contains("UserID=\"urn:oid:2.999.2\"")),
        "B's records name A's asserted subject: {journal}"
    );
}
