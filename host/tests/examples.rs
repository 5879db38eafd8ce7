//! The README's commands, run as a new user runs them: the demo, the chain example (two
//! gateways), the security example and the asynchronous exchanges, side by side on one machine, as real processes of
//! the `xcgate` binary. The shell blocks are taken from README.md and run with bash, with
//! `cargo run --release -p xcgate --` and `target/release/xcgate` meaning this build's
//! binary, in a copy of `config/` (the security example writes its throwaway PKI and its
//! journal beside its config file) and with a state folder of its own.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use xcgate_testkit::{TempDir, in_ci};

const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The first ```sh block after `marker` in the README.
fn sh_block(readme: &str, marker: &str) -> String {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("the README has `{marker}`"));
    let start = readme[at..].find("```sh\n").expect("with a sh block") + at + 6;
    let end = start + readme[start..].find("```").expect("that ends");
    readme[start..end].to_string()
}

/// A README command line as this test runs it.
fn as_built(line: &str) -> Option<String> {
    if line.trim() == "cargo build --release -p xcgate" {
        return None;
    }
    Some(
        line.replace("cargo run --release -p xcgate --", "\"$XCGATE\"")
            .replace("target/release/xcgate", "\"$XCGATE\""),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            // A trial run's PKI and journal in the checkout are not part of the example.
            if ["tls", "xua", "audit"].contains(&entry.file_name().to_str().unwrap_or("")) {
                continue;
            }
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The ports of the shipped configs; all must be free for the README's commands to work.
const PORTS: [u16; 5] = [8087, 8088, 8089, 8443, 9311];

#[test]
fn the_demo_the_chain_and_the_security_example_run_side_by_side_as_the_readme_says() {
    if let Some(busy) = PORTS
        .iter()
        .find(|p| TcpListener::bind(("0.0.0.0", **p)).is_err())
    {
        assert!(
            !in_ci(),
            "port {busy} is in use: the README's examples need it"
        );
        eprintln!(
            "SKIPPED: port {busy} is in use (another gateway?); the README's examples need 8087, 8088, 8089, 8443 and 9311"
        );
        return;
    }
    for tool in ["bash", "curl", "openssl", "xmllint", "python3"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(!in_ci(), "{tool} is needed by the README's commands");
            eprintln!("SKIPPED: {tool} is not installed; the README's commands use it");
            return;
        }
    }
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let first = sh_block(&readme, "## Set-up: two commands")
        .lines()
        .next()
        .expect("the first command serves the demo")
        .to_string();
    // Without its trailing comment, to run it in the background.
    let demo = first
        .split(" #")
        .next()
        .unwrap_or(&first)
        .trim_end()
        .to_string();
    assert!(demo.contains("-- serve"), "{demo}");
    let security = sh_block(&readme, "## Security and audit");
    let chain = sh_block(&readme, "Two xcgate gateways chained");
    let asynchronous = sh_block(&readme, "## Asynchronous exchanges");

    let work = TempDir::new("readme-examples");
    copy_dir(&repo("config"), &work.path().join("config"));
    let state = work.path().join("state");
    let mut script = String::from("set -u\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n");
    // The demo, as the set-up's first command, kept running in the background.
    script.push_str(&format!("{} &\n", as_built(&demo).unwrap_or_default()));
    for block in [&security, &chain, &asynchronous] {
        for line in block.lines().filter_map(as_built) {
            script.push_str(&line);
            script.push('\n');
        }
    }
    // And the demo still answers beside them.
    script.push_str("echo\ncurl -s --retry 30 --retry-connrefused --retry-delay 1 http://127.0.0.1:8088/ready\n");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(work.path())
        .env("XCGATE", XCGATE)
        .env("XDG_STATE_HOME", &state)
        .env("XCGATE_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said = format!("script:\n{script}\nstdout:\n{stdout}\nstderr:\n{stderr}");

    // Each gateway came up and says it is ready.
    assert!(
        stdout.contains("ready: 2 communities linked"),
        "the security example: {said}"
    );
    assert_eq!(
        stdout.matches("ready: 1 communities linked").count(),
        2,
        "chain B and chain A: {said}"
    );
    assert!(
        stdout.contains("ready: 3 communities linked"),
        "the demo: {said}"
    );
    // The chain's answer: oulu's patient, found by A through B.
    assert!(
        stdout.contains("OUL-4001") && stdout.contains("2.999.2.10"),
        "the ITI-55 through the chain: {said}"
    );
    assert!(
        !stderr.contains("in use by another xcgate process"),
        "{said}"
    );
    // The asynchronous ITI-38 was accepted, and both answers arrived at the listener.
    assert!(
        stdout.contains("HTTP/1.1 202 Accepted"),
        "the async ITI-38: {said}"
    );
    assert!(
        stdout.contains("Action urn:ihe:iti:2007:CrossGatewayQueryResponse, RelatesTo urn:uuid:5b0f5d52-8a41-4c55-a4d3-6c0a5e1f0d11"),
        "the async ITI-38's answer at the listener: {said}"
    );
    assert!(
        stdout.contains("<typeCode code=\"AA\"/>")
            && stdout.contains("Action urn:hl7-org:v3:PRPA_IN201306UV02:Deferred:CrossGatewayPatientDiscovery, RelatesTo urn:uuid:7d1c5e2a-0b0e-4c3f-9b61-2f6f3c9d8e02"),
        "the deferred ITI-55: acknowledged, then answered at the listener: {said}"
    );
    assert!(
        stdout.contains("1 delivered") && stdout.contains("OUL-4001"),
        "pending list, and the deferred answer through A and B: {said}"
    );

    // Four journals, one per gateway: the demo's, one per chain config file, and the
    // security example's own.
    let xcgate_state = state.join("xcgate");
    assert!(
        xcgate_state.join("audit.log").is_dir(),
        "the demo's journal: {said}"
    );
    for gateway in ["gateway-a-", "gateway-b-"] {
        let folder = std::fs::read_dir(&xcgate_state)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(gateway))
            .unwrap_or_else(|| panic!("a state folder for {gateway}*: {said}"));
        let journal = xcgate::audit::journal_text(&folder.path().join("audit.log"));
        assert!(
            journal.contains("ITI-55"),
            "{gateway} audited the ITI-55: {said}"
        );
    }
    assert!(
        work.path()
            .join("config/examples/security/audit/audit.log")
            .is_dir(),
        "the security example's journal, where its [audit] says: {said}"
    );
}
