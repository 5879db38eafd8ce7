//! Forwarding to an Audit Record Repository: TLS in order, ARR down at start, connection
//! dropped mid-way, restart after a crash, UDP.

use crate::{TempDir, TestResult, eventually, journal_order, record, record_all};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use xcgate_audit::{AuditConfig, Auditor, SyslogConfig, SyslogTransport};
use xcgate_testkit::arr::{Arr, assert_complete_in_order, free_port};
use xcgate_testkit::pki::Pki;

pub(crate) fn tls_config(journal: &Path, pki: &Pki, addr: SocketAddr) -> AuditConfig {
    let mut syslog = SyslogConfig::new(
        SyslogTransport::Tls {
            address: addr.to_string(),
            server_name: "localhost".to_string(),
            ca_file: pki.ca(),
            client_cert_file: Some(pki.client_cert()),
            client_key_file: Some(pki.client_key()),
        },
        "xcgate",
        "gw.example.org",
    );
    // Short retries keep the tests quick; the cap still applies.
    syslog.retry_min = Duration::from_millis(20);
    syslog.retry_max = Duration::from_millis(200);
    let mut config = AuditConfig::new(journal);
    config.syslog = Some(syslog);
    config
}

#[tokio::test]
async fn tls_repository_receives_records_in_order() -> TestResult {
    let dir = TempDir::new("tls-order");
    let pki = Pki::generate("audit");
    let arr = Arr::tls(&pki, "127.0.0.1:0".parse()?)?;
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(tls_config(&journal, &pki, arr.addr)).await?;
    record_all(&auditor, 0..40).await?;

    let frames = arr.wait_for(|f| f.len() >= 40).await;
    assert_complete_in_order(&journal_order(&journal)?[..40], &frames);
    assert_eq!(40, frames.len(), "no duplicates without a reconnect");
    let first = &frames[0].message;
    let pid = std::process::id();
    assert!(
        first.starts_with(&format!(
            "<85>1 2023-11-14T22:13:20.000Z gw.example.org xcgate {pid} IHE+RFC-3881 - <?xml"
        )),
        "RFC 5424 header with PRI 85 and MSGID IHE+RFC-3881 [ITI TF-2 3.20.4.1.2]: {first}"
    );
    assert!(eventually(|| auditor.stats().pending == 0).await);
    let stats = auditor.stats();
    assert_eq!((40, 40), (stats.written, stats.delivered));
    auditor.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn records_wait_in_the_journal_while_the_repository_is_down() -> TestResult {
    let dir = TempDir::new("arr-down");
    let pki = Pki::generate("audit");
    let addr = free_port()?;
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(tls_config(&journal, &pki, addr)).await?;
    record_all(&auditor, 0..25).await?;
    assert!(eventually(|| auditor.stats().delivery_failures >= 2).await);
    assert_eq!(25, auditor.stats().pending, "spooled, none dropped");

    let arr = Arr::tls(&pki, addr)?;
    record_all(&auditor, 25..30).await?;
    let frames = arr.wait_for(|f| f.len() >= 30).await;
    assert_complete_in_order(&journal_order(&journal)?[..30], &frames);
    assert!(eventually(|| auditor.stats().pending == 0).await);
    auditor.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_loses_nothing() -> TestResult {
    let dir = TempDir::new("arr-drop");
    let pki = Pki::generate("audit");
    let arr = Arr::tls_dropping(&pki, "127.0.0.1:0".parse()?, Some(20))?;
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(tls_config(&journal, &pki, arr.addr)).await?;

    // Many records at once, so the forwarder is mid-stream when the repository hangs up.
    const N: u64 = 300;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..N {
        let auditor = auditor.clone();
        tasks.spawn(async move { auditor.record(&record(n)).await });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let expected = journal_order(&journal)?;
    let frames = arr
        .wait_for(|f| {
            f.last().map(|l| l.xml()) == expected.last().map(String::as_str)
                && f.len() >= N as usize
        })
        .await;
    assert!(
        frames.iter().any(|f| f.connection > 0),
        "the repository dropped the first connection"
    );
    assert_complete_in_order(&expected, &frames);
    assert!(eventually(|| auditor.stats().pending == 0).await);
    assert!(auditor.stats().delivery_failures >= 1);
    auditor.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_restart_after_a_crash_delivers_what_was_spooled() -> TestResult {
    let dir = TempDir::new("restart");
    let pki = Pki::generate("audit");
    let addr = free_port()?;
    let journal = dir.path().join("audit.log");

    let crashed = Auditor::open(tls_config(&journal, &pki, addr)).await?;
    record_all(&crashed, 0..10).await?;
    drop(crashed); // no shutdown: as a kill would leave it

    let arr = Arr::tls(&pki, addr)?;
    let restarted = Auditor::open(tls_config(&journal, &pki, addr)).await?;
    assert_eq!(10, restarted.stats().pending, "counted from the cursor");
    let frames = arr.wait_for(|f| f.len() >= 10).await;
    assert_complete_in_order(&journal_order(&journal)?[..10], &frames);
    assert!(eventually(|| restarted.stats().pending == 0).await);
    restarted.shutdown().await;
    drop(restarted);

    // The cursor was saved: the next start sends only the new record.
    let again = Auditor::open(tls_config(&journal, &pki, addr)).await?;
    assert_eq!(0, again.stats().pending);
    again.record(&record(10)).await?;
    let frames = arr.wait_for(|f| f.len() >= 11).await;
    assert_complete_in_order(&journal_order(&journal)?[..11], &frames);
    assert_eq!(11, frames.len(), "nothing re-sent after an orderly stop");
    again.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn udp_datagrams_arrive_in_order() -> TestResult {
    let dir = TempDir::new("udp");
    let arr = Arr::udp()?;
    let journal = dir.path().join("audit.log");
    let mut config = AuditConfig::new(&journal);
    config.syslog = Some(SyslogConfig::new(
        SyslogTransport::Udp {
            address: arr.addr.to_string(),
        },
        "xcgate",
        "gw.example.org",
    ));
    let auditor = Auditor::open(config).await?;
    record_all(&auditor, 0..20).await?;
    let frames = arr.wait_for(|f| f.len() >= 20).await;
    assert_eq!(20, frames.len());
    assert_complete_in_order(&journal_order(&journal)?[..20], &frames);
    assert!(frames[0].message.starts_with("<85>1 "));
    auditor.shutdown().await;
    Ok(())
}
