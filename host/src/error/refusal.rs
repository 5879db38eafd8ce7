//! Refusing a request: one log line, one counter, the Security Alert when the refusal is
//! an authentication failure [ITI TF-2 3.20.4.1], and the HTTP answer (a SOAP 1.2 fault
//! that relates to the request's MessageID, or a plain-text status before SOAP).

use super::RequestError;
use crate::answer::{self, Chunks};
use crate::peer::Peer;
use crate::process::Process;
use http::{Response, StatusCode, header};
use xcgate_audit::AlertKind;
use xcgate_ihe::transaction::Role;

/// A request refused, with what the SOAP layer had learned of it by then.
#[derive(Debug)]
pub struct Refusal {
    pub error: RequestError,
    /// The request's `wsa:MessageID`: the fault's `wsa:RelatesTo`.
    pub relates_to: Option<String>,
    /// The request's `wsa:ReplyTo`: the requester's id in its Security Alert.
    pub reply_to: Option<String>,
}

impl From<RequestError> for Refusal {
    fn from(error: RequestError) -> Refusal {
        Refusal {
            error,
            relates_to: None,
            reply_to: None,
        }
    }
}

/// Where a request came from and to.
#[derive(Debug, Clone, Copy)]
pub struct RequestSite<'a> {
    pub request_id: &'a str,
    /// The endpoint, when the path named one.
    pub role: Option<Role>,
    /// Our endpoint as the requester addressed it.
    pub endpoint_uri: &'a str,
    pub peer: &'a Peer,
}

/// Refuse a request: count it, log it (never its content), raise the Security Alert of an
/// authentication failure, and build the answer.
pub async fn refuse(process: &Process, refusal: Refusal, at: RequestSite<'_>) -> Response<Chunks> {
    let e = &refusal.error;
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    if e.is_plain_http() {
        process.metrics.http_refusal(e.kind());
    } else {
        process.metrics.fault(e.kind());
    }
    tracing::info!(
        request_id = at.request_id,
        endpoint = at.role.map_or("-", Role::path),
        peer = %at.peer.address,
        kind = e.kind(),
        status = status.as_u16(),
        "request refused: {e}"
    );
    let alert = match e {
        RequestError::ClientCertificateRequired => Some((
            AlertKind::NodeAuthentication,
            "no client certificate on an endpoint that requires one".to_string(),
        )),
        RequestError::Security(x) => Some((AlertKind::AuthenticationDecision, x.reason())),
        _ => None,
    };
    if let Some((kind, reason)) = alert {
        process
            .audit
            .security_alert(
                kind,
                &reason,
                at.endpoint_uri,
                at.peer,
                refusal.reply_to.as_deref(),
            )
            .await;
    }
    if e.is_plain_http() {
        let mut r = answer::plain(status, format!("{e}\n"));
        if matches!(e, RequestError::MethodNotAllowed) {
            r.headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        }
        return r;
    }
    answer::soap(
        status,
        e.fault().to_envelope(refusal.relates_to.as_deref()),
        at.request_id,
    )
}

/// A TLS handshake that failed over the client's certificate (none where one is
/// required, or one that does not verify) is a refused node: a Security Alert. A client
/// that hung up or spoke no TLS is only logged.
pub async fn handshake_refused(
    process: &Process,
    error: &std::io::Error,
    local: std::net::SocketAddr,
    peer: &Peer,
) {
    tracing::info!(peer = %peer.address, "TLS handshake refused: {error}");
    if refused_certificate(error) {
        process
            .audit
            .security_alert(
                AlertKind::NodeAuthentication,
                &format!("TLS client certificate refused: {error}"),
                &format!("https://{local}"),
                peer,
                None,
            )
            .await;
    }
}

/// The failures ATNA asks a secure node to audit as node authentication.
fn refused_certificate(e: &std::io::Error) -> bool {
    matches!(
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
    )
}
