use super::*;
use crate::settings::tests::ctx;
use xcgate_sdk::RequestedAttribute as WitAttribute;
use xcgate_sdk::ihe::hl7v3::{AckCode, Custodian, DiscoveryResponse, Party, QueryResponseCode};
use xcgate_sdk::ihe::xcpd::{self as m, RequestedAttribute};
use xcgate_sdk::ihe::xml;
use xcgate_sdk::xcpd::{PersonName, TimeQuery};

fn settings(pairs: &[(&str, &str)], initiator: Option<&str>) -> Settings {
    Settings::read(
        |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        },
        &ctx(initiator),
    )
    .unwrap()
}

fn query() -> PatientQuery {
    PatientQuery {
        names: vec![PersonName {
            family: vec!["Virtanen".into()],
            given: vec!["Aino".into()],
            prefix: vec![],
            suffix: vec![],
            name_use: None,
        }],
        birth_time: Some(TimeQuery {
            value: Some("19900312".into()),
            low: None,
            high: None,
        }),
        gender: Some("F".into()),
        ids: vec![],
        addresses: vec![],
        telecoms: vec![],
        mothers_maiden_name: None,
        birth_place_address: None,
        birth_place_name: None,
        principal_care_provider_ids: vec![],
        match_algorithm: None,
        minimum_degree_match: None,
        reverse_query_assigning_authority: None,
        extensions: vec![],
    }
}

fn wrapper() -> Wrapper {
    Wrapper {
        message_id: "6F9619FF-8B86-4011-B42D-00C04FC964FF".into(),
        query_id: "q-1".into(),
        creation_time: "20260101120000".into(),
    }
}

#[test]
fn the_request_carries_both_communities_and_every_parameter() {
    let s = settings(
        &[("assigning_authority", "2.999.5.1")],
        Some("urn:oid:2.999.5"),
    );
    let xml = request(&s, &query(), &wrapper()).unwrap();
    let parsed = hl7v3::parse_query(&xml::parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(parsed.sender_home_community.as_deref(), Some("2.999.5"));
    assert_eq!(
        parsed.receiver_home_community.as_deref(),
        Some("2.999.1.10")
    );
    assert_eq!(parsed.sender_device.unwrap().root, "2.999.5");
    assert_eq!(parsed.receiver_device.unwrap().root, "2.999.1.10");
    assert_eq!(parsed.message_id.root, wrapper().message_id);
    assert_eq!(parsed.priority, hl7v3::Priority::Immediate);
    assert_eq!(parsed.query.names[0].family, ["Virtanen"]);
    assert_eq!(parsed.query.gender.as_deref(), Some("F"));
    assert_eq!(
        parsed.query.reverse_query_assigning_authority.as_deref(),
        Some("2.999.5.1"),
        "our authority when the initiator named none"
    );
    let mut q = query();
    q.reverse_query_assigning_authority = Some("2.999.6.1".into());
    let xml = request(&s, &q, &wrapper()).unwrap();
    let parsed = hl7v3::parse_query(&xml::parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        parsed.query.reverse_query_assigning_authority.as_deref(),
        Some("2.999.6.1"),
        "the initiator's own wins"
    );
}

#[test]
fn without_a_sender_community_nothing_is_sent() {
    let s = settings(&[], None);
    assert!(matches!(
        request(&s, &query(), &wrapper()),
        Err(AdapterError::Internal(m)) if m.contains("sender_home_community_id")
    ));
}

fn parsed(ack: &str, code: &str, matches: usize, issues: Vec<DetectedIssue>) -> ParsedResponse {
    ParsedResponse {
        ack_code: Some(ack.into()),
        query_response_code: Some(code.into()),
        matches: (0..matches)
            .map(|i| m::PatientMatch {
                patient_id: Ii::new("2.999.1.10.1", Some(&format!("P{i}"))),
                home_community_id: Some("urn:oid:2.999.1.10".into()),
                match_quality: Some(90),
                ..Default::default()
            })
            .collect(),
        issues,
        ..Default::default()
    }
}

fn issue(code: IssueCode) -> DetectedIssue {
    DetectedIssue::Error { code, text: None }
}

#[test]
fn the_five_cases_are_told_apart() {
    let found = interpret(parsed("AA", "OK", 2, vec![])).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].patient_id.extension.as_deref(), Some("P1"));
    assert_eq!(
        found[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.1.10")
    );
    assert_eq!(found[0].match_quality, Some(90));
    assert!(interpret(parsed("AA", "NF", 0, vec![])).unwrap().is_empty());
    let case3 = DetectedIssue::AttributesRequested(vec![
        RequestedAttribute::PatientAddress,
        RequestedAttribute::MothersMaidenName,
    ]);
    assert_eq!(
        interpret(parsed("AA", "OK", 0, vec![case3.clone()])),
        Err(AdapterError::MoreAttributesRequested(vec![
            WitAttribute::PatientAddress,
            WitAttribute::MothersMaidenName
        ]))
    );
    assert_eq!(
        interpret(parsed("AA", "OK", 1, vec![case3])).unwrap().len(),
        1,
        "matches win over requested attributes"
    );
}

