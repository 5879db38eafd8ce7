//! Integration tests of xcgate-audit: the journal, TLS and UDP forwarding to a test Audit
//! Record Repository on 127.0.0.1:0, restarts and configuration errors.

mod arr;
mod config_errors;
mod delivery;
mod journal;
mod pki;

use pki::BoxError;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};
use xcgate_audit::{
    AuditEvent, AuditMessage, Auditor, Outcome, Peer, QueryParameters, Role, Transaction,
    application_server_source, patient_cx,
};

pub type TestResult = Result<(), BoxError>;

/// A fresh folder under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<TempDir, BoxError> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xcgate-audit-{}-{}-{name}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Record number `n`: an ITI-38 query whose stored query id is `q-<n>`, so the repository's
/// copy can be matched to the journal's.
pub fn record(n: u64) -> AuditMessage {
    AuditEvent::new(
        Transaction::Iti38,
        Role::RespondingGateway,
        Outcome::Success,
        Peer::new("http://ig.example.org/reply", "10.0.0.1"),
        Peer::new("https://xcgate.example.org/xca", "xcgate.example.org"),
        application_server_source("xcgate-test", None),
    )
    .time(UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + n))
    .patient(&patient_cx(&format!("patient-{n}"), "1.2.3"))
    .query(QueryParameters::StoredQuery {
        stored_query_id: format!("q-{n}"),
        adhoc_query_request: vec![b'x'; 600],
        encoding: "UTF-8".to_string(),
        home_community_id: Some("urn:oid:1.2.3".to_string()),
    })
    .build()
}

/// The record numbers in journal order.
pub fn journal_order(path: &Path) -> Result<Vec<u64>, BoxError> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .map(|l| arr::seq_in(l).ok_or_else(|| BoxError::from(format!("no q- id in {l}"))))
        .collect()
}

/// Poll `check` until true or 20 s passed.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

/// Record `numbers` one after the other (journal order = `numbers` order).
pub async fn record_all(auditor: &Auditor, numbers: std::ops::Range<u64>) -> TestResult {
    for n in numbers {
        auditor.record(&record(n)).await?;
    }
    Ok(())
}

/// Every record of `expected` arrived, in order; records are repeated only at a reconnect:
/// the first frame of a new connection may go back to an earlier record (the forwarder's
/// re-send window), and the frames after it continue in order from there.
pub fn assert_complete_in_order(expected: &[u64], frames: &[arr::Frame]) {
    let mut next = 0usize;
    let mut connection = None;
    for (i, frame) in frames.iter().enumerate() {
        let seq = frame.seq();
        let at = if connection != Some(frame.connection) {
            connection = Some(frame.connection);
            expected[..(next + 1).min(expected.len())]
                .iter()
                .rposition(|&e| Some(e) == seq)
        } else {
            (expected.get(next).copied() == seq && seq.is_some()).then_some(next)
        };
        match at {
            Some(at) => next = at + 1,
            None => panic!(
                "frame {i} (connection {}) carries record {seq:?} where {:?} was due: a gap, \
                 a reordering or a duplicate away from a reconnect",
                frame.connection,
                expected.get(next)
            ),
        }
    }
    assert_eq!(
        expected.len(),
        next,
        "only {next} of {} records arrived in order",
        expected.len()
    );
}
