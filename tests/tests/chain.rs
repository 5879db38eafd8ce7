//! Two xcgate gateways chained in-process: gateway A reaches one community through the
//! standard IHE SOAP adapter, whose endpoints are gateway B's `/responding`; B fronts the
//! demo's pirkanmaa. ITI-55, then ITI-38 with the patient id learned from it, then ITI-39
//! of the listed documents, all A → B → A [ITI TF-2 3.55.4.2.3, 3.38.4.1.3, 3.39.4.1.3].
//!
//! The setup and the round trip are plain functions so that a TLS variant can reuse them
//! with other endpoint settings and a `[gateway.tls]` table for B.

use xcgate_ihe::ebrs::{AdhocQueryResponse, DocumentEntry, ResponseStatus, ReturnType};
use xcgate_tests::TestGateway;
use xcgate_tests::pki::Pki;
use xcgate_tests::soap_client::{self, ITI38, ITI39, post};

const SOAP: &str = "application/soap+xml; charset=utf-8";
/// pirkanmaa, as B answers for it and as A knows it.
const PIRKANMAA: &str = "urn:oid:2.999.1.10";

/// Gateway B: the demo config fronting pirkanmaa on `/responding`; `extra` is appended
/// (e.g. a `[gateway.tls]` table).
pub(crate) fn gateway_b_config(extra: &str) -> String {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "max_body = \"16MiB\"",
            "max_body = \"16MiB\"\nresponding = [\"pirkanmaa\"]",
        );
    format!("{text}\n{extra}\n")
}

/// Gateway A: one community, pirkanmaa, behind `{IHE_SOAP}`, all three transactions to
/// B's `responding_url` through one endpoint; `endpoint_extra` lines go into that
/// endpoint's table (e.g. `ca_file`, `client_cert_file`, `client_key_file`).
pub(crate) fn gateway_a_config(responding_url: &str, endpoint_extra: &str) -> String {
    format!(
        r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.2"
deadline = "8s"

[communities.pirkanmaa-via-b]
home_community_id = "{PIRKANMAA}"
plugin = "{{IHE_SOAP}}"
timeout = "6s"
settings = {{ sender_home_community_id = "urn:oid:2.999.2", iti55_endpoint = "b", iti38_endpoint = "b", iti39_endpoint = "b" }}

[communities.pirkanmaa-via-b.endpoints.b]
url = "{responding_url}"
timeout = "5s"
{endpoint_extra}
"#
    )
}

/// The `text` of a demo document, as the demo config holds it (a TOML multi-line
/// string: the newline after the opening quotes is not part of it).
fn demo_text(unique_id: &str) -> String {
    let config = xcgate::config::DEMO_CONFIG;
    let at = config
        .find(&format!("unique_id = \"{unique_id}\""))
        .expect("the document is in the demo config");
    let start = at + config[at..].find("text = \"\"\"\n").expect("its text") + 11;
    let end = start + config[start..].find("\"\"\"").expect("the end of its text");
    config[start..end].to_string()
}

