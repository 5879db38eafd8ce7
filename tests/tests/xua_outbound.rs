//! Outbound XUA: an endpoint forwards the initiator's assertion or carries one the gateway
//! issues and signs. Gateway A sends to gateway B, which requires XUA, and B's adapter
//! reports the user it was handed [ITI TF-2 3.40.4.1].

use crate::xua::{DOCTOR_LINE, Idp, echo_community, iti55_envelope, reported_user, send};
use std::time::SystemTime;
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client};

/// Gateway B: `/responding` requires XUA from `trusted` and fronts the echo adapter.
async fn gateway_b(trusted: &str) -> TestGateway {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.9"
responding = ["echo"]

[gateway.xua]
responding = "required"
trusted_issuers = ["{trusted}"]

{}"#,
        echo_community("echo", "urn:oid:2.999.9.1")
    ))
    .await
    .expect("gateway B starts")
}

/// Gateway A: `/initiating` takes assertions from `idp_cert` when they come; one community
/// behind the IHE SOAP adapter at B, whose endpoint attaches XUA as `xua` says; `issuer`
/// is A's own `[gateway.xua.issuer]` table, if any.
async fn gateway_a(b: &TestGateway, idp_cert: &str, xua: &str, issuer: &str) -> TestGateway {
    TestGateway::start(&gateway_a_config(b, idp_cert, xua, issuer))
        .await
        .expect("gateway A starts")
}

fn gateway_a_config(b: &TestGateway, idp_cert: &str, xua: &str, issuer: &str) -> String {
    format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.2"

[gateway.xua]
initiating = "optional"
trusted_issuers = ["{idp_cert}"]
{issuer}

[communities.echo-via-b]
home_community_id = "urn:oid:2.999.9.1"
plugin = "{{IHE_SOAP}}"
settings = {{ sender_home_community_id = "urn:oid:2.999.2", iti55_endpoint = "b" }}

[communities.echo-via-b.endpoints.b]
url = "{}"
xua = "{xua}"
"#,
        b.responding_url()
    )
}

/// The failure text A reports for B, when B refused.
fn community_failure(answer: &soap_client::Answer) -> Option<String> {
    let parsed = soap_client::iti55_answer(&answer.body);
    parsed.issues.iter().find_map(|i| match i {
        xcgate_ihe::xcpd::DetectedIssue::Error { text: Some(t), .. } => Some(t.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn the_initiators_assertion_is_forwarded_and_still_verifies_at_the_next_gateway() {
    let idp = Idp::new("xua-forward");
    let b = gateway_b(&idp.cert()).await;
    let a = gateway_a(&b, &idp.cert(), "forward", "").await;
    let assertion = idp.assertion(SystemTime::now());
    let answer = send(&a.initiating_url(), iti55_envelope(Some(&assertion))).await;
    assert_eq!(reported_user(&answer), DOCTOR_LINE);

    // Without an assertion there is nothing to forward, and B refuses: A names it.
    let answer = send(&a.initiating_url(), iti55_envelope(None)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(soap_client::iti55_answer(&answer.body).matches.is_empty());
    assert!(community_failure(&answer).is_some(), "{}", answer.body);
}

#[tokio::test]
async fn the_gateway_issues_and_signs_an_assertion_that_the_next_gateway_trusts() {
    let idp = Idp::new("xua-issue-idp");
    let a_signer = Pki::generate("xua-issue-a");
    let issuer = format!(
        "[gateway.xua.issuer]\nkey_file = \"{}\"\ncert_file = \"{}\"\nname = \"urn:oid:2.999.2\"\nsystem_subject = \"gateway A\"\n",
        a_signer.path("client.key"),
        a_signer.path("client.pem")
    );
    // B trusts A's signing certificate only: the IdP's own assertion would not pass.
    let b = gateway_b(&a_signer.path("client.pem")).await;
    let a = gateway_a(&b, &idp.cert(), "issue", &issuer).await;

    let assertion = idp.assertion(SystemTime::now());
    let answer = send(&a.initiating_url(), iti55_envelope(Some(&assertion))).await;
    assert_eq!(
        reported_user(&answer),
        DOCTOR_LINE,
        "A re-issued the user's attributes"
    );

    // A request without a user goes out with a system assertion naming the gateway.
    let answer = send(&a.initiating_url(), iti55_envelope(None)).await;
    assert_eq!(reported_user(&answer), "gateway A|||urn:oid:2.999.2||");
}

#[tokio::test]
async fn without_an_outbound_assertion_the_next_gateway_refuses_and_the_failure_is_named() {
    let idp = Idp::new("xua-off");
    let b = gateway_b(&idp.cert()).await;
    let a = gateway_a(&b, &idp.cert(), "off", "").await;
    let answer = send(
        &a.initiating_url(),
        iti55_envelope(Some(&idp.assertion(SystemTime::now()))),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(soap_client::iti55_answer(&answer.body).matches.is_empty());
    assert!(community_failure(&answer).is_some(), "{}", answer.body);
}

#[tokio::test]
async fn issue_without_a_signing_key_is_a_config_error_that_names_the_endpoint() {
    let idp = Idp::new("xua-nokey");
    let b = gateway_b(&idp.cert()).await;
    let err = TestGateway::start(&gateway_a_config(&b, &idp.cert(), "issue", ""))
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(
        err.contains("communities.echo-via-b.endpoints.b.xua")
            && err.contains("[gateway.xua.issuer]"),
        "{err}"
    );
}
