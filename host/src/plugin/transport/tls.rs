//! TLS for one endpoint: trusting only the CA certificates of the endpoint's `ca_file` and
//! presenting the client certificate of `client_cert_file` (mutual TLS) when one is
//! configured. Verification cannot be turned off.

use crate::config::EndpointConfig;
use crate::tls::{ClientFiles, client_config as build};
use std::path::Path;

/// The rustls client config of an endpoint (`None` for plain http).
pub fn client_config(
    endpoint: &str,
    e: &EndpointConfig,
    base_dir: &Path,
) -> anyhow::Result<Option<rustls::ClientConfig>> {
    build(
        &format!("endpoint `{endpoint}`"),
        ClientFiles {
            ca_file: e.ca_file.as_deref(),
            cert_file: e.client_cert_file.as_deref(),
            key_file: e.client_key_file.as_deref(),
        },
        base_dir,
    )
}

/// The config of a plain-http endpoint: never used for a handshake (the connector refuses
/// https for it), but the connector type is shared.
pub fn unused_config() -> anyhow::Result<rustls::ClientConfig> {
    crate::tls::unused_client_config()
}
