use super::*;

pub(crate) fn ctx(initiator: Option<&str>) -> CallContext {
    CallContext {
        request_id: "r-1".into(),
        deadline_unix_ms: 0,
        target_home_community_id: "urn:oid:2.999.1.10".into(),
        initiator_home_community_id: initiator.map(str::to_string),
        user: None,
        extensions: vec![],
    }
}

fn read(pairs: &[(&str, &str)], initiator: Option<&str>) -> Result<Settings, AdapterError> {
    Settings::read(
        |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        },
        &ctx(initiator),
    )
}

fn internal(e: AdapterError) -> String {
    match e {
        AdapterError::Internal(m) => m,
        other => panic!("expected internal, got {other:?}"),
    }
}

#[test]
fn nothing_configured_means_the_defaults_and_the_call_context() {
    let s = read(&[], Some("2.999.5")).unwrap();
    assert_eq!(
        (
            s.iti55_endpoint.as_str(),
            s.iti38_endpoint.as_str(),
            s.iti39_endpoint.as_str()
        ),
        ("xcpd", "query", "retrieve")
    );
    assert_eq!(s.remote_home_community_id, "urn:oid:2.999.1.10");
    assert_eq!(s.sender_home().unwrap(), "urn:oid:2.999.5");
    assert_eq!(s.to(&s.iti38_to), "urn:oid:2.999.1.10");
    assert!(s.iti39_mtom);
    assert_eq!(s.assigning_authority, None);
}

#[test]
fn settings_override_the_defaults_and_are_normalised() {
    let s = read(
        &[
            ("iti55_endpoint", " pd "),
            ("remote_home_community_id", "2.999.77"),
            ("sender_home_community_id", "urn:oid:urn:oid:2.999.9"),
            ("assigning_authority", "urn:oid:2.999.9.1"),
            ("sender_device_id", "2.999.9.2"),
            ("iti39_to", "https://rg.example/xca"),
            ("iti39_mtom", "false"),
            ("iti38_endpoint", ""),
        ],
        Some("2.999.5"),
    )
    .unwrap();
    assert_eq!(s.iti55_endpoint, "pd");
    assert_eq!(s.iti38_endpoint, "query", "blank is absent");
    assert_eq!(s.remote_home_community_id, "urn:oid:2.999.77");
    assert_eq!(s.sender_home().unwrap(), "urn:oid:2.999.9");
    assert_eq!(s.assigning_authority.as_deref(), Some("2.999.9.1"));
    assert_eq!(s.sender_device_id.as_deref(), Some("2.999.9.2"));
    assert_eq!(s.to(&s.iti39_to), "https://rg.example/xca");
    assert!(!s.iti39_mtom);
}

#[test]
fn a_missing_sender_teaches_the_setting_to_write() {
    let s = read(&[], None).unwrap();
    let m = internal(s.sender_home().unwrap_err());
    assert!(m.contains("sender_home_community_id"), "{m}");
    // A context value that is not an OID does not count as one.
    let s = read(&[], Some("somewhere")).unwrap();
    assert!(s.sender_home().is_err());
}

#[test]
fn malformed_settings_name_the_setting() {
    for (key, value) in [
        ("remote_home_community_id", "community-7"),
        ("assigning_authority", "1..2"),
        ("receiver_device_id", "x"),
        ("iti39_mtom", "yes"),
    ] {
        let m = internal(read(&[(key, value)], None).unwrap_err());
        assert!(m.contains(key) && m.contains(value), "{m}");
    }
}

#[test]
fn oids_are_dotted_decimal() {
    assert!(is_oid("1.2.840.113619") && is_oid("2"));
    assert!(!is_oid("") && !is_oid("1.") && !is_oid(".1") && !is_oid("1.a"));
}
