//! The `xcgate` command as the README uses it.

mod process;

use process::{Replica, XCGATE, repo};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The standard output of a command that must have succeeded (its output in the failure).
fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A fresh state folder per gateway process: each owns (and locks) its audit journal.
fn state_dir() -> std::path::PathBuf {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xcgate-cli-state-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

#[test]
fn check_config_accepts_the_demo_config_and_names_its_communities() {
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(repo("config/demo.toml"))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("3 communities") && stdout.contains("pirkanmaa urn:oid:2.999.1.10"),
        "{stdout}"
    );
}

#[test]
fn check_config_explains_what_is_wrong_and_where() {
    let file = std::env::temp_dir().join(format!("xcgate-bad-{}.toml", std::process::id()));
    std::fs::write(
        &file,
        "[gateway]\nlisten = \"127.0.0.1:1\"\nhome_community_id = \"1.2.3\"\n",
    )
    .unwrap();
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("gateway.home_community_id") && stderr.contains("urn:oid:1.2.3"),
        "{stderr}"
    );
}

#[test]
fn check_config_runs_the_plugins_settings_checks() {
    let demo = std::fs::read_to_string(repo("config/demo.toml")).unwrap();
    let typo = demo.replacen(
        "settings.organization_name",
        "settings.organisation_name",
        1,
    );
    assert_ne!(typo, demo);
    let file = std::env::temp_dir().join(format!("xcgate-typo-{}.toml", std::process::id()));
    std::fs::write(&file, typo).unwrap();
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("communities.pirkanmaa.settings.organisation_name")
            && stderr.contains("did you mean `organization_name`"),
        "{stderr}"
    );
}

/// `xcgate serve` with no config runs the bundled demo and answers the README's ITI-55.
#[test]
fn serve_runs_the_bundled_demo_and_answers_the_readme_example() {
    let answer = Replica::demo(state_dir()).post("config/examples/iti55-virtanen.xml");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("PIR-1001") && answer.contains("UUS-2001"),
        "two communities hold the patient: {answer}"
    );
    assert!(
        answer.contains(r#"<queryResponseCode code="OK"/>"#),
        "{answer}"
    );
}

