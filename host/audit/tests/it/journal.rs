//! The journal: group commit, one parseable record per line, torn-tail repair, one writer.

use crate::{TempDir, TestResult, journal_numbers, record};
use std::io::Write;
use std::time::Duration;
use xcgate_audit::{AuditConfig, AuditError, Auditor};

#[tokio::test]
async fn concurrent_records_share_fsyncs_and_each_is_one_line() -> TestResult {
    let dir = TempDir::new("group-commit");
    let journal = dir.path().join("audit.log");
    let mut config = AuditConfig::new(&journal);
    config.max_delay = Duration::from_millis(20);
    config.max_batch = 1000;
    let auditor = Auditor::open(config).await?;

    const N: u64 = 64;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..N {
        let auditor = auditor.clone();
        tasks.spawn(async move { auditor.record(&record(n)).await });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let stats = auditor.stats();
    assert_eq!(N, stats.written);
    assert!(
        stats.fsyncs < N,
        "group commit: {} fsyncs for {N} records",
        stats.fsyncs
    );
    assert_eq!(0, stats.pending, "no forwarding configured");

    // Durable when record() returned: the lines are in the file now, each a whole record.
    let text = String::from_utf8(xcgate_audit::read_journal(&journal)?)?;
    assert_eq!(N as usize, text.lines().count());
    for line in text.lines() {
        xcgate_ihe::xml::parse(line.as_bytes())?;
    }
    let mut numbers = journal_numbers(&journal)?;
    numbers.sort_unstable();
    assert_eq!(
        (0..N).collect::<Vec<_>>(),
        numbers,
        "each record exactly once"
    );
    auditor.shutdown().await;
    assert!(
        auditor.record(&record(N)).await.is_err(),
        "closed after shutdown"
    );
    Ok(())
}

#[tokio::test]
async fn the_records_of_one_request_share_one_fsync_without_waiting() -> TestResult {
    let dir = TempDir::new("record-all");
    let journal = dir.path().join("audit.log");
    // The default: no wait for more records after the first.
    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    let records: Vec<_> = (0..20).map(record).collect();
    auditor.record_all(&records).await?;
    let stats = auditor.stats();
    assert_eq!(20, stats.written);
    assert_eq!(
        1, stats.fsyncs,
        "one group commit for the request's 20 records"
    );
    assert_eq!(
        (0..20).collect::<Vec<_>>(),
        journal_numbers(&journal)?,
        "in order"
    );
    auditor.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_torn_last_line_is_cut_on_open_and_the_rest_kept() -> TestResult {
    let dir = TempDir::new("torn");
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    for n in 0..3 {
        auditor.record(&record(n)).await?;
    }
    auditor.shutdown().await;
    drop(auditor);

    // A crash in the middle of a write: half a record, no newline.
    let segment = journal.join("00000000000000000000.log");
    let whole = std::fs::read(&segment)?;
    let torn = record(99).to_xml();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&segment)?
        .write_all(&torn.as_bytes()[..torn.len() / 2])?;

    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    assert_eq!(whole, std::fs::read(&segment)?, "the torn tail is cut");
    auditor.record(&record(3)).await?;
    assert_eq!(vec![0, 1, 2, 3], journal_numbers(&journal)?);
    Ok(())
}

#[tokio::test]
async fn one_writer_per_journal() -> TestResult {
    let dir = TempDir::new("lock");
    let journal = dir.path().join("audit.log");
    let first = Auditor::open(AuditConfig::new(&journal)).await?;
    match Auditor::open(AuditConfig::new(&journal)).await {
        Err(AuditError::JournalInUse { path }) => assert_eq!(journal, path),
        other => return Err(format!("expected JournalInUse, got {other:?}").into()),
    }
    // Dropping the last handle (as a crash would) frees the journal.
    drop(first);
    let again = Auditor::open(AuditConfig::new(&journal)).await?;
    again.record(&record(1)).await?;
    Ok(())
}
