//! `xcgate plugin test` as a library: the conformance kit drives a plugin through every
//! capability it exports and judges the contract over all the calls. A well-behaved
//! plugin keeps every check; a plugin that breaks one is caught by that check, by name.

use xcgate::kit::checks::Verdict;
use xcgate::kit::subject::{Source, Subject};
use xcgate::kit::suite::{self, Inputs, TestReport};
use xcgate_tests::{TempDir, corpus, guests};

/// The misbehaving guest as a community with `settings` (a TOML inline table body), a
/// short timeout and a small memory limit, so a plugin that hangs costs little.
fn misbehaving(dir: &TempDir, settings: &str) -> Subject {
    let path = dir.path().join("gateway.toml");
    let config = format!(
        "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.8\"\n\n[communities.kit]\nhome_community_id = \"urn:oid:2.999.8.1\"\nplugin = \"{}\"\ntimeout = \"150ms\"\nmemory_limit = \"24MiB\"\nsettings = {{ {settings} }}\n",
        guests::MISBEHAVING
    );
    std::fs::write(&path, config).unwrap();
    Subject::load(&Source::Community {
        config: path,
        name: "kit".into(),
    })
    .expect("the plugin loads")
}

async fn test(subject: &Subject) -> TestReport {
    suite::run(
        subject,
        Inputs {
            requests: Vec::new(),
            corpus: corpus::dir(),
        },
    )
    .await
}

fn check<'r>(report: &'r TestReport, name: &str) -> (Verdict, &'r str) {
    let c = report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}`"));
    (c.verdict, &c.why)
}

fn fails(report: &TestReport, name: &str, because: &str) {
    let (verdict, why) = check(report, name);
    assert_eq!(verdict, Verdict::Fail, "{name}: {}", report.to_text());
    assert!(why.contains(because), "{name}: {why}");
    assert!(report.failed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_community_keeps_the_contract_over_every_case() {
    let subject = Subject::load(&Source::Community {
        config: concat!(env!("CARGO_MANIFEST_DIR"), "/../config/demo.toml").into(),
        name: "pirkanmaa".into(),
    })
    .unwrap();
    let report = test(&subject).await;
    assert!(!report.failed(), "{}", report.to_text());
    let names: Vec<&str> = report.cases.iter().map(|c| c.name.as_str()).collect();
    // Every capability, followed as an exchange runs: ITI-55 finds the patient whose
    // documents ITI-38 lists and ITI-39 retrieves.
    for expected in [
        "ITI-55 with gender M",
        "ITI-55 family name of 10,000 characters",
        "ITI-55 a query that found a patient, with gender M",
        "ITI-38 FindDocuments for a patient ITI-55 found",
        "ITI-38 GetAll",
        "ITI-38 FindDocuments returning ObjectRef",
        "ITI-39 every document listed (2) at once",
        "ITI-39 a document no repository holds",
    ] {
        assert!(names.contains(&expected), "no case `{expected}`: {names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with("(deadline 50 ms away)")));
    for name in [
        "settings",
        "no trap",
        "answer",
        "message",
        "deadline",
        "memory",
        "parameters used",
        "same answer twice",
    ] {
        assert_eq!(check(&report, name).0, Verdict::Pass, "{name}");
    }
    if let Some(dir) = corpus::dir() {
        assert!(names.iter().any(|n| n.contains("corpus iti55-request-ipf")));
        if corpus::have_xmllint() {
            let (verdict, why) = check(&report, "schema");
            assert_eq!(verdict, Verdict::Pass, "{why}");
        }
        let _ = dir;
    }
    let json = report.to_json();
    assert_eq!(json["passed"], true);
    assert_eq!(json["cases"].as_array().unwrap().len(), report.cases.len());
    // No patient data in the report: answers are summarised, not shown.
    assert!(!json.to_string().contains("Virtanen"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_ignores_the_gender_and_the_codes_fails_parameters_used() {
    let dir = TempDir::new("kit-gender");
    // The echo guest answers whatever is asked: the same patient for either gender.
    let report = test(&misbehaving(&dir, "behaviour = \"echo\"")).await;
    fails(
        &report,
        "parameters used",
        "found again with the other gender",
    );
    // Its ITI-38 answers ignore the codes asked for as well.
    fails(
        &report,
        "parameters used",
        "asked $XDSDocumentEntryClassCode",
    );
    fails(
        &report,
        "parameters used",
        "answered a DocumentEntry without that code",
    );
    assert_eq!(check(&report, "no trap").0, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_traps_fails_no_trap_and_one_that_errs_passes() {
    let dir = TempDir::new("kit-trap");
    let report = test(&misbehaving(&dir, "behaviour = \"trap\"")).await;
    fails(&report, "no trap", "deliberate trap");
    let dir = TempDir::new("kit-error");
    let report = test(&misbehaving(&dir, "behaviour = \"unavailable\"")).await;
    let (verdict, why) = check(&report, "no trap");
    assert_eq!(verdict, Verdict::Pass, "{why}");
    assert!(why.contains("with an adapter-error"), "{why}");
    assert_eq!(check(&report, "deadline").0, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_hangs_fails_the_deadline_and_one_that_hoards_fails_memory() {
    let dir = TempDir::new("kit-spin");
    let report = test(&misbehaving(&dir, "behaviour = \"spin\"")).await;
    fails(&report, "deadline", "must watch deadline-unix-ms");
    let dir = TempDir::new("kit-allocate");
    let report = test(&misbehaving(&dir, "behaviour = \"allocate\"")).await;
    fails(&report, "memory", "");
    // Under the limit the same guest passes.
    let dir = TempDir::new("kit-allocate-some");
    let report = test(&misbehaving(
        &dir,
        "behaviour = \"allocate\", allocate_mib = \"4\"",
    ))
    .await;
    assert_eq!(check(&report, "memory").0, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_differs_each_time_fails_same_answer_twice() {
    let dir = TempDir::new("kit-vary");
    let report = test(&misbehaving(&dir, "vary_ids = \"true\"")).await;
    fails(
        &report,
        "same answer twice",
        "the answers differ at answer[0].patient_id",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_answer_fails_the_answer_check() {
    let dir = TempDir::new("kit-invalid");
    let report = test(&misbehaving(&dir, "birth_time = \"last tuesday\"")).await;
    fails(&report, "answer", "birth-time is not an HL7 TS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_schema_refuses_fails_the_schema_check() {
    let Some(dir) = corpus::dir() else { return };
    if !corpus::have_xmllint() {
        return;
    }
    let _ = dir;
    let tmp = TempDir::new("kit-schema");
    let report = test(&misbehaving(&tmp, "extra_attribute = \"kitBogus\"")).await;
    fails(&report, "schema", "kitBogus");
    // The host's own checks let it through: only a validator that is not ours sees it.
    let case = report
        .cases
        .iter()
        .find(|c| c.name == "ITI-38 GetAll")
        .expect("a GetAll case");
    let verdict = |name: &str| case.checks.iter().find(|c| c.name == name).unwrap().verdict;
    assert_eq!(verdict("answer"), Verdict::Pass);
    assert_eq!(verdict("schema"), Verdict::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_corpus_the_schema_check_is_a_loud_skip() {
    let dir = TempDir::new("kit-nocorpus");
    let report = suite::run(
        &misbehaving(&dir, "behaviour = \"echo\""),
        Inputs {
            requests: Vec::new(),
            corpus: None,
        },
    )
    .await;
    let (verdict, why) = check(&report, "schema");
    assert_eq!(verdict, Verdict::Skip);
    assert!(why.contains("--corpus"), "{why}");
    assert!(report.to_text().contains("schema             skip"));
}
