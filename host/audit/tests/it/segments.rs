//! The journal as a folder of segments: rolled by size and by day, read back in order
//! across them (compressed or not), delivered across their boundaries, removed only once
//! delivered, and a journal of one file (before segments) migrated without loss.

use crate::delivery::tls_config;
use crate::{TempDir, TestResult, eventually, journal_numbers, journal_order, record_all};
use std::path::Path;
use std::time::{Duration, SystemTime};
use xcgate_audit::{AuditConfig, Auditor, Retention};
use xcgate_testkit::arr::{Arr, assert_complete_in_order};
use xcgate_testkit::pki::Pki;

/// About six records per segment.
const SMALL: u64 = 8 << 10;

fn small(journal: &Path) -> AuditConfig {
    let mut config = AuditConfig::new(journal);
    config.segment_size = SMALL;
    config
}

fn names(journal: &Path) -> Result<Vec<String>, std::io::Error> {
    Ok(xcgate_audit::segments(journal)?
        .iter()
        .map(|s| {
            s.path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect())
}

#[tokio::test]
async fn records_roll_into_segments_and_read_back_in_order_compressed_or_not() -> TestResult {
    let dir = TempDir::new("segments-roll");
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(small(&journal)).await?;
    record_all(&auditor, 0..60).await?;
    let listed = xcgate_audit::segments(&journal)?;
    assert!(listed.len() >= 5, "{:?}", names(&journal)?);
    for pair in listed.windows(2) {
        assert_eq!(
            pair[0].end(),
            pair[1].base,
            "offsets run on across segments"
        );
    }
    assert!(
        listed.iter().all(|s| s.len <= SMALL + 2048),
        "rolled by size"
    );
    // No repository: everything is delivered, so closed segments are compressed; the last
    // one is the writer's.
    assert!(
        eventually(|| xcgate_audit::segments(&journal).is_ok_and(|l| l
            .iter()
            .rev()
            .skip(1)
            .all(|s| s.compressed)))
        .await,
        "{:?}",
        names(&journal)?
    );
    let status = xcgate_audit::status(&journal)?;
    assert!(
        status.size * 4 < status.records_bytes,
        "compressed to under a quarter: {status:?}"
    );
    assert_eq!((0..60).collect::<Vec<_>>(), journal_numbers(&journal)?);
    auditor.shutdown().await;
    drop(auditor);
    // Reopened, it appends after the last record.
    let auditor = Auditor::open(small(&journal)).await?;
    record_all(&auditor, 60..62).await?;
    assert_eq!((0..62).collect::<Vec<_>>(), journal_numbers(&journal)?);
    Ok(())
}

#[tokio::test]
async fn a_new_utc_day_starts_a_new_segment() -> TestResult {
    let dir = TempDir::new("segments-day");
    let journal = dir.path().join("audit.log");
    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    record_all(&auditor, 0..3).await?;
    auditor.shutdown().await;
    drop(auditor);
    // The last record was written the day before yesterday.
    let last = xcgate_audit::segments(&journal)?.pop().ok_or("a segment")?;
    std::fs::File::options()
        .write(true)
        .open(&last.path)?
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 86_400))?;
    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    record_all(&auditor, 3..4).await?;
    let listed = xcgate_audit::segments(&journal)?;
    assert_eq!(listed.len(), 2, "{:?}", names(&journal)?);
    assert_eq!(
        listed[1].base,
        last.end(),
        "today's records start a segment"
    );
    assert_eq!(vec![0, 1, 2, 3], journal_numbers(&journal)?);
    Ok(())
}

#[tokio::test]
async fn the_repository_receives_every_record_across_segment_boundaries() -> TestResult {
    let dir = TempDir::new("segments-deliver");
    let pki = Pki::generate("audit-segments");
    let arr = Arr::tls(&pki, "127.0.0.1:0".parse()?)?;
    let journal = dir.path().join("audit.log");
    let mut config = tls_config(&journal, &pki, arr.addr);
    config.segment_size = SMALL;
    let auditor = Auditor::open(config).await?;
    record_all(&auditor, 0..50).await?;
    let frames = arr.wait_for(|f| f.len() >= 50).await;
    assert_complete_in_order(&journal_order(&journal)?[..50], &frames);
    assert!(eventually(|| auditor.stats().pending == 0).await);
    assert!(xcgate_audit::segments(&journal)?.len() >= 4);
    Ok(())
}

