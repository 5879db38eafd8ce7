//! An HTTPS client for the gateway's own TLS endpoint: trusts a test PKI's CA and shows
//! one of its client certificates, or none.

use crate::pki::Pki;
use crate::soap_client;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::sync::Arc;

pub type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// A TLS connection that trusts `trust`'s CA and shows `client`'s client certificate, or
/// none.
pub async fn connect(port: u16, trust: &Pki, client: Option<&Pki>) -> Result<Sender, String> {
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

/// One ITI-55 to `path` over an open connection: the HTTP status and body, or why there was none
/// (a server that refuses a missing certificate after the handshake closes the connection
/// on the first request in TLS 1.3).
pub async fn iti55(sender: &mut Sender, path: &str) -> Result<(u16, String), String> {
    post(sender, path, iti55_envelope()).await
}

/// The ITI-55 envelope [`iti55`] sends: Aino Virtanen, born 1990-03-12.
pub fn iti55_envelope() -> String {
    let query = soap_client::demographic_query("tls", "Virtanen", "Aino", "19900312");
    soap_client::envelope(soap_client::ITI55, "urn:uuid:tls", &query)
}

/// POST a SOAP 1.2 envelope to `path`: the HTTP status and body.
pub async fn post(sender: &mut Sender, path: &str, body: String) -> Result<(u16, String), String> {
    let req = http::Request::post(path)
        .header("host", "localhost")
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    // A keep-alive connection takes the next request only once it has finished the last
    // one; sending earlier is refused ("operation was canceled").
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
