//! A community whose adapter answers later (WIT `deferred-discovery`, since 0.6.0): its MPI
//! takes the query as a job, and the gateway keeps the exchange, polls the job and sends
//! the answer once the job is done [ITI TF-2 3.55.6.2]. The test's MPI (a stand-in for
//! the community's own system) decides when that is.

use super::*;

const MPI_MATCH: &str = r#"{"matches": [{"root": "1.2.246.21", "extension": "MPI-7", "family": "Virtanen", "given": "Aino"}]}"#;

/// Gateway B: it fronts one community, `kanta-mpi`, whose adapter is the deferred test
/// guest over the MPI at `mpi_url`, polled every 200 ms and waited for `within`.
pub(super) fn deferred_b_config(mpi_url: &str, within: &str) -> String {
    format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.3"
responding = ["kanta-mpi"]

[gateway.replies]
allow = ["http://127.0.0.1:*/"]
retry = "100ms"

[communities.kanta-mpi]
home_community_id = "urn:oid:2.999.3.1"
plugin = "{{DEFERRED_MPI}}"
deferred = {{ poll = "200ms", within = "{within}" }}

[communities.kanta-mpi.endpoints.mpi]
url = "{mpi_url}/mpi/"
"#
    )
}

/// The test's MPI: every query becomes job `J-1`, which runs until told otherwise.
pub(super) async fn mpi_with_a_running_job() -> MockResponder {
    let mpi = MockResponder::start().await;
    mpi.reply_on(
        "/mpi/jobs",
        Reply::new(200, Some("application/json"), r#"{"job": "J-1"}"#),
    );
    mpi.reply_on("/mpi/jobs/J-1", Reply::new(202, None, ""));
    mpi
}

pub(super) fn polls(mpi: &MockResponder) -> usize {
    mpi.paths().iter().filter(|p| *p == "/mpi/jobs/J-1").count()
}

pub(super) async fn wait_until(what: &str, within: Duration, done: impl Fn() -> bool) {
    let until = tokio::time::Instant::now() + within;
    while !done() {
        assert!(
            tokio::time::Instant::now() < until,
            "{what} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn deferred_request(respond_to: &str) -> String {
    example("iti55-virtanen-deferred.xml").replace("http://127.0.0.1:9311/deferred", respond_to)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_adapter_is_polled_until_its_mpi_is_done_and_the_answer_then_leaves_once() {
    let mpi = mpi_with_a_running_job().await;
    let b = TestGateway::start(&deferred_b_config(mpi.url(), "1m"))
        .await
        .expect("B starts");
    let initiator = MockResponder::start().await;
    initiator.reply_with(mcci("AA"));
    let request = deferred_request(&format!("{}/deferred", initiator.url()));
    let answer = post(&b.responding_url(), SOAP, request.clone()).await;
    let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
    assert!(ack.accepted(), "{}", answer.body);

    // The job runs: B polls it, keeps the token, and sends nothing yet.
    wait_until("three polls", Duration::from_secs(10), || polls(&mpi) >= 3).await;
    let started: Vec<_> = mpi
        .paths()
        .into_iter()
        .filter(|p| p == "/mpi/jobs")
        .collect();
    assert_eq!(started.len(), 1, "the discovery is started once");
    assert!(
        initiator.received().is_empty(),
        "nothing is answered while the job runs"
    );
    let pending = exchanges_of(&b).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, ExchangeState::Pending);
    assert!(
        pending[0]
            .discovery
            .as_deref()
            .is_some_and(|d| d.contains("J-1")),
        "the token is kept with the exchange: {:?}",
        pending[0].discovery
    );

    // The MPI is down for a moment: the job is polled again, not given up.
    mpi.reply_on("/mpi/jobs/J-1", Reply::new(503, None, ""));
    let before = polls(&mpi);
    wait_until(
        "two polls while the MPI is down",
        Duration::from_secs(10),
        || polls(&mpi) >= before + 2,
    )
    .await;
    assert!(
        initiator.received().is_empty(),
        "an MPI that is down for a moment ends nothing"
    );

    // The job is done: the next poll brings the match, and the answer leaves.
    mpi.reply_on(
        "/mpi/jobs/J-1",
        Reply::new(200, Some("application/json"), MPI_MATCH),
    );
    let received = initiator.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1, "the answer reaches the respondTo");
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(hl7v3::actions::ITI55_DEFERRED_RESPONSE)
    );
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    let ids = match_ids(&env);
    assert_eq!(ids, ["MPI-7"], "{text}");
    validate(
        "drivers/soap12-prpa-in201306.xsd",
        &text,
        "deferred adapter answer",
    );
    let done = exchanges_of(&b).await;
    assert_eq!(done[0].state, ExchangeState::Delivered);
    assert_eq!(
        done[0].discovery, None,
        "the progress is not kept once answered"
    );
    let polled = polls(&mpi);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(polls(&mpi), polled, "no poll after the answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_adapter_that_does_not_finish_within_its_wait_counts_as_not_answering() {
    let mpi = mpi_with_a_running_job().await;
    let b = TestGateway::start(&deferred_b_config(mpi.url(), "1s"))
        .await
        .expect("B starts");
    let initiator = MockResponder::start().await;
    initiator.reply_with(mcci("AA"));
    let answer = post(
        &b.responding_url(),
        SOAP,
        deferred_request(&format!("{}/deferred", initiator.url())),
    )
    .await;
    assert!(answer.body.contains("AA"), "{}", answer.body);
    let received = initiator.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1, "the answer leaves once the wait is over");
    let (env, text) = envelope_of(&received[0]);
    let parsed = hl7v3::parse_response(&env.body).unwrap();
    assert!(parsed.matches.is_empty(), "{text}");
    assert!(
        text.contains("AnswerNotAvailable") && text.contains("kanta-mpi"),
        "the community is named as not answering: {text}"
    );
    validate(
        "drivers/soap12-prpa-in201306.xsd",
        &text,
        "deferred adapter timeout",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synchronous_iti55_to_a_deferred_adapter_is_answered_through_patient_discovery() {
    let mpi = mpi_with_a_running_job().await;
    let b = TestGateway::start(&deferred_b_config(mpi.url(), "1m"))
        .await
        .expect("B starts");
    let answer = soap_client::iti55(
        &b.responding_url(),
        &soap_client::demographic_query("sync", "Virtanen", "Aino", "19900312"),
    )
    .await;
    assert!(
        answer.body.contains("AnswerNotAvailable") && answer.body.contains("Deferred Response"),
        "the adapter's own word reaches the initiator: {}",
        answer.body
    );
    assert!(
        mpi.received().is_empty(),
        "no job is started for a synchronous request"
    );
}

/// The Deferred Response option in both roles between two gateways, B's community behind
/// a deferred adapter: a local initiator asks A deferred, A asks B deferred (its endpoint
/// marked `deferred = true`), B starts the MPI's job and polls it, and once the job is
/// done B answers at A's `/replies` and A answers at the initiator's `respondTo`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_iti55_through_two_gateways_waits_for_the_deferred_adapter_of_b() {
    let mpi = mpi_with_a_running_job().await;
    let b = TestGateway::start(&deferred_b_config(mpi.url(), "1m"))
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
    let request = deferred_request(&format!("{}/deferred", initiator.url()));
    let answer = post(&a.initiating_url(), SOAP, request.clone()).await;
    let ack = hl7v3::parse_ack(&soap_client::body_payload(&answer.body)).unwrap();
    assert!(ack.accepted(), "A acknowledges: {}", answer.body);

    wait_until("B polls the job", Duration::from_secs(10), || {
        polls(&mpi) >= 1
    })
    .await;
    assert!(initiator.received().is_empty());
    mpi.reply_on(
        "/mpi/jobs/J-1",
        Reply::new(200, Some("application/json"), MPI_MATCH),
    );
    let received = initiator.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(
        received.len(),
        1,
        "the answer reaches the initiator's respondTo"
    );
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    let ids = match_ids(&env);
    assert_eq!(ids, ["MPI-7"], "B's MPI found her: {text}");
    validate(
        "drivers/soap12-prpa-in201306.xsd",
        &text,
        "deferred adapter through two gateways",
    );
    let owed = exchanges_of(&b).await;
    assert_eq!(owed.len(), 1, "{owed:?}");
    assert_eq!(owed[0].state, ExchangeState::Delivered);
    assert_eq!(owed[0].address, format!("{}/replies", a.running.url()));
}

/// The token is all the gateway needs to go on: a gateway started again on the same
/// state store polls the same job, and does not start the discovery again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_gateway_polls_the_kept_token_and_does_not_start_again() {
    let mpi = mpi_with_a_running_job().await;
    let dir = xcgate_tests::TempDir::new("deferred-restart");
    let config = |run: &str| {
        deferred_b_config(mpi.url(), "1m").replace("poll = \"200ms\"", "poll = \"2s\"")
            + &format!(
                "\n[state]\nurl = \"sqlite://{}/state.db\"\n[audit]\njournal = \"{}/{run}.log\"\n",
                dir.path().display(),
                dir.path().display()
            )
    };
    let b = TestGateway::start(&config("first"))
        .await
        .expect("B starts");
    let initiator = MockResponder::start().await;
    initiator.reply_with(mcci("AA"));
    let request = deferred_request(&format!("{}/deferred", initiator.url()));
    let answer = post(&b.responding_url(), SOAP, request.clone()).await;
    assert!(answer.body.contains("AA"), "{}", answer.body);
    // Started, and the token kept (the exchange let go until the next poll, 2 s later).
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    while !exchanges_of(&b)
        .await
        .first()
        .and_then(|e| e.discovery.clone())
        .is_some_and(|d| d.contains("J-1"))
    {
        assert!(tokio::time::Instant::now() < until, "the token is kept");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(b);

    let again = TestGateway::start(&config("second"))
        .await
        .expect("B starts again");
    wait_until("the restarted B polls", Duration::from_secs(10), || {
        polls(&mpi) >= 1
    })
    .await;
    mpi.reply_on(
        "/mpi/jobs/J-1",
        Reply::new(200, Some("application/json"), MPI_MATCH),
    );
    let received = initiator.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1, "the answer arrives after the restart");
    let (env, text) = envelope_of(&received[0]);
    assert_eq!(env.addressing.relates_to, Some(message_id(&request)));
    assert!(text.contains("MPI-7"), "{text}");
    let starts = mpi.paths().iter().filter(|p| *p == "/mpi/jobs").count();
    assert_eq!(
        starts, 1,
        "the discovery was started once, before the restart"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(initiator.received().len(), 1, "once");
    drop(again);
}

/// `deferred` is for an adapter that answers later: on any other it is a mistake, and the
/// gateway says so at start-up rather than never polling.
#[tokio::test]
async fn deferred_settings_on_an_adapter_that_cannot_answer_later_are_refused_at_start() {
    let text =
        deferred_b_config("http://127.0.0.1:1", "1m").replace("{DEFERRED_MPI}", "{DEMO_COMMUNITY}");
    let e = match TestGateway::start(&text).await {
        Ok(_) => panic!("the gateway started"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        e.contains("communities.kanta-mpi.deferred") && e.contains("register_deferred_discovery!"),
        "{e}"
    );
}

/// An adapter that misbehaves answering later ends the work for its community, which the
/// answer names as failed (InternalError), and is never polled with a token the gateway
/// would not keep: none, one over 1 KiB, or one its MPI then does not know.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_or_a_job_the_mpi_forgot_ends_the_work_with_an_internal_error() {
    let mpi = mpi_with_a_running_job().await;
    let b = TestGateway::start(&deferred_b_config(mpi.url(), "1m"))
        .await
        .expect("B starts");
    let initiator = MockResponder::start().await;
    initiator.reply_with(mcci("AA"));
    let long = "J".repeat(2000);
    let cases = [
        (r#"{"job": ""}"#.to_string(), "no token"),
        (format!(r#"{{"job": "{long}"}}"#), "a token over 1 KiB"),
        (r#"{"job": "J-1"}"#.to_string(), "a job the MPI forgot"),
    ];
    mpi.reply_on("/mpi/jobs/J-1", Reply::new(404, None, ""));
    for (n, (job, case)) in cases.into_iter().enumerate() {
        mpi.reply_on("/mpi/jobs", Reply::new(200, Some("application/json"), job));
        let request = deferred_request(&format!("{}/deferred", initiator.url())).replace(
            &message_id(&deferred_request("x")),
            &format!("urn:uuid:bad-token-{n}"),
        );
        let answer = post(&b.responding_url(), SOAP, request).await;
        assert!(answer.body.contains("AA"), "{case}: {}", answer.body);
        let received = initiator.wait_for(n + 1, Duration::from_secs(10)).await;
        assert_eq!(received.len(), n + 1, "{case}: the answer leaves");
        let (env, text) = envelope_of(&received[n]);
        assert!(match_ids(&env).is_empty(), "{case}: {text}");
        assert!(
            text.contains("InternalError") && text.contains("kanta-mpi"),
            "{case}: the community is named as failed: {text}"
        );
        validate("drivers/soap12-prpa-in201306.xsd", &text, case);
    }
    let polls: Vec<String> = mpi
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("/mpi/jobs/"))
        .collect();
    assert_eq!(
        polls,
        ["/mpi/jobs/J-1"],
        "only the token kept was polled, once"
    );
}
