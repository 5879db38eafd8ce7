//! XUA [ITI TF-2 3.40]: assertions in `wsse:Security` are verified per endpoint and their
//! attributes reach the adapter; a tampered, expired, untrusted or (when required) missing
//! assertion is refused with the WS-Security fault [WSS 1.1 §12]. Outbound XUA:
//! `xua_outbound.rs`, with the IdP and echo helpers of this file.
//!
//! The sample assertions of the corpus are parsed by the xcgate-xua crate's own tests
//! (`host/xua/tests/xua/`).

use std::time::{Duration, SystemTime};
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client};
use xcgate_xua::{AssertedUser, AssertionIssuer, Coded};

pub(crate) const IDP: &str = "urn:test:idp";
/// What the echo adapter reports for `doctor()`: subject|org|org id|home|roles|purposes.
pub(crate) const DOCTOR_LINE: &str = "Dr. Aino Testinen|Tampere University Hospital|1.2.246.10.1|urn:oid:1.2.246.10|309343006|TREATMENT";

pub(crate) fn doctor() -> AssertedUser {
    AssertedUser {
        subject_id: "Dr. Aino Testinen".into(),
        organization: Some("Tampere University Hospital".into()),
        organization_id: Some("1.2.246.10.1".into()),
        home_community_id: Some("urn:oid:1.2.246.10".into()),
        roles: vec![Coded {
            code: "309343006".into(),
            code_system: "2.16.840.1.113883.6.96".into(),
            display: Some("Physician".into()),
        }],
        purpose_of_use: vec![Coded {
            code: "TREATMENT".into(),
            code_system: "2.16.840.1.113883.3.18.7.1".into(),
            display: Some("Treatment".into()),
        }],
        name_id: "aino.testinen@example.org".into(),
        ..AssertedUser::default()
    }
}

/// An identity provider: the client key and certificate of a fresh test PKI.
pub(crate) struct Idp {
    pki: Pki,
    issuer: AssertionIssuer,
}

impl Idp {
    pub(crate) fn new(name: &str) -> Idp {
        let pki = Pki::generate(name);
        let issuer = AssertionIssuer::from_pem_files(
            pki.path("client.key").as_ref(),
            pki.path("client.pem").as_ref(),
            IDP,
        )
        .expect("the test IdP key loads");
        Idp { pki, issuer }
    }

    pub(crate) fn cert(&self) -> String {
        self.pki.path("client.pem")
    }

    /// A signed assertion for `doctor()`, issued at `issued`, valid for five minutes.
    pub(crate) fn assertion(&self, issued: SystemTime) -> String {
        self.issuer
            .issue(&doctor(), None, Duration::from_secs(300), issued)
            .expect("issued")
    }
}

/// An ITI-55 envelope for Aino Virtanen carrying `assertion` (when given) in its header.
pub(crate) fn iti55_envelope(assertion: Option<&str>) -> String {
    let query = soap_client::demographic_query("xua", "Virtanen", "Aino", "19900312");
    let envelope = soap_client::envelope(soap_client::ITI55, "urn:uuid:xua-test", &query);
    match assertion {
        Some(a) => envelope.replacen(
            "<soap:Header>",
            &format!("<soap:Header>{}", xcgate_xua::security_header(a)),
            1,
        ),
        None => envelope,
    }
}

pub(crate) async fn send(url: &str, envelope: String) -> soap_client::Answer {
    soap_client::post(url, "application/soap+xml; charset=utf-8", envelope).await
}

/// The id extension of the single match: the echo adapter's report of the user.
pub(crate) fn reported_user(answer: &soap_client::Answer) -> String {
    assert_eq!(answer.status, 200, "{}", answer.body);
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(
        parsed.matches.len(),
        1,
        "{:?} / {}",
        parsed.issues,
        answer.body
    );
    parsed.matches[0]
        .patient_id
        .extension
        .clone()
        .unwrap_or_default()
}

/// The echo adapter as a community that reports the user it is handed.
pub(crate) fn echo_community(name: &str, home: &str) -> String {
    format!(
        r#"[communities.{name}]
home_community_id = "{home}"
plugin = "{{MISBEHAVING}}"
settings = {{ behaviour = "echo", echo_user = "true" }}
"#
    )
}

/// A gateway whose `/initiating` checks XUA as `mode` asks, trusting `trusted`.
async fn checking_gateway(mode: &str, trusted: &str) -> TestGateway {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[gateway.xua]
initiating = "{mode}"
trusted_issuers = ["{trusted}"]
issuer_names = ["{IDP}"]

{}"#,
        echo_community("echo", "urn:oid:2.999.1.30")
    ))
    .await
    .expect("the gateway starts")
}

fn assert_refused(answer: &soap_client::Answer, subcode: &str) {
    assert_eq!(answer.status, 400, "a Sender fault: {}", answer.body);
    assert!(answer.body.contains(":Sender<"), "{}", answer.body);
    assert!(
        answer.body.contains(&format!(":{subcode}<")),
        "{subcode}: {}",
        answer.body
    );
}

#[tokio::test]
async fn a_trusted_assertion_is_accepted_and_its_attributes_reach_the_adapter() {
    let idp = Idp::new("xua-accepted");
    let gw = checking_gateway("required", &idp.cert()).await;
    let assertion = idp.assertion(SystemTime::now());
    let answer = send(&gw.initiating_url(), iti55_envelope(Some(&assertion))).await;
    assert_eq!(reported_user(&answer), DOCTOR_LINE);
    // The audit record names the asserted user as a human requestor, with the role
    // [ITI TF-2 3.18.5.1.2].
    let journal = gw.journal_text();
    assert!(
        journal.contains("UserID=\"Dr. Aino Testinen\"") && journal.contains("309343006"),
        "{journal}"
    );
}

