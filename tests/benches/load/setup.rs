//! What the scenarios are made of: gateway configs, the gateway itself, the requests and
//! the checks on their answers.

use crate::client::{Check, Target};
use bytes::Bytes;
use std::path::PathBuf;
use std::sync::Arc;
use xcgate::config::Config;
use xcgate::plugin::PluginRuntime;
use xcgate::process::runtime_options;
use xcgate_ihe::xcpd::DetectedIssue;
use xcgate_tests::TestGateway;
use xcgate_tests::soap_client::{self, ITI39, ITI55};

pub const SOAP: &str = "application/soap+xml; charset=utf-8";

/// One demo community holding one patient: the smallest real adapter work per request.
pub const ONE_DEMO_COMMUNITY: &str = r#"
[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"

[communities.pirkanmaa]
home_community_id = "urn:oid:2.999.1.10"
plugin = "bundled:demo-community"
timeout = "2s"
memory_limit = "32MiB"

[[communities.pirkanmaa.settings.patients]]
id = { root = "2.999.1.10.1", extension = "PIR-1001" }
family = ["Virtanen"]
given = ["Aino", "Maria"]
gender = "F"
birth_time = "19900312"
"#;

/// A misbehaving community: its plugin settings and any other keys of its table.
#[derive(Clone)]
pub struct Community {
    pub settings: String,
    pub table: &'static str,
}

impl Community {
    pub fn new(settings: impl Into<String>, table: &'static str) -> Community {
        Community {
            settings: settings.into(),
            table,
        }
    }
}

/// A gateway (`[gateway]` keys given) over misbehaving communities `c0..`.
pub fn gateway_config(gateway: &str, communities: &[Community]) -> String {
    let mut text = format!(
        "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.7\"\n{gateway}\n"
    );
    for (i, c) in communities.iter().enumerate() {
        text.push_str(&format!(
            "\n[communities.c{i}]\nhome_community_id = \"urn:oid:2.999.7.{i}\"\nplugin = \"{}\"\n{}\nsettings = {{ {} }}\n",
            xcgate_tests::guests::MISBEHAVING,
            c.table,
            c.settings
        ));
    }
    text
}

/// A gateway as `xcgate serve` builds it: the plugin runtime sized from the config
/// (`runtime_options`), not the test harness's smaller shared one, so the bench measures
/// the instance pool an operator gets, with its audit journal (in a temp folder), since
/// every answer waits for its audit record.
pub async fn start_gateway(toml: &str) -> anyhow::Result<TestGateway> {
    let toml = xcgate_tests::with_audit(toml);
    let config = Config::from_toml(&toml, "load bench config", PathBuf::from("."))?;
    let runtime = PluginRuntime::new(runtime_options(&config))?;
    TestGateway::serve(config, None, runtime).await
}

/// An ITI-55 demographic query for the demo patient, to `/initiating`.
pub fn iti55_target(gw: &TestGateway) -> Target {
    Target {
        addr: gw.running.addr,
        path: "/initiating",
        content_type: SOAP.into(),
        body: Bytes::from(soap_client::envelope(
            ITI55,
            "urn:uuid:00000000-0000-4000-8000-000000000055",
            &soap_client::demographic_query("bench-1", "Virtanen", "Aino", "19900312"),
        )),
    }
}

/// An ITI-39 for one document, sent as MTOM (the brief's "MTOM in").
pub fn iti39_target(gw: &TestGateway) -> anyhow::Result<Target> {
    let request = soap_client::retrieve(&[("urn:oid:2.999.7.0", "2.999.7.0.3", "2.999.7.0.2.1")]);
    let envelope = soap_client::envelope(ITI39, "urn:uuid:bench-retrieve", &request);
    let (content_type, chunks) = xcgate_ihe::mtom::MtomBuilder::new("bench", envelope).build()?;
    Ok(Target {
        addr: gw.running.addr,
        path: "/initiating",
        content_type,
        body: Bytes::from(chunks.concat()),
    })
}

/// An ITI-55 answer must carry `matches` matches and `issues` detected issues.
pub fn iti55_check(matches: usize, issues: usize) -> Check {
    Check::Body(Arc::new(move |body: &[u8]| {
        iti55_verdict(body, matches, issues)
    }))
}

/// `Err` says what is wrong: the counts and the first issue's text (e.g. a community that
/// could not be started).
pub fn iti55_verdict(body: &[u8], matches: usize, issues: usize) -> Result<(), String> {
    let envelope = xcgate_ihe::soap::parse_envelope(body).map_err(|e| e.to_string())?;
    let r = xcgate_ihe::hl7v3::parse_response(&envelope.body).map_err(|e| e.to_string())?;
    if (r.matches.len(), r.issues.len()) == (matches, issues) {
        return Ok(());
    }
    let first = r.issues.iter().find_map(|i| match i {
        DetectedIssue::Error { text, .. } => text.clone(),
        DetectedIssue::AttributesRequested(_) => None,
    });
    Err(format!(
        "{} matches, {} issues: {}",
        r.matches.len(),
        r.issues.len(),
        first.unwrap_or_default()
    ))
}

/// The cheap check for the 1-community scenario, run on every answer of both servers alike.
pub fn one_match_check() -> Check {
    Check::Body(Arc::new(|b: &[u8]| {
        if contains(b, b"registrationEvent") && !contains(b, b"detectedIssueEvent") {
            Ok(())
        } else {
            Err("not one clean match".into())
        }
    }))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
