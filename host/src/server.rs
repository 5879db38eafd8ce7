//! The HTTP server: hyper 1.x, HTTP/1.1 and HTTP/2, two SOAP endpoints, SOAP and MTOM.

mod body;

pub use body::Chunks;

use crate::error::RequestError;
use crate::gateway::Gateway;
pub use crate::peer::Peer;
use crate::soap_endpoint::{self, Endpoint};
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

const SOAP_CONTENT_TYPE: &str = "application/soap+xml; charset=utf-8";

fn plain(status: StatusCode, text: &str) -> Response<Chunks> {
    let mut r = Response::new(Chunks::one(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn soap(status: u16, envelope: String, request_id: &str) -> Response<Chunks> {
    let mut r = Response::new(Chunks::one(envelope));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(SOAP_CONTENT_TYPE),
    );
    if let Ok(v) = header::HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}

fn refuse(gw: &Gateway, e: RequestError, request_id: &str) -> Response<Chunks> {
    gw.metrics.fault(e.kind());
    tracing::info!(
        request_id,
        kind = e.kind(),
        status = e.http_status(),
        "request refused: {e}"
    );
    soap(e.http_status(), e.fault().to_envelope(None), request_id)
}

/// Route one HTTP request.
pub async fn route(
    gw: Arc<Gateway>,
    req: Request<Incoming>,
    peer: Arc<Peer>,
) -> Result<Response<Chunks>, Infallible> {
    let endpoint = match req.uri().path() {
        "/initiating" => Endpoint::Initiating,
        "/responding" => Endpoint::Responding,
        "/live" if req.method() == Method::GET => return Ok(plain(StatusCode::OK, "ok\n")),
        _ => {
            return Ok(plain(
                StatusCode::NOT_FOUND,
                "not found: xcgate serves POST /initiating and POST /responding\n",
            ));
        }
    };
    if req.method() != Method::POST {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "SOAP endpoints accept POST only\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return Ok(r);
    }
    let request_id = crate::wire::new_uuid();
    // Our endpoint as the requester addressed it: the audit record's destination.
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
    let endpoint_uri = format!("{scheme}://{authority}{}", req.uri().path());
    let name = match endpoint {
        Endpoint::Initiating => crate::config::EndpointName::Initiating,
        Endpoint::Responding => crate::config::EndpointName::Responding,
    };
    if peer.certificate_subject.is_none()
        && gw
            .config
            .gateway
            .tls
            .as_ref()
            .is_some_and(|t| t.requires_client_certificate(name))
    {
        tracing::info!(peer = %peer.address, "refused: no client certificate");
        drain(&gw, req).await;
        crate::audit::security_alert(
            &gw,
            xcgate_audit::AlertKind::NodeAuthentication,
            "no client certificate on an endpoint that requires one",
            &endpoint_uri,
            &peer,
            None,
        )
        .await;
        return Ok(plain(
            StatusCode::FORBIDDEN,
            "a client certificate is required on this endpoint (mutual TLS)\n",
        ));
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
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let mtom = media == "multipart/related";
    if !(mtom
        || media.is_empty()
        || media == "application/soap+xml"
        || media == "text/xml"
        || media == "application/xml")
    {
        drain(&gw, req).await;
        return Ok(refuse(
            &gw,
            RequestError::UnsupportedMediaType(media),
            &request_id,
        ));
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
            return Ok(refuse(
                &gw,
                RequestError::BodyTooLarge { limit },
                &request_id,
            ));
        }
        Err(e) => {
            tracing::info!(request_id, "request body could not be read: {e}");
            return Ok(plain(
                StatusCode::BAD_REQUEST,
                "the request body could not be read\n",
            ));
        }
    };
    // An MTOM request: the SOAP envelope is the root part [App V V.8]. Requests carry no
    // documents in the transactions served here, so attachments are not needed further.
    let envelope = if mtom {
        match xcgate_ihe::mtom::parse_multipart(&content_type_raw, body) {
            Ok(parts) => parts.root().body().clone(),
            Err(e) => {
                return Ok(refuse(
                    &gw,
                    RequestError::BadMtom(e.to_string()),
                    &request_id,
                ));
            }
        }
    } else {
        body
    };
    let reply =
        soap_endpoint::handle(&gw, endpoint, &envelope, &request_id, &peer, &endpoint_uri).await;
    match reply.attachments {
        None => Ok(soap(reply.status, reply.envelope, &request_id)),
        Some(attachments) => Ok(mtom_reply(
            &gw,
            reply.status,
            reply.envelope,
            attachments,
            &request_id,
        )),
    }
}

/// An MTOM/XOP answer [ITI TF-2 3.43.5, App V V.9.3]: the envelope as root part and each
/// document as a binary part, streamed from the adapters' buffers.
fn mtom_reply(
    gw: &Gateway,
    status: u16,
    envelope: String,
    attachments: Vec<crate::xca::Attachment>,
    request_id: &str,
) -> Response<Chunks> {
    let mut builder = xcgate_ihe::mtom::MtomBuilder::new(request_id, envelope);
    for a in attachments {
        builder = builder.attachment(a.content_id, a.content_type, a.body);
    }
    match builder.build() {
        Ok((content_type, chunks)) => {
            let mut r = Response::new(Chunks::new(chunks));
            *r.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let Ok(v) = header::HeaderValue::from_str(&content_type) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = header::HeaderValue::from_str(request_id) {
                r.headers_mut().insert("x-request-id", v);
            }
            r
        }
        Err(e) => {
            tracing::error!(request_id, "MTOM answer could not be built: {e}");
            refuse(
                gw,
                RequestError::Internal {
                    request_id: request_id.to_string(),
                },
                request_id,
            )
        }
    }
}

/// Accept connections until `shutdown` resolves, then stop accepting and let open
/// connections finish.
pub async fn serve(
    listener: TcpListener,
    live: Arc<crate::live::LiveGateway>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // A client that opens a connection and never finishes its headers is dropped.
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_secs(30));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, address) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                // TLS from the gateway current at accept time (a reload rotates
                // certificates for new connections); each request then takes the gateway
                // current when it arrives, for its whole life.
                let alert_gateway = live.current();
                let tls = alert_gateway.tls.clone();
                let local = stream
                    .local_addr()
                    .map_or_else(|_| "unknown".to_string(), |a| a.to_string());
                let live = live.clone();
                let service = move |peer: Arc<Peer>| {
                    hyper::service::service_fn(move |req| route(live.current(), req, peer.clone()))
                };
                let (builder, watcher) = (builder.clone(), graceful.watcher());
                tokio::spawn(async move {
                    let result = match tls {
                        None => {
                            drop(alert_gateway);
                            let peer = Arc::new(Peer { address, certificate_subject: None });
                            let conn = builder.serve_connection(TokioIo::new(stream), service(peer));
                            watcher.watch(conn.into_owned()).await
                        }
                        Some(tls) => {
                            // A client that stalls in the handshake is dropped like one
                            // that stalls in its headers.
                            let handshake = tokio::time::timeout(
                                std::time::Duration::from_secs(30),
                                tls.0.accept(stream),
                            )
                            .await;
                            let stream = match handshake {
                                Ok(Ok(s)) => s,
                                Ok(Err(e)) => {
                                    tracing::info!("TLS handshake refused: {e}");
                                    if refused_certificate(&e) {
                                        let endpoint = format!("https://{local}");
                                        let peer = Peer { address, certificate_subject: None };
                                        crate::audit::security_alert(
                                            &alert_gateway,
                                            xcgate_audit::AlertKind::NodeAuthentication,
                                            &format!("TLS client certificate refused: {e}"),
                                            &endpoint,
                                            &peer,
                                            None,
                                        )
                                        .await;
                                    }
                                    return;
                                }
                                Err(_) => {
                                    tracing::info!("TLS handshake timed out");
                                    return;
                                }
                            };
                            // Requests take the gateway current when they arrive; this one
                            // was for the handshake's alert only.
                            drop(alert_gateway);
                            // The client certificate's subject (mutual TLS) goes with every
                            // request of the connection: into the log and the audit record.
                            let certificate_subject = stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|chain| chain.first())
                                .and_then(crate::tls::subject_of);
                            let peer = Arc::new(Peer { address, certificate_subject });
                            let conn = builder.serve_connection(TokioIo::new(stream), service(peer));
                            watcher.watch(conn.into_owned()).await
                        }
                    };
                    if let Err(e) = result {
                        tracing::debug!("connection ended with an error: {e}");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    graceful.shutdown().await;
}

/// Read what the client sends (within `max_body`) before refusing it: a connection closed
/// under a request still being written loses the refusal on the way.
async fn drain(gw: &Gateway, req: Request<Incoming>) {
    let limit = usize::try_from(gw.config.gateway.max_body.0).unwrap_or(usize::MAX);
    let _ = Limited::new(req.into_body(), limit).collect().await;
}

/// A handshake that failed over the client's certificate (none where one is required, or
/// one that does not verify), as opposed to a client that hung up or spoke no TLS: the
/// failures ATNA asks a secure node to audit as node authentication [ITI TF-2 3.20.4.1].
fn refused_certificate(e: &std::io::Error) -> bool {
    matches!(
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
    )
}
