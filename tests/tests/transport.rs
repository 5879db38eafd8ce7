//! The `transport` import: a plugin reaches only endpoints its community declares, over a
//! pooled connection, within its deadline.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::soap_client;
use xcgate_tests::{TestGateway, gateway, guests};

/// A stand-in for a remote community: answers "REMOTE-<n>" after `delay`, counts
/// connections and requests, and remembers the last content type.
struct MockRemote {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

async fn mock_remote(delay: Duration) -> MockRemote {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/remote", listener.local_addr().unwrap());
    let (connections, requests) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (c, r) = (connections.clone(), requests.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let r = r.clone();
                    async move {
                        let n = r.fetch_add(1, Ordering::SeqCst) + 1;
                        let ok = req
                            .headers()
                            .get("content-type")
                            .is_some_and(|v| v == "text/plain")
                            && req.headers().get("x-test").is_some_and(|v| v == "relay");
                        let body = req
                            .into_body()
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        tokio::time::sleep(delay).await;
                        let text = if ok && body == Bytes::from_static(b"Virtanen") {
                            format!("REMOTE-{n}")
                        } else {
                            "BAD-REQUEST".to_string()
                        };
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                            Bytes::from(text),
                        )))
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    MockRemote {
        url,
        connections,
        requests,
    }
}

/// A community `relay` whose plugin relays to the endpoint its setting names; the one
/// declared endpoint, `remote`, is `url`.
fn config(url: &str, endpoint_setting: &str, endpoint_timeout: &str) -> String {
    gateway()
        .home_community_id("urn:oid:2.999.8")
        .deadline("3s")
        .community_with("relay", guests::MISBEHAVING, |c| {
            c.timeout("2s")
                .setting_str("behaviour", "relay")
                .setting_str("endpoint", endpoint_setting)
        })
        .toml(&format!(
            "[communities.relay.endpoints.remote]\nurl = \"{url}\"\ntimeout = \"{endpoint_timeout}\"\n"
        ))
        .text()
}

fn query() -> String {
    soap_client::demographic_query("t", "Virtanen", "Aino", "19900312")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_reaches_its_declared_endpoint_over_one_pooled_connection() {
    let remote = mock_remote(Duration::ZERO).await;
    let gw = TestGateway::start(&config(&remote.url, "remote", "1s"))
        .await
        .unwrap();
    for expected in 1..=3 {
        let parsed = soap_client::iti55_answer(
            &soap_client::iti55(&gw.initiating_url(), &query())
                .await
                .body,
        );
        assert_eq!(parsed.matches.len(), 1, "{:?}", parsed.issues);
        assert_eq!(
            parsed.matches[0].patient_id.extension.as_deref(),
            Some(format!("REMOTE-{expected}").as_str())
        );
    }
    assert_eq!(remote.requests.load(Ordering::SeqCst), 3);
    assert_eq!(
        remote.connections.load(Ordering::SeqCst),
        1,
        "the connection is kept alive and reused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undeclared_endpoint_is_refused_and_nothing_leaves() {
    let remote = mock_remote(Duration::ZERO).await;
    let gw = TestGateway::start(&config(&remote.url, "elsewhere", "1s"))
        .await
        .unwrap();
    let parsed = soap_client::iti55_answer(
        &soap_client::iti55(&gw.initiating_url(), &query())
            .await
            .body,
    );
    assert!(parsed.matches.is_empty());
    let text = parsed.issues.iter().find_map(|i| match i {
        DetectedIssue::Error {
            code: IssueCode::AnswerNotAvailable,
            text: Some(t),
        } => Some(t.clone()),
        _ => None,
    });
    assert!(
        text.as_deref().is_some_and(|t| t.contains("elsewhere")),
        "{:?}",
        parsed.issues
    );
    assert_eq!(remote.requests.load(Ordering::SeqCst), 0);
    assert_eq!(remote.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_endpoint_times_out_at_its_timeout() {
    let remote = mock_remote(Duration::from_secs(5)).await;
    let gw = TestGateway::start(&config(&remote.url, "remote", "300ms"))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let parsed = soap_client::iti55_answer(
        &soap_client::iti55(&gw.initiating_url(), &query())
            .await
            .body,
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(parsed.matches.is_empty());
    assert!(
        matches!(
            parsed.issues.as_slice(),
            [DetectedIssue::Error {
                code: IssueCode::AnswerNotAvailable,
                ..
            }]
        ),
        "{:?}",
        parsed.issues
    );
}

#[test]
fn an_https_endpoint_without_trust_roots_or_a_malformed_one_is_a_config_error() {
    for (url, key, expected) in [
        (
            "https://remote/x",
            "endpoints.remote.ca_file",
            "add ca_file",
        ),
        (
            "ftp://remote/x",
            "endpoints.remote.url",
            "not an http(s) URL",
        ),
    ] {
        let text = config(url, "remote", "1s").replace("{MISBEHAVING}", "x.wasm");
        let e = xcgate::config::Config::from_toml(&text, "t", std::path::PathBuf::from("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("communities.relay.{key}")) && e.contains(expected),
            "{e}"
        );
    }
}
