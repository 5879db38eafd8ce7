//! The gateway's own HTTPS endpoint (`[gateway.tls]`): an expired certificate is a start-up
//! error, and a reload rotates the certificate for new connections while the open ones
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
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(pki.path("ca.pem")).map_err(|e| e.to_string())? {
        roots
            .add(cert.map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(pki.path("client.pem"))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::from_pem_file(pki.path("client.key")).map_err(|e| e.to_string())?;
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_client_auth_cert(chain, key)
    .map_err(|e| e.to_string())?;
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
    let query = soap_client::demographic_query("tls", "Virtanen", "Aino", "19900312");
    let body = soap_client::envelope(soap_client::ITI55, "urn:uuid:tls", &query);
    let req = http::Request::post("/initiating")
        .header("host", "localhost")
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = sender
        .send_request(req)
        .await
        .expect("answered on the open connection");
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    status
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
