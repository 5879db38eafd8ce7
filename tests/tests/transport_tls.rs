//! The `transport` import over TLS and HTTP/2: the server is verified against the
//! endpoint's own CA only, a client certificate is presented when configured, HTTP/2 is
//! negotiated, and a GET reaches only paths under the declared URL.

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client};

/// A remote that answers `<h1|h2>-<METHOD>-<path?query>-<cert|nocert>`: what it saw.
struct Remote {
    base: String,
    requests: Arc<AtomicUsize>,
}

async fn remote(pki: Option<(&Pki, bool)>) -> Remote {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = pki.map(|(pki, require_client)| {
        let chain =
            xcgate::tls::read_certs("cert", std::path::Path::new(&pki.path("server.pem"))).unwrap();
        let key =
            xcgate::tls::read_key("key", std::path::Path::new(&pki.path("server.key"))).unwrap();
        let builder = rustls::ServerConfig::builder_with_provider(xcgate::tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap();
        let builder = if require_client {
            let roots =
                xcgate::tls::read_roots("ca", std::path::Path::new(&pki.path("ca.pem"))).unwrap();
            builder.with_client_cert_verifier(
                rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    xcgate::tls::provider(),
                )
                .build()
                .unwrap(),
            )
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder.with_single_cert(chain, key).unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    });
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, counter) = (acceptor.clone(), counter.clone());
            tokio::spawn(async move {
                let service = move |client: &'static str| {
                    let counter = counter.clone();
                    service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let version = if req.version() == http::Version::HTTP_2 {
                            "h2"
                        } else {
                            "h1"
                        };
                        let path = req.uri().path_and_query().map(|p| p.to_string());
                        let text = format!(
                            "{version}-{}-{}-{client}",
                            req.method(),
                            path.unwrap_or_default()
                        );
                        async move {
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                                Bytes::from(text),
                            )))
                        }
                    })
                };
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                match acceptor {
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service("nocert"))
                            .await;
                    }
                    Some(acceptor) => {
                        let Ok(tls) = acceptor.accept(stream).await else {
                            return;
                        };
                        let client = if tls.get_ref().1.peer_certificates().is_some() {
                            "cert"
                        } else {
                            "nocert"
                        };
                        let _ = builder
                            .serve_connection(TokioIo::new(tls), service(client))
                            .await;
                    }
                }
            });
        }
    });
    Remote {
        base: format!("{scheme}://{addr}/remote"),
        requests,
    }
}

/// A gateway whose one community relays through endpoint `remote` with these extra
/// endpoint keys and settings.
async fn gateway(url: &str, endpoint_keys: &str, settings: &str) -> anyhow::Result<TestGateway> {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.8"
deadline = "3s"

[communities.relay]
home_community_id = "urn:oid:2.999.8.1"
plugin = "{{MISBEHAVING}}"
timeout = "2s"
settings = {{ behaviour = "relay" {settings} }}
[communities.relay.endpoints.remote]
url = "{url}"
timeout = "2s"
{endpoint_keys}
"#
    ))
    .await
}

