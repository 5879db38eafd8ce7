//! TLS for one endpoint: trusting only the CA certificates of the endpoint's `ca_file` and
//! presenting the client certificate of `client_cert_file` (mutual TLS) when one is
//! configured. Verification cannot be turned off.

use crate::config::EndpointConfig;
use crate::tls::{check_validity, provider, read_certs, read_key, read_roots};
use anyhow::Context as _;
use std::path::Path;

/// The rustls client config of an endpoint (`None` for plain http).
pub fn client_config(
    endpoint: &str,
    e: &EndpointConfig,
    base_dir: &Path,
) -> anyhow::Result<Option<rustls::ClientConfig>> {
    let Some(ca_file) = &e.ca_file else {
        return Ok(None);
    };
    let key = |k: &str| format!("endpoint `{endpoint}`: {k}");
    let roots = read_roots(&key("ca_file"), &base_dir.join(ca_file))?;
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .with_context(|| format!("endpoint `{endpoint}`: TLS setup"))?
        .with_root_certificates(roots);
    let config = match (&e.client_cert_file, &e.client_key_file) {
        (Some(cert_file), Some(key_file)) => {
            let cert_path = base_dir.join(cert_file);
            let key_path = base_dir.join(key_file);
            let chain = read_certs(&key("client_cert_file"), &cert_path)?;
            check_validity(&key("client_cert_file"), &cert_path, &chain[0])?;
            let private = read_key(&key("client_key_file"), &key_path)?;
            builder.with_client_auth_cert(chain, private).with_context(|| format!("endpoint `{endpoint}`: client_key_file {} does not match client_cert_file {}", key_path.display(),
                    cert_path.display()))?
        }
        _ => builder.with_no_client_auth(),
    };
    // ALPN is left to the connector builder (it offers h2 and http/1.1, or h2 alone).
    Ok(Some(config))
}

/// The config of a plain-http endpoint: never used for a handshake (the connector refuses
/// https for it), but the connector type is shared.
pub fn unused_config() -> anyhow::Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}
