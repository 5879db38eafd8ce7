//! The load client and the bare hyper baseline.
//!
//! The client is written against hyper's connection API rather than a pooled client so
//! that "N connections" means exactly N keep-alive TCP connections, each with one request
//! in flight, sent back-to-back: the server sees the same load shape whoever it is.

use crate::stats::{Latencies, Usage};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What one request is: where it goes and what it carries (the same bytes every time).
#[derive(Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub path: &'static str,
    pub content_type: String,
    pub body: Bytes,
}

/// Judges a complete answer body: `Err` says what is wrong.
pub type Judge = Arc<dyn Fn(&[u8]) -> Result<(), String> + Send + Sync>;

/// How an answer is judged. Status 200 is always required.
#[derive(Clone)]
pub enum Check {
    /// Keep the body and judge it (small answers).
    Body(Judge),
    /// Stream the body, keep nothing, and require at least this many bytes of a
    /// `multipart/related` answer: a 20 MiB document per request must not inflate the RSS
    /// being measured on the client's side.
    Streamed { at_least: u64 },
}

/// The load shape of one run.
#[derive(Clone, Copy)]
pub struct Plan {
    pub connections: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// What one run measured, over the measurement window only.
pub struct RunResult {
    pub ok: u64,
    pub failed: u64,
    /// What was wrong with the first failed answer, to name the cause in the table.
    pub first_failure: Option<String>,
    pub window: Duration,
    pub latencies: Latencies,
    /// What the process used over the window.
    pub usage: Usage,
}

impl RunResult {
    pub fn req_per_s(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }
}

/// Per-connection tallies, merged after the run.
#[derive(Default)]
struct Tally {
    latencies: Vec<u64>,
    failed: u64,
    first_failure: Option<String>,
}

impl Tally {
    fn fail(&mut self, why: String) {
        self.failed += 1;
        self.first_failure.get_or_insert(why);
    }
}

/// Drive `target` with `plan.connections` connections: warm up, then count the answers
/// that complete inside the measurement window. Connections stop sending at the window's
/// end and finish the request they have in flight (it is not counted).
pub async fn run(target: &Target, check: &Check, plan: Plan) -> RunResult {
    let start = Instant::now();
    let warm_end = start + plan.warmup;
    let end = warm_end + plan.measure;
    // Connections start spread over the first half of the warm-up: started together they
    // stay in lockstep whenever every answer takes the same time (a deadline, 50 ms
    // communities), and steady load becomes bursts that no real set of clients sends.
    let spread = plan.warmup / 2;
    let tasks: Vec<JoinHandle<Tally>> = (0..plan.connections)
        .map(|i| {
            let (target, check) = (target.clone(), check.clone());
            let at = start + spread.mul_f64(i as f64 / plan.connections as f64);
            tokio::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                connection(target, check, warm_end, end).await
            })
        })
        .collect();
    tokio::time::sleep_until(warm_end.into()).await;
    let usage_start = Usage::now();
    tokio::time::sleep_until(end.into()).await;
    let usage = Usage::now().since(usage_start);
    let mut all = Tally::default();
    for t in tasks {
        // A connection task only ends by returning its tally; a panic there is a bench bug.
        if let Ok(t) = t.await {
            all.latencies.extend(t.latencies);
            all.failed += t.failed;
            if all.first_failure.is_none() {
                all.first_failure = t.first_failure;
            }
        }
    }
    RunResult {
        ok: all.latencies.len() as u64,
        failed: all.failed,
        first_failure: all.first_failure,
        window: plan.measure,
        latencies: Latencies::new(all.latencies),
        usage,
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Option<Sender> {
    let stream = TcpStream::connect(addr).await.ok()?;
    // As the gateway does on its side: no Nagle delay on small answers.
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(conn);
    Some(sender)
}

async fn connection(target: Target, check: Check, warm_end: Instant, end: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut sender = None;
    while Instant::now() < end {
        let s = match &mut sender {
            Some(s) => s,
            None => match connect(target.addr).await {
                Some(s) => sender.insert(s),
                None => {
                    // The server refused the connection: count it and back off briefly
                    // instead of spinning on connect.
                    tally.fail("cannot connect".into());
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let t0 = Instant::now();
        let outcome = exchange(s, &target, &check).await;
        let t1 = Instant::now();
        let in_window = t1 >= warm_end && t1 <= end;
        match outcome {
            Outcome::Ok if in_window => {
                let ns = t1.duration_since(t0).as_nanos() as u64;
                tally.latencies.push(ns);
            }
            Outcome::Ok => {}
            Outcome::Wrong(why) if in_window => tally.fail(why),
            Outcome::Wrong(_) => {}
            Outcome::Broken(why) => {
                if in_window {
                    tally.fail(why);
                }
                // The connection may be unusable after a transport error: start anew.
                sender = None;
            }
        }
    }
    tally
}

enum Outcome {
    Ok,
    /// A complete answer that fails the check (the connection is still good).
    Wrong(String),
    /// The exchange itself failed.
    Broken(String),
}

/// One request and its answer.
async fn exchange(sender: &mut Sender, target: &Target, check: &Check) -> Outcome {
    let broken = |e: hyper::Error| Outcome::Broken(format!("connection: {e}"));
    if let Err(e) = sender.ready().await {
        return broken(e);
    }
    let request = http::Request::post(target.path)
        .header(http::header::HOST, target.addr.to_string())
        .header(http::header::CONTENT_TYPE, &target.content_type)
        .body(Full::new(target.body.clone()));
    let request = match request {
        Ok(r) => r,
        Err(e) => return Outcome::Broken(format!("request: {e}")),
    };
    let response = match sender.send_request(request).await {
        Ok(r) => r,
        Err(e) => return broken(e),
    };
    let status = response.status();
    let multipart = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/related"));
    let verdict = match check {
        Check::Body(judge) => match response.into_body().collect().await {
            Ok(body) if status == http::StatusCode::OK => judge(&body.to_bytes()),
            Ok(_) => Err(format!("HTTP {status}")),
            Err(e) => return broken(e),
        },
        Check::Streamed { at_least } => match count_body(response.into_body()).await {
            Ok(_) if status != http::StatusCode::OK => Err(format!("HTTP {status}")),
            Ok(n) if multipart && n >= *at_least => Ok(()),
            Ok(n) => Err(format!("{n} bytes, multipart: {multipart}")),
            Err(e) => return broken(e),
        },
    };
    match verdict {
        Ok(()) => Outcome::Ok,
        Err(why) => Outcome::Wrong(why),
    }
}

async fn count_body(mut body: Incoming) -> Result<u64, hyper::Error> {
    let mut n = 0u64;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame?.data_ref() {
            n += data.len() as u64;
        }
    }
    Ok(n)
}

/// The baseline: a hyper server with the gateway's own server stack (hyper-util `auto`
/// builder, TCP_NODELAY) that reads each request body and answers the canned bytes. The
/// gap between it and xcgate is what the gateway itself costs.
pub async fn bare_server(content_type: String, answer: Bytes) -> anyhow::Result<BareServer> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (content_type, answer) = (content_type.clone(), answer.clone());
            let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
                let (content_type, answer) = (content_type.clone(), answer.clone());
                async move {
                    req.into_body().collect().await?;
                    http::Response::builder()
                        .header(http::header::CONTENT_TYPE, content_type)
                        .body(Full::new(answer))
                        .map_err(anyhow::Error::from)
                }
            });
            let builder = builder.clone();
            tokio::spawn(async move {
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(BareServer { addr, task })
}

pub struct BareServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for BareServer {
    fn drop(&mut self) {
        // Stops accepting; open connections end when the client drops them.
        self.task.abort();
    }
}
