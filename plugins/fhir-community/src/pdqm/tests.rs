use super::*;
use xcgate_sdk::InstanceId;
use xcgate_sdk::xcpd::PersonName;

fn name(family: &str, given: &[&str]) -> PersonName {
    PersonName {
        family: vec![family.to_string()],
        given: given.iter().map(|g| g.to_string()).collect(),
        prefix: vec![],
        suffix: vec![],
        name_use: None,
    }
}

fn query(names: Vec<PersonName>, birth: Option<&str>) -> PatientQuery {
    PatientQuery {
        names,
        birth_time: birth.map(|b| TimeQuery {
            value: Some(b.to_string()),
            low: None,
            high: None,
        }),
        ..PatientQuery::default()
    }
}

fn candidate(id: &str, n: PersonName, born: &str) -> PatientMatch {
    PatientMatch {
        patient_id: InstanceId::new("2.999.44.1", id),
        other_ids: vec![],
        names: vec![n],
        gender: Some("F".into()),
        birth_time: Some(born.into()),
        addresses: vec![],
        telecoms: vec![],
        mothers_maiden_name: None,
        match_quality: None,
        home_community_id: None,
        extensions: vec![],
    }
}

#[test]
fn a_demographic_query_becomes_a_pdqm_search() {
    let mut q = query(vec![name("Virtanen", &["Aino", "Maria"])], Some("19900312"));
    q.gender = Some("F".into());
    assert_eq!(
        demographic_searches(&q, 10),
        [
            "Patient?family=Virtanen&given=Aino&given=Maria&birthdate=1990-03-12&gender=female&_count=11"
        ]
    );
    q.birth_time = Some(TimeQuery {
        value: None,
        low: Some("1990".into()),
        high: Some("19901231".into()),
    });
    assert!(demographic_searches(&q, 10)[0].contains("birthdate=ge1990&birthdate=le1990-12-31"));
    assert!(demographic_searches(&query(vec![], Some("1990")), 10).is_empty());
}

#[test]
fn query_ids_become_one_identifier_search() {
    let mut q = query(vec![], None);
    q.ids = vec![
        InstanceId::new("2.999.44.1", "FHIR-1001"),
        InstanceId {
            root: "1.2.246.21".into(),
            extension: None,
        },
        InstanceId::new("1.2.246.21", "120390-998W"),
    ];
    assert_eq!(
        id_search(&q).unwrap(),
        "Patient?identifier=urn%3Aoid%3A2.999.44.1%7CFHIR-1001%2Curn%3Aoid%3A1.2.246.21%7C120390-998W"
    );
    assert_eq!(id_search(&query(vec![], None)), None);
}

#[test]
fn server_prefix_matches_are_checked_again() {
    let q = query(vec![name("Virta", &["Aino"])], Some("19900312"));
    let found = vec![candidate("1", name("Virtanen", &["Aino"]), "19900312")];
    assert!(decide(&q, found, false, 10).unwrap().is_empty());
    let q = query(vec![name("virtanen", &["aino"])], Some("1990"));
    let found = vec![
        candidate("1", name("Virtanen", &["Aino"]), "19900312"),
        candidate("1", name("Virtanen", &["Aino"]), "19900312"),
        candidate("2", name("Virtanen", &["Aino"]), "19910312"),
    ];
    let matches = decide(&q, found, false, 10).unwrap();
    assert_eq!(
        matches.len(),
        1,
        "duplicates dropped, wrong birth year refused"
    );
    assert_eq!(matches[0].match_quality, Some(80));
}

#[test]
fn too_many_candidates_ask_for_more_attributes() {
    let q = query(vec![name("Virtanen", &[])], Some("1990"));
    let found: Vec<PatientMatch> = (0..3)
        .map(|i| candidate(&i.to_string(), name("Virtanen", &["Aino"]), "19900312"))
        .collect();
    let Err(AdapterError::MoreAttributesRequested(wanted)) = decide(&q, found.clone(), false, 2)
    else {
        panic!("Case 3 expected")
    };
    assert!(wanted.contains(&RequestedAttribute::AdministrativeGender));
    assert_eq!(
        decide(&q, found, true, 5).unwrap()[0].match_quality,
        Some(100)
    );
}
