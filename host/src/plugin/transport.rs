//! The host side of the `transport` import: one pooled HTTP client per declared endpoint
//! (keep-alive; no connection per request; HTTP/1.1 or HTTP/2, TLS with the endpoint's own
//! trust roots and client certificate), timeouts clamped to the call's deadline, a
//! response-size cap, and a log line per hop without patient data.

mod asynchronous;
pub mod awaited;
mod deferred;
mod path;
mod tls;
pub mod xua;

use super::bindings::xcgate::adapter::transport as wit;
use crate::config::EndpointConfig;
use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Request headers the host sets itself; a plugin cannot override them.
const RESERVED: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
    "keep-alive",
];

/// One declared endpoint with its connection pool.
pub struct Endpoint {
    uri: http::Uri,
    timeout: Duration,
    max_response: u64,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    /// The XUA assertion the host attaches to this endpoint's SOAP requests.
    xua: xua::Attach,
    /// The endpoint's URL as configured: the audience of assertions issued for it.
    url: String,
    /// `async = true`: requests leave with our `/replies` as ReplyTo.
    asynchronous: Option<asynchronous::Asynchronous>,
}

/// A community's endpoints, by name.
#[derive(Default)]
pub struct Endpoints(HashMap<String, Arc<Endpoint>>);

impl Endpoints {
    /// Build the pools from validated config; TLS files are read now, so a missing or bad
    /// certificate is a start-up error naming the endpoint and the file.
    pub fn new(
        config: &std::collections::BTreeMap<String, EndpointConfig>,
        base_dir: &Path,
        issuer: Option<&Arc<xua::HostIssuer>>,
        replies: Option<(&Arc<awaited::Awaited>, Option<&str>)>,
    ) -> anyhow::Result<Endpoints> {
        let mut map = HashMap::new();
        for (name, e) in config {
            let uri: http::Uri = e
                .url
                .parse()
                .with_context(|| format!("endpoint `{name}`: `{}` is not a URL", e.url))?;
            let mut http = HttpConnector::new();
            http.set_nodelay(true);
            http.set_connect_timeout(Some(e.timeout.0));
            // https URLs need the scheme check off in the inner connector: the TLS layer
            // above it owns the scheme.
            http.enforce_http(false);
            let connector = match tls::client_config(name, e, base_dir)? {
                Some(tls) => {
                    let builder = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_tls_config(tls)
                        .https_only();
                    if e.http2 {
                        builder.enable_http2().wrap_connector(http)
                    } else {
                        builder.enable_all_versions().wrap_connector(http)
                    }
                }
                // Plain http (validation requires a ca_file for https).
                None => hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(tls::unused_config()?)
                    .https_or_http()
                    .enable_all_versions()
                    .wrap_connector(http),
            };
            let client = Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .http2_only(e.http2)
                .build(connector);
            map.insert(
                name.clone(),
                Arc::new(Endpoint {
                    uri,
                    timeout: e.timeout.0,
                    max_response: e.max_response.0,
                    client,
                    xua: xua::Attach::new(e.xua, e.xua_profile, issuer)
                        .with_context(|| format!("endpoint `{name}`"))?,
                    url: e.url.clone(),
                    asynchronous: match replies {
                        Some((awaited, reply_to)) if e.asynchronous || e.deferred => {
                            Some(asynchronous::Asynchronous::new(
                                awaited.clone(),
                                reply_to.map(str::to_string),
                                e.asynchronous,
                                e.deferred,
                            ))
                        }
                        _ => None,
                    },
                }),
            );
        }
        Ok(Endpoints(map))
    }

    pub fn get(&self, name: &str) -> Option<Arc<Endpoint>> {
        self.0.get(name).cloned()
    }
}

