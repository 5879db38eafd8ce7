//! Integration tests of xcgate-audit: the journal, TLS and UDP forwarding to a test Audit
//! Record Repository on 127.0.0.1:0, restarts and configuration errors.

mod config_errors;
mod delivery;
mod journal;
mod segments;

use std::path::Path;
use std::time::{Duration, Instant, UNIX_EPOCH};
use xcgate_audit::{
    AuditEvent, AuditMessage, Auditor, Outcome, Peer, QueryParameters, Role, Transaction,
    application_server_source, patient_cx,
};
pub use xcgate_testkit::{BoxError, TempDir};

pub type TestResult = Result<(), BoxError>;

/// Record number `n`: an ITI-38 query whose stored query id is `q-<n>`, so the repository's
/// copy can be matched to the journal's.
pub fn record(n: u64) -> AuditMessage {
    AuditEvent::new(
        Transaction::Iti38,
        Role::Responding,
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

/// The journal's records, in journal order.
pub fn journal_order(path: &Path) -> Result<Vec<String>, BoxError> {
    Ok(String::from_utf8(xcgate_audit::read_journal(path)?)?
        .lines()
        .map(str::to_string)
        .collect())
}

/// The record numbers (`q-<n>`) in journal order.
pub fn journal_numbers(path: &Path) -> Result<Vec<u64>, BoxError> {
    journal_order(path)?
        .iter()
        .map(|l| seq_in(l).ok_or_else(|| BoxError::from(format!("no q- id in {l}"))))
        .collect()
}

/// The record number the tests put in the query's ParticipantObjectID (`q-<n>`).
fn seq_in(text: &str) -> Option<u64> {
    let start = text.find("ParticipantObjectID=\"q-")? + "ParticipantObjectID=\"q-".len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
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
