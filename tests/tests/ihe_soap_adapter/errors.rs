//! What is not an answer (a fault, a busy status, garbage, silence) is an error.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_a_busy_status_garbage_or_silence_is_an_error_never_an_empty_answer() {
    let (gw, mock) = gateway_and_mock().await;
    let fault = xcgate_ihe::soap::Fault::new(xcgate_ihe::soap::FaultCode::Receiver, "down")
        .to_envelope(None);
    let cases = [
        (
            Reply::new(500, Some(SOAP), fault),
            IssueCode::AnswerNotAvailable,
            "XDSUnavailableCommunity",
        ),
        (
            Reply::new(503, Some("text/html"), "<html>busy</html>"),
            IssueCode::ResponderBusy,
            "XDSRegistryBusy",
        ),
        (
            Reply::new(200, Some("text/html"), "<html><p>Login</p>"),
            IssueCode::InternalError,
            "XDSRegistryError",
        ),
        (
            Reply::new(200, Some(SOAP), ""),
            IssueCode::InternalError,
            "XDSRegistryError",
        ),
    ];
    for (reply, issue, xds) in cases {
        let label = format!("{} {:?}", reply.status, reply.body);
        mock.reply_with(reply);
        let got = soap_client::iti55_answer(
            &soap_client::iti55(&gw.initiating_url(), &aino()).await.body,
        );
        assert!(got.matches.is_empty(), "{label}");
        assert!(
            matches!(got.issues.as_slice(), [DetectedIssue::Error { code, .. }] if *code == issue),
            "{label}: {:?}",
            got.issues
        );
        let (r, _) = find_documents(&gw).await;
        assert_eq!(r.status(), ResponseStatus::Failure, "{label}");
        assert_eq!(
            error_codes(&r),
            [(xds.to_string(), Some(REMOTE.to_string()))],
            "{label}"
        );
    }
    // Nobody listening at all.
    let closed = TestGateway::start(&config("http://127.0.0.1:9"))
        .await
        .unwrap();
    let got = soap_client::iti55_answer(
        &soap_client::iti55(&closed.initiating_url(), &aino())
            .await
            .body,
    );
    assert!(matches!(
        got.issues.as_slice(),
        [DetectedIssue::Error {
            code: IssueCode::AnswerNotAvailable,
            ..
        }]
    ));
}
