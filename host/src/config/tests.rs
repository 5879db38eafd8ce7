use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, "test.toml", PathBuf::from("."))
}

const MINIMAL: &str = r#"
[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[communities.a]
home_community_id = "urn:oid:2.999.1.1"
plugin = "bundled:demo-community"
"#;

#[test]
fn the_bundled_demo_config_is_valid_and_has_three_communities() {
    let c = Config::demo().unwrap();
    assert_eq!(c.communities.len(), 3);
    let patients = &c.communities["lappi"].plugin_settings()["patients"];
    assert!(
        patients.starts_with('['),
        "arrays reach plugins as JSON: {patients}"
    );
}

#[test]
fn defaults_fill_what_is_not_said() {
    let c = parse(MINIMAL).unwrap();
    assert_eq!(c.gateway.deadline.0, Duration::from_secs(10));
    assert_eq!(c.communities["a"].timeout.0, Duration::from_secs(5));
    assert_eq!(c.communities["a"].memory_limit.0, 64 << 20);
}

#[test]
fn an_unknown_key_is_refused_and_named() {
    let text = MINIMAL.replace("plugin =", "plugn = \"x\"\nplugin =");
    let e = parse(&text).unwrap_err().to_string();
    assert!(e.contains("plugn"), "{e}");
}

#[test]
fn a_bare_oid_as_home_community_id_teaches_the_urn_form() {
    let e = parse(&MINIMAL.replace("\"urn:oid:2.999.1.1\"", "\"2.999.1.1\""))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("communities.a.home_community_id") && e.contains("urn:oid:2.999.1.1"),
        "{e}"
    );
}

#[test]
fn two_communities_cannot_share_a_home_community_id() {
    let text = format!(
        "{MINIMAL}\n[communities.b]\nhome_community_id = \"urn:oid:2.999.1.1\"\nplugin = \"x.wasm\"\n"
    );
    let e = parse(&text).unwrap_err().to_string();
    assert!(
        e.contains("already the homeCommunityId of community `a`"),
        "{e}"
    );
}