/// What the remote answered (the relayed match's id), or the detectedIssue text.
async fn relay(gw: &TestGateway) -> Result<String, String> {
    let query = soap_client::demographic_query("t", "Virtanen", "Aino", "19900312");
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &query).await.body);
    match parsed.matches.first() {
        Some(m) => Ok(m.patient_id.extension.clone().unwrap_or_default()),
        None => Err(parsed
            .issues
            .iter()
            .map(|i| match i {
                DetectedIssue::Error {
                    code: IssueCode::AnswerNotAvailable,
                    text,
                } => format!("AnswerNotAvailable: {}", text.clone().unwrap_or_default()),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_endpoint_trusted_by_its_ca_file_is_reached_over_http2() {
    let pki = Pki::generate("remote");
    let remote = remote(Some((&pki, false))).await;
    let keys = format!("ca_file = \"{}\"", pki.path("ca.pem"));
    let gw = gateway(&remote.base, &keys, "").await.unwrap();
    assert_eq!(relay(&gw).await.as_deref(), Ok("h2-POST-/remote-nocert"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_certificate_from_another_ca_is_refused_and_nothing_is_sent() {
    let pki = Pki::generate("remote");
    let stranger = Pki::generate("stranger");
    let remote = remote(Some((&pki, false))).await;
    let keys = format!("ca_file = \"{}\"", stranger.path("ca.pem"));
    let gw = gateway(&remote.base, &keys, "").await.unwrap();
    let refused = relay(&gw).await.unwrap_err();
    assert!(
        refused.starts_with("AnswerNotAvailable") && refused.contains("certificate"),
        "{refused}"
    );
    assert_eq!(remote.requests.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_requires_a_client_certificate_gets_the_configured_one() {
    let pki = Pki::generate("remote");
    let remote = remote(Some((&pki, true))).await;
    let with_cert = format!(
        "ca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"",
        pki.path("ca.pem"),
        pki.path("client.pem"),
        pki.path("client.key")
    );
    let gw = gateway(&remote.base, &with_cert, "").await.unwrap();
    assert_eq!(relay(&gw).await.as_deref(), Ok("h2-POST-/remote-cert"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_client_certificate_mutual_tls_fails_and_nothing_is_answered() {
    let pki = Pki::generate("remote");
    let remote = remote(Some((&pki, true))).await;
    let keys = format!("ca_file = \"{}\"", pki.path("ca.pem"));
    let gw = gateway(&remote.base, &keys, "").await.unwrap();
    let refused = relay(&gw).await.unwrap_err();
    assert!(refused.starts_with("AnswerNotAvailable"), "{refused}");
    assert_eq!(remote.requests.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_goes_to_a_path_under_the_endpoint_url() {
    let pki = Pki::generate("remote");
    let remote = remote(Some((&pki, false))).await;
    let keys = format!("ca_file = \"{}\"", pki.path("ca.pem"));
    let gw = gateway(&remote.base, &keys, ", path = \"Patient?family=X%20Y\"")
        .await
        .unwrap();
    assert_eq!(
        relay(&gw).await.as_deref(),
        Ok("h2-GET-/remote/Patient?family=X%20Y-nocert")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_that_climbs_out_of_the_endpoint_is_refused_before_sending() {
    let remote = remote(None).await;
    for path in ["../admin", "/admin", "http://elsewhere/x"] {
        let gw = gateway(&remote.base, "", &format!(", path = \"{path}\""))
            .await
            .unwrap();
        let refused = relay(&gw).await.unwrap_err();
        assert!(
            refused.starts_with("AnswerNotAvailable"),
            "{path}: {refused}"
        );
    }
    assert_eq!(remote.requests.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_on_a_plain_endpoint_uses_prior_knowledge() {
    let remote = remote(None).await;
    let gw = gateway(&remote.base, "http2 = true", "").await.unwrap();
    assert_eq!(relay(&gw).await.as_deref(), Ok("h2-POST-/remote-nocert"));
    let h1 = gateway(&remote.base, "", "").await.unwrap();
    assert_eq!(relay(&h1).await.as_deref(), Ok("h1-POST-/remote-nocert"));
}

#[tokio::test]
async fn unreadable_tls_files_are_start_up_errors_naming_endpoint_and_file() {
    let pki = Pki::generate("remote");
    let missing = pki.dir().join("nope.pem").display().to_string();
    for (keys, names) in [
        (format!("ca_file = \"{missing}\""), "ca_file"),
        (
            format!(
                "ca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"",
                pki.path("ca.pem"),
                pki.path("client.pem"),
                pki.path("server.key")
            ),
            "does not match",
        ),
        (
            format!(
                "ca_file = \"{}\"\nclient_cert_file = \"{}\"",
                pki.path("ca.pem"),
                pki.path("client.pem")
            ),
            "client_key_file",
        ),
    ] {
        let e = gateway("https://127.0.0.1:1/x", &keys, "")
            .await
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(e.contains("remote") && e.contains(names), "{keys}\n=> {e}");
    }
}
