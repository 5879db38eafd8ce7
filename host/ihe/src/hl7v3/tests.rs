use super::*;
use crate::xcpd::*;
use crate::xml::parse;

fn query() -> PatientQuery {
    PatientQuery {
        names: vec![PersonName {
            family: vec!["Mäkinen".into()],
            given: vec!["Ella".into(), "M".into()],
            ..Default::default()
        }],
        birth_time: Some(TimeQuery {
            value: None,
            low: Some("2016".into()),
            high: Some("20161231".into()),
        }),
        gender: Some("F".into()),
        ids: vec![Ii::new("1.2.246.21", Some("020516A902J"))],
        addresses: vec![Address {
            street_lines: vec!["Hämeenkatu 1".into()],
            city: Some("Tampere".into()),
            country: Some("FI".into()),
            ..Default::default()
        }],
        telecoms: vec![Telecom {
            value: "tel:+358-40-555-0101".into(),
            telecom_use: Some("HP".into()),
        }],
        mothers_maiden_name: Some(PersonName {
            family: vec!["Lahtinen".into()],
            ..Default::default()
        }),
        birth_place_address: Some(Address {
            city: Some("Tampere".into()),
            ..Default::default()
        }),
        birth_place_name: Some("Tays".into()),
        principal_care_provider_ids: vec![Ii::new("1.2.246.10.1", Some("doc-7"))],
        match_algorithm: Some("exact".into()),
        minimum_degree_match: Some(80),
        reverse_query_assigning_authority: Some("2.999.5.9".into()),
    }
}

fn builder(q: &PatientQuery) -> QueryBuilder<'_> {
    QueryBuilder {
        message_id: Ii::new("2.999.5", Some("m1")),
        creation_time: "20261123120000",
        sender_device: Ii::new("2.999.5.1", None),
        sender_home_community: "urn:oid:2.999.5",
        receiver_device: Ii::new("2.999.1", None),
        receiver_home_community: Some("urn:oid:urn:oid:2.999.1"),
        query_id: Ii::new("2.999.5", Some("q1")),
        query: q,
    }
}

