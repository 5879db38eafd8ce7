//! Counters for metrics; counts and sizes only, never record contents.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the audit pipeline since `Auditor::open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditStats {
    /// Records durably in the journal (acknowledged to `record()`).
    pub written: u64,
    /// fsyncs of the journal for them (group commit: `fsyncs <= written`).
    pub fsyncs: u64,
    /// Records written to the repository's socket, re-sends after a reconnect included.
    pub delivered: u64,
    /// Records in the journal not yet written to the repository (0 without forwarding).
    pub pending: u64,
    /// Connections or sends to the repository that failed (each one is retried).
    pub delivery_failures: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    written: AtomicU64,
    fsyncs: AtomicU64,
    delivered: AtomicU64,
    pending: AtomicU64,
    failures: AtomicU64,
    /// The journal offset delivered up to (the saved cursor; `u64::MAX` without a
    /// repository): retention removes nothing after it.
    delivered_to: AtomicU64,
}

impl Counters {
    pub fn with_pending(pending: u64) -> Counters {
        Counters {
            pending: AtomicU64::new(pending),
            ..Counters::default()
        }
    }

    pub fn committed(&self, records: u64, forwarding: bool) {
        self.written.fetch_add(records, Ordering::Relaxed);
        if forwarding {
            self.pending.fetch_add(records, Ordering::Relaxed);
        }
    }

    pub fn fsynced(&self) {
        self.fsyncs.fetch_add(1, Ordering::Relaxed);
    }

    pub fn delivered(&self, records: u64) {
        self.delivered.fetch_add(records, Ordering::Relaxed);
        self.pending.fetch_sub(records, Ordering::Relaxed);
    }

    /// Records that will be sent again after a reconnect.
    pub fn rewound(&self, records: u64) {
        self.pending.fetch_add(records, Ordering::Relaxed);
    }

    pub fn delivered_to(&self, offset: u64) {
        self.delivered_to.store(offset, Ordering::Relaxed);
    }

    pub fn delivered_up_to(&self) -> u64 {
        self.delivered_to.load(Ordering::Relaxed)
    }

    pub fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> AuditStats {
        AuditStats {
            written: self.written.load(Ordering::Relaxed),
            fsyncs: self.fsyncs.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            pending: self.pending.load(Ordering::Relaxed),
            delivery_failures: self.failures.load(Ordering::Relaxed),
        }
    }
}
