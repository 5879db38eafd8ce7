//! The one accept loop of every listener (the SOAP endpoints and the admin endpoint):
//! HTTP/1.1 and HTTP/2, TLS when the site has it, a header timeout for clients that never
//! finish their request, connection caps (`limits`), and a graceful drain at shutdown.

mod limits;

pub use limits::{ConnectionLimits, Over};

use crate::answer::Chunks;
use crate::peer::Peer;
use crate::tls::ServerTls;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How long a client may take to send its headers, or its TLS handshake.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long open connections may take to finish their requests at shutdown.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// What a listener serves.
pub trait Site: Send + Sync + 'static {
    /// The TLS acceptor for a connection accepted now (a reload rotates certificates for
    /// new connections); `None`: plain HTTP.
    fn tls(&self) -> Option<ServerTls>;

    /// Answer one request of a connection from `peer`.
    fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
        peer: Arc<Peer>,
    ) -> impl Future<Output = Response<Chunks>> + Send;

    /// A connection was refused: over the cap `over` (counted, never logged per client).
    fn connection_refused(&self, over: Over);

    /// A TLS handshake failed (only called when [`Site::tls`] gave an acceptor).
    fn handshake_refused(
        self: Arc<Self>,
        error: std::io::Error,
        local: SocketAddr,
        peer: Peer,
    ) -> impl Future<Output = ()> + Send;
}

/// Accept connections until `shutdown` resolves, then stop accepting and let open
/// connections finish (at most [`DRAIN_TIMEOUT`]).
pub async fn serve<S: Site>(
    listener: TcpListener,
    site: Arc<S>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open = limits::Open::new(limits);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // A client that opens a connection and never finishes its headers is dropped.
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, address) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let tls = site.tls();
                let held = match open.admit(address.ip()) {
                    Ok(held) => held,
                    Err(over) => {
                        site.connection_refused(over);
                        let refusal = open.refusal(over);
                        // A plain-HTTP client reads why; a TLS client only sees the close.
                        if tls.is_none() {
                            tokio::spawn(async move {
                                use tokio::io::AsyncWriteExt as _;
                                let mut stream = stream;
                                use tokio::io::AsyncReadExt as _;
                                let _ = tokio::time::timeout(
                                    Duration::from_secs(1),
                                    stream.write_all(refusal.as_bytes()),
                                )
                                .await;
                                let _ = stream.shutdown().await;
                                // Read what the client sent, briefly, so that closing does
                                // not reset the connection under the refusal.
                                let mut sink = [0u8; 16 * 1024];
                                let _ = tokio::time::timeout(Duration::from_millis(500), async {
                                    while let Ok(n) = stream.read(&mut sink).await {
                                        if n == 0 {
                                            break;
                                        }
                                    }
                                })
                                .await;
                            });
                        }
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let local = stream.local_addr().unwrap_or(address);
                let (site, builder, watcher) = (site.clone(), builder.clone(), graceful.watcher());
                tokio::spawn(async move {
                    // The connection's place, freed when it closes.
                    let _held = held;
                    let service = |peer: Arc<Peer>| {
                        let site = site.clone();
                        hyper::service::service_fn(move |req| {
                            let answer = site.clone().handle(req, peer.clone());
                            async move { Ok::<_, std::convert::Infallible>(answer.await) }
                        })
                    };
                    let result = match tls {
                        None => {
                            let peer = Arc::new(Peer { address, certificate_subject: None });
                            let conn = builder.serve_connection(TokioIo::new(stream), service(peer));
                            watcher.watch(conn.into_owned()).await
                        }
                        Some(tls) => {
                            // A client that stalls in the handshake is dropped like one
                            // that stalls in its headers.
                            let stream = match tokio::time::timeout(HEADER_TIMEOUT, tls.0.accept(stream)).await {
                                Ok(Ok(s)) => s,
                                Ok(Err(e)) => {
                                    let peer = Peer { address, certificate_subject: None };
                                    site.handshake_refused(e, local, peer).await;
                                    return;
                                }
                                Err(_) => {
                                    tracing::info!(peer = %address, "TLS handshake timed out");
                                    return;
                                }
                            };
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
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "connections still open {}s after shutdown began were closed",
            DRAIN_TIMEOUT.as_secs()
        );
    }
}
