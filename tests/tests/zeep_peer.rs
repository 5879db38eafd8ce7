//! A client we did not write: python-zeep, driven by the IPF WSDLs of the conformance
//! corpus, sends ITI-55, ITI-38 and ITI-39 to xcgate in both roles and understands the
//! answers. `.ci/run` installs zeep in a venv and sets `XCGATE_ZEEP_PYTHON`.

use serde_json::Value;
use std::path::PathBuf;
use xcgate_tests::{TestGateway, corpus, in_ci, soap_client};

/// The venv's python, or `None` (test skipped) outside CI.
fn zeep_python() -> Option<String> {
    match std::env::var("XCGATE_ZEEP_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if in_ci() => panic!(
            "XCGATE_ZEEP_PYTHON is not set: install the peer with\n  python3 -m venv /tmp/xcgate-zeep && /tmp/xcgate-zeep/bin/pip install zeep==4.3.3\nand export XCGATE_ZEEP_PYTHON=/tmp/xcgate-zeep/bin/python"
        ),
        _ => {
            eprintln!("skipped: XCGATE_ZEEP_PYTHON is not set (python-zeep peer not installed)");
            None
        }
    }
}

/// Run the zeep driver and read the JSON it prints.
async fn zeep(python: &str, args: &[&str]) -> Value {
    let corpus = corpus::dir().expect("the conformance corpus (XCGATE_CONFORMANCE_DIR)");
    let driver = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/zeep_driver.py");
    let mut command = std::process::Command::new(python);
    command.arg(driver).arg(corpus).args(args);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("python runs");
    assert!(
        output.status.success(),
        "zeep driver failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the driver prints JSON")
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/zeep")
        .join(name)
        .display()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_finds_a_patient_lists_her_documents_and_retrieves_one_through_the_initiating_gateway()
{
    let Some(python) = zeep_python() else { return };
    let gw = TestGateway::demo().await;
    let url = gw.initiating_url();

    let found = zeep(&python, &["xcpd", &url, &fixture("iti55-virtanen.xml")]).await;
    assert_eq!(found["http"], 200);
    assert_eq!(
        (found["ack"].as_str(), found["query_response"].as_str()),
        (Some("AA"), Some("OK"))
    );
    let mut patients: Vec<(String, String)> = found["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["extension"].as_str().unwrap().to_string(),
                p["custodian"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    patients.sort();
    assert_eq!(
        patients,
        [
            ("PIR-1001".to_string(), "2.999.1.10".to_string()),
            ("UUS-2001".to_string(), "2.999.1.20".to_string())
        ]
    );

    let listed = zeep(&python, &["dq", &url, "PIR-1001^^^&2.999.1.10.1&ISO"]).await;
    assert_eq!(
        listed["status"],
        "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
    );
    let documents = listed["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{listed}");
    for d in documents {
        assert_eq!(d["home"], "urn:oid:2.999.1.10");
        assert_eq!(d["repository"], "2.999.1.10.3");
    }
    let first = documents[0]["unique_id"].as_str().unwrap().to_string();

    let retrieved = zeep(
        &python,
        &["dr", &url, &first, "2.999.1.10.3", "urn:oid:2.999.1.10"],
    )
    .await;
    assert_eq!(
        retrieved["status"],
        "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
    );
    let doc = &retrieved["documents"][0];
    assert_eq!(
        (doc["unique_id"].as_str(), doc["mime"].as_str()),
        (Some(first.as_str()), Some("text/xml"))
    );
    let zeep_bytes =
        xcgate_ihe::retrieve::base64::decode(doc["content_base64"].as_str().unwrap()).unwrap();

    // The same document through our own client: zeep decoded the MTOM answer byte-exact.
    let ours = soap_client::post(
        &url,
        "application/soap+xml; charset=utf-8",
        soap_client::envelope(
            "urn:ihe:iti:2007:CrossGatewayRetrieve",
            "urn:uuid:ours",
            &soap_client::retrieve(&[("urn:oid:2.999.1.10", "2.999.1.10.3", &first)]),
        ),
    )
    .await;
    let (response, mp) = soap_client::mtom_answer(&ours);
    let xcgate_ihe::retrieve::DocumentContent::XopInclude { href } =
        &response.documents[0].document
    else {
        panic!("documents travel as binary parts")
    };
    let expected = mp.attachment(href).expect("the part is there");
    assert!(zeep_bytes.starts_with(b"<?xml") && zeep_bytes.len() > 500);
    // zeep 4.3 strips CR and LF from both ends of a `Content-Transfer-Encoding: binary`
    // attachment (zeep/wsdl/attachments.py, `content.strip(b"\r\n")`): our part ends with
    // the document's own final newline, which zeep drops. Everything else is byte-exact.
    let zeep_view = expected
        .strip_suffix(b"\n")
        .expect("the demo document ends with a newline");
    assert_eq!(zeep_bytes, zeep_view);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_as_a_remote_gateway_is_answered_for_the_fronted_community_only() {
    let Some(python) = zeep_python() else { return };
    let config = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "home_community_id = \"urn:oid:2.999.1\"\n",
            "home_community_id = \"urn:oid:2.999.1\"\nresponding = [\"pirkanmaa\"]\n",
        );
    let gw = TestGateway::start(&config).await.unwrap();
    let url = gw.responding_url();

    let found = zeep(&python, &["xcpd", &url, &fixture("iti55-virtanen.xml")]).await;
    let patients = found["patients"].as_array().unwrap();
    assert_eq!(patients.len(), 1, "{found}");
    assert_eq!(patients[0]["custodian"], "2.999.1.10");

    let listed = zeep(&python, &["dq", &url, "PIR-1001^^^&2.999.1.10.1&ISO"]).await;
    assert_eq!(
        listed["documents"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );

    let retrieved = zeep(
        &python,
        &[
            "dr",
            &url,
            "2.999.1.10.2.2",
            "2.999.1.10.3",
            "urn:oid:2.999.1.10",
        ],
    )
    .await;
    assert_eq!(retrieved["documents"][0]["home"], "urn:oid:2.999.1.10");
    assert!(
        !retrieved["documents"][0]["content_base64"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
}

/// ITI-56 from zeep with IPF's WSDL: the responding gateway's answer is what zeep's lxml
/// reads, and an unknown patient is a SOAP 1.2 Sender fault it recognises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_asks_where_else_aino_is_known() {
    let Some(python) = zeep_python() else { return };
    let gw = crate::patient_location::locator_gateway().await;
    crate::patient_location::learn_aino(&gw).await;
    let url = gw.responding_url();
    let found = zeep(&python, &["plq", &url, "1.2.246.21", "120390-904J"]).await;
    assert_eq!(found["http"], 200, "{found}");
    assert_eq!(
        found["action"],
        "urn:ihe:iti:2009:PatientLocationQueryResponse"
    );
    let mut homes: Vec<String> = found["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["home"].as_str().unwrap(),
                l["extension"].as_str().unwrap()
            )
        })
        .collect();
    homes.sort();
    assert_eq!(homes, ["urn:oid:2.999.1.10 N-1", "urn:oid:2.999.1.20 E-1"]);
    for l in found["locations"].as_array().unwrap() {
        assert_eq!(l["requested"], "120390-904J@1.2.246.21");
    }
    let unknown = zeep(&python, &["plq", &url, "2.999.77", "NOBODY"]).await;
    assert_eq!(unknown["http"], 400, "{unknown}");
    assert_eq!(unknown["fault"], "env:Sender", "{unknown}");
}
