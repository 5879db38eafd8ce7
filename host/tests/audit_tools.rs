//! `xcgate audit` on a journal of several segments, as an operator runs it: `verify` finds
//! it sound (and names what is wrong when it is not), `export` gives a period's records as
//! DICOM XML or JSON, `status` and `tail` say what is there.

mod process;

use process::{XCGATE, repo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, UNIX_EPOCH};
use xcgate_audit::{
    AuditConfig, AuditEvent, AuditMessage, Auditor, Outcome, Peer, QueryParameters, Role,
    Transaction, application_server_source, patient_cx,
};
use xcgate_testkit::TempDir;

/// Record `n`: an ITI-38 answered at 2023-11-14T22:13:20Z + `n` seconds.
fn record(n: u64) -> AuditMessage {
    AuditEvent::new(
        Transaction::Iti38,
        Role::Responding,
        Outcome::Success,
        Peer::new("http://ig.example.org/reply", "10.0.0.1"),
        Peer::new("https://xcgate.example.org/xca", "xcgate.example.org"),
        application_server_source("xcgate-test", None),
    )
    .time(UNIX_EPOCH + Duration::from_secs(1_700_000_000 + n))
    .patient(&patient_cx(&format!("patient-{n}"), "1.2.3"))
    .query(QueryParameters::StoredQuery {
        stored_query_id: format!("q-{n}"),
        adhoc_query_request: vec![b'x'; 600],
        encoding: "UTF-8".to_string(),
        home_community_id: None,
    })
    .build()
}

/// A config whose journal (in `dir`) holds 40 records in segments of about 8 KiB, left
/// uncompressed when `compress` is false.
fn journal_of_40(dir: &Path, compress: bool) -> PathBuf {
    let journal = dir.join("audit.log");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut config = AuditConfig::new(&journal);
        config.segment_size = 8 << 10;
        config.retention.compress = compress;
        let auditor = Auditor::open(config).await.unwrap();
        for n in 0..40 {
            auditor.record(&record(n)).await.unwrap();
        }
        // Let the retention thread compress what is closed.
        tokio::time::sleep(Duration::from_millis(300)).await;
        auditor.shutdown().await;
    });
    let file = dir.join("gateway.toml");
    let text = std::fs::read_to_string(repo("config/demo.toml")).unwrap()
        + &format!("\n[audit]\njournal = \"{}\"\n", journal.display());
    std::fs::write(&file, text).unwrap();
    file
}

fn audit(config: &Path, args: &[&str]) -> Output {
    Command::new(XCGATE)
        .arg("audit")
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn verify_export_status_and_tail_read_a_journal_of_several_segments() {
    let dir = TempDir::new("audit-tools");
    let config = journal_of_40(dir.path(), true);
    let segments = xcgate_audit::segments(&dir.path().join("audit.log")).unwrap();
    assert!(segments.len() >= 4, "{segments:?}");

    let verified = audit(&config, &["verify"]);
    assert!(verified.status.success(), "{}", stdout(&verified));
    let text = stdout(&verified);
    assert!(
        text.contains(&format!("{} segments, 40 records", segments.len())) && text.contains("ok"),
        "{text}"
    );

    // Ten seconds' worth: records 5 to 14.
    let exported = audit(
        &config,
        &[
            "export",
            "--from",
            "2023-11-14T22:13:25",
            "--to",
            "2023-11-14T22:13:35",
        ],
    );
    assert!(exported.status.success());
    let xml = stdout(&exported);
    let ids: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.split("ParticipantObjectID=\"q-").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(ids, (5..15).map(|n| n.to_string()).collect::<Vec<_>>());
    assert!(
        xml.lines()
            .all(|l| l.starts_with("<?xml") && l.ends_with("</AuditMessage>"))
    );

    let json = stdout(&audit(
        &config,
        &["export", "--from", "2023-11-14", "--format", "json"],
    ));
    assert_eq!(json.lines().count(), 40);
    for line in json.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            value["AuditMessage"]["EventIdentification"][0]["@EventDateTime"].is_string(),
            "{line}"
        );
    }

    let status = stdout(&audit(&config, &["status"]));
    assert!(
        status.contains(&format!("segments  {}", segments.len())),
        "{status}"
    );
    assert!(status.contains("compressed"), "{status}");

    let tail = stdout(&audit(&config, &["tail", "-n", "3"]));
    let lines: Vec<&str> = tail.lines().collect();
    assert_eq!(lines.len(), 3, "{tail}");
    assert!(
        lines[2].starts_with("2023-11-14T22:13:59.000Z ITI-38"),
        "{tail}"
    );
    assert!(!tail.contains("patient-"), "tail names no patient: {tail}");
}

#[test]
fn verify_names_a_damaged_record_and_a_missing_segment() {
    let dir = TempDir::new("audit-tools-damaged");
    let config = journal_of_40(dir.path(), false);
    let segments = xcgate_audit::segments(&dir.path().join("audit.log")).unwrap();
    // A record in the second segment overwritten with garbage (same length).
    let second = &segments[1].path;
    let mut bytes = std::fs::read(second).unwrap();
    let at = bytes
        .windows(20)
        .position(|w| w == b"<EventIdentification")
        .unwrap();
    bytes[at..at + 20].copy_from_slice(b"<<<<<<<<<<<<<<<<<<<<");
    std::fs::write(second, bytes).unwrap();
    let verified = audit(&config, &["verify"]);
    assert!(!verified.status.success());
    let text = stdout(&verified);
    let name = second.file_name().unwrap().to_string_lossy();
    assert!(
        text.contains(&format!("problem: {name}")) && text.contains("does not parse"),
        "{text}"
    );

    std::fs::remove_file(&segments[2].path).unwrap();
    let text = stdout(&audit(&config, &["verify"]));
    assert!(text.contains("problem: gap"), "{text}");
}

#[test]
fn tail_follow_prints_each_record_as_it_is_written_across_a_new_segment() {
    let dir = TempDir::new("audit-tools-follow");
    let config = journal_of_40(dir.path(), true);
    let mut follower = Command::new(XCGATE)
        .args(["audit", "tail", "-n", "1", "--follow", "--config"])
        .arg(&config)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follower.stdout.take().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = lines.clone();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            seen.lock().unwrap().push(line);
        }
    });
    let wait_for = |n: usize| {
        let until = std::time::Instant::now() + Duration::from_secs(10);
        while lines.lock().unwrap().len() < n && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        lines.lock().unwrap().clone()
    };
    assert_eq!(wait_for(1).len(), 1, "the last record first");
    // A gateway goes on writing: 20 more records, rolling into new segments.
    let journal = dir.path().join("audit.log");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut c = AuditConfig::new(&journal);
        c.segment_size = 8 << 10;
        let auditor = Auditor::open(c).await.unwrap();
        for n in 40..60 {
            auditor.record(&record(n)).await.unwrap();
        }
        auditor.shutdown().await;
    });
    let got = wait_for(21);
    let _ = follower.kill();
    let _ = follower.wait();
    assert_eq!(got.len(), 21, "{got:#?}");
    assert!(got[0].starts_with("2023-11-14T22:13:59.000Z"), "{}", got[0]);
    assert!(
        got[20].starts_with("2023-11-14T22:14:19.000Z"),
        "{}",
        got[20]
    );
}
