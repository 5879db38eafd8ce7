//! TLS material from PEM files and the gateway's own HTTPS acceptor. rustls with the ring
//! provider everywhere; certificates and keys only from files the config names, read at
//! start-up so a bad file is a start-up error naming the key and the file.

use crate::config::{Role, ServerTlsConfig};
use anyhow::Context as _;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// The crypto provider of every TLS config xcgate builds.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Every certificate of a PEM file; `key` names the config key in errors.
pub fn read_certs(key: &str, path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("{key} {}: cannot read PEM certificates", path.display()))?;
    if certs.is_empty() {
        anyhow::bail!(
            "{key} {} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(certs)
}

/// The subject of a certificate in RFC 4514 form (`CN=gateway-b,O=Region B`), for logs
/// and audit; `None` when it cannot be parsed.
pub fn subject_of(cert: &CertificateDer<'_>) -> Option<String> {
    x509_parser::parse_x509_certificate(cert.as_ref())
        .ok()
        .map(|(_, c)| c.subject().to_string())
}

/// Refuse a certificate of our own that is expired or not yet valid: better a start-up
/// error that names the file than a gateway every peer refuses. One that expires within
/// 30 days is a warning.
pub fn check_validity(key: &str, path: &Path, cert: &CertificateDer<'_>) -> anyhow::Result<()> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .with_context(|| format!("{key} {}: the certificate cannot be parsed", path.display()))?;
    let validity = parsed.validity();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let subject = parsed.subject().to_string();
    if now >= validity.not_after.timestamp() {
        anyhow::bail!(
            "{key} {}: the certificate of {subject} expired on {}; renew it",
            path.display(),
            validity.not_after
        );
    }
    if now < validity.not_before.timestamp() {
        anyhow::bail!(
            "{key} {}: the certificate of {subject} is not valid before {} (check the clock)",
            path.display(),
            validity.not_before
        );
    }
    let days_left = (validity.not_after.timestamp() - now) / 86_400;
    if days_left < 30 {
        tracing::warn!(
            "{key} {}: the certificate of {subject} expires in {days_left} days",
            path.display()
        );
    }
    Ok(())
}

/// The first private key of a PEM file.
pub fn read_key(key: &str, path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).with_context(|| {
        format!(
            "{key} {}: no usable PEM private key (PKCS#8, PKCS#1 or SEC1)",
            path.display()
        )
    })
}

/// A trust store of every certificate in a PEM file.
pub fn read_roots(key: &str, path: &Path) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(key, path)? {
        roots.add(cert).with_context(|| {
            format!(
                "{key} {} holds a certificate rustls cannot use as a trust root",
                path.display()
            )
        })?;
    }
    Ok(roots)
}

/// The acceptor for `[gateway.tls]`: HTTP/2 and HTTP/1.1 by ALPN; with `client_ca_file`,
/// clients without a certificate from those CAs are refused in the handshake.
#[derive(Clone)]
pub struct ServerTls(pub tokio_rustls::TlsAcceptor);

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerTls")
    }
}

impl ServerTls {
    pub fn new(tls: &ServerTlsConfig, base_dir: &Path) -> anyhow::Result<ServerTls> {
        let cert_path = base_dir.join(&tls.cert_file);
        let key_path = base_dir.join(&tls.key_file);
        let chain = read_certs("gateway.tls.cert_file", &cert_path)?;
        check_validity("gateway.tls.cert_file", &cert_path, &chain[0])?;
        let key = read_key("gateway.tls.key_file", &key_path)?;
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("gateway.tls")?;
        let builder = match &tls.client_ca_file {
            Some(ca) => {
                let roots = read_roots("gateway.tls.client_ca_file", &base_dir.join(ca))?;
                let mut verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider(),
                );
                // An endpoint that does not require a certificate is checked per request
                // (server.rs); the handshake then lets a client come without one, and
                // still verifies one that is presented.
                let everywhere = Role::ALL
                    .into_iter()
                    .all(|e| tls.requires_client_certificate(e));
                if !everywhere {
                    verifier = verifier.allow_unauthenticated();
                }
                let verifier = verifier.build().context("gateway.tls.client_ca_file")?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(chain, key).with_context(|| {
            format!(
                "gateway.tls.key_file {} does not match gateway.tls.cert_file {}",
                key_path.display(),
                cert_path.display()
            )
        })?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(ServerTls(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
    }
}

/// The TLS files of an outbound client, relative to the config file.
#[derive(Debug, Clone, Copy)]
pub struct ClientFiles<'a> {
    /// The CA certificates trusted for the server (`None`: plain http only).
    pub ca_file: Option<&'a Path>,
    /// Our client certificate chain and its key, for mutual TLS.
    pub cert_file: Option<&'a Path>,
    pub key_file: Option<&'a Path>,
}

/// The rustls client config of `files` (`None` without a `ca_file`: plain http). `label`
/// names the config table in errors (``endpoint `x` ``, `gateway.replies`).
pub fn client_config(
    label: &str,
    files: ClientFiles<'_>,
    base_dir: &Path,
) -> anyhow::Result<Option<rustls::ClientConfig>> {
    let Some(ca_file) = files.ca_file else {
        return Ok(None);
    };
    let key = |k: &str| format!("{label}: {k}");
    let roots = read_roots(&key("ca_file"), &base_dir.join(ca_file))?;
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .with_context(|| format!("{label}: TLS setup"))?
        .with_root_certificates(roots);
    let config = match (files.cert_file, files.key_file) {
        (Some(cert_file), Some(key_file)) => {
            let cert_path = base_dir.join(cert_file);
            let key_path = base_dir.join(key_file);
            let chain = read_certs(&key("client_cert_file"), &cert_path)?;
            check_validity(&key("client_cert_file"), &cert_path, &chain[0])?;
            let private = read_key(&key("client_key_file"), &key_path)?;
            builder
                .with_client_auth_cert(chain, private)
                .with_context(|| {
                    format!(
                        "{label}: client_key_file {} does not match client_cert_file {}",
                        key_path.display(),
                        cert_path.display()
                    )
                })?
        }
        _ => builder.with_no_client_auth(),
    };
    // ALPN is left to the connector builder (it offers h2 and http/1.1, or h2 alone).
    Ok(Some(config))
}

/// The config of a plain-http client: never used for a handshake (the connector refuses
/// https for it), but the connector type is shared.
pub fn unused_client_config() -> anyhow::Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}