#[test]
fn errors_keep_their_detected_issue_code_and_never_read_as_no_match() {
    let err = |ack, code, issues| interpret(parsed(ack, code, 0, issues)).unwrap_err();
    // The CONNECT shape: AA with queryResponseCode QE and ResponderBusy.
    assert!(
        matches!(err("AA", "QE", vec![issue(IssueCode::ResponderBusy)]), AdapterError::Busy(m) if m.contains("ResponderBusy") && m.contains("QE"))
    );
    assert!(matches!(
        err("AE", "AE", vec![]),
        AdapterError::Unavailable(_)
    ));
    assert!(matches!(
        err("AE", "AE", vec![issue(IssueCode::AnswerNotAvailable)]),
        AdapterError::Unavailable(_)
    ));
    assert!(matches!(
        err("AE", "AE", vec![issue(IssueCode::InternalError)]),
        AdapterError::BadResponse(_)
    ));
    assert!(matches!(
        err("AR", "OK", vec![]),
        AdapterError::Unavailable(_)
    ));
    // An AA/NF that carries an error issue is an error too.
    assert!(matches!(
        err("AA", "NF", vec![issue(IssueCode::ResponderBusy)]),
        AdapterError::Busy(_)
    ));
    // AE with matches is still an error: the responder said it could not answer.
    assert!(interpret(parsed("AE", "AE", 1, vec![])).is_err());
}

#[test]
fn an_answer_is_read_from_the_payload_and_the_wrong_message_is_refused() {
    let events = [(
        m::PatientMatch {
            patient_id: Ii::new("2.999.1.10.1", Some("PIR-1001")),
            names: vec![m::PersonName {
                family: vec!["Virtanen".into()],
                ..Default::default()
            }],
            ..Default::default()
        },
        Custodian {
            home_community: "2.999.1.10".into(),
            supports_hdl: false,
        },
    )];
    let query_id = Ii::new("2.999.5", Some("q-1"));
    let xml = DiscoveryResponse {
        message_id: Ii::new("2.999.1", Some("m")),
        creation_time: "20260101120000",
        processing_code: "P",
        sender: Party::default(),
        receiver: Party::default(),
        ack: AckCode::AA,
        ack_detail: None,
        target_message: None,
        query_response: QueryResponseCode::OK,
        query_id: &query_id,
        events: &events,
        issues: &[],
        query_by_parameter: None,
    }
    .build();
    let found = answer(&xml::parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(found[0].patient_id.extension.as_deref(), Some("PIR-1001"));
    assert_eq!(
        found[0].home_community_id.as_deref(),
        Some("urn:oid:2.999.1.10")
    );
    // The same message in the wrong namespace [host/ihe/README.md, "What real peers send"].
    let wrong = xml.replace("urn:hl7-org:v3", "urn:example:not-hl7");
    assert!(matches!(
        answer(&xml::parse(wrong.as_bytes()).unwrap()),
        Err(AdapterError::BadResponse(m)) if m.contains("PRPA_IN201306UV02")
    ));
}

#[test]
fn an_iso_8601_birth_date_from_a_real_gateway_is_read_as_the_ts_it_means() {
    // The shape a US network participant's gateway answered with: birthTime as ISO dates.
    let events: Vec<(m::PatientMatch, Custodian)> = ["1980-02-03", "1980-02-03T10:20:30Z"]
        .iter()
        .enumerate()
        .map(|(i, birth)| {
            (
                m::PatientMatch {
                    patient_id: Ii::new("2.16.840.1.113883.3.9621", Some(&format!("P{i}"))),
                    birth_time: Some(birth.to_string()),
                    ..Default::default()
                },
                Custodian {
                    home_community: "2.16.840.1.113883.3.9621".into(),
                    supports_hdl: false,
                },
            )
        })
        .collect();
    let query_id = Ii::new("2.999.5", Some("q-1"));
    let xml = DiscoveryResponse {
        message_id: Ii::new("2.999.1", Some("m")),
        creation_time: "20260101120000",
        processing_code: "P",
        sender: Party::default(),
        receiver: Party::default(),
        ack: AckCode::AA,
        ack_detail: None,
        target_message: None,
        query_response: QueryResponseCode::OK,
        query_id: &query_id,
        events: &events,
        issues: &[],
        query_by_parameter: None,
    }
    .build();
    assert!(
        xml.contains("value=\"1980-02-03\""),
        "the answer carries the ISO date"
    );
    let found = answer(&xml::parse(xml.as_bytes()).unwrap()).unwrap();
    let births: Vec<Option<&str>> = found.iter().map(|m| m.birth_time.as_deref()).collect();
    assert_eq!(births, [Some("19800203"), Some("19800203102030+0000")]);
}
