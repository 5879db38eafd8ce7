//! The security example (`config/examples/security/gateway.toml`, shown in the README's
//! "Security and audit") works as written: with generated certificates in place of its
//! files, the gateway starts, serves HTTPS, requires a client certificate and an XUA
//! assertion on `/responding` only, and writes the audit journal it names.

use std::time::{Duration, SystemTime};
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client, tls_client};
use xcgate_xua::{AssertedUser, AssertionIssuer};

/// The first ```toml block after the "Security and audit" heading of README.md.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md is readable");
    let section = &readme[readme
        .find("## Security and audit")
        .expect("the README has a Security and audit section")..];
    let start = section.find("```toml\n").expect("with a toml example") + 8;
    let end = start + section[start..].find("```").expect("that ends");
    section[start..end].to_string()
}

/// The shipped example, `config/examples/security/gateway.toml`, without its opening
/// comment.
fn shipped_example() -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/examples/security/gateway.toml"
    ))
    .expect("the security example is shipped");
    let body = text.find("[gateway]").expect("with a [gateway] table");
    text[body..].to_string()
}

#[test]
fn the_readme_shows_the_shipped_security_example_as_it_is() {
    assert_eq!(readme_example(), shipped_example());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_security_example_starts_serves_https_and_audits() {
    let pki = Pki::generate("readme-security");
    let sts = Pki::generate("readme-sts");
    let journal = pki.dir().join("audit").join("audit.log");
    let mut text = shipped_example();
    for (from, to) in [
        ("0.0.0.0:8443".to_string(), "127.0.0.1:0".to_string()),
        ("tls/gateway.pem".into(), pki.path("server.pem")),
        ("tls/gateway.key".into(), pki.path("server.key")),
        ("tls/hie-ca.pem".into(), pki.path("ca.pem")),
        ("xua/sts.pem".into(), sts.path("client.pem")),
        ("xua/signing.key".into(), pki.path("client.key")),
        ("xua/signing.pem".into(), pki.path("client.pem")),
        ("audit/audit.log".into(), journal.display().to_string()),
        // No repository listens there: records wait in the journal.
        ("arr.example.org:6514".into(), "127.0.0.1:9".into()),
    ] {
        assert!(text.contains(&from), "the example names {from}");
        text = text.replace(&from, &to);
    }
    // A patient for the demo community to find (the example leaves its data out).
    text.push_str(
        r#"
[[communities.pirkanmaa.settings.patients]]
id = { root = "2.999.1.10.1", extension = "PIR-1001" }
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"
"#,
    );
    let gw = TestGateway::start(&text)
        .await
        .unwrap_or_else(|e| panic!("the README example starts: {e:#}"));
    let port = gw.running.addr.port();

    // /initiating: no client certificate needed, XUA optional. The only community it
    // reaches, oulu, does not exist here, and the answer says so.
    let mut anonymous = tls_client::connect(port, &pki, None)
        .await
        .expect("a TLS connection without a client certificate");
    let (status, body) = tls_client::iti55(&mut anonymous, "/initiating")
        .await
        .expect("an answer");
    assert_eq!(status, 200, "{body}");
    let parsed = soap_client::iti55_answer(&body);
    assert!(parsed.matches.is_empty(), "{body}");
    assert!(body.contains("community oulu"), "oulu is named: {body}");

    // /responding: a client certificate is required, then an assertion from the STS.
    let (status, _) = tls_client::iti55(&mut anonymous, "/responding")
        .await
        .expect("an answer");
    assert_eq!(status, 403);
    let mut partner = tls_client::connect(port, &pki, Some(&pki))
        .await
        .expect("a partner with a client certificate");
    let (status, body) = tls_client::iti55(&mut partner, "/responding")
        .await
        .expect("an answer");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("SecurityTokenUnavailable"), "{body}");
    let sts_signer = AssertionIssuer::from_pem_files(
        sts.path("client.key").as_ref(),
        sts.path("client.pem").as_ref(),
        "urn:example:sts",
    )
    .expect("the STS key loads");
    let user = AssertedUser {
        subject_id: "Dr. Example".into(),
        ..AssertedUser::default()
    };
    let assertion = sts_signer
        .issue(&user, None, Duration::from_secs(300), SystemTime::now())
        .expect("issued");
    let envelope = tls_client::iti55_envelope().replacen(
        "<soap:Header>",
        &format!("<soap:Header>{}", xcgate_xua::security_header(&assertion)),
        1,
    );
    let (status, body) = tls_client::post(&mut partner, "/responding", envelope)
        .await
        .expect("an answer");
    assert_eq!(status, 200, "{body}");
    let parsed = soap_client::iti55_answer(&body);
    assert_eq!(parsed.matches.len(), 1, "pirkanmaa finds Aino: {body}");

    let written = xcgate_tests::journal_text(&journal);
    assert!(
        written.contains("ITI-55"),
        "the journal holds the ITI-55 records"
    );
}
