use super::*;
use crate::records::{IdConfig, PatientConfig, index};
use xcgate_sdk::InstanceId;
use xcgate_sdk::xcpd::{PersonName, TimeQuery};

fn patient(ext: &str, family: &str, given: &str, gender: &str, born: &str) -> PatientConfig {
    PatientConfig {
        id: IdConfig {
            root: "2.999.1".into(),
            extension: Some(ext.into()),
        },
        other_ids: vec![IdConfig {
            root: "1.2.246.21".into(),
            extension: Some(format!("HETU-{ext}")),
        }],
        family: vec![family.into()],
        given: vec![given.into()],
        gender: Some(gender.into()),
        birth_time: Some(born.into()),
        addresses: vec![],
        telecoms: vec![],
        mothers_maiden_family: None,
    }
}

fn query() -> PatientQuery {
    PatientQuery::default()
}

fn name(family: &str, given: &str) -> PersonName {
    PersonName {
        family: vec![family.into()],
        given: vec![given.into()],
        prefix: vec![],
        suffix: vec![],
        name_use: None,
    }
}

fn matched_ids(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Matches(m) => m
            .into_iter()
            .map(|m| m.patient_id.extension.unwrap_or_default())
            .collect(),
        Outcome::NeedMore(a) => panic!("expected matches, got a request for {a:?}"),
    }
}

fn demo_index() -> Index {
    index(
        vec![
            patient("A1", "Virtanen", "Aino", "F", "20160502"),
            patient("A2", "Virtanen", "Eino", "M", "19630805"),
            patient("A3", "Korhonen", "Aino", "F", "19800203"),
        ],
        Some(10),
    )
}

#[test]
fn an_identifier_from_any_assigning_authority_finds_the_patient() {
    let mut q = query();
    q.ids = vec![InstanceId::new("1.2.246.21", "HETU-A3")];
    assert_eq!(matched_ids(discover(&demo_index(), &q)), ["A3"]);
}

#[test]
fn an_unknown_identifier_alone_finds_nobody() {
    let mut q = query();
    q.ids = vec![InstanceId::new("1.2.246.21", "nobody")];
    assert!(matched_ids(discover(&demo_index(), &q)).is_empty());
}

#[test]
fn name_and_partial_birth_date_find_the_patient() {
    let mut q = query();
    q.names = vec![name("virtanen", "EINO")];
    q.birth_time = Some(TimeQuery {
        value: Some("1963".into()),
        low: None,
        high: None,
    });
    assert_eq!(matched_ids(discover(&demo_index(), &q)), ["A2"]);
}

#[test]
fn a_contradicting_gender_or_birth_date_excludes_the_patient() {
    let mut q = query();
    q.names = vec![name("Virtanen", "Eino")];
    q.birth_time = Some(TimeQuery {
        value: Some("19630805".into()),
        low: None,
        high: None,
    });
    q.gender = Some("F".into());
    assert!(matched_ids(discover(&demo_index(), &q)).is_empty());
    q.gender = Some("M".into());
    q.birth_time = Some(TimeQuery {
        value: Some("19630806".into()),
        low: None,
        high: None,
    });
    assert!(matched_ids(discover(&demo_index(), &q)).is_empty());
}

#[test]
fn a_birth_date_range_is_honoured() {
    let mut q = query();
    q.names = vec![PersonName {
        family: vec!["Virtanen".into()],
        ..name("", "")
    }];
    q.names[0].given.clear();
    q.birth_time = Some(TimeQuery {
        value: None,
        low: Some("2000".into()),
        high: Some("2020".into()),
    });
    assert_eq!(matched_ids(discover(&demo_index(), &q)), ["A1"]);
}

#[test]
fn minimum_degree_match_filters_weak_candidates() {
    let mut q = query();
    q.names = vec![name("Virtanen", "Aino")];
    q.birth_time = Some(TimeQuery {
        value: Some("20160502".into()),
        low: None,
        high: None,
    });
    q.minimum_degree_match = Some(90);
    assert!(matched_ids(discover(&demo_index(), &q)).is_empty());
    q.gender = Some("F".into());
    assert_eq!(matched_ids(discover(&demo_index(), &q)), ["A1"]);
}

#[test]
fn too_many_candidates_ask_for_more_attributes() {
    let mut idx = demo_index();
    idx.max_matches = 1;
    let mut q = query();
    q.names = vec![PersonName {
        family: vec!["Virtanen".into()],
        ..name("", "")
    }];
    q.names[0].given.clear();
    match discover(&idx, &q) {
        Outcome::NeedMore(wanted) => {
            assert!(wanted.contains(&RequestedAttribute::AdministrativeGender))
        }
        Outcome::Matches(m) => panic!("expected case 3, got {} matches", m.len()),
    }
}