#[tokio::test]
async fn a_segment_is_removed_only_once_delivered_and_old_or_over_the_size() -> TestResult {
    let dir = TempDir::new("segments-retention");
    let journal = dir.path().join("audit.log");
    let mut config = small(&journal);
    config.retention.compress = false;
    let auditor = Auditor::open(config).await?;
    record_all(&auditor, 0..40).await?;
    auditor.shutdown().await;
    drop(auditor);
    let listed = xcgate_audit::segments(&journal)?;
    assert!(listed.len() >= 4);
    // Make every segment a year old.
    for s in &listed {
        std::fs::File::options()
            .write(true)
            .open(&s.path)?
            .set_modified(SystemTime::now() - Duration::from_secs(365 * 86_400))?;
    }
    let old = Retention {
        max_age: Some(Duration::from_secs(90 * 86_400)),
        ..Retention::default()
    };
    // Nothing delivered: nothing removed, however old.
    let tidied = xcgate_audit::tidy(&journal, 0, &old)?;
    assert_eq!(tidied.removed, 0);
    // Delivered up to the end of the second segment: those two go, old as they are.
    let tidied = xcgate_audit::tidy(&journal, listed[1].end(), &old)?;
    assert_eq!(tidied.removed, 2);
    assert_eq!(xcgate_audit::segments(&journal)?[0].base, listed[2].base);
    // Over the size, delivered: removed oldest first, never the last (the writer's).
    let capped = Retention {
        max_size: Some(1),
        ..Retention::default()
    };
    xcgate_audit::tidy(&journal, u64::MAX, &capped)?;
    let left = xcgate_audit::segments(&journal)?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].base, listed[listed.len() - 1].base);
    // What is left still reads, and the journal goes on after it.
    let auditor = Auditor::open(small(&journal)).await?;
    record_all(&auditor, 40..41).await?;
    assert_eq!(journal_numbers(&journal)?.last(), Some(&40));
    Ok(())
}

/// A journal written by xcgate before segments: one file of records, and a cursor beside
/// it three records in (those three delivered).
fn journal_of_before(journal: &Path) -> Result<(), std::io::Error> {
    let mut text = String::new();
    let mut third = 0;
    for n in 0..8 {
        text.push_str(&crate::record(n).to_xml());
        text.push('\n');
        if n == 2 {
            third = text.len();
        }
    }
    std::fs::write(journal, text)?;
    let mut cursor = journal.as_os_str().to_owned();
    cursor.push(".cursor");
    std::fs::write(cursor, format!("{third}\n"))
}

#[tokio::test]
async fn a_journal_of_one_file_is_migrated_and_delivery_resumes_at_its_cursor() -> TestResult {
    let dir = TempDir::new("segments-migrate");
    let pki = Pki::generate("audit-migrate");
    let arr = Arr::tls(&pki, "127.0.0.1:0".parse()?)?;
    let journal = dir.path().join("audit.log");
    journal_of_before(&journal)?;
    let auditor = Auditor::open(tls_config(&journal, &pki, arr.addr)).await?;
    assert!(journal.is_dir(), "the journal is a folder now");
    assert_eq!(names(&journal)?, ["00000000000000000000.log"]);
    assert!(!dir.path().join("audit.log.cursor").exists());
    record_all(&auditor, 8..10).await?;
    let frames = arr.wait_for(|f| f.len() >= 7).await;
    let numbers: Vec<String> = frames.iter().map(|f| f.message.clone()).collect();
    assert_eq!(frames.len(), 7, "records 3 to 9: {numbers:?}");
    assert_complete_in_order(&journal_order(&journal)?[3..10], &frames);
    assert_eq!((0..10).collect::<Vec<_>>(), journal_numbers(&journal)?);
    Ok(())
}

#[tokio::test]
async fn a_migration_cut_short_by_a_crash_is_finished_at_the_next_open() -> TestResult {
    let dir = TempDir::new("segments-migrate-crash");
    let journal = dir.path().join("audit.log");
    journal_of_before(&journal)?;
    // The crash came after the file was moved, before the cursor and the folder were.
    let staging = dir.path().join("audit.log.migrating");
    std::fs::create_dir(&staging)?;
    std::fs::rename(&journal, staging.join("00000000000000000000.log"))?;
    let auditor = Auditor::open(AuditConfig::new(&journal)).await?;
    assert!(journal.is_dir() && !staging.exists());
    assert!(journal.join("cursor").exists(), "the cursor moved in too");
    record_all(&auditor, 8..9).await?;
    assert_eq!((0..9).collect::<Vec<_>>(), journal_numbers(&journal)?);
    Ok(())
}

#[tokio::test]
async fn a_journal_in_use_by_an_older_gateway_is_not_migrated() -> TestResult {
    let dir = TempDir::new("segments-migrate-busy");
    let journal = dir.path().join("audit.log");
    journal_of_before(&journal)?;
    let held = std::fs::File::open(&journal)?;
    held.lock()?;
    match Auditor::open(AuditConfig::new(&journal)).await {
        Err(xcgate_audit::AuditError::JournalInUse { .. }) => {}
        other => return Err(format!("expected JournalInUse, got {other:?}").into()),
    }
    assert!(journal.is_file(), "left as it was");
    Ok(())
}
