//! A network's responding gateway for tests: it refuses a request whose `wsse:Security`
//! header breaks the network's rules ([`crate::network_rules`]) with HTTP 400 and a plain
//! text naming every broken rule, as the US networks' gateways do, and hands every other
//! request on to a real responding gateway (`backend`, e.g. an xcgate `/responding` with
//! the demo community), whose answer it returns. It keeps every request it received, as
//! sent, so a test can verify the signatures with an independent library.

use crate::network_rules::{self, Network};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// One request as received, and what the responder said of it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub content_type: String,
    pub body: Bytes,
    /// The SOAP envelope (the root part of an MTOM request).
    pub envelope: Bytes,
    /// The rules it broke; empty when it was handed on.
    pub broken: Vec<String>,
}

/// The running responder.
pub struct NetworkResponder {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn envelope_of(content_type: &str, body: &Bytes) -> Result<Bytes, String> {
    if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/related")
    {
        let parts = xcgate_ihe::mtom::parse_multipart(content_type, body.clone())
            .map_err(|e| format!("MTOM package cannot be read: {e}"))?;
        return Ok(parts.root().body().clone());
    }
    Ok(body.clone())
}

impl NetworkResponder {
    /// Listen on 127.0.0.1:0, enforce `network`'s rules and hand good requests to
    /// `backend` (a URL).
    pub async fn start(network: Network, backend: String) -> NetworkResponder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the network responder");
        let url = format!(
            "http://{}/rg",
            listener.local_addr().expect("local address")
        );
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
            hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, client, backend) = (record.clone(), client.clone(), backend.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (record, client, backend) =
                            (record.clone(), client.clone(), backend.clone());
                        async move {
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
                            let envelope = envelope_of(&content_type, &body);
                            let broken = match &envelope {
                                Err(e) => vec![e.clone()],
                                Ok(env) => match xcgate_ihe::xml::parse(env) {
                                    Err(e) => vec![format!("not XML: {e}")],
                                    Ok(root) => {
                                        network_rules::check(&root, network, SystemTime::now())
                                    }
                                },
                            };
                            record.lock().unwrap().push(Seen {
                                content_type: content_type.clone(),
                                body: body.clone(),
                                envelope: envelope.unwrap_or_default(),
                                broken: broken.clone(),
                            });
                            if !broken.is_empty() {
                                return Ok::<_, std::convert::Infallible>(
                                    hyper::Response::builder()
                                        .status(400)
                                        .header("content-type", "text/plain")
                                        .body(Full::new(Bytes::from(broken.join("; "))))
                                        .expect("a valid refusal"),
                                );
                            }
                            let forwarded = http::Request::post(backend.as_str())
                                .header("content-type", content_type)
                                .body(Full::new(body))
                                .expect("a valid request");
                            let answer = client
                                .request(forwarded)
                                .await
                                .expect("the backend answers");
                            let (parts, body) = answer.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let mut out = hyper::Response::builder().status(parts.status);
                            if let Some(ct) = parts.headers.get("content-type") {
                                out = out.header("content-type", ct);
                            }
                            Ok(out.body(Full::new(body)).expect("a valid answer"))
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        NetworkResponder { url, seen }
    }

    /// The responder's URL (`http://127.0.0.1:<port>/rg`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The independent check of a request's signatures (`tests/peers/wss_verify.py` with
/// libxmlsec1): its JSON verdict, or `None` (a loud skip; a failure under `CI=true`) when
/// python3-xmlsec is not installed. `XCGATE_XMLSEC_PYTHON` names the interpreter
/// (default `/usr/bin/python3`, where Debian's python3-xmlsec lives).
pub fn verify_with_xmlsec(envelope: &[u8]) -> Option<serde_json::Value> {
    let python =
        std::env::var("XCGATE_XMLSEC_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let have = std::process::Command::new(&python)
        .args(["-c", "import xmlsec"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            !crate::in_ci(),
            "python3-xmlsec is required in CI (apt-get install python3-xmlsec)"
        );
        eprintln!(
            "SKIPPED: {python} cannot import xmlsec (apt-get install python3-xmlsec); signatures not checked independently"
        );
        return None;
    }
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "xcgate-wss-{}-{}.xml",
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::write(&file, envelope).expect("write the envelope");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/wss_verify.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .arg(&file)
        .output()
        .expect("run wss_verify.py");
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    Some(serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "wss_verify.py: {e}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    }))
}
