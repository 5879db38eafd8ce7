//! The gateway's own HTTPS endpoint (`[gateway.tls]`): mutual TLS accepts trusted clients
//! and refuses untrusted or absent ones (everywhere, or per endpoint); an expired
//! certificate is a start-up error, and a reload rotates the certificate for new connections while the open ones
//! keep working.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::sync::Arc;
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client, with_guests};

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
plugin = "{{DEMO}}"
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
async fn connect(
    port: u16,
    pki: &Pki,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    connect_as(port, pki, Some(pki)).await
}

/// A TLS connection that trusts `trust`'s CA and shows `client`'s client certificate, or
/// none.
async fn connect_as(
    port: u16,
    trust: &Pki,
    client: Option<&Pki>,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    let pki = trust;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(pki.path("ca.pem")).map_err(|e| e.to_string())? {
        roots
            .add(cert.map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots);
    let config = match client {
        Some(client) => {
            let chain: Vec<CertificateDer<'static>> =
                CertificateDer::pem_file_iter(client.path("client.pem"))
                    .map_err(|e| e.to_string())?
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?;
            let key = PrivateKeyDer::from_pem_file(client.path("client.key"))
                .map_err(|e| e.to_string())?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| e.to_string())?
        }
        None => builder.with_no_client_auth(),
    };
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

/// One ITI-55 over an open connection: the HTTP status.
async fn ask(sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>) -> u16 {
    ask_at(sender, "/initiating")
        .await
        .expect("answered on the open connection")
}

/// One ITI-55 to `path` over an open connection: the HTTP status, or why there was none
/// (a server that refuses a missing certificate after the handshake closes the connection
/// on the first request in TLS 1.3).
async fn ask_at(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    path: &str,
) -> Result<u16, String> {
    let query = soap_client::demographic_query("tls", "Virtanen", "Aino", "19900312");
    let body = soap_client::envelope(soap_client::ITI55, "urn:uuid:tls", &query);
    let req = http::Request::post(path)
        .header("host", "localhost")
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    Ok(status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_accepts_a_trusted_client_and_refuses_an_untrusted_or_absent_one() {
    let pki = Pki::generate("mtls-both");
    let stranger = Pki::generate("mtls-stranger");
    let gw = TestGateway::start(&config(&pki, "server.pem"))
        .await
        .unwrap();
    let port = gw.running.addr.port();
    let mut trusted = connect_as(port, &pki, Some(&pki))
        .await
        .expect("trusted client");
    assert_eq!(ask_at(&mut trusted, "/initiating").await, Ok(200));
    // Refused in the handshake (TLS 1.3 reports it on the first read: either way, no answer).
    for client in [Some(&stranger), None] {
        let refused = match connect_as(port, &pki, client).await {
            Err(_) => true,
            Ok(mut sender) => ask_at(&mut sender, "/initiating").await.is_err(),
        };
        assert!(
            refused,
            "client {:?} must be refused",
            client.map(|c| c.dir())
        );
    }
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

    let mut anonymous = connect_as(port, &pki, None)
        .await
        .expect("no certificate needed");
    assert_eq!(ask_at(&mut anonymous, "/initiating").await, Ok(200));
    assert_eq!(ask_at(&mut anonymous, "/responding").await, Ok(403));

    let mut trusted = connect_as(port, &pki, Some(&pki))
        .await
        .expect("trusted client");
    assert_ne!(ask_at(&mut trusted, "/responding").await, Ok(403));

    // A certificate that is shown is still verified.
    let refused = match connect_as(port, &pki, Some(&stranger)).await {
        Err(_) => true,
        Ok(mut sender) => ask_at(&mut sender, "/initiating").await.is_err(),
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
    std::fs::write(&file, with_guests(&config(&old, "server.pem"))).unwrap();
    let gw = TestGateway::start_file(&file).await.unwrap();
    let port = gw.running.addr.port();

    let mut open = connect(port, &old).await.unwrap();
    assert_eq!(ask(&mut open).await, 200);

    std::fs::write(&file, with_guests(&config(&new, "server.pem"))).unwrap();
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
