//! Configuration errors name the file and what to fix.

use crate::{TempDir, TestResult};
use std::path::PathBuf;
use xcgate_audit::{AuditConfig, AuditError, Auditor, SyslogConfig, SyslogTransport};

fn tls(ca_file: PathBuf) -> SyslogConfig {
    SyslogConfig::new(
        SyslogTransport::Tls {
            address: "127.0.0.1:6514".to_string(),
            server_name: "localhost".to_string(),
            ca_file,
            client_cert_file: None,
            client_key_file: None,
        },
        "xcgate",
        "gw.example.org",
    )
}

#[tokio::test]
async fn an_unreadable_ca_file_is_named() -> TestResult {
    let dir = TempDir::new("bad-ca");
    let missing = dir.path().join("no-such-ca.pem");
    let mut config = AuditConfig::new(dir.path().join("audit.log"));
    config.syslog = Some(tls(missing.clone()));
    let err = Auditor::open(config).await.err().ok_or("open must fail")?;
    assert!(
        matches!(err, AuditError::TlsMaterial { key: "ca_file", .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );

    let not_pem = dir.path().join("ca.txt");
    std::fs::write(&not_pem, "not a certificate")?;
    let mut config = AuditConfig::new(dir.path().join("audit.log"));
    config.syslog = Some(tls(not_pem.clone()));
    let err = Auditor::open(config).await.err().ok_or("open must fail")?;
    assert!(err.to_string().contains("no PEM certificate"), "{err}");
    assert!(
        err.to_string().contains(&not_pem.display().to_string()),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_journal_directory_that_cannot_hold_the_file_is_named() -> TestResult {
    let dir = TempDir::new("bad-journal");
    // A regular file where the directory should be: not writable as a directory, whoever
    // runs the test (root ignores permission bits).
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "")?;
    let journal = blocker.join("audit.log");
    let err = Auditor::open(AuditConfig::new(&journal))
        .await
        .err()
        .ok_or("open must fail")?;
    assert!(matches!(err, AuditError::Journal { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&journal.display().to_string()), "{text}");
    assert!(
        text.contains("writable") || text.contains("must exist"),
        "says what to fix: {text}"
    );
    Ok(())
}

#[tokio::test]
async fn bad_syslog_header_fields_are_refused() -> TestResult {
    let dir = TempDir::new("bad-header");
    let mut syslog = tls(dir.path().join("ca.pem"));
    syslog.hostname = "has space".to_string();
    let mut config = AuditConfig::new(dir.path().join("audit.log"));
    config.syslog = Some(syslog);
    let err = Auditor::open(config).await.err().ok_or("open must fail")?;
    assert!(err.to_string().contains("syslog.hostname"), "{err}");
    Ok(())
}
