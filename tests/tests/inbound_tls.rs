//! The gateway's own HTTPS endpoint (`[gateway.tls]`): mutual TLS accepts trusted clients
//! and refuses untrusted or absent ones (everywhere, or per endpoint); an expired
//! certificate is a start-up error, and a reload rotates the certificate for new
//! connections while the open ones keep working.

use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, config_file_text, soap_client, tls_client};

fn config(pki: &Pki, cert: &str) -> String {
    format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[gateway.tls]
cert_file = "{cert}"
key_file = "{key}"
client_ca_file = "{ca}"

[admin]
listen = "127.0.0.1:0"

[communities.north]
home_community_id = "urn:oid:2.999.1.10"
plugin = "{{DEMO_COMMUNITY}}"
[[communities.north.settings.patients]]
id = {{ root = "2.999.1.10.1", extension = "N-1" }}
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"
"#,
        cert = pki.path(cert),
        key = pki.path("server.key"),
        ca = pki.path("ca.pem"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_server_certificate_is_a_start_up_error_that_names_the_file() {
    let pki = Pki::generate("expired");
    let error = TestGateway::start(&config(&pki, "expired.pem"))
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(
        error.contains("gateway.tls.cert_file")
            && error.contains("expired.pem")
            && error.contains("expired on")
            && error.contains("renew"),
        "{error}"
    );
}

/// A TLS connection to the gateway that trusts `pki`'s CA and shows its client
/// certificate; `Err` when the handshake fails.
async fn connect(port: u16, pki: &Pki) -> Result<tls_client::Sender, String> {
    tls_client::connect(port, pki, Some(pki)).await
}

/// One ITI-55 over an open connection: the HTTP status.
async fn ask(sender: &mut tls_client::Sender) -> u16 {
    tls_client::iti55(sender, "/initiating")
        .await
        .expect("answered on the open connection")
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_accepts_a_trusted_client_and_refuses_an_untrusted_or_absent_one() {
    let pki = Pki::generate("mtls-both");
    let stranger = Pki::generate("mtls-stranger");
    // north also answers on /responding, where the requester is the client system.
    let text = config(&pki, "server.pem").replace(
        "home_community_id = \"urn:oid:2.999.1\"\n",
        "home_community_id = \"urn:oid:2.999.1\"\nresponding = [\"north\"]\n",
    );
    let gw = TestGateway::start(&text).await.unwrap();
    let port = gw.running.addr.port();
    let mut trusted = tls_client::connect(port, &pki, Some(&pki))
        .await
        .expect("trusted client");
    assert_eq!(
        tls_client::iti55(&mut trusted, "/initiating")
            .await
            .map(|(status, _)| status),
        Ok(200)
    );
    // The audit record of a request answered here names the client system by its
    // certificate's subject.
    tls_client::iti55(&mut trusted, "/responding")
        .await
        .expect("answered");
    let journal = gw.journal_text();
    assert!(
        journal.contains("UserName=\"CN=mtls-both client\""),
        "{journal}"
    );
    // Refused in the handshake (TLS 1.3 reports it on the first read: either way, no answer).
    for client in [Some(&stranger), None] {
        let refused = match tls_client::connect(port, &pki, client).await {
            Err(_) => true,
            Ok(mut sender) => tls_client::iti55(&mut sender, "/initiating").await.is_err(),
        };
        assert!(
            refused,
            "client {:?} must be refused",
            client.map(|c| c.dir())
        );
    }
    // Each refusal is audited as a Security Alert, node authentication [ITI TF-2 3.20.4.1]
    // (written by the connection's task: wait for it briefly).
    let alerts = |text: &str| text.matches("csd-code=\"110126\"").count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while alerts(&gw.journal_text()) < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let journal = gw.journal_text();
    assert_eq!(alerts(&journal), 2, "{journal}");
    assert!(journal.contains("csd-code=\"110113\""), "{journal}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_can_be_required_on_responding_only() {
    let pki = Pki::generate("mtls-responding");
    let stranger = Pki::generate("mtls-responding-stranger");
    let text = config(&pki, "server.pem").replace(
        "[admin]",
        "require_client_certificate = [\"responding\"]\n\n[admin]",
    );
    let gw = TestGateway::start(&text).await.unwrap();
    let port = gw.running.addr.port();

    let mut anonymous = tls_client::connect(port, &pki, None)
        .await
        .expect("no certificate needed");
    assert_eq!(
        tls_client::iti55(&mut anonymous, "/initiating")
            .await
            .map(|(status, _)| status),
        Ok(200)
    );
    assert_eq!(
        tls_client::iti55(&mut anonymous, "/responding")
            .await
            .map(|(status, _)| status),
        Ok(403)
    );
    assert!(
        gw.journal_text()
            .contains("no client certificate on an endpoint that requires one"),
        "the refusal is audited as a Security Alert"
    );

    let mut trusted = tls_client::connect(port, &pki, Some(&pki))
        .await
        .expect("trusted client");
    assert_ne!(
        tls_client::iti55(&mut trusted, "/responding")
            .await
            .map(|(status, _)| status),
        Ok(403)
    );

    // A certificate that is shown is still verified.
    let refused = match tls_client::connect(port, &pki, Some(&stranger)).await {
        Err(_) => true,
        Ok(mut sender) => tls_client::iti55(&mut sender, "/initiating").await.is_err(),
    };
    assert!(
        refused,
        "an untrusted certificate is refused even where none is required"
    );
}

#[tokio::test]
async fn requiring_client_certificates_without_their_ca_is_a_config_error() {
    let pki = Pki::generate("mtls-no-ca");
    let text = config(&pki, "server.pem")
        .replace(
            &format!("client_ca_file = \"{}\"\n", pki.path("ca.pem")),
            "",
        )
        .replace(
            "[admin]",
            "require_client_certificate = [\"responding\"]\n\n[admin]",
        );
    let error = TestGateway::start(&text)
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(
        error.contains("gateway.tls.require_client_certificate")
            && error.contains("client_ca_file"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_rotates_the_certificate_for_new_connections_and_keeps_open_ones() {
    let (old, new) = (Pki::generate("old"), Pki::generate("new"));
    let file = old.dir().join("xcgate.toml");
    std::fs::write(&file, config_file_text(&config(&old, "server.pem"), &file)).unwrap();
    let gw = TestGateway::start_file(&file).await.unwrap();
    let port = gw.running.addr.port();

    let mut open = connect(port, &old).await.unwrap();
    assert_eq!(ask(&mut open).await, 200);

    std::fs::write(&file, config_file_text(&config(&new, "server.pem"), &file)).unwrap();
    let admin = gw.running.admin_url().unwrap();
    let reload = soap_client::post(&format!("{admin}/admin/reload"), "text/plain", "").await;
    assert_eq!(reload.status, 200, "{}", reload.body);

    assert_eq!(
        ask(&mut open).await,
        200,
        "the open connection keeps working"
    );
    let refused = connect(port, &old).await.err().unwrap_or_default();
    assert!(
        refused.contains("handshake"),
        "a new connection sees the new certificate: {refused}"
    );
    let mut fresh = connect(port, &new).await.unwrap();
    assert_eq!(ask(&mut fresh).await, 200);
}