/// Send one request for a plugin. `deadline` is the call's; `user` the request's verified
/// XUA assertion, for an endpoint that forwards it or issues one for its user.
pub async fn send(
    endpoint: Arc<Endpoint>,
    mut request: wit::Request,
    deadline: Instant,
    community: &str,
    request_id: &str,
    user: Option<&xcgate_xua::VerifiedAssertion>,
) -> Result<wit::Response, wit::TransportError> {
    let started = Instant::now();
    let until = deadline.min(started + endpoint.timeout);
    // Made asynchronous first, signed after: the XUA header (and a message signature) is
    // over the request as it leaves.
    let prepared = match &endpoint.asynchronous {
        Some(a) => a
            .prepare(&request.body, request.content_type.as_deref())
            .map_err(|e| {
                tracing::warn!(community, request_id, "request not sent: {e}");
                wit::TransportError::InvalidRequest(e)
            })?,
        None => None,
    };
    let mut awaiting = None;
    let mut deferred = false;
    if let Some(prepared) = prepared {
        request.body = prepared.body;
        deferred = prepared.kind == asynchronous::Kind::Deferred;
        if deferred {
            request.content_type = Some(format!(
                "application/soap+xml; charset=utf-8; action=\"{}\"",
                prepared.action
            ));
        }
        awaiting = Some((prepared.message_id, prepared.action));
    }
    request.body = endpoint
        .xua
        .apply(
            std::mem::take(&mut request.body),
            request.content_type.as_deref(),
            user,
            &endpoint.url,
        )
        .map_err(|e| {
            tracing::warn!(community, request_id, "request not sent: {e}");
            wit::TransportError::InvalidRequest(e)
        })?;
    let mut waiting = None;
    if let (Some(a), Some((message_id, action))) = (&endpoint.asynchronous, &awaiting) {
        waiting = Some(
            a.awaited
                .wait_for(message_id, action, &endpoint.url, until)
                .await,
        );
    }
    let uri =
        path::resolve(&endpoint.uri, &request.path).map_err(wit::TransportError::InvalidRequest)?;
    let method = match request.method {
        wit::Method::Get => http::Method::GET,
        wit::Method::Post => http::Method::POST,
    };
    let mut builder = http::Request::builder().method(method).uri(uri);
    if let Some(content_type) = &request.content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type.as_str());
    }
    for h in &request.headers {
        if !RESERVED.contains(&h.name.to_ascii_lowercase().as_str()) {
            builder = builder.header(h.name.as_str(), h.value.as_str());
        }
    }
    let sent_bytes = request.body.len();
    let http_request = builder
        .body(Full::new(Bytes::from(request.body)))
        .map_err(|e| wit::TransportError::InvalidRequest(e.to_string()))?;
    let exchange = async {
        let response = endpoint.client.request(http_request).await.map_err(|e| {
            if e.is_connect() {
                wit::TransportError::Connect(error_chain(&e))
            } else {
                wit::TransportError::Protocol(error_chain(&e))
            }
        })?;
        let (parts, body) = response.into_parts();
        let limit = usize::try_from(endpoint.max_response).unwrap_or(usize::MAX);
        let body = Limited::new(body, limit).collect().await.map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                wit::TransportError::TooLarge(endpoint.max_response)
            } else {
                wit::TransportError::Protocol(e.to_string())
            }
        })?;
        Ok::<_, wit::TransportError>((parts, body.to_bytes()))
    };
    let result = match tokio::time::timeout_at(until, exchange).await {
        Err(_) => Err(wit::TransportError::Timeout),
        Ok(r) => r,
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok((parts, body)) => tracing::info!(
            community,
            request_id,
            host = endpoint.uri.host().unwrap_or(""),
            status = parts.status.as_u16(),
            sent_bytes,
            received_bytes = body.len(),
            elapsed_ms,
            "transport hop"
        ),
        Err(e) => {
            tracing::warn!(community, request_id, host = endpoint.uri.host().unwrap_or(""), sent_bytes, elapsed_ms, error = ?e, "transport hop failed")
        }
    }
    let (mut parts, mut body) = result?;
    // Asynchronous: the peer accepted the request (202, or 200 without a body; for a
    // deferred ITI-55 its MCCI AA); the answer comes to /replies. A peer that answers at
    // once anyway is taken at its word.
    if deferred && parts.status.is_success() {
        asynchronous::deferred_accepted(&body).map_err(|e| {
            tracing::warn!(community, request_id, "deferred ITI-55 not accepted: {e}");
            wit::TransportError::Protocol(e)
        })?;
    }
    if let Some(waiting) = waiting
        && parts.status.is_success()
        && (body.is_empty() || deferred)
    {
        match waiting.answer(until).await {
            Some(arrived) => {
                tracing::info!(
                    community,
                    request_id,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    received_bytes = arrived.body.len(),
                    "asynchronous answer arrived"
                );
                parts.status = http::StatusCode::OK;
                if let Ok(v) = http::HeaderValue::from_str(&arrived.content_type) {
                    parts.headers.insert(http::header::CONTENT_TYPE, v);
                }
                body = arrived.body;
            }
            None => {
                tracing::warn!(
                    community,
                    request_id,
                    "no asynchronous answer by the deadline"
                );
                return Err(wit::TransportError::Timeout);
            }
        }
    }
    Ok(wit::Response {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        headers: parts
            .headers
            .iter()
            .filter_map(|(n, v)| {
                v.to_str().ok().map(|v| wit::Header {
                    name: n.as_str().to_string(),
                    value: v.to_string(),
                })
            })
            .collect(),
        // Reuses the collected buffer when it is the only owner (a large answer is not
        // copied once more on its way into the guest).
        body: Vec::from(body),
    })
}

pub(crate) use crate::wire::error_chain;
