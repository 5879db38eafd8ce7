use super::*;

fn good() -> PatientMatch {
    PatientMatch {
        patient_id: Ii::new("1.2.246.21", Some("010190-123A")),
        gender: Some("F".into()),
        birth_time: Some("19900101".into()),
        home_community_id: Some("urn:oid:1.2.246.10".into()),
        ..PatientMatch::default()
    }
}

#[test]
fn a_sound_match_passes() {
    assert_eq!(check_match(1, &good()), Ok(()));
}

#[test]
fn absurd_values_are_named_by_field_without_the_value() {
    let cases: Vec<(PatientMatch, &str)> = vec![
        (
            PatientMatch {
                birth_time: Some("yesterday".into()),
                ..good()
            },
            "birth-time",
        ),
        (
            PatientMatch {
                birth_time: Some("1990010".into()),
                ..good()
            },
            "birth-time",
        ),
        (
            PatientMatch {
                patient_id: Ii::new("", Some("x")),
                ..good()
            },
            "patient-id root",
        ),
        (
            PatientMatch {
                patient_id: Ii::new("1.2.3", Some("")),
                ..good()
            },
            "patient-id extension",
        ),
        (
            PatientMatch {
                gender: Some("not a code".into()),
                ..good()
            },
            "gender",
        ),
        (
            PatientMatch {
                home_community_id: Some("http://elsewhere".into()),
                ..good()
            },
            "home-community-id",
        ),
        (
            PatientMatch {
                patient_id: Ii::new("1.2.3", Some("a\u{0}b")),
                ..good()
            },
            "control character",
        ),
        (
            PatientMatch {
                patient_id: Ii::new("1.2.3", Some(&"9".repeat(5000))),
                ..good()
            },
            "longer than",
        ),
    ];
    for (m, field) in cases {
        let e = check_match(2, &m).err().unwrap_or_default();
        assert!(
            e.starts_with("match 2: ") && e.contains(field),
            "{field}: {e}"
        );
        assert!(
            !e.contains("yesterday") && !e.contains("http://elsewhere"),
            "{e}"
        );
    }
}

#[test]
fn hl7_timestamps_of_every_precision_are_accepted() {
    for ts in [
        "1990",
        "199001",
        "19900101",
        "1990010112",
        "199001011230",
        "19900101123045",
        "19900101123045.123",
        "199001011230+0200",
        "19900101123045.1-0500",
    ] {
        assert!(is_hl7_ts(ts), "{ts}");
    }
    for ts in [
        "",
        "90",
        "1990-01-01",
        "19900101T1230",
        "1990.5",
        "19900101+02",
        "abcd",
    ] {
        assert!(!is_hl7_ts(ts), "{ts}");
    }
}
