//! Two gateways chained over mutual TLS: gateway A (initiating) reaches gateway B's
//! `/responding` through the bundled standard IHE SOAP adapter over HTTPS with a client
//! certificate; B (the example config `config/examples/chain/gateway-b.toml` with
//! `[gateway.tls]`) accepts only clients with a certificate from its CA. A gateway that
//! does not trust B's certificate, or has no client certificate, gets no answer from B.

use xcgate_ihe::ebrs::ReturnType;
use xcgate_ihe::retrieve::DocumentContent;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_tests::pki::Pki;
use xcgate_tests::{TestGateway, soap_client};

const SOAP: &str = "application/soap+xml; charset=utf-8";
const B_COMMUNITY: &str = "urn:oid:2.999.2.10";

/// Gateway B: the example responding gateway, serving HTTPS and requiring client
/// certificates from `pki`'s CA.
async fn gateway_b(pki: &Pki) -> TestGateway {
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../config/examples/chain/gateway-b.toml"),
    )
    .unwrap();
    let tls = format!(
        "\n[gateway.tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\nclient_ca_file = \"{}\"\n",
        pki.path("server.pem"),
        pki.path("server.key"),
        pki.path("ca.pem")
    );
    let config = example.replace("127.0.0.1:8089", "127.0.0.1:0").replace(
        "responding = [\"oulu\"]\n",
        &format!("responding = [\"oulu\"]\n{tls}"),
    );
    let b = TestGateway::start(&config).await.unwrap();
    assert!(b.responding_url().starts_with("https://"));
    b
}

/// Gateway A: one community behind B, reached with `tls_keys` on the endpoint.
async fn gateway_a(b_url: &str, tls_keys: &str) -> TestGateway {
    TestGateway::start(&format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"
deadline = "5s"

[communities.oulu]
home_community_id = "{B_COMMUNITY}"
plugin = "bundled:ihe-soap"
timeout = "4s"
settings.sender_home_community_id = "urn:oid:2.999.1"
settings.iti55_endpoint = "b"
settings.iti38_endpoint = "b"
settings.iti39_endpoint = "b"
[communities.oulu.endpoints.b]
url = "{b_url}"
{tls_keys}
"#
    ))
    .await
    .unwrap()
}

fn query() -> String {
    soap_client::demographic_query("tls-1", "Virtanen", "Aino", "19900312")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patient_documents_and_a_document_round_trip_a_to_b_over_mutual_tls() {
    let pki = Pki::generate("hie");
    let b = gateway_b(&pki).await;
    let a = gateway_a(
        &b.responding_url(),
        &format!(
            "ca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"",
            pki.path("ca.pem"),
            pki.path("client.pem"),
            pki.path("client.key")
        ),
    )
    .await;

    // ITI-55: B's community finds the patient; its id is what A's initiator uses next.
    let found =
        soap_client::iti55_answer(&soap_client::iti55(&a.initiating_url(), &query()).await.body);
    assert_eq!(found.matches.len(), 1, "{:?}", found.issues);
    let patient = &found.matches[0].patient_id;
    assert_eq!(
        (patient.root.as_str(), patient.extension.as_deref()),
        ("2.999.2.10.1", Some("OUL-4001"))
    );

    // ITI-38 FindDocuments with that id: B's document, homed in B's community.
    let cx = format!("OUL-4001^^^&{}&ISO", patient.root);
    let listed = soap_client::post(
        &a.initiating_url(),
        SOAP,
        soap_client::envelope(
            soap_client::ITI38,
            "urn:uuid:tls-q",
            &soap_client::find_documents(&cx, ReturnType::LeafClass),
        ),
    )
    .await;
    let response =
        xcgate_ihe::ebrs::AdhocQueryResponse::parse(&soap_client::body_payload(&listed.body))
            .unwrap();
    assert_eq!(response.objects.len(), 1, "{}", listed.body);
    let entry = xcgate_ihe::ebrs::DocumentEntry::new(&response.objects[0]).unwrap();
    assert_eq!(entry.home(), Some(B_COMMUNITY));
    assert_eq!(entry.unique_id(), Some("2.999.2.10.2.1"));
    let repository = entry.repository_unique_id().unwrap().to_string();

    // ITI-39: the document's bytes, over MTOM, from B through A.
    let retrieved = soap_client::post(
        &a.initiating_url(),
        SOAP,
        soap_client::envelope(
            soap_client::ITI39,
            "urn:uuid:tls-r",
            &soap_client::retrieve(&[(B_COMMUNITY, &repository, "2.999.2.10.2.1")]),
        ),
    )
    .await;
    let (r, mp) = soap_client::mtom_answer(&retrieved);
    assert_eq!(r.documents.len(), 1);
    assert_eq!(
        r.documents[0].home_community_id.as_deref(),
        Some(B_COMMUNITY)
    );
    let DocumentContent::XopInclude { href } = &r.documents[0].document else {
        panic!("documents travel as binary parts")
    };
    let bytes = mp.attachment(href).unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.starts_with("<?xml") && text.contains("<id root=\"2.999.2.10.2.1\"/>"));
    assert!(text.contains("B-Hb 134 g/l"), "{text}");
}

/// The ITI-55 answer's issue codes and texts when nothing matched.
async fn refused(a: &TestGateway) -> String {
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&a.initiating_url(), &query()).await.body);
    assert!(parsed.matches.is_empty());
    parsed
        .issues
        .iter()
        .map(|i| match i {
            DetectedIssue::Error {
                code: IssueCode::AnswerNotAvailable,
                text,
            } => format!("AnswerNotAvailable {}", text.clone().unwrap_or_default()),
            other => format!("{other:?}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_does_not_trust_bs_certificate_refuses_the_connection() {
    let pki = Pki::generate("hie");
    let stranger = Pki::generate("stranger");
    let b = gateway_b(&pki).await;
    let a = gateway_a(
        &b.responding_url(),
        &format!(
            "ca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"",
            stranger.path("ca.pem"),
            pki.path("client.pem"),
            pki.path("client.key")
        ),
    )
    .await;
    let issues = refused(&a).await;
    assert!(
        issues.starts_with("AnswerNotAvailable") && issues.contains("certificate"),
        "{issues}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_refuses_a_gateway_without_a_client_certificate_from_its_ca() {
    let pki = Pki::generate("hie");
    let other = Pki::generate("other");
    let b = gateway_b(&pki).await;
    let no_cert = gateway_a(
        &b.responding_url(),
        &format!("ca_file = \"{}\"", pki.path("ca.pem")),
    )
    .await;
    assert!(refused(&no_cert).await.starts_with("AnswerNotAvailable"));
    let foreign_cert = gateway_a(
        &b.responding_url(),
        &format!(
            "ca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"",
            pki.path("ca.pem"),
            other.path("client.pem"),
            other.path("client.key")
        ),
    )
    .await;
    assert!(
        refused(&foreign_cert)
            .await
            .starts_with("AnswerNotAvailable")
    );
}