/// ITI-55, ITI-38 and ITI-39 through gateway A (its `/initiating` at `a_url`), each
/// answered by B's pirkanmaa, checked against the demo config.
pub(crate) async fn discover_query_retrieve(a_url: &str) {
    // ITI-55: Aino Virtanen is PIR-1001 in pirkanmaa, and only there behind B.
    let query = soap_client::demographic_query("chain", "Virtanen", "Aino", "19900312");
    let parsed = soap_client::iti55_answer(&soap_client::iti55(a_url, &query).await.body);
    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    assert_eq!(parsed.matches.len(), 1, "{:?}", parsed.matches);
    let m = &parsed.matches[0];
    assert_eq!(m.home_community_id.as_deref(), Some(PIRKANMAA));
    assert_eq!(
        (
            m.patient_id.root.as_str(),
            m.patient_id.extension.as_deref()
        ),
        ("2.999.1.10.1", Some("PIR-1001"))
    );
    assert_eq!(m.names[0].family, ["Virtanen"]);

    // ITI-38 FindDocuments with the id learned from ITI-55, as CX [ITI TF-2 3.55.4.2.3].
    let cx = format!(
        "{}^^^&{}&ISO",
        m.patient_id.extension.as_deref().unwrap_or_default(),
        m.patient_id.root
    );
    let payload = soap_client::find_documents(&cx, ReturnType::LeafClass);
    let a = post(
        a_url,
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:chain-38", &payload),
    )
    .await;
    let found = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
        .unwrap_or_else(|e| panic!("{e}: {}", a.body));
    assert_eq!(found.status(), ResponseStatus::Success, "{}", a.body);
    assert!(
        found
            .home_carriers()
            .iter()
            .all(|o| o.home() == Some(PIRKANMAA)),
        "every object carries B's community"
    );
    let entries: Vec<DocumentEntry> = found.document_entries().collect();
    let mut ids: Vec<&str> = entries.iter().filter_map(|e| e.unique_id()).collect();
    ids.sort();
    assert_eq!(ids, ["2.999.1.10.2.1", "2.999.1.10.2.2"]);

    // ITI-39 of both listed documents: the CDA rendering and the plain text.
    let asked: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                PIRKANMAA,
                e.repository_unique_id().unwrap_or_default(),
                e.unique_id().unwrap_or_default(),
            )
        })
        .collect();
    let a = post(
        a_url,
        SOAP,
        soap_client::envelope(ITI39, "urn:uuid:chain-39", &soap_client::retrieve(&asked)),
    )
    .await;
    let (retrieved, mp) = soap_client::mtom_answer(&a);
    assert_eq!(
        retrieved.registry.status,
        ResponseStatus::Success,
        "{:?}",
        retrieved.registry.errors
    );
    assert_eq!(retrieved.documents.len(), 2);
    let attachments = mp.resolve_xop().expect("every document is attached");
    for d in &retrieved.documents {
        assert_eq!(d.home_community_id.as_deref(), Some(PIRKANMAA));
        let bytes = attachments.document_bytes(&d.document).unwrap();
        let entry = entries
            .iter()
            .find(|e| e.unique_id() == Some(d.document_unique_id.as_str()))
            .unwrap();
        assert_eq!(d.mime_type, entry.mime_type().unwrap_or_default());
        assert_eq!(
            Some(bytes.len().to_string().as_str()),
            entry.size(),
            "the size the query listed"
        );
        let text = demo_text(&d.document_unique_id);
        if d.mime_type == "text/plain" {
            assert_eq!(&bytes[..], text.as_bytes(), "byte-exact");
        } else {
            let cda = String::from_utf8(bytes.to_vec()).expect("a UTF-8 CDA document");
            assert!(cda.contains("ClinicalDocument"));
            let first_line = text.lines().next().unwrap_or_default();
            assert!(cda.contains(first_line), "the narrative is in the CDA");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_query_and_retrieve_round_trip_through_two_chained_gateways() {
    let b = TestGateway::start(&gateway_b_config(""))
        .await
        .expect("B starts");
    let a = TestGateway::start(&gateway_a_config(&b.responding_url(), ""))
        .await
        .expect("A starts");
    discover_query_retrieve(&a.initiating_url()).await;
}

/// B requires XUA on `/responding`, trusting A's signing key only; A issues an assertion
/// for every request it sends (ITI-55, ITI-38, and ITI-39 as MTOM, whose root part
/// carries the header) [ITI TF-2 3.40.4.1].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_round_trip_holds_when_b_requires_xua_and_a_issues_it() {
    let signer = Pki::generate("chain-xua");
    let b = TestGateway::start(&gateway_b_config(&format!(
        "[gateway.xua]\nresponding = \"required\"\ntrusted_issuers = [\"{}\"]\n",
        signer.path("client.pem")
    )))
    .await
    .expect("B starts");
    let a = TestGateway::start(&format!(
        "{}\n[gateway.xua.issuer]\nkey_file = \"{}\"\ncert_file = \"{}\"\nname = \"urn:oid:2.999.2\"\n",
        gateway_a_config(&b.responding_url(), "xua = \"issue\""),
        signer.path("client.key"),
        signer.path("client.pem")
    ))
    .await
    .expect("A starts");
    discover_query_retrieve(&a.initiating_url()).await;
    // Each of the three reached B with a verified user: the system subject A asserts,
    // named as the human requestor of B's records.
    let journal = b.journal_text();
    for transaction in ["ITI-55", "ITI-38", "ITI-39"] {
        assert!(
            journal
                .lines()
                .any(|r| r.contains(&format!("csd-code=\"{transaction}\""))
                    && r.contains("UserID=\"urn:oid:2.999.2\"")),
            "{transaction} with A's asserted subject in {journal}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_relays_is_what_b_answers() {
    let b = TestGateway::start(&gateway_b_config("")).await.unwrap();
    let a = TestGateway::start(&gateway_a_config(&b.responding_url(), ""))
        .await
        .unwrap();
    // The same stored query, straight to B and through A: the same objects, losslessly.
    let payload =
        soap_client::find_documents("PIR-1001^^^&2.999.1.10.1&ISO", ReturnType::LeafClass);
    let mut answers = Vec::new();
    for url in [b.responding_url(), a.initiating_url()] {
        let body = soap_client::envelope(ITI38, "urn:uuid:chain-same", &payload);
        let a = post(&url, SOAP, body).await;
        answers.push(AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap());
    }
    assert!(!answers[0].objects.is_empty());
    assert_eq!(answers[0].objects, answers[1].objects);
    // And the retrieved CDA, byte for byte.
    let retrieve = soap_client::retrieve(&[(PIRKANMAA, "2.999.1.10.3", "2.999.1.10.2.1")]);
    let mut documents = Vec::new();
    for url in [b.responding_url(), a.initiating_url()] {
        let body = soap_client::envelope(ITI39, "urn:uuid:chain-same-39", &retrieve);
        let (r, mp) = soap_client::mtom_answer(&post(&url, SOAP, body).await);
        let bytes = mp
            .resolve_xop()
            .unwrap()
            .document_bytes(&r.documents[0].document)
            .unwrap();
        documents.push(bytes);
    }
    assert!(!documents[0].is_empty());
    assert_eq!(documents[0], documents[1]);
}