#[test]
fn every_query_parameter_survives_build_and_parse() {
    let q = query();
    let xml = builder(&q).build();
    let parsed = parse_query(&parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(parsed.query, q);
    assert_eq!(parsed.message_id, Ii::new("2.999.5", Some("m1")));
    assert_eq!(parsed.query_id, Ii::new("2.999.5", Some("q1")));
    assert_eq!(parsed.sender_home_community.as_deref(), Some("2.999.5"));
    assert_eq!(
        parsed.receiver_home_community.as_deref(),
        Some("2.999.1"),
        "a doubled urn:oid: prefix is undone"
    );
    assert_eq!(parsed.priority, Priority::Immediate);
}

#[test]
fn a_query_needs_an_id_or_a_name() {
    let q = PatientQuery {
        birth_time: Some(TimeQuery {
            value: Some("1990".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let xml = builder(&q).build();
    let e = parse_query(&parse(xml.as_bytes()).unwrap()).unwrap_err();
    assert!(
        e.to_string()
            .contains("LivingSubjectId or LivingSubjectName"),
        "{e}"
    );
}

#[test]
fn minimum_degree_match_out_of_range_is_refused() {
    let mut q = query();
    q.minimum_degree_match = Some(80);
    let xml = builder(&q).build().replace("value=\"80\"", "value=\"180\"");
    let e = parse_query(&parse(xml.as_bytes()).unwrap()).unwrap_err();
    assert!(e.to_string().contains("180"), "{e}");
}

#[test]
fn an_answer_round_trips_matches_custodians_and_issues() {
    let q = query();
    let request = parse_query(&parse(builder(&q).build().as_bytes()).unwrap()).unwrap();
    let m = PatientMatch {
        patient_id: Ii::new("2.999.1.10.1", Some("PIR-1003")),
        other_ids: vec![Ii::new("1.2.246.21", Some("020516A902J"))],
        names: vec![PersonName {
            family: vec!["Mäkinen".into()],
            given: vec!["Ella".into()],
            ..Default::default()
        }],
        gender: Some("F".into()),
        birth_time: Some("20160502".into()),
        addresses: vec![Address {
            city: Some("Tampere".into()),
            ..Default::default()
        }],
        telecoms: vec![Telecom {
            value: "tel:+358-40-555-0101".into(),
            telecom_use: None,
        }],
        mothers_maiden_name: None,
        match_quality: Some(95),
        home_community_id: None,
        correlation_ttl: None,
    };
    let events = [(
        m.clone(),
        Custodian {
            home_community: "urn:oid:2.999.1.10".into(),
            supports_hdl: false,
        },
    )];
    let issues = [
        DetectedIssue::AttributesRequested(vec![RequestedAttribute::PatientTelecom]),
        DetectedIssue::Error {
            code: IssueCode::AnswerNotAvailable,
            text: Some("community lappi timed out".into()),
        },
    ];
    let xml = DiscoveryResponse {
        message_id: Ii::new("2.999.1", Some("r1")),
        creation_time: "20261123120001",
        processing_code: "P",
        sender: Party {
            device: Some(Ii::new("2.999.1", None)),
            home_community: Some("urn:oid:2.999.1".into()),
        },
        receiver: Party::default(),
        ack: AckCode::AA,
        ack_detail: None,
        target_message: Some(&request.message_id),
        query_response: QueryResponseCode::OK,
        query_id: &request.query_id,
        events: &events,
        issues: &issues,
        query_by_parameter: Some(&request.query_by_parameter),
    }
    .build();
    let back = parse_response(&parse(xml.as_bytes()).unwrap()).unwrap();
    let expected = PatientMatch {
        home_community_id: Some("urn:oid:2.999.1.10".into()),
        ..m
    };
    assert_eq!(back.matches, vec![expected]);
    assert_eq!(back.issues, issues);
    assert_eq!(back.query_response_code.as_deref(), Some("OK"));
    assert_eq!(back.target_message, Some(request.message_id.clone()));
    // The echoed queryByParameter reads back as the same query.
    let echoed = parse(xml.as_bytes()).unwrap();
    let qbp = echoed
        .path(
            crate::xml::ns::HL7,
            &["controlActProcess", "queryByParameter"],
        )
        .unwrap();
    assert_eq!(qbp, &request.query_by_parameter);
}

#[test]
fn a_match_without_quality_keeps_the_required_observation_as_unknown() {
    let q = query();
    let request = parse_query(&parse(builder(&q).build().as_bytes()).unwrap()).unwrap();
    let m = PatientMatch {
        patient_id: Ii::new("2.999.1.10.1", Some("PIR-1003")),
        match_quality: None,
        ..Default::default()
    };
    let events = [(
        m,
        Custodian {
            home_community: "urn:oid:2.999.1.10".into(),
            supports_hdl: false,
        },
    )];
    let xml = DiscoveryResponse {
        message_id: Ii::new("2.999.1", Some("r2")),
        creation_time: "20261123120001",
        processing_code: "P",
        sender: Party::default(),
        receiver: Party::default(),
        ack: AckCode::AA,
        ack_detail: None,
        target_message: Some(&request.message_id),
        query_response: QueryResponseCode::OK,
        query_id: &request.query_id,
        events: &events,
        issues: &[],
        query_by_parameter: Some(&request.query_by_parameter),
    }
    .build();
    // PRPA_MT201310UV02.Patient requires subjectOf1: an unknown quality is said so.
    assert!(
        xml.contains(r#"<value xsi:type="INT" nullFlavor="UNK"/>"#),
        "{xml}"
    );
    let back = parse_response(&parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(back.matches[0].match_quality, None);
}
