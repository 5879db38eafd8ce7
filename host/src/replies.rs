//! `[gateway.replies]`: the outbound client of asynchronous answers (see
//! [`crate::asynchronous`]): one pooled HTTP client with the trust and
//! client certificate of `[gateway.replies]`, which sends only to the addresses its
//! `allow` list covers.

use crate::config::{Config, RepliesSection};
use crate::tls::{ClientFiles, client_config, unused_client_config};
use crate::wire::error_chain;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The largest answer to a delivery that is read (an acknowledgement is small).
const MAX_ACK: usize = 1 << 20;

/// What the receiver answered to a delivery.
#[derive(Debug)]
pub struct Receipt {
    pub status: u16,
    pub body: Bytes,
}

/// The client of `[gateway.replies]`.
pub struct ReplyClient {
    section: RepliesSection,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl std::fmt::Debug for ReplyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyClient")
            .field("allow", &self.section.allow)
            .finish_non_exhaustive()
    }
}

impl ReplyClient {
    /// The client of `config`; its TLS files are read now (a bad file is a start-up error
    /// naming `gateway.replies` and the file).
    pub fn new(config: &Config) -> anyhow::Result<ReplyClient> {
        let section = config.gateway.replies.clone();
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(section.timeout.0));
        http.enforce_http(false);
        let files = ClientFiles {
            ca_file: section.ca_file.as_deref(),
            cert_file: section.client_cert_file.as_deref(),
            key_file: section.client_key_file.as_deref(),
        };
        let tls = client_config("gateway.replies", files, &config.base_dir)?;
        let connector = match tls {
            Some(tls) => hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_all_versions()
                .wrap_connector(http),
            None => hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(unused_client_config()?)
                .https_or_http()
                .enable_all_versions()
                .wrap_connector(http),
        };
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Ok(ReplyClient { section, client })
    }

    pub fn section(&self) -> &RepliesSection {
        &self.section
    }

    /// Ok when answers may go to `address`; otherwise why not.
    pub fn allows(&self, address: &str) -> Result<(), String> {
        self.section.allows(address)
    }

    /// POST `body` to `address` (checked against `allow` again: the list may have changed
    /// by a reload since the request was accepted). The receiver's status and answer, or
    /// why there is none (no URL or payload in the reason).
    pub async fn send(
        &self,
        address: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Receipt, String> {
        self.allows(address)?;
        let https = address.starts_with("https:");
        if https && self.section.ca_file.is_none() {
            return Err("gateway.replies has no ca_file for an https address".to_string());
        }
        let request = http::Request::post(address)
            .header(http::header::CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("the request cannot be built: {e}"))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| error_chain(&e))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_ACK)
                .collect()
                .await
                .map_err(|e| format!("the receiver's answer cannot be read: {e}"))?
                .to_bytes();
            Ok(Receipt {
                status: parts.status.as_u16(),
                body,
            })
        };
        match tokio::time::timeout(self.section.timeout.0, exchange).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "no answer within {} ms",
                self.section.timeout.0.as_millis()
            )),
        }
    }
}
