//! A mock remote responding gateway: an HTTP server on 127.0.0.1:0 that answers every
//! request with the reply set last (e.g. a corpus response sample) and records what it
//! was sent, so a test can check both directions of an adapter's exchange.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What the mock answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// `None`: no Content-Type header at all.
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl Reply {
    pub fn new(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Reply {
        Reply {
            status,
            content_type: content_type.map(str::to_string),
            body: body.into(),
        }
    }

    /// A 200 simple SOAP 1.2 answer.
    pub fn soap(xml: impl Into<Bytes>) -> Reply {
        Reply::new(200, Some("application/soap+xml; charset=utf-8"), xml)
    }

    /// A corpus response sample, as a responding gateway would send it:
    /// - a raw HTTP capture with its status, Content-Type and body;
    /// - a header-less MTOM capture (`.txt`) with the multipart Content-Type its first
    ///   delimiter implies (root = first part);
    /// - a SOAP envelope as it is;
    /// - a bare payload wrapped in an envelope with the response `action` (a real
    ///   responder never sends a payload without its envelope).
    pub fn sample(path: &Path, action: &str) -> Reply {
        let raw = std::fs::read(path)
            .unwrap_or_else(|e| panic!("cannot read sample {}: {e}", path.display()));
        if raw.starts_with(b"HTTP/") {
            let http = xcgate_ihe::mtom::parse_raw_http(&raw)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let status = http
                .start_line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(200);
            return Reply::new(
                status,
                Some(&http.content_type),
                Bytes::copy_from_slice(http.body),
            );
        }
        if raw.trim_ascii_start().starts_with(b"--") {
            let boundary = xcgate_ihe::mtom::sniff_boundary(&raw)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let content_type = format!(
                "multipart/related; boundary=\"{boundary}\"; type=\"application/xop+xml\"; start-info=\"application/soap+xml\""
            );
            return Reply::new(200, Some(&content_type), raw);
        }
        let root = xcgate_ihe::xml::parse(&raw)
            .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
        if root.is(xcgate_ihe::xml::ns::SOAP12, "Envelope") {
            return Reply::soap(raw);
        }
        let text = String::from_utf8_lossy(&raw);
        let payload = crate::soap_client::strip_declaration(&text);
        let headers = xcgate_ihe::wsa::response_headers(action, "urn:uuid:mock-answer", None);
        Reply::soap(xcgate_ihe::soap::build_envelope(&headers, payload))
    }
}

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    pub body: Bytes,
}

/// The running mock.
pub struct MockResponder {
    url: String,
    reply: Arc<Mutex<Reply>>,
    /// Replies for particular paths (`/xcpd`, `/query`), before `reply`.
    by_path: Arc<Mutex<std::collections::HashMap<String, Reply>>>,
    received: Arc<Mutex<Vec<Received>>>,
    /// Replies for the next requests, before any other.
    first: Arc<Mutex<std::collections::VecDeque<Reply>>>,
}

impl MockResponder {
    /// Listen on 127.0.0.1:0; until told otherwise, answer 500 with an empty body.
    pub async fn start() -> MockResponder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the mock responder");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let reply = Arc::new(Mutex::new(Reply::new(500, None, Bytes::new())));
        let received = Arc::new(Mutex::new(Vec::new()));
        let by_path = Arc::new(Mutex::new(std::collections::HashMap::<String, Reply>::new()));
        let first = Arc::new(Mutex::new(std::collections::VecDeque::<Reply>::new()));
        let (r, rec, bp, f) = (
            reply.clone(),
            received.clone(),
            by_path.clone(),
            first.clone(),
        );
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, rec, bp, f) = (r.clone(), rec.clone(), bp.clone(), f.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (r, rec, bp, f) = (r.clone(), rec.clone(), bp.clone(), f.clone());
                        async move {
                            let path = req.uri().path().to_string();
                            let content_type = req
                                .headers()
                                .get("content-type")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string();
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let on_path = f
                                .lock()
                                .unwrap()
                                .pop_front()
                                .or_else(|| bp.lock().unwrap().get(&path).cloned());
                            rec.lock().unwrap().push(Received {
                                path,
                                content_type,
                                body,
                            });
                            let reply = on_path.unwrap_or_else(|| r.lock().unwrap().clone());
                            let mut builder = hyper::Response::builder().status(reply.status);
                            if let Some(ct) = &reply.content_type {
                                builder = builder.header("content-type", ct.as_str());
                            }
                            Ok::<_, std::convert::Infallible>(
                                builder
                                    .body(Full::new(reply.body))
                                    .expect("a valid mock answer"),
                            )
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        MockResponder {
            url,
            reply,
            by_path,
            received,
            first,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answer every following request with `reply`.
    pub fn reply_with(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    /// Answer every following request to `path` (e.g. `/xcpd`) with `reply`.
    pub fn reply_on(&self, path: &str, reply: Reply) {
        self.by_path.lock().unwrap().insert(path.to_string(), reply);
    }

    /// The paths of everything received so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Wait (at most `within`) until `n` requests have been received; everything received
    /// by then, in order.
    pub async fn wait_for(&self, n: usize, within: std::time::Duration) -> Vec<Received> {
        let until = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= n || tokio::time::Instant::now() >= until {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Answer the next requests with `replies`, one each, then with the reply set last.
    pub fn reply_first(&self, replies: Vec<Reply>) {
        *self.first.lock().unwrap() = replies.into();
    }

    /// The last request received.
    pub fn last(&self) -> Option<Received> {
        self.received.lock().unwrap().last().cloned()
    }
}
