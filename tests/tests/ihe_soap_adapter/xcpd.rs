//! ITI-55 through the adapter: every XCPD answer sample, and the request it sends.

use super::*;

/// What an ITI-55 sample must become at the initiator.
#[derive(Debug)]
enum Discovery {
    /// The sample's registrationEvents, each as the same match.
    Matches,
    NoMatch,
    /// A failed community: one detectedIssueEvent with this code.
    Issue(IssueCode),
}

const ITI55_SAMPLES: &[(&str, Discovery)] = &[
    // AA with queryResponseCode QE and a ResponderBusy issue outside reasonOf.
    (
        "iti55-response-connect-qe-responderbusy.xml",
        Discovery::Issue(IssueCode::ResponderBusy),
    ),
    ("iti55-response-ipf-match.xml", Discovery::Matches),
    (
        "iti55-response-metriport-match-multi-addr-name.xml",
        Discovery::Matches,
    ),
    (
        "iti55-response-metriport-match-no-addresses.xml",
        Discovery::Matches,
    ),
    ("iti55-response-metriport-match.xml", Discovery::Matches),
    ("iti55-response-metriport-no-match.xml", Discovery::NoMatch),
    // Bare payload; custodian without a root.
    ("iti55-response-nist-findpatient.xml", Discovery::Matches),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xcpd_answer_sample_becomes_its_matches_or_its_issue() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti55", ITI55_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI55_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, hl7v3::actions::ITI55_RESPONSE);
        let sample_payload =
            xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&reply.body).unwrap()).unwrap();
        mock.reply_with(reply);
        let answer = soap_client::iti55(&gw.initiating_url(), &aino()).await;
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        let got = soap_client::iti55_answer(&answer.body);
        match expect {
            Discovery::Matches => {
                let oracle = hl7v3::parse_response(&sample_payload).unwrap();
                assert!(!oracle.matches.is_empty(), "{name}");
                assert_eq!(got.matches.len(), oracle.matches.len(), "{name}");
                for (g, mut o) in got.matches.iter().cloned().zip(oracle.matches) {
                    // A custodian without id: the community called holds the record.
                    o.home_community_id
                        .get_or_insert_with(|| REMOTE.to_string());
                    assert_eq!(g.patient_id, o.patient_id, "{name}");
                    assert_eq!(g.home_community_id, o.home_community_id, "{name}");
                    assert_eq!(
                        (
                            &g.names,
                            &g.gender,
                            &g.birth_time,
                            &g.addresses,
                            &g.telecoms
                        ),
                        (
                            &o.names,
                            &o.gender,
                            &o.birth_time,
                            &o.addresses,
                            &o.telecoms
                        ),
                        "{name}: demographics pass through"
                    );
                }
                assert_eq!(got.query_response_code.as_deref(), Some("OK"), "{name}");
            }
            Discovery::NoMatch => {
                assert!(
                    got.matches.is_empty() && got.issues.is_empty(),
                    "{name}: {:?}",
                    got.issues
                );
                assert_eq!(got.query_response_code.as_deref(), Some("NF"), "{name}");
            }
            Discovery::Issue(code) => {
                assert!(got.matches.is_empty(), "{name}");
                let issue = got.issues.iter().find_map(|i| match i {
                    DetectedIssue::Error { code, text } => Some((*code, text.clone())),
                    DetectedIssue::AttributesRequested(_) => None,
                });
                let (found, text) =
                    issue.unwrap_or_else(|| panic!("{name}: no issue: {:?}", got.issues));
                assert_eq!(found, *code, "{name}");
                assert!(
                    text.is_some_and(|t| t.contains("remote")),
                    "{name}: the community is named"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_xcpd_request_is_soap_12_with_ws_addressing_and_both_communities() {
    let (gw, mock) = gateway_and_mock().await;
    mock.reply_with(Reply::soap("<nothing-useful/>"));
    let _ = soap_client::iti55(&gw.initiating_url(), &aino()).await;
    let sent = mock.last().expect("the adapter called the responder");
    assert_eq!(sent.path, "/xcpd");
    assert!(
        sent.content_type.starts_with("application/soap+xml"),
        "{}",
        sent.content_type
    );
    let env = xcgate_ihe::soap::parse_envelope(&sent.body).expect("a SOAP 1.2 envelope");
    let a = &env.addressing;
    assert_eq!(a.action.as_deref(), Some(hl7v3::actions::ITI55_REQUEST));
    assert!(
        a.message_id
            .as_deref()
            .is_some_and(|m| m.starts_with("urn:uuid:"))
    );
    assert_eq!(a.reply_to.as_deref(), Some(xcgate_ihe::wsa::ANONYMOUS));
    assert_eq!(a.to.as_deref(), Some(REMOTE));
    let q = hl7v3::parse_query(&env.body).expect("a PRPA_IN201305UV02");
    assert_eq!(q.sender_home_community.as_deref(), Some("2.999.9"));
    assert_eq!(q.receiver_home_community.as_deref(), Some("2.999.40"));
    assert_eq!(q.query.names[0].family, ["Virtanen"]);
    assert_eq!(
        q.query.birth_time.unwrap().value.as_deref(),
        Some("19900312")
    );
    assert_eq!(
        q.query.reverse_query_assigning_authority.as_deref(),
        Some("2.999.9.1")
    );
}
