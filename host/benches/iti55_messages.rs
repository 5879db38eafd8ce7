//! Message costs on the ITI-55 path: parse a request envelope, build an answer.
//! `cargo bench -p xcgate --bench iti55_messages`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xcgate_ihe::hl7v3::{self, AckCode, Custodian, DiscoveryResponse, Party, QueryResponseCode};
use xcgate_ihe::xcpd::{Ii, PatientMatch, PersonName};

const REQUEST: &str = include_str!("../../config/examples/iti55-virtanen.xml");

fn bench(c: &mut Criterion) {
    c.bench_function("xml_parse_only", |b| {
        b.iter(|| xcgate_ihe::xml::parse(black_box(REQUEST.as_bytes())).unwrap())
    });
    c.bench_function("iti55_parse_envelope_and_query", |b| {
        b.iter(|| {
            let env = xcgate_ihe::soap::parse_envelope(black_box(REQUEST.as_bytes())).unwrap();
            hl7v3::parse_query(&env.body).unwrap()
        })
    });
    let env = xcgate_ihe::soap::parse_envelope(REQUEST.as_bytes()).unwrap();
    let req = hl7v3::parse_query(&env.body).unwrap();
    let m = PatientMatch {
        patient_id: Ii::new("2.999.1.10.1", Some("PIR-1001")),
        other_ids: vec![Ii::new("1.2.246.21", Some("120390-904J"))],
        names: vec![PersonName {
            family: vec!["Virtanen".into()],
            given: vec!["Aino".into()],
            ..Default::default()
        }],
        gender: Some("F".into()),
        birth_time: Some("19900312".into()),
        match_quality: Some(90),
        ..Default::default()
    };
    let events: Vec<_> = (0..3)
        .map(|_| {
            (
                m.clone(),
                Custodian {
                    home_community: "urn:oid:2.999.1.10".into(),
                    supports_hdl: false,
                },
            )
        })
        .collect();
    c.bench_function("iti55_build_answer_3_matches", |b| {
        b.iter(|| {
            DiscoveryResponse {
                message_id: Ii::new("2.999.1", Some("r")),
                creation_time: "20261123120000+0000",
                processing_code: "P",
                sender: Party::default(),
                receiver: Party::default(),
                ack: AckCode::AA,
                ack_detail: None,
                target_message: Some(&req.message_id),
                query_response: QueryResponseCode::OK,
                query_id: &req.query_id,
                events: black_box(&events),
                issues: &[],
                query_by_parameter: Some(&req.query_by_parameter),
            }
            .build()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
