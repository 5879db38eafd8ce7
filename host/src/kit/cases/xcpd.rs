//! ITI-55 cases derived from a base query: every parameter kind of
//! [ITI TF-2 Table 3.55.4.1.2.2-1] added to it, and empty and absurd values a gateway can
//! pass on (what an initiator sends reaches the plugin as typed strings, unchecked).

use super::Case;
use crate::kit::request::KitRequest;
use xcgate_ihe::hl7v3::DiscoveryRequest;
use xcgate_ihe::xcpd::{Address, Ii, PatientQuery, PersonName, Telecom, TimeQuery};

/// The gender opposite to `gender` (M and F; anything else asks for F).
pub fn opposite_gender(gender: &str) -> &'static str {
    if gender.trim().eq_ignore_ascii_case("F") {
        "M"
    } else {
        "F"
    }
}

/// `base` with its query changed by `change`.
pub fn varied(base: &DiscoveryRequest, change: impl FnOnce(&mut PatientQuery)) -> KitRequest {
    let mut request = base.clone();
    change(&mut request.query);
    KitRequest::Iti55(Box::new(request))
}

fn name(family: &str, given: &str) -> PersonName {
    PersonName {
        family: vec![family.into()],
        given: vec![given.into()],
        ..PersonName::default()
    }
}

/// The parameter kinds, each added to (or varied in) the base query.
pub fn parameter_kinds(base: &DiscoveryRequest) -> Vec<Case> {
    let birth = base
        .query
        .birth_time
        .as_ref()
        .and_then(|b| b.value.clone().or(b.low.clone()))
        .unwrap_or_else(|| "19700101".into());
    let year = birth.chars().take(4).collect::<String>();
    let mut cases = vec![
        Case::new(
            "ITI-55 with LivingSubjectId (a second id)",
            varied(base, |q| {
                q.ids.push(Ii::new("2.999.999.55.1", Some("KIT-1")))
            }),
        ),
        Case::new(
            "ITI-55 with PatientAddress",
            varied(base, |q| {
                q.addresses.push(Address {
                    street_lines: vec!["Hämeenkatu 1".into()],
                    city: Some("Tampere".into()),
                    postal_code: Some("33100".into()),
                    country: Some("FI".into()),
                    ..Address::default()
                });
            }),
        ),
        Case::new(
            "ITI-55 with PatientTelecom",
            varied(base, |q| {
                q.telecoms.push(Telecom {
                    value: "tel:+358401234567".into(),
                    telecom_use: Some("HP".into()),
                });
            }),
        ),
        Case::new(
            "ITI-55 with MothersMaidenName",
            varied(base, |q| q.mothers_maiden_name = Some(name("Mäkinen", ""))),
        ),
        Case::new(
            "ITI-55 with LivingSubjectBirthPlaceAddress and -Name",
            varied(base, |q| {
                q.birth_place_address = Some(Address {
                    city: Some("Oulu".into()),
                    country: Some("FI".into()),
                    ..Address::default()
                });
                q.birth_place_name = Some("Oulu".into());
            }),
        ),
        Case::new(
            "ITI-55 with PrincipalCareProviderId",
            varied(base, |q| {
                q.principal_care_provider_ids
                    .push(Ii::new("2.999.999.55.2", Some("DR-1")));
            }),
        ),
        Case::new(
            "ITI-55 with MatchAlgorithm and MinimumDegreeMatch",
            varied(base, |q| {
                q.match_algorithm = Some("kit".into());
                q.minimum_degree_match = Some(80);
            }),
        ),
        Case::new(
            "ITI-55 birth time as a range",
            varied(base, |q| {
                q.birth_time = Some(TimeQuery {
                    value: None,
                    low: Some(format!("{year}0101")),
                    high: Some(format!("{year}1231")),
                });
            }),
        ),
        Case::new(
            "ITI-55 birth time approximate (the year alone)",
            varied(base, |q| {
                q.birth_time = Some(TimeQuery {
                    value: Some(year.clone()),
                    ..TimeQuery::default()
                });
            }),
        ),
        Case::new(
            "ITI-55 two alternative names",
            varied(base, |q| q.names.push(name("Kit-Alternative", "Name"))),
        ),
        Case::new(
            "ITI-55 identifier only (no demographics)",
            varied(base, |q| {
                *q = PatientQuery {
                    ids: vec![Ii::new("1.2.246.21", Some("010190-123A"))],
                    ..PatientQuery::default()
                };
            }),
        ),
    ];
    for gender in ["M", "F", "UN"] {
        cases.push(Case::new(
            format!("ITI-55 with gender {gender}"),
            varied(base, |q| q.gender = Some(gender.into())),
        ));
    }
    cases
}

/// Values no registry holds, which must get an answer (none, or an adapter-error), never a
/// trap.
pub fn absurd_values(base: &DiscoveryRequest) -> Vec<Case> {
    let with_name = |label: &str, family: String, given: String| {
        Case::new(
            format!("ITI-55 {label}"),
            varied(base, |q| {
                q.names = vec![PersonName {
                    family: vec![family],
                    given: vec![given],
                    ..PersonName::default()
                }];
            }),
        )
    };
    let with_birth = |value: &str| {
        Case::new(
            format!("ITI-55 birth time `{value}`"),
            varied(base, |q| {
                q.birth_time = Some(TimeQuery {
                    value: Some(value.into()),
                    ..TimeQuery::default()
                });
            }),
        )
    };
    vec![
        with_name("empty name parts", String::new(), String::new()),
        with_name(
            "family name of 10,000 characters",
            "K".repeat(10_000),
            "Kit".into(),
        ),
        with_name(
            "names in other scripts",
            "Ääkkönen-王-Ελληνικά-שָׁלוֹם-🏥".into(),
            "Ñandú".into(),
        ),
        with_name(
            "names with XML and SQL specials",
            "O'Brien <&> \"; DROP TABLE patients; --".into(),
            "%_*".into(),
        ),
        Case::new(
            "ITI-55 200 alternative names",
            varied(base, |q| {
                q.names = (0..200).map(|n| name(&format!("Kit{n}"), "X")).collect();
            }),
        ),
        with_birth("00000000"),
        with_birth("99991231"),
        with_birth("2024-13-45"),
        with_birth(""),
        Case::new(
            "ITI-55 identifier extension of 4,096 characters",
            varied(base, |q| {
                q.ids = vec![Ii::new("2.999.999.55.1", Some(&"9".repeat(4096)))];
            }),
        ),
        Case::new(
            "ITI-55 gender code `?`",
            varied(base, |q| q.gender = Some("?".into())),
        ),
        Case::new(
            "ITI-55 no parameters at all",
            varied(base, |q| *q = PatientQuery::default()),
        ),
    ]
}
