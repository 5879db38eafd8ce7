//! Forwarding the journal to the Audit Record Repository, in journal order, from a persisted
//! cursor.
//!
//! Delivery is at-least-once, never at-most-once:
//! - records are read only up to the committed (fsynced) end of the journal;
//! - after a batch was written to the socket the cursor is moved past it and fsynced; a
//!   crash between the two sends that batch again after the restart;
//! - RFC 5425 has no acknowledgement, so a record the kernel accepted can still be lost when
//!   the connection drops (it sat in a socket buffer). After a failure the forwarder
//!   therefore rewinds over the last [`RESEND_WINDOW`] bytes of records sent on the failed
//!   connection and sends them again on the next one: duplicates appear only at a reconnect
//!   boundary, and the repository sees every record.
//!
//! Failures back off from `retry_min`, doubling to `retry_max`; nothing is dropped meanwhile,
//! the records simply stay in the journal.

use crate::cursor;
use crate::segments::Reader;
use crate::stats::Counters;
use crate::syslog::Header;
use crate::transport::{Connection, Target};
use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Records (bytes of journal) re-sent after a dropped connection: about what the kernel
/// buffers of both ends can hold unread on a LAN connection.
pub(crate) const RESEND_WINDOW: u64 = 1024 * 1024;
/// Read and send at most this much per batch (one cursor update per batch).
const BATCH_BYTES: usize = 256 * 1024;

pub(crate) struct Forwarder {
    pub target: Target,
    pub header: Header,
    pub journal: Arc<Reader>,
    pub cursor_path: PathBuf,
    /// Offset of the first record not yet sent.
    pub position: u64,
    pub committed: watch::Receiver<u64>,
    /// Becomes true (or closes) when the forwarder should stop.
    pub stop: watch::Receiver<bool>,
    pub counters: Arc<Counters>,
    pub retry_min: Duration,
    pub retry_max: Duration,
}

/// What ended a connection.
enum Ended {
    Stop,
    Failed(io::Error),
}

impl Forwarder {
    pub async fn run(mut self) {
        let sink = self.target.address().to_string();
        let mut backoff = self.retry_min;
        loop {
            if self.stopping() {
                return;
            }
            let connected = tokio::select! {
                c = self.target.connect() => c,
                _ = stopped(&mut self.stop) => return,
            };
            let mut conn = match connected {
                Ok(conn) => conn,
                Err(err) => {
                    self.counters.failed();
                    tracing::warn!(sink = %sink, error = %err, retry_in_ms = backoff.as_millis() as u64, "audit repository unreachable; records stay in the journal");
                    if !self.pause(&mut backoff).await {
                        return;
                    }
                    continue;
                }
            };
            tracing::info!(sink = %sink, "audit repository connected");
            let mut sent = SentWindow::default();
            match self.serve(&mut conn, &mut sent, &mut backoff).await {
                Ended::Stop => {
                    conn.close().await;
                    return;
                }
                Ended::Failed(err) => {
                    self.counters.failed();
                    drop(conn);
                    let (rewind_to, records) = sent.rewind_point(self.position);
                    tracing::warn!(sink = %sink, error = %err, resend = records, retry_in_ms = backoff.as_millis() as u64, "audit repository connection lost");
                    if records > 0 {
                        self.position = rewind_to;
                        self.counters.rewound(records);
                        if let Err(err) = self.persist().await {
                            tracing::error!(sink = %sink, error = %err, "audit cursor not saved");
                        }
                    }
                    if !self.pause(&mut backoff).await {
                        return;
                    }
                }
            }
        }
    }

    /// Send everything committed, then wait for more, until stopped or the connection fails.
    async fn serve(
        &mut self,
        conn: &mut Connection,
        sent: &mut SentWindow,
        backoff: &mut Duration,
    ) -> Ended {
        loop {
            let committed = *self.committed.borrow_and_update();
            if self.position < committed {
                if let Err(err) = self.send_batch(conn, committed, sent).await {
                    return Ended::Failed(err);
                }
                *backoff = self.retry_min;
                continue;
            }
            // Caught up: an orderly stop leaves nothing behind.
            if self.stopping() {
                return Ended::Stop;
            }
            tokio::select! {
                changed = self.committed.changed() => {
                    if changed.is_err() && *self.committed.borrow() <= self.position {
                        // The writer is gone and everything is sent.
                        return Ended::Stop;
                    }
                }
                err = conn.closed() => return Ended::Failed(err),
                _ = stopped(&mut self.stop) => {}
            }
        }
    }

    async fn send_batch(
        &mut self,
        conn: &mut Connection,
        committed: u64,
        sent: &mut SentWindow,
    ) -> io::Result<()> {
        let file = Arc::clone(&self.journal);
        let from = self.position;
        let bytes =
            tokio::task::spawn_blocking(move || file.read_records(from, committed, BATCH_BYTES))
                .await
                .map_err(io::Error::other)??;
        let mut messages = Vec::new();
        let mut offsets = Vec::new();
        let mut at = from;
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            let record = line.strip_suffix(b"\n").unwrap_or(line);
            let mut message = Vec::with_capacity(record.len() + 96);
            self.header.message(record, &mut message);
            messages.push(message);
            offsets.push((at, line.len() as u64));
            at += line.len() as u64;
        }
        conn.send(&messages).await?;
        for (start, len) in offsets {
            sent.push(start, len);
        }
        self.position = at;
        self.counters.delivered(messages.len() as u64);
        if let Err(err) = self.persist().await {
            // Not fatal: the records go again after a restart (at-least-once).
            tracing::error!(sink = %self.target.address(), error = %err, "audit cursor not saved");
        }
        Ok(())
    }

    async fn persist(&self) -> io::Result<()> {
        let path = self.cursor_path.clone();
        let position = self.position;
        tokio::task::spawn_blocking(move || cursor::write(&path, position))
            .await
            .map_err(io::Error::other)??;
        self.counters.delivered_to(position);
        Ok(())
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow() || self.stop.has_changed().is_err()
    }

    /// Sleep `backoff` (then double it up to the cap); false when stopped meanwhile.
    async fn pause(&mut self, backoff: &mut Duration) -> bool {
        let sleep = *backoff;
        *backoff = (*backoff * 2).min(self.retry_max);
        tokio::select! {
            _ = tokio::time::sleep(sleep) => true,
            _ = stopped(&mut self.stop) => false,
        }
    }
}

/// Resolves when `stop` turns true or its sender is gone (the last `Auditor` dropped).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// The records sent on the current connection, trimmed to the last [`RESEND_WINDOW`] bytes.
#[derive(Default)]
struct SentWindow {
    records: VecDeque<(u64, u64)>,
    bytes: u64,
}

impl SentWindow {
    fn push(&mut self, start: u64, len: u64) {
        self.records.push_back((start, len));
        self.bytes += len;
        while self.bytes > RESEND_WINDOW && self.records.len() > 1 {
            if let Some((_, old)) = self.records.pop_front() {
                self.bytes -= old;
            }
        }
    }

    /// Where to resume and how many records that re-sends.
    fn rewind_point(&self, position: u64) -> (u64, u64) {
        match self.records.front() {
            Some(&(start, _)) => (start, self.records.len() as u64),
            None => (position, 0),
        }
    }
}
