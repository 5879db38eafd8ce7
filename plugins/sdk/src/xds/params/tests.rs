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

#[test]
fn strict_parsing_refuses_any_malformed_value() {
    let slot = |name: &str, value: &str| RegistrySlot {
        name: name.into(),
        slot_type: None,
        values: vec![value.into()],
    };
    let p = Params::parse_strict(&[
        slot("$XDSDocumentEntryPatientId", "'P1^^^&2.999.44.1&ISO'"),
        slot("$XDSDocumentEntryStatus", "('a', 'b')"),
    ])
    .unwrap();
    assert_eq!(
        p.required_single("$XDSDocumentEntryPatientId").unwrap(),
        "P1^^^&2.999.44.1&ISO"
    );
    assert_eq!(p.list("$XDSDocumentEntryStatus").unwrap(), ["a", "b"]);
    let e = Params::parse_strict(&[slot("$b", "'ok'"), slot("$a", "('open")]).unwrap_err();
    assert_eq!(e.code, "XDSRegistryError");
    assert!(e.context.starts_with("parameter $a: "), "{}", e.context);
}

#[test]
fn time_ranges_take_one_value_per_bound() {
    let p = params(&[
        ("$XDSDocumentEntryCreationTimeFrom", &["'2024'"]),
        ("$XDSDocumentEntryServiceStopTimeTo", &["('1','2')"]),
    ]);
    assert_eq!(p.entry_time_range("CreationTime"), Ok((Some("2024"), None)));
    assert_eq!(p.entry_time_range("ServiceStartTime"), Ok((None, None)));
    assert_eq!(
        p.entry_time_range("ServiceStopTime").map_err(|e| e.code),
        Err("XDSStoredQueryParamNumber")
    );
}
