//! The operator's endpoint, on its own listener (`[admin] listen`): `POST /admin/reload`
//! reloads the config file as SIGHUP does and says what happened; `GET /metrics` gives the
//! counters in Prometheus text; `GET /integration-statement` the IHE Integration Statement
//! (Markdown, or `?format=html`); `GET /live` and `GET /ready` as on the SOAP listener
//! ([`crate::health`]); `GET /admin/correlations` and `POST /admin/correlations/revoke`
//! the patient correlations ([`correlations`]). Plain HTTP: bind it to loopback or a
//! management network.

mod correlations;

use crate::answer::{self, Chunks};
use crate::listener::Site;
use crate::live::LiveGateway;
use crate::peer::Peer;
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use std::sync::Arc;

/// The admin endpoint of the gateway in service.
#[derive(Debug)]
pub struct AdminSite(pub Arc<LiveGateway>);

impl Site for AdminSite {
    fn tls(&self) -> Option<crate::tls::ServerTls> {
        None
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: Arc<Peer>) -> Response<Chunks> {
        route(&self.0, &req, &peer).await
    }

    fn connection_refused(&self, over: crate::listener::Over) {
        self.0
            .current()
            .process
            .metrics
            .connection_refused("admin", over.kind());
    }

    async fn handshake_refused(
        self: Arc<Self>,
        _error: std::io::Error,
        _local: std::net::SocketAddr,
        _peer: Peer,
    ) {
    }
}

async fn route(live: &LiveGateway, req: &Request<Incoming>, peer: &Peer) -> Response<Chunks> {
    if let Some(health) = crate::health::answer(req.method(), req.uri().path(), live) {
        return health;
    }
    match (req.method(), req.uri().path()) {
        (&Method::POST, "/admin/reload") => match live.reload_logged("admin endpoint").await {
            Ok(r) if r.needs_restart.is_empty() => answer::plain(
                StatusCode::OK,
                format!("reloaded: {} communities\n", r.communities),
            ),
            Ok(r) => answer::plain(
                StatusCode::OK,
                format!(
                    "reloaded: {} communities; changes to {} take effect only after a restart\n",
                    r.communities,
                    r.needs_restart.join(", ")
                ),
            ),
            Err(e) => answer::plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("reload refused, the previous config keeps serving: {e:#}\n"),
            ),
        },
        (&Method::GET, "/integration-statement") => {
            let html = req
                .uri()
                .query()
                .is_some_and(|q| q.split('&').any(|p| p == "format=html"));
            let format = if html {
                crate::statement::Format::Html
            } else {
                crate::statement::Format::Markdown
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let mut r = answer::plain(
                StatusCode::OK,
                crate::statement::Statement::of(&live.current(), now).render(format),
            );
            let content_type = if html {
                "text/html; charset=utf-8"
            } else {
                "text/markdown; charset=utf-8"
            };
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static(content_type),
            );
            r
        }
        (&Method::GET, "/metrics") => {
            let process = &live.current().process;
            let text = process.metrics.render() + &process.audit.render_metrics();
            let mut r = answer::plain(StatusCode::OK, text);
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        (&Method::GET, "/admin/correlations") => correlations::list(live, req.uri().query()).await,
        (&Method::POST, "/admin/correlations/revoke") => {
            let via = format!(
                "http://{}/admin/correlations/revoke",
                req.headers()
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("admin")
            );
            correlations::revoke(live, req.uri().query(), peer, via).await
        }
        (_, "/admin/correlations/revoke") => answer::plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "use POST /admin/correlations/revoke?patient=<CX>[&community=<homeCommunityId>]\n",
        ),
        (_, "/admin/reload") => {
            answer::plain(StatusCode::METHOD_NOT_ALLOWED, "use POST /admin/reload\n")
        }
        _ => answer::plain(
            StatusCode::NOT_FOUND,
            "admin endpoints: POST /admin/reload, GET /metrics, GET /integration-statement[?format=html], GET /admin/correlations?patient=<CX>, POST /admin/correlations/revoke?patient=<CX>[&community=<homeCommunityId>], GET /live, GET /ready\n",
        ),
    }
}
