//! The SOAP listener: `POST /initiating` and `POST /responding` (SOAP 1.2 or MTOM/XOP),
//! plus the health checks. Reads the body within `gateway.max_body`, hands the envelope to
//! [`crate::soap_endpoint`], and sends its answer as SOAP or MTOM; every refusal goes
//! through [`crate::error::refuse`].

use crate::answer::{self, Chunks};
use crate::asynchronous::Acceptance;
use crate::error::{RequestError, RequestSite, refuse};
use crate::gateway::Gateway;
use crate::listener::Site;
use crate::live::LiveGateway;
use crate::peer::Peer;
use crate::soap_endpoint;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use std::sync::Arc;

/// The SOAP endpoints of the gateway in service.
#[derive(Debug)]
pub struct SoapSite(pub Arc<LiveGateway>);

impl Site for SoapSite {
    fn tls(&self) -> Option<crate::tls::ServerTls> {
        self.0.current().tls.clone()
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: Arc<Peer>) -> Response<Chunks> {
        if let Some(health) = crate::health::answer(req.method(), req.uri().path(), &self.0) {
            return health;
        }
        // Each request takes the gateway current when it arrives, for its whole life.
        route(self.0.current(), req, &peer).await
    }

    fn connection_refused(&self, over: crate::listener::Over) {
        self.0
            .current()
            .process
            .metrics
            .connection_refused("soap", over.kind());
    }

    async fn handshake_refused(
        self: Arc<Self>,
        error: std::io::Error,
        local: std::net::SocketAddr,
        peer: Peer,
    ) {
        let gw = self.0.current();
        crate::error::handshake_refused(&gw.process, &error, local, &peer).await;
    }
}

/// Our endpoint as the requester addressed it: the audit record's destination.
fn endpoint_uri(gw: &Gateway, req: &Request<Incoming>) -> String {
    let authority = req
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| {
            req.headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_else(|| gw.config.gateway.listen.clone());
    let scheme = if gw.tls.is_some() { "https" } else { "http" };
    format!("{scheme}://{authority}{}", req.uri().path())
}

/// Serve one request of the SOAP listener.
async fn route(gw: Arc<Gateway>, req: Request<Incoming>, peer: &Peer) -> Response<Chunks> {
    let request_id = crate::wire::new_uuid();
    let uri = endpoint_uri(&gw, &req);
    // Answers to this gateway's asynchronous requests come to /replies, from responding
    // gateways: it takes the responding role's client-certificate rule.
    let replies = req.uri().path() == crate::asynchronous::REPLIES;
    let at = if replies {
        Some(crate::gateway::Endpoint::of(
            xcgate_ihe::transaction::Role::Responding,
        ))
    } else {
        gw.endpoint_at(req.uri().path())
    };
    let site = RequestSite {
        request_id: &request_id,
        role: at.as_ref().map(|a| a.role),
        endpoint_uri: &uri,
        peer,
    };
    let refused = |e: RequestError| refuse(&gw.process, e.into(), site);
    let Some(at) = at else {
        return refused(RequestError::NotFound).await;
    };
    let role = at.role;
    if req.method() != Method::POST {
        return refused(RequestError::MethodNotAllowed).await;
    }
    if peer.certificate_subject.is_none()
        && gw
            .config
            .gateway
            .tls
            .as_ref()
            .is_some_and(|t| t.requires_client_certificate(role))
    {
        drain(&gw, req).await;
        return refused(RequestError::ClientCertificateRequired).await;
    }
    // The boundary of a multipart type is case-sensitive: keep the raw value too.
    let content_type_raw = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let content_type = content_type_raw.to_ascii_lowercase();
    // SOAP 1.2 is application/soap+xml; text/xml is SOAP 1.1's media type, but the envelope
    // namespace decides (a SOAP 1.1 envelope gets a VersionMismatch fault).
    let media = content_type.split(';').next().unwrap_or("").trim();
    let mtom = media == "multipart/related";
    if !(mtom
        || media.is_empty()
        || media == "application/soap+xml"
        || media == "text/xml"
        || media == "application/xml")
    {
        let media = media.to_string();
        drain(&gw, req).await;
        return refused(RequestError::UnsupportedMediaType(media)).await;
    }
    let limit = gw.config.gateway.max_body.0;
    let body = match Limited::new(
        req.into_body(),
        usize::try_from(limit).unwrap_or(usize::MAX),
    )
    .collect()
    .await
    {
        Ok(b) => b.to_bytes(),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return refused(RequestError::BodyTooLarge { limit }).await;
        }
        Err(e) => {
            tracing::debug!(request_id, "request body could not be read: {e}");
            return refused(RequestError::BodyUnreadable).await;
        }
    };
    // An MTOM request: the SOAP envelope is the root part [App V V.8]. Requests carry no
    // documents in the transactions served here, so attachments are not needed further.
    let raw = body.clone();
    let envelope = if mtom {
        match xcgate_ihe::mtom::parse_multipart(&content_type_raw, body) {
            Ok(parts) => parts.root().body().clone(),
            Err(e) => return refused(RequestError::BadMtom(e.to_string())).await,
        }
    } else {
        body
    };
    if replies {
        return match crate::asynchronous::received(&gw, &envelope, &content_type_raw, raw).await {
            Ok(answer) => answer,
            Err(refusal) => refuse(&gw.process, refusal, site).await,
        };
    }
    let checked = match soap_endpoint::check(&gw, role, &envelope, std::time::SystemTime::now()) {
        Ok(checked) => checked,
        Err(refusal) => return refuse(&gw.process, refusal, site).await,
    };
    let served =
        match crate::asynchronous::accept(&gw, &at, &checked, &envelope, &request_id, peer, &uri)
            .await
        {
            Ok(Acceptance::Synchronous) => {
                soap_endpoint::answer(&gw, &at, &checked, &request_id, peer, &uri).await
            }
            // WS-Addressing asynchronous: accepted, the answer goes to the ReplyTo [App V V.5].
            Ok(Acceptance::Accepted) => return answer::accepted(&request_id),
            Ok(Acceptance::Acknowledged(ack)) => {
                soap_endpoint::respond(&gw, &at, &checked, *ack, &request_id, peer, &uri).await
            }
            Err(refusal) => Err(refusal),
        };
    let served = match served {
        Ok(served) => served,
        Err(refusal) => return refuse(&gw.process, refusal, site).await,
    };
    match served.attachments {
        None => answer::soap(StatusCode::OK, served.envelope, &request_id),
        Some(attachments) => {
            match answer::mtom(StatusCode::OK, served.envelope, attachments, &request_id) {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(request_id, "MTOM answer could not be built: {e}");
                    refused(RequestError::Internal {
                        request_id: request_id.clone(),
                    })
                    .await
                }
            }
        }
    }
}

/// Read what the client sends (within `max_body`) before refusing it: a connection closed
/// under a request still being written loses the refusal on the way.
async fn drain(gw: &Gateway, req: Request<Incoming>) {
    let limit = usize::try_from(gw.config.gateway.max_body.0).unwrap_or(usize::MAX);
    let _ = Limited::new(req.into_body(), limit).collect().await;
}
