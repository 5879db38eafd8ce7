//! `xcgate plugin call` as a library: one call of a plugin in the real sandbox reports the
//! typed request, the typed answer or the error, and which contract checks held. Each
//! check is shown obeyed by a well-behaved plugin and violated by a misbehaving one.

use std::time::Duration;
use xcgate::kit::checks::Verdict;
use xcgate::kit::report::CallReport;
use xcgate::kit::request::KitRequest;
use xcgate::kit::subject::{Source, Subject};
use xcgate_tests::{TempDir, corpus, guests, soap_client};

/// A plugin file with these settings (a TOML table, as in the config).
fn subject(dir: &TempDir, plugin: &str, settings: &str) -> Subject {
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, settings).unwrap();
    Subject::load(&Source::File {
        plugin: plugin.into(),
        settings: Some(path),
        home_community_id: "urn:oid:2.999.1".into(),
    })
    .expect("the plugin loads")
}

fn iti55() -> KitRequest {
    let query = soap_client::demographic_query("kit-1", "Virtanen", "Aino", "19900312");
    let payload = xcgate_ihe::xml::parse(query.as_bytes()).unwrap();
    KitRequest::from_payload(&payload, None).unwrap()
}

fn verdict(report: &CallReport, name: &str) -> (Verdict, String) {
    let c = report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}`"));
    (c.verdict, c.why.clone())
}

async fn call(subject: &Subject, budget: Duration) -> CallReport {
    CallReport::run(subject, &iti55(), budget).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_behaved_plugin_passes_every_check_and_its_answer_is_shown_typed() {
    let dir = TempDir::new("kit-demo");
    let settings = r#"
[[patients]]
id = { root = "2.999.1.10.1", extension = "PIR-1001" }
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"
"#;
    let s = subject(&dir, guests::DEMO_COMMUNITY, settings);
    let report = call(&s, Duration::from_secs(5)).await;
    assert!(!report.failed(), "{}", report.to_text(true));
    for name in [
        "settings", "no trap", "deadline", "memory", "answer", "message",
    ] {
        assert_eq!(
            verdict(&report, name).0,
            Verdict::Pass,
            "{name}: {}",
            report.to_text(false)
        );
    }
    let json = report.to_json(true);
    assert_eq!(json["transaction"], "ITI-55");
    assert_eq!(json["request"]["names"][0]["family"][0], "Virtanen");
    assert_eq!(json["answer"][0]["patient_id"]["extension"], "PIR-1001");
    assert!(json["error"].is_null());
    let peak = json["peak_memory_bytes"].as_u64().unwrap();
    assert!(peak > 0 && peak <= 64 << 20, "peak {peak}");
    let message = json["message"].as_str().unwrap();
    assert!(message.contains("PRPA_IN201306UV02") && message.contains("PIR-1001"));
    // The answer an initiator would get, judged by libxml2 against the HL7 schema.
    if let Some(corpus) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(
            &corpus,
            "HL7V3/NE2008/multicacheschemas/PRPA_IN201306UV02.xsd",
            message,
            "plugin-call-iti55",
        )
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_panics_fails_no_trap_and_the_partner_reads_the_panic_message() {
    let dir = TempDir::new("kit-trap");
    let report = call(
        &subject(&dir, guests::MISBEHAVING, "behaviour = \"trap\""),
        Duration::from_secs(5),
    )
    .await;
    let (v, why) = verdict(&report, "no trap");
    assert_eq!(v, Verdict::Fail);
    assert!(why.contains("deliberate trap"), "{why}");
    assert_eq!(report.to_json(false)["error"]["kind"], "panic");
    assert!(report.failed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_outlives_its_budget_fails_deadline_and_is_stopped() {
    let dir = TempDir::new("kit-spin");
    let s = subject(&dir, guests::MISBEHAVING, "behaviour = \"spin\"");
    let started = std::time::Instant::now();
    let report = call(&s, Duration::from_millis(200)).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let (v, why) = verdict(&report, "deadline");
    assert_eq!(v, Verdict::Fail, "{}", report.to_text(false));
    assert!(why.contains("200.0 ms"), "{why}");
    // The same plugin asked to sleep a little less than its budget passes.
    let s = subject(
        &dir,
        guests::MISBEHAVING,
        "behaviour = \"sleep\"\nsleep_ms = \"10\"",
    );
    assert_eq!(
        verdict(&call(&s, Duration::from_secs(5)).await, "deadline").0,
        Verdict::Pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_within_the_limit_passes_and_over_it_fails() {
    let dir = TempDir::new("kit-memory");
    let within = subject(
        &dir,
        guests::MISBEHAVING,
        "behaviour = \"allocate\"\nallocate_mib = \"8\"",
    );
    let report = call(&within, Duration::from_secs(5)).await;
    let (v, why) = verdict(&report, "memory");
    assert_eq!(v, Verdict::Pass, "{why}");
    assert!(
        report.run.peak_memory >= 8 << 20,
        "peak {}",
        report.run.peak_memory
    );
    let over = subject(&dir, guests::MISBEHAVING, "behaviour = \"allocate\"");
    let (v, why) = verdict(&call(&over, Duration::from_secs(5)).await, "memory");
    assert_eq!(v, Verdict::Fail);
    assert!(why.contains("memory limit of 67108864 bytes"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_host_refuses_fails_answer_and_an_adapter_error_passes() {
    let dir = TempDir::new("kit-answer");
    let bad = subject(&dir, guests::MISBEHAVING, "birth_time = \"last tuesday\"");
    let (v, why) = verdict(&call(&bad, Duration::from_secs(5)).await, "answer");
    assert_eq!(v, Verdict::Fail);
    assert!(why.contains("birth-time is not an HL7 TS"), "{why}");
    let erring = subject(&dir, guests::MISBEHAVING, "behaviour = \"unavailable\"");
    let report = call(&erring, Duration::from_secs(5)).await;
    let (v, why) = verdict(&report, "answer");
    assert_eq!(v, Verdict::Pass, "{why}");
    assert!(why.contains("adapter-error"), "{why}");
    assert!(!report.failed(), "{}", report.to_text(false));
}

#[test]
fn a_request_file_may_be_an_envelope_or_its_payload_and_must_be_the_named_transaction() {
    let dir = TempDir::new("kit-request");
    let payload = soap_client::find_documents(
        "PIR-1^^^&2.999.1.10.1&ISO",
        xcgate_ihe::ebrs::ReturnType::LeafClass,
    );
    let envelope = format!(
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>{}</a:Action><a:MessageID>urn:uuid:1</a:MessageID></s:Header><s:Body>{payload}</s:Body></s:Envelope>"#,
        soap_client::ITI38
    );
    for (name, text) in [
        ("bare.xml", payload.as_str()),
        ("envelope.xml", envelope.as_str()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let request = KitRequest::read(&path, None).unwrap();
        assert_eq!(request.transaction().label(), "ITI-38");
        let wrong = KitRequest::read(&path, Some(xcgate::config::Transaction::Iti55)).unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("is a ITI-38 request (AdhocQueryRequest), not ITI-55"),
            "{wrong}"
        );
    }
    let path = dir.path().join("other.xml");
    std::fs::write(&path, "<hello/>").unwrap();
    let err = KitRequest::read(&path, None).unwrap_err().to_string();
    assert!(
        err.contains("is a `hello`, not the request of a transaction"),
        "{err}"
    );
    std::fs::write(&path, "<AdhocQueryRequest><unclosed></AdhocQueryRequest>").unwrap();
    let err = KitRequest::read(&path, None).unwrap_err().to_string();
    assert!(err.contains("is not well-formed XML"), "{err}");
    std::fs::write(&path, "--MIMEBoundary_x\r\nno headers, no end").unwrap();
    let err = KitRequest::read(&path, None).unwrap_err().to_string();
    assert!(err.contains("is not a readable MTOM message"), "{err}");
}
