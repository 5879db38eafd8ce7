//! A full disk is a decision, not an accident (`audit.on_failure`): the real `xcgate`
//! binary, its files limited in size (RLIMIT_FSIZE, as a full file system would stop
//! them), answering ITI-55 and ITI-38 from the demo while its journal cannot grow, and
//! after the limit is lifted.

mod process;

use process::{Replica, repo};
use std::path::Path;
use std::time::{Duration, Instant};
use xcgate_testkit::TempDir;

/// What the journal may grow to (bytes): a few dozen requests' records.
const LIMIT: u64 = 200 * 1024;

/// The demo with its journal in `dir`, segments larger than the limit (so the journal
/// must grow past it), and `extra` lines of `[audit]`.
fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("config/demo.toml")).unwrap()
        + &format!(
            "\n[audit]\njournal = \"{}/audit.log\"\nsegment_size = \"1MiB\"\n{extra}\n",
            dir.display()
        );
    let file = dir.join("gateway.toml");
    std::fs::write(&file, text).unwrap();
    file
}

fn discover(gw: &Replica) -> String {
    gw.post("config/examples/iti55-virtanen.xml")
}

/// Ask until an answer says the audit trail is unavailable; that answer, and how many
/// answers came before it.
fn until_withheld(gw: &Replica) -> (String, usize) {
    for n in 0..400 {
        let answer = discover(gw);
        if answer.contains("audit trail is unavailable") {
            return (answer, n);
        }
        assert!(
            answer.contains("registrationEvent"),
            "served with matches: {answer}"
        );
    }
    panic!("the journal never filled");
}

fn wait_ready(gw: &Replica, within: Duration) -> String {
    let until = Instant::now() + within;
    loop {
        let ready = gw.get("/ready");
        if ready.starts_with("HTTP/1.1 200") || Instant::now() > until {
            return ready;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn refuse_withholds_every_answer_whose_records_cannot_be_stored_until_the_disk_has_room() {
    let dir = TempDir::new("audit-full-refuse");
    let gw = Replica::limited(&config(dir.path(), ""), dir.path().join("state"), LIMIT);
    let (withheld, served) = until_withheld(&gw);
    assert!(
        served > 3,
        "answers were served while the journal grew ({served})"
    );
    // XCPD: AE, an InternalError issue saying why, and no match [ITI TF-2 3.55.4.2.2.7].
    assert!(withheld.starts_with("HTTP/1.1 200"), "{withheld}");
    assert!(
        withheld.contains(r#"<acknowledgement><typeCode code="AE"/>"#)
            || withheld.contains(r#"typeCode code="AE""#),
        "{withheld}"
    );
    assert!(withheld.contains("InternalError"), "{withheld}");
    assert!(
        !withheld.contains("registrationEvent"),
        "no match leaves: {withheld}"
    );
    // XCA: Failure with XDSRegistryError, no document.
    let query = gw.post("config/examples/iti38-find-documents.xml");
    assert!(
        query.contains("ResponseStatusType:Failure") && query.contains("XDSRegistryError"),
        "{query}"
    );
    assert!(
        !query.contains("ExtrinsicObject"),
        "no document entry leaves: {query}"
    );
    let ready = gw.get("/ready");
    assert!(
        ready.starts_with("HTTP/1.1 503") && ready.contains("audit journal cannot store records"),
        "{ready}"
    );

    // Room again: the gateway finds out by itself and serves.
    gw.lift_file_size();
    let ready = wait_ready(&gw, Duration::from_secs(15));
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let answer = discover(&gw);
    assert!(answer.contains("registrationEvent"), "{answer}");
    // Every record in the journal is whole: the failed writes were cut back.
    let journal = xcgate::audit::journal_text(&dir.path().join("audit.log"));
    for line in journal.lines() {
        assert!(
            line.starts_with("<?xml") && line.ends_with("</AuditMessage>"),
            "a torn record: {line}"
        );
    }
    assert!(
        journal.lines().count() > served,
        "the later answer is audited"
    );
}

#[test]
fn serve_lets_answers_leave_and_counts_the_loss() {
    let dir = TempDir::new("audit-full-serve");
    let admin = free_address();
    let gw = Replica::limited(
        &config(
            dir.path(),
            &format!("on_failure = \"serve\"\n[admin]\nlisten = \"{admin}\""),
        ),
        dir.path().join("state"),
        LIMIT,
    );
    // Well past where the journal stops growing, every answer still has its matches.
    for _ in 0..120 {
        let answer = discover(&gw);
        assert!(answer.contains("registrationEvent"), "{answer}");
    }
    let journal = std::fs::metadata(dir.path().join("audit.log/00000000000000000000.log"))
        .unwrap()
        .len();
    assert!(
        journal <= LIMIT,
        "the journal stopped at the limit ({journal})"
    );
    let ready = gw.get("/ready");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let metrics = http_get(&admin, "/metrics");
    let failures: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("xcgate_audit_failures_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(failures > 0, "the loss is counted: {metrics}");
}

/// An address nobody listens on now (for the admin listener).
fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}
