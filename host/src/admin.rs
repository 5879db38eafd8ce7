//! The operator's endpoint, on its own listener (`[admin] listen`): `POST /admin/reload`
//! reloads the config file as SIGHUP does and says what happened; `GET /healthz` answers
//! `ok` while the gateway serves; `GET /metrics` gives the counters in Prometheus text.

use crate::live::LiveGateway;
use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::sync::Arc;
use tokio::net::TcpListener;

fn text(status: StatusCode, body: String) -> http::Response<Full<Bytes>> {
    let mut response = http::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn route(
    live: Arc<LiveGateway>,
    req: http::Request<Incoming>,
) -> http::Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::POST, "/admin/reload") => match live.reload_logged("admin endpoint").await {
            Ok(r) if r.needs_restart.is_empty() => text(
                StatusCode::OK,
                format!("reloaded: {} communities\n", r.communities),
            ),
            Ok(r) => text(
                StatusCode::OK,
                format!(
                    "reloaded: {} communities; changes to {} take effect only after a restart\n",
                    r.communities,
                    r.needs_restart.join(", ")
                ),
            ),
            Err(e) => text(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("reload refused, the previous config keeps serving: {e:#}\n"),
            ),
        },
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n".into()),
        (&Method::GET, "/metrics") => {
            let mut r = text(StatusCode::OK, live.current().metrics.render());
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        (_, "/admin/reload") => text(
            StatusCode::METHOD_NOT_ALLOWED,
            "use POST /admin/reload\n".into(),
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "admin endpoints: POST /admin/reload, GET /healthz, GET /metrics\n".into(),
        ),
    }
}

/// Serve the admin endpoint until the task is aborted.
pub async fn serve(listener: TcpListener, live: Arc<LiveGateway>) {
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let live = live.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let live = live.clone();
                async move { Ok::<_, std::convert::Infallible>(route(live, req).await) }
            });
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