/// The README's XCA examples: FindDocuments finds PIR-1001's documents; the retrieve of one
/// document from each of two communities comes back as MTOM with both documents.
#[test]
fn serve_answers_the_readme_xca_examples() {
    let demo = Replica::demo(state_dir());
    let found = demo.post("config/examples/iti38-find-documents.xml");
    let retrieved = demo.post("config/examples/iti39-retrieve.xml");
    assert!(found.starts_with("HTTP/1.1 200"), "{found}");
    assert!(
        found.contains("ResponseStatusType:Success") && found.contains("2.999.1.10.2.1"),
        "{found}"
    );
    assert!(found.contains(r#"home="urn:oid:2.999.1.10""#), "{found}");
    assert!(
        retrieved.contains("multipart/related") && retrieved.contains("application/xop+xml"),
        "{retrieved}"
    );
    assert!(
        retrieved.contains("ResponseStatusType:Success"),
        "{retrieved}"
    );
    assert_eq!(
        retrieved.matches("<ClinicalDocument").count(),
        2,
        "both CDA documents travel as binary parts"
    );
}

/// Every example config in the repository passes `check-config`.
#[test]
fn the_example_configs_are_valid() {
    for example in [
        "config/examples/chain/gateway-a.toml",
        "config/examples/chain/gateway-b.toml",
    ] {
        let out = Command::new(XCGATE)
            .arg("check-config")
            .arg(repo(example))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// SIGHUP reloads the config file: a good change is logged as reloaded, a broken one is
/// refused with the reason while the gateway keeps serving.
#[test]
fn sighup_reloads_the_config_file_and_refuses_a_broken_one() {
    let dir = std::env::temp_dir().join(format!("xcgate-sighup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("xcgate.toml");
    let demo = std::fs::read_to_string(repo("config/demo.toml"))
        .unwrap()
        .replace("127.0.0.1:8088", "127.0.0.1:0");
    std::fs::write(&file, &demo).unwrap();
    // Killed on drop, also when an assertion fails: a gateway left running would keep
    // the build's file descriptors.
    let mut child = KillOnDrop(
        Command::new(XCGATE)
            .args(["serve", "--config"])
            .arg(&file)
            .env("XCGATE_LOG", "info")
            .env("XDG_STATE_HOME", state_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("listening"), "{first}");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no log line with {needle:?}")
    };
    let hup = || {
        let status = Command::new("kill")
            .args(["-HUP", &child.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    std::fs::write(
        &file,
        demo.replace("deadline = \"10s\"", "deadline = \"8s\""),
    )
    .unwrap();
    hup();
    let reloaded = wait_for("config reloaded");
    assert!(reloaded.contains("communities=3"), "{reloaded}");
    std::fs::write(&file, "[gateway\n").unwrap();
    hup();
    let refused = wait_for("reload refused");
    assert!(
        refused.contains("previous config keeps serving"),
        "{refused}"
    );
    drop(child);
    let _ = std::fs::remove_dir_all(&dir);
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Compiled plugins are kept in `gateway.plugin_cache`, so a restart or a reload does not
/// compile an unchanged plugin again.
#[test]
fn compiled_plugins_are_cached_in_the_plugin_cache_folder() {
    let dir = std::env::temp_dir().join(format!("xcgate-cache-{}", std::process::id()));
    let cache = dir.join("cache");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("xcgate.toml");
    let demo = std::fs::read_to_string(repo("config/demo.toml"))
        .unwrap()
        .replace("[gateway]\n", "[gateway]\nplugin_cache = \"cache\"\n");
    std::fs::write(&file, demo).unwrap();
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cached = walk(&cache);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !cached.is_empty(),
        "the compiled demo plugin is stored under {}",
        cache.display()
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn integration_statement_prints_the_demo_configs_actors_and_refuses_an_unknown_format() {
    let out = Command::new(XCGATE)
        .args(["integration-statement", "--config"])
        .arg(repo("config/demo.toml"))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        stdout.starts_with("# IHE Integration Statement"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| Cross-Community Patient Discovery (XCPD) | Initiating Gateway |"),
        "{stdout}"
    );
    // The README's "Joining a network" command, without the network's key material.
    let network = Command::new(XCGATE)
        .args(["integration-statement", "--config"])
        .arg(repo("config/examples/ehealth-exchange/gateway.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&network.stdout);
    assert!(
        network.status.success(),
        "{}",
        String::from_utf8_lossy(&network.stderr)
    );
    assert!(text.contains("| X-Service User |"), "{text}");
    let html = Command::new(XCGATE)
        .args(["integration-statement", "--format", "html"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&html.stdout).starts_with("<!DOCTYPE html>"));
    let bad = Command::new(XCGATE)
        .args(["integration-statement", "--format", "pdf"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use md or html"));
}

/// The banner tells the truth about each endpoint: a gateway that fronts every community
/// has none to reach on `/initiating`, and each fronted community has its own URL.
#[test]
fn the_banner_says_what_each_endpoint_reaches() {
    let dir = state_dir();
    let config = dir.join("fronting.toml");
    std::fs::write(
        &config,
        format!(
            "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.1\"\nresponding = [\"only\"]\n\n[communities.only]\nhome_community_id = \"urn:oid:2.999.1.10\"\nplugin = \"bundled:demo-community\"\n\n[audit]\njournal = \"{}\"\n",
            dir.join("audit.log").display()
        ),
    )
    .unwrap();
    let mut child = Command::new(XCGATE)
        .args(["serve", "--config"])
        .arg(&config)
        .env("XCGATE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 || line.contains("audit journal") {
            break;
        }
        banner.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        banner.contains("/initiating  local initiators: no community to reach"),
        "{banner}"
    );
    assert!(
        banner.contains("/responding/only  remote gateways: only only (urn:oid:2.999.1.10)"),
        "{banner}"
    );
}

/// `xcgate correlations ...` on the demo's state folder; (success, stdout, stderr).
fn correlations(state: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(XCGATE)
        .arg("correlations")
        .args(args)
        .env("XCGATE_LOG", "warn")
        .env("XDG_STATE_HOME", state)
        .env("USER", "operator-in-test")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The README's ITI-18 by hetu finds Aino's documents in pirkanmaa and uusimaa; an
/// operator then lists and revokes what the demo learned, with the command.
#[test]
fn serve_answers_the_readme_iti18_by_hetu_and_an_operator_revokes_what_it_learned() {
    const AINO: &str = "120390-904J^^^&1.2.246.21&ISO";
    let mut demo = Replica::demo(state_dir());
    let found = demo.post("config/examples/iti18-find-documents-hetu.xml");
    assert!(found.starts_with("HTTP/1.1 200"), "{found}");
    assert!(found.contains("ResponseStatusType:Success"), "{found}");
    assert_eq!(
        found.matches(r#"home="urn:oid:2.999.1.10""#).count(),
        2,
        "{found}"
    );
    assert_eq!(
        found.matches(r#"home="urn:oid:2.999.1.20""#).count(),
        1,
        "{found}"
    );

    // While the demo runs (it has no [admin]), the command says how to reach it.
    let (ok, _, stderr) = correlations(&demo.state, &["revoke", "--patient", AINO]);
    assert!(!ok);
    assert!(stderr.contains("[admin]"), "{stderr}");

    let _ = demo.child.kill();
    let _ = demo.child.wait();
    let (ok, listed, stderr) = correlations(&demo.state, &["list", "--patient", AINO]);
    assert!(ok, "{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(3), "{listed}");
    assert!(
        listed.contains("PIR-1001") && listed.contains("UUS-2001"),
        "{listed}"
    );

    let (ok, revoked, stderr) = correlations(&demo.state, &["revoke", "--patient", AINO]);
    assert!(ok, "{stderr}");
    assert!(revoked.contains("\"revoked\": 3"), "{revoked}");
    let (_, listed, _) = correlations(&demo.state, &["list", "--patient", AINO]);
    assert_eq!(listed.trim(), "[]");
    let journal = xcgate::audit::journal_text(&demo.state.join("xcgate/audit.log"));
    let record = journal
        .lines()
        .find(|l| l.contains(r#"csd-code="110110""#))
        .expect("the revocation is audited");
    assert!(record.contains(r#"UserID="operator-in-test""#), "{record}");

    let (ok, _, stderr) = correlations(&demo.state, &["list", "--patient", "120390-904J"]);
    assert!(!ok);
    assert!(stderr.contains("HL7 CX"), "{stderr}");
}

/// `xcgate plugin call` on the demo's pirkanmaa with `args` and an example request.
fn plugin_call(args: &[&str], request: &str) -> std::process::Output {
    Command::new(XCGATE)
        .args(["plugin", "call", "--config"])
        .arg(repo("config/demo.toml"))
        .args(["--community", "pirkanmaa"])
        .args(args)
        .arg("--request")
        .arg(repo(&format!("config/examples/{request}")))
        .output()
        .unwrap()
}

#[test]
fn plugin_call_runs_one_call_of_a_configured_community_and_reports_its_checks() {
    let out = plugin_call(&[], "iti55-virtanen.xml");
    let stdout = succeeded(&out);
    for line in [
        "ITI-55 call (contract 0.6.0)",
        "request, as passed to the plugin:",
        "answer (1 match):",
        "no trap   pass",
        "message   pass",
        "memory  peak",
    ] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}");
    }
    let out = plugin_call(
        &["--json", "--transaction", "iti38"],
        "iti38-find-documents.xml",
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(json["transaction"], "ITI-38");
    assert!(
        json["answer"]["objects"]
            .as_array()
            .is_some_and(|o| !o.is_empty()),
        "{json}"
    );
    assert!(
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] != "fail"),
        "{json}"
    );
}

#[test]
fn plugin_call_refuses_a_request_the_plugin_cannot_answer_with_exit_2() {
    let out = plugin_call(&["--transaction", "iti55"], "iti38-find-documents.xml");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is a ITI-38 request (AdhocQueryRequest), not ITI-55"),
        "{stderr}"
    );
}

#[test]
fn plugin_test_drives_a_community_through_every_capability_and_prints_the_contract_table() {
    let out = Command::new(XCGATE)
        .args(["plugin", "test", "--config"])
        .arg(repo("config/demo.toml"))
        .args(["--community", "pirkanmaa"])
        .env_remove("XCGATE_CONFORMANCE_DIR")
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    for line in [
        "plugin test: contract 0.6.0, exports patient-discovery, document-query, document-retrieve",
        "check              outcome  why",
        "parameters used    pass",
        "same answer twice  pass",
        // Without the corpus the schema check says so instead of passing.
        "schema             skip     no XSD set: give --corpus DIR",
        "the plugin keeps the contract",
    ] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}");
    }
    let out = Command::new(XCGATE)
        .args(["plugin", "test", "--json", "--config"])
        .arg(repo("config/demo.toml"))
        .args(["--community", "pirkanmaa", "--request"])
        .arg(repo("config/examples/no-such-request.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read the request"), "{stderr}");
    // A corpus folder that is not there is named, not silently skipped.
    let out = Command::new(XCGATE)
        .args(["plugin", "test", "--config"])
        .arg(repo("config/demo.toml"))
        .args([
            "--community",
            "pirkanmaa",
            "--corpus",
            "/nonexistent/conformance",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--corpus /nonexistent/conformance: no such folder"),
        "{stderr}"
    );
    let out = Command::new(XCGATE)
        .args(["plugin", "test", "--json", "--config"])
        .arg(repo("config/demo.toml"))
        .args(["--community", "lappi"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(json["passed"], true, "{json}");
    assert!(json["cases"].as_array().is_some_and(|c| c.len() > 20));
}

#[test]
fn pending_list_shows_the_exchanges_of_the_store_without_their_content() {
    let dir = state_dir();
    let config = dir.join("gateway.toml");
    std::fs::write(
        &config,
        "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.8\"\n\n[audit]\njournal = \"audit/audit.log\"\n\n[communities.demo]\nhome_community_id = \"urn:oid:2.999.8.1\"\nplugin = \"bundled:demo-community\"\n",
    )
    .unwrap();
    // What a gateway would have left in its store: one answer still owed, one given up.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use xcgate_state::{Exchange, ExchangeDirection, Store};
        let store = Store::open_sqlite(&dir.join("audit/state.db"))
            .await
            .unwrap();
        let owed = |id: &str| {
            Exchange::new(
                id,
                ExchangeDirection::Owed,
                "ITI-38",
                format!("urn:uuid:{id}"),
                "https://initiator.example/replies",
                "application/soap+xml",
                b"<secret patient data/>".to_vec(),
                1_000,
                2_000,
            )
        };
        store.add_exchange(&owed("still-owed")).await.unwrap();
        store.add_exchange(&owed("given-up")).await.unwrap();
        for e in store.claim_due("test", 1_000, 1_500, 10).await.unwrap() {
            if e.id == "given-up" {
                store
                    .attempt_failed(&e.id, "test", 1_100, 9_000, "connection refused")
                    .await
                    .unwrap();
            }
        }
        store.close().await;
    });
    let run = |args: &[&str]| {
        Command::new(XCGATE)
            .args(["pending", "list", "--config"])
            .arg(&config)
            .args(args)
            .output()
            .unwrap()
    };
    let stdout = succeeded(&run(&[]));
    assert!(
        stdout.contains("1 pending, 0 delivered, 1 given up"),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://initiator.example/replies (connection refused)"),
        "{stdout}"
    );
    let out = run(&["--state", "given-up", "--json"]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "given-up");
    assert_eq!(lines[0]["attempts"], 1);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("secret"));
    let out = run(&["--state", "lost"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("use pending, delivered, given-up or all")
    );

    // The operator fixed the receiver: the given-up answer is due again.
    let retry = |id: &str| {
        Command::new(XCGATE)
            .args(["pending", "retry", id, "--config"])
            .arg(&config)
            .output()
            .unwrap()
    };
    let said = succeeded(&retry("given-up"));
    assert!(said.contains("given-up is due again"), "{said}");
    assert!(
        succeeded(&run(&[])).contains("2 pending, 0 delivered, 0 given up"),
        "now pending"
    );
    // Only a given-up answer can be retried.
    let out = retry("still-owed");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no given-up answer has the id"));
}
