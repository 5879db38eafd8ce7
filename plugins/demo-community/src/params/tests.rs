use super::*;

fn params(pairs: &[(&str, &[&str])]) -> Params {
    let slots: Vec<RegistrySlot> = pairs
        .iter()
        .map(|(name, values)| RegistrySlot {
            name: (*name).into(),
            slot_type: None,
            values: values.iter().map(|v| (*v).to_string()).collect(),
        })
        .collect();
    Params::parse(&slots)
}

#[test]
fn values_of_every_value_element_are_alternatives() {
    let p = params(&[("$XDSDocumentEntryClassCode", &["('a^^1','b^^2')", "'c^^3'"])]);
    assert_eq!(
        p.list("$XDSDocumentEntryClassCode"),
        Some(&["a^^1".to_string(), "b^^2".to_string(), "c^^3".to_string()][..])
    );
    assert_eq!(p.len(), 1);
}

#[test]
fn required_and_single_parameters() {
    let p = params(&[("$a", &["('x','y')"]), ("$b", &["'z'"])]);
    assert_eq!(
        p.required("$missing").map_err(|e| e.code),
        Err("XDSStoredQueryMissingParam")
    );
    assert_eq!(
        p.single("$a").map_err(|e| e.code),
        Err("XDSStoredQueryParamNumber")
    );
    assert_eq!(p.required_single("$b").ok(), Some("z"));
    assert_eq!(
        p.one_of("$a", "$b").map_err(|e| e.code),
        Err("XDSStoredQueryParamNumber")
    );
    assert_eq!(
        p.one_of("$c", "$d").map_err(|e| e.code),
        Err("XDSStoredQueryMissingParam")
    );
}

#[test]
fn cx_patient_ids_compare_by_extension_and_root() {
    assert_eq!(
        parse_cx("PIR-1001^^^&2.999.1.10.1&ISO"),
        Some(("PIR-1001", "2.999.1.10.1"))
    );
    assert!(same_patient(
        "PIR-1001^^^&2.999.1.10.1&ISO",
        "PIR-1001^^^NS&2.999.1.10.1&ISO"
    ));
    assert!(!same_patient(
        "PIR-1001^^^&2.999.1.10.9&ISO",
        "PIR-1001^^^&2.999.1.10.1&ISO"
    ));
    assert_eq!(parse_cx("PIR-1001"), None);
    assert_eq!(parse_cx("^^^&2.999&ISO"), None);
}

#[test]
fn codes_match_code_and_scheme() {
    let c = CodeConfig {
        code: "N".into(),
        scheme: "2.16.840.1.113883.5.25".into(),
        display: "normal".into(),
    };
    assert!(code_matches(None, &c));
    assert!(code_matches(
        Some(&["N^^2.16.840.1.113883.5.25".into()]),
        &c
    ));
    assert!(code_matches(Some(&["N".into()]), &c));
    assert!(!code_matches(Some(&["N^^1.2".into()]), &c));
    assert!(!code_matches(
        Some(&["R^^2.16.840.1.113883.5.25".into()]),
        &c
    ));
}

#[test]
fn like_patterns() {
    assert!(like("%Lääkäri%", "^Lääkäri^Laura^^^"));
    assert!(like("^L_äkäri%", "^Lääkäri^Laura^^^"));
    assert!(!like("%Smith%", "^Lääkäri^Laura^^^"));
    assert!(like("%", ""));
    assert!(!like("a", ""));
}

#[test]
fn malformed_values_are_refused_except_a_patient_id_which_names_nobody() {
    let p = params(&[
        (
            "$XDSDocumentEntryPatientId",
            &["'593603^^^&2.16&ISO''%20and%20611%3d611--%20"],
        ),
        (
            "$XDSDocumentEntryStatus",
            &["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"],
        ),
    ]);
    assert_eq!(p.check(Some("$XDSDocumentEntryPatientId")), Ok(()));
    assert_eq!(p.patient("$XDSDocumentEntryPatientId"), Ok(None));
    assert_eq!(p.check(None).map_err(|e| e.code), Err("XDSRegistryError"));
    let p = params(&[("$XDSDocumentEntryClassCode", &["('a^^1'"])]);
    assert_eq!(
        p.check(Some("$XDSDocumentEntryPatientId"))
            .map_err(|e| e.code),
        Err("XDSRegistryError")
    );
    assert_eq!(
        p.patient("$XDSDocumentEntryPatientId").map_err(|e| e.code),
        Err("XDSStoredQueryMissingParam")
    );
}
