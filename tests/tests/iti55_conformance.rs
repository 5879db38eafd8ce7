//! Every ITI-55 sample of the shared corpus, through the gateway on the demo config and
//! through the message crate.

use xcgate_ihe::hl7v3;
use xcgate_ihe::xml;
use xcgate_tests::TestGateway;
use xcgate_tests::corpus;
use xcgate_tests::soap_client::{self, ITI55};

/// What the demo data holds for each sample request: (file, queryResponseCode or NS250,
/// patient ids expected).
const EXPECTED: &[(&str, &str, &[&str])] = &[
    (
        "iti55-request-hieos-soap-demographics-1.xml",
        "OK",
        &["UUS-2003"],
    ),
    (
        "iti55-request-hieos-soap-demographics-2.xml",
        "OK",
        &["UUS-2002"],
    ),
    ("iti55-request-ipf-deferred.xml", "NS250", &[]),
    (
        "iti55-request-ipf-demographics-basic.xml",
        "OK",
        &["PIR-1002"],
    ),
    (
        "iti55-request-openncp-epsos-id-only.xml",
        "OK",
        &["LAP-3001"],
    ),
    ("iti55-request-openncp-epsos-unknown-id.xml", "NF", &[]),
    ("iti55-request-openncp-util.xml", "NF", &[]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_request_gets_a_schema_valid_answer_from_the_demo_communities() {
    let Some(dir) = corpus::dir() else { return };
    let validate = corpus::have_xmllint();
    let gw = TestGateway::demo().await;
    let samples = corpus::samples(&dir, "iti55", "request");
    assert_eq!(
        samples.len(),
        EXPECTED.len(),
        "the corpus changed: update EXPECTED"
    );
    for path in samples {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let (_, code, ids) = EXPECTED
            .iter()
            .find(|(f, _, _)| *f == name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        let text = std::fs::read_to_string(&path).unwrap();
        // Enveloped samples go as they are (some have no WS-Addressing at all); bare
        // payloads are wrapped.
        let request = if text.contains("http://www.w3.org/2003/05/soap-envelope") {
            text.clone()
        } else {
            soap_client::envelope(
                ITI55,
                "urn:uuid:0e1f7c1c-3f43-4b3a-9d43-0f2f2b9f1d00",
                &text,
            )
        };
        let answer = soap_client::post(
            &gw.initiating_url(),
            "application/soap+xml; charset=utf-8",
            request,
        )
        .await;
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        assert!(
            answer.content_type.starts_with("application/soap+xml"),
            "{name}: {}",
            answer.content_type
        );
        let payload = soap_client::body_payload(&answer.body);
        if *code == "NS250" {
            assert_eq!(payload.local, "MCCI_IN000002UV01", "{name}");
            assert!(answer.body.contains("NS250"), "{name}: {}", answer.body);
            if validate {
                corpus::validate(
                    &dir,
                    "drivers/soap12-mcci-in000002.xsd",
                    &answer.body,
                    &name,
                )
                .unwrap();
            }
            continue;
        }
        let parsed = hl7v3::parse_response(&payload).unwrap();
        assert_eq!(
            parsed.query_response_code.as_deref(),
            Some(*code),
            "{name}: {}",
            answer.body
        );
        let found: Vec<&str> = parsed
            .matches
            .iter()
            .filter_map(|m| m.patient_id.extension.as_deref())
            .collect();
        assert_eq!(found, *ids, "{name}");
        for m in &parsed.matches {
            assert!(
                m.home_community_id
                    .as_deref()
                    .is_some_and(|h| h.starts_with("urn:oid:2.999.1.")),
                "{name}: custodian missing"
            );
        }
        let request_payload = xml::parse(soap_client::strip_declaration(&text).as_bytes()).unwrap();
        let request_payload = xcgate_ihe::soap::payload(request_payload).unwrap();
        let request_id =
            hl7v3::read_ii(request_payload.child(xml::ns::HL7, "id").unwrap()).unwrap();
        assert_eq!(
            parsed.target_message.as_ref(),
            Some(&request_id),
            "{name}: acknowledgement/targetMessage must be the request id"
        );
        assert!(
            answer.body.contains("<queryByParameter>"),
            "{name}: the request's queryByParameter is echoed"
        );
        if validate {
            corpus::validate(
                &dir,
                "drivers/soap12-prpa-in201306.xsd",
                &answer.body,
                &name,
            )
            .unwrap();
        }
    }
}

#[test]
fn every_sample_response_is_read_into_matches_or_refused_precisely() {
    let Some(dir) = corpus::dir() else { return };
    for path in corpus::samples(&dir, "iti55", "response") {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let doc =
            xml::parse(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let payload = xcgate_ihe::soap::payload(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let parsed = hl7v3::parse_response(&payload).unwrap_or_else(|e| panic!("{name}: {e}"));
        let code = parsed.query_response_code.clone().unwrap_or_default();
        match name.as_str() {
            "iti55-response-ipf-match.xml" => {
                assert_eq!(code, "OK");
                assert_eq!(parsed.matches.len(), 2);
                assert_eq!(
                    parsed.matches[0].patient_id.extension.as_deref(),
                    Some("34827K410")
                );
                assert_eq!(parsed.matches[0].match_quality, Some(92));
                assert_eq!(
                    parsed.matches[0].home_community_id.as_deref(),
                    Some("urn:oid:1.2.840.114350.1.13.99998.8734")
                );
                assert_eq!(parsed.matches[0].other_ids.len(), 2);
            }
            "iti55-response-connect-qe-responderbusy.xml" => {
                // CONNECT: QE with a detectedIssueEvent outside reasonOf.
                assert_eq!(code, "QE");
                assert!(parsed.matches.is_empty());
                assert!(matches!(
                    parsed.issues.as_slice(),
                    [xcgate_ihe::xcpd::DetectedIssue::Error {
                        code: xcgate_ihe::xcpd::IssueCode::ResponderBusy,
                        ..
                    }]
                ));
            }
            "iti55-response-metriport-no-match.xml" => {
                assert_eq!(code, "NF");
                assert!(parsed.matches.is_empty());
            }
            n if n.starts_with("iti55-response-metriport-match")
                || n == "iti55-response-nist-findpatient.xml" =>
            {
                assert_eq!(code, "OK", "{name}");
                assert!(!parsed.matches.is_empty(), "{name}");
                for m in &parsed.matches {
                    assert!(!m.patient_id.root.is_empty(), "{name}");
                    assert!(
                        !m.names.is_empty() || m.patient_id.extension.is_some(),
                        "{name}"
                    );
                }
            }
            other => panic!("no expectation for {other}: add one"),
        }
    }
}

#[test]
fn a_payload_in_the_wrong_namespace_is_refused_with_a_clean_error() {
    let doc = xml::parse(
        br#"<PRPA_IN201306UV02 xmlns="urn:hl7-org:v2"><id root="1"/></PRPA_IN201306UV02>"#,
    )
    .unwrap();
    let e = hl7v3::parse_response(&doc).unwrap_err().to_string();
    assert!(
        e.contains("expected {urn:hl7-org:v3}PRPA_IN201306UV02"),
        "{e}"
    );
}