#[test]
fn durations_and_sizes_need_units_and_say_which() {
    let e = parse(&MINIMAL.replace(
        "plugin = \"bundled:demo-community\"",
        "plugin = \"bundled:demo-community\"\ntimeout = 5",
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("needs a unit"), "{e}");
    let e = parse(&MINIMAL.replace(
        "plugin = \"bundled:demo-community\"",
        "plugin = \"bundled:demo-community\"\ntimeout = \"5 parsecs\"",
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown duration unit"), "{e}");
    let c = parse(&MINIMAL.replace(
        "plugin = \"bundled:demo-community\"",
        "plugin = \"bundled:demo-community\"\ntimeout = \"250ms\"\nmemory_limit = \"8MiB\"",
    ))
    .unwrap();
    assert_eq!(c.communities["a"].timeout.0, Duration::from_millis(250));
    assert_eq!(c.communities["a"].memory_limit.0, 8 << 20);
}

#[test]
fn a_listen_address_must_be_ip_and_port() {
    let e = parse(&MINIMAL.replace("127.0.0.1:0", "localhost"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("gateway.listen") && e.contains("IP:PORT"), "{e}");
}

#[test]
fn endpoint_tls_keys_teach_what_goes_with_what() {
    let endpoint = |keys: &str| {
        parse(&format!("{MINIMAL}[communities.a.endpoints.rg]\n{keys}\n"))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        endpoint("url = \"https://rg.example/x\"\nca_file = \"ca.pem\""),
        Ok(())
    );
    for (keys, key, teaches) in [
        ("url = \"https://rg.example/x\"", "ca_file", "add ca_file"),
        (
            "url = \"http://rg.example/x\"\nca_file = \"ca.pem\"",
            "ca_file",
            "only to https",
        ),
        (
            "url = \"https://rg.example/x\"\nca_file = \"ca.pem\"\nclient_cert_file = \"c.pem\"",
            "client_key_file",
            "add client_key_file",
        ),
        (
            "url = \"https://rg.example/x\"\nca_file = \"ca.pem\"\nclient_key_file = \"k.pem\"",
            "client_cert_file",
            "add client_cert_file",
        ),
        ("url = \"rg.example/x\"", "url", "not an http(s) URL"),
    ] {
        let e = endpoint(keys).unwrap_err();
        assert!(
            e.contains(&format!("communities.a.endpoints.rg.{key}")) && e.contains(teaches),
            "{keys}: {e}"
        );
    }
}

#[test]
fn gateway_tls_needs_certificate_and_key() -> Result<(), Box<dyn std::error::Error>> {
    let text = MINIMAL.replace(
        "[communities.a]",
        "[gateway.tls]\ncert_file = \"gw.pem\"\n\n[communities.a]",
    );
    let e = parse(&text).unwrap_err().to_string();
    assert!(e.contains("key_file"), "{e}");
    let text = MINIMAL.replace(
        "[communities.a]",
        "[gateway.tls]\ncert_file = \"gw.pem\"\nkey_file = \"gw.key\"\nclient_ca_file = \"ca.pem\"\n\n[communities.a]",
    );
    let tls = parse(&text)?.gateway.tls.ok_or("[gateway.tls] is read")?;
    assert_eq!(tls.client_ca_file, Some(PathBuf::from("ca.pem")));
    Ok(())
}

#[test]
fn each_transaction_has_its_own_deadline_or_the_gateway_one() -> Result<(), ConfigError> {
    let text = MINIMAL.replace(
        "home_community_id = \"urn:oid:2.999.1\"\n",
        "home_community_id = \"urn:oid:2.999.1\"\ndeadline = \"4s\"\ndeadlines = { iti39 = \"30s\" }\n",
    );
    let g = parse(&text)?.gateway;
    assert_eq!(g.deadline_for(Transaction::Iti55), Duration::from_secs(4));
    assert_eq!(g.deadline_for(Transaction::Iti38), Duration::from_secs(4));
    assert_eq!(g.deadline_for(Transaction::Iti39), Duration::from_secs(30));
    let e = parse(&text.replace("iti39", "iti40"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("iti40"), "{e}");
    let e = parse(&text.replace("30s", "2h")).unwrap_err().to_string();
    assert!(e.contains("gateway.deadlines.iti39"), "{e}");
    Ok(())
}

#[test]
fn correlation_settings_are_checked_and_teach_the_fix() {
    let with = |gateway_keys: &str, tail: &str| {
        parse(&format!(
            "{}{tail}",
            MINIMAL.replace(
                "home_community_id = \"urn:oid:2.999.1\"\n",
                &format!("home_community_id = \"urn:oid:2.999.1\"\n{gateway_keys}\n")
            )
        ))
    };
    let c = with("assigning_authority = \"1.2.246.21\"", "").unwrap();
    assert_eq!(c.gateway.correlation_ttl.0, Duration::from_secs(86_400));
    assert_eq!(c.state.purge_every.0, Duration::from_secs(600));
    let e = with("assigning_authority = \"hetu\"", "")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("gateway.assigning_authority") && e.contains("1.2.246.21"),
        "{e}"
    );
    let e = with("correlation_ttl = \"1s\"", "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("gateway.correlation_ttl"), "{e}");
    let e = with("patient_source = \"a\"", "").unwrap_err().to_string();
    assert!(
        e.contains("gateway.patient_source") && e.contains("gateway.responding"),
        "{e}"
    );
    let e = with("", "\n[state]\nurl = \"mysql://u:secret@db/x\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("state.url") && e.contains("postgres://"), "{e}");
    assert!(!e.contains("secret"), "no password in the message: {e}");
}

#[test]
fn a_deferred_community_polls_within_sane_bounds() -> Result<(), String> {
    let with = |deferred: &str| {
        parse(&MINIMAL.replace(
            "plugin = \"bundled:demo-community\"",
            &format!("plugin = \"bundled:demo-community\"\ndeferred = {deferred}"),
        ))
    };
    let ok = with("{ poll = \"5s\", within = \"8h\" }").map_err(|e| e.to_string())?;
    let deferred = ok.communities["a"]
        .deferred
        .clone()
        .ok_or("deferred is read")?;
    assert_eq!(
        (deferred.poll.0, deferred.within.0),
        (Duration::from_secs(5), Duration::from_secs(8 * 3600))
    );
    let defaults = with("{}").map_err(|e| e.to_string())?;
    let deferred = defaults.communities["a"]
        .deferred
        .clone()
        .ok_or("deferred is read")?;
    assert_eq!(
        (deferred.poll.0, deferred.within.0),
        (Duration::from_secs(30), Duration::from_secs(24 * 3600))
    );
    for bad in [
        "{ poll = \"10ms\" }",
        "{ poll = \"2h\" }",
        "{ poll = \"1m\", within = \"30s\" }",
        "{ within = \"60d\" }",
    ] {
        let Err(e) = with(bad) else {
            return Err(format!("{bad} was accepted"));
        };
        let e = e.to_string();
        assert!(
            e.contains("communities.a.deferred") && e.contains("poll must be between"),
            "{e}"
        );
    }
    Ok(())
}