#[tokio::test]
async fn a_tampered_assertion_is_refused_as_failed_check() {
    let idp = Idp::new("xua-tampered");
    let gw = checking_gateway("required", &idp.cert()).await;
    let tampered = idp
        .assertion(SystemTime::now())
        .replace("Physician", "Surgeon");
    let answer = send(&gw.initiating_url(), iti55_envelope(Some(&tampered))).await;
    assert_refused(&answer, "FailedCheck");
    // Audited as a Security Alert (authentication decision), without the assertion's content.
    let journal = gw.journal_text();
    assert!(
        journal.contains("csd-code=\"110113\"") && journal.contains("csd-code=\"110143\""),
        "{journal}"
    );
    assert!(!journal.contains("Testinen"), "{journal}");
    // The gateway serves the next, untampered request.
    let answer = send(
        &gw.initiating_url(),
        iti55_envelope(Some(&idp.assertion(SystemTime::now()))),
    )
    .await;
    assert_eq!(reported_user(&answer), DOCTOR_LINE);
}

#[tokio::test]
async fn an_unsigned_or_unreadable_assertion_is_refused() {
    let idp = Idp::new("xua-unsigned");
    let gw = checking_gateway("optional", &idp.cert()).await;
    let signed = idp.assertion(SystemTime::now());
    let (start, end) = (
        signed.find("<ds:Signature").expect("a signature"),
        signed.find("</ds:Signature>").expect("its end") + "</ds:Signature>".len(),
    );
    let unsigned = format!("{}{}", &signed[..start], &signed[end..]);
    let answer = send(&gw.initiating_url(), iti55_envelope(Some(&unsigned))).await;
    assert_refused(&answer, "FailedAuthentication");
    // Not a SAML assertion at all, in a Security header that claims one.
    let garbage =
        "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml2:Issuer>x";
    let envelope = iti55_envelope(None).replacen(
        "<soap:Header>",
        &format!("<soap:Header>{}", xcgate_xua::security_header(garbage)),
        1,
    );
    let answer = send(&gw.initiating_url(), envelope).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.body.contains(":Sender<"), "{}", answer.body);
}

#[tokio::test]
async fn an_expired_assertion_is_refused_as_message_expired() {
    let idp = Idp::new("xua-expired");
    let gw = checking_gateway("required", &idp.cert()).await;
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    let answer = send(
        &gw.initiating_url(),
        iti55_envelope(Some(&idp.assertion(two_hours_ago))),
    )
    .await;
    assert_refused(&answer, "MessageExpired");
}

#[tokio::test]
async fn an_assertion_from_an_untrusted_issuer_is_refused_as_failed_authentication() {
    let trusted = Idp::new("xua-trusted");
    let stranger = Idp::new("xua-stranger");
    let gw = checking_gateway("required", &trusted.cert()).await;
    let answer = send(
        &gw.initiating_url(),
        iti55_envelope(Some(&stranger.assertion(SystemTime::now()))),
    )
    .await;
    assert_refused(&answer, "FailedAuthentication");
}

#[tokio::test]
async fn an_assertion_for_another_audience_is_refused_where_audiences_are_configured() {
    let idp = Idp::new("xua-audience");
    let gw = TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[gateway.xua]
initiating = "required"
trusted_issuers = ["{}"]
audiences = ["urn:oid:2.999.1"]

{}"#,
        idp.cert(),
        echo_community("echo", "urn:oid:2.999.1.30")
    ))
    .await
    .expect("the gateway starts");
    let for_audience = |audience: Option<&str>| {
        idp.issuer
            .issue(
                &doctor(),
                audience,
                Duration::from_secs(300),
                SystemTime::now(),
            )
            .expect("issued")
    };
    let elsewhere = for_audience(Some("https://other.example/service"));
    let answer = send(&gw.initiating_url(), iti55_envelope(Some(&elsewhere))).await;
    assert_refused(&answer, "FailedAuthentication");
    assert!(answer.body.contains("audiences"), "{}", answer.body);
    for fitting in [for_audience(Some("urn:oid:2.999.1")), for_audience(None)] {
        let answer = send(&gw.initiating_url(), iti55_envelope(Some(&fitting))).await;
        assert_eq!(reported_user(&answer), DOCTOR_LINE);
    }
}

#[tokio::test]
async fn a_missing_assertion_is_refused_when_required_and_served_when_optional() {
    let idp = Idp::new("xua-missing");
    let required = checking_gateway("required", &idp.cert()).await;
    let answer = send(&required.initiating_url(), iti55_envelope(None)).await;
    assert_refused(&answer, "SecurityTokenUnavailable");

    let optional = checking_gateway("optional", &idp.cert()).await;
    let answer = send(&optional.initiating_url(), iti55_envelope(None)).await;
    assert_eq!(reported_user(&answer), "no-user");
    // Optional still means: an assertion that is there must verify.
    let tampered = idp
        .assertion(SystemTime::now())
        .replace("Physician", "Surgeon");
    let answer = send(&optional.initiating_url(), iti55_envelope(Some(&tampered))).await;
    assert_refused(&answer, "FailedCheck");
}
