//! The handle the gateway holds: open the journal (and the forwarder), record, read stats,
//! shut down.

use crate::config::{AuditConfig, AuditError, validate};
use crate::cursor;
use crate::forwarder::Forwarder;
use crate::forwarder::RESEND_WINDOW;
use crate::journal::{self, Append, Writer};
use crate::model::AuditMessage;
use crate::retention::{self, Retention};
use crate::segments;
use crate::stats::{AuditStats, Counters};
use crate::syslog::Header;
use crate::transport::Target;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::SystemTime;
use tokio::sync::{oneshot, watch};

/// The audit pipeline: a durable journal with group commit and, if configured, a forwarder
/// to an Audit Record Repository. Cheap to clone; the pipeline stops when [`shutdown`] is
/// called or the last clone is dropped (the forwarder then stops at its next wait, as a
/// crash would stop it: the journal and cursor make that safe).
///
/// [`shutdown`]: Auditor::shutdown
#[derive(Clone)]
pub struct Auditor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor")
            .field("journal", &self.inner.path)
            .finish_non_exhaustive()
    }
}

struct Inner {
    path: PathBuf,
    queue: Mutex<Option<mpsc::Sender<Append>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    forwarder: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    stop: watch::Sender<bool>,
    counters: Arc<Counters>,
}

impl Auditor {
    /// Open (or create) the journal, repair a torn tail, and start the writer and, with
    /// `config.syslog`, the forwarder from its saved cursor. Must run inside a tokio runtime.
    pub async fn open(config: AuditConfig) -> Result<Auditor, AuditError> {
        let target = match &config.syslog {
            Some(syslog) => {
                validate(syslog)?;
                Some(Target::new(&syslog.transport)?)
            }
            None => None,
        };
        let path = config.journal.clone();
        let cursor_path = cursor::path_for(&path);
        let forwarding = target.is_some();
        // File work off the runtime threads: repairing and counting can read a large file.
        let opened = tokio::task::spawn_blocking({
            let path = path.clone();
            move || open_files(&path, forwarding)
        })
        .await
        .map_err(|err| AuditError::NotStored(format!("audit open task failed: {err}")))??;
        let (active, position, pending) = opened;
        let len = active.end;
        let day = active
            .file
            .metadata()
            .and_then(|m| m.modified())
            .map_or_else(|_| journal::day_of(SystemTime::now()), journal::day_of);

        let counters = Arc::new(Counters::with_pending(pending));
        counters.delivered_to(if forwarding { position } else { u64::MAX });
        let (committed_tx, committed_rx) = watch::channel(len);
        let (stop, stop_rx) = watch::channel(false);
        let (rolled, rolled_rx) = mpsc::channel();

        let (queue, queue_rx) = mpsc::channel();
        let writer = Writer {
            path: path.clone(),
            active,
            segment_size: config.segment_size,
            day,
            max_batch: config.max_batch,
            max_delay: config.max_delay,
            counters: Arc::clone(&counters),
            committed: committed_tx,
            forwarding,
            rolled: Some(rolled),
        };
        let writer = std::thread::Builder::new()
            .name("xcgate-audit-journal".to_string())
            .spawn(move || writer.run(queue_rx))
            .map_err(|error| AuditError::Journal {
                path: path.clone(),
                what: "cannot start the writer thread",
                fix: "check the process thread limit",
                error,
            })?;
        spawn_retention(&path, config.retention, Arc::clone(&counters), rolled_rx)?;

        let forwarder = match (target, &config.syslog) {
            (Some(target), Some(syslog)) => {
                let forwarder = Forwarder {
                    target,
                    header: Header {
                        hostname: syslog.hostname.clone(),
                        app_name: syslog.app_name.clone(),
                        proc_id: std::process::id().to_string(),
                    },
                    journal: Arc::new(segments::Reader::new(&path)),
                    cursor_path,
                    position,
                    committed: committed_rx,
                    stop: stop_rx,
                    counters: Arc::clone(&counters),
                    retry_min: syslog.retry_min,
                    retry_max: syslog.retry_max,
                };
                Some(tokio::spawn(forwarder.run()))
            }
            _ => None,
        };
        tracing::info!(journal = %path.display(), records_pending = pending, forwarding, "audit journal open");
        Ok(Auditor {
            inner: Arc::new(Inner {
                path,
                queue: Mutex::new(Some(queue)),
                writer: Mutex::new(Some(writer)),
                forwarder: tokio::sync::Mutex::new(forwarder),
                stop,
                counters,
            }),
        })
    }

    /// Store `message`; Ok means it is on disk (fsynced) and will be forwarded.
    pub async fn record(&self, message: &AuditMessage) -> Result<(), AuditError> {
        self.record_all(std::slice::from_ref(message)).await
    }

    /// Store the records of one request together, in order, in one group commit (one
    /// fsync, not one each). Ok means all are on disk; an error means none was stored.
    pub async fn record_all(&self, messages: &[AuditMessage]) -> Result<(), AuditError> {
        if messages.is_empty() {
            return Ok(());
        }
        let mut line = Vec::new();
        for message in messages {
            let xml = message.to_xml().into_bytes();
            // The writer frames by '\n' and xml.rs escapes every LF; a record that still
            // holds one would corrupt the journal's framing.
            if xml.contains(&b'\n') {
                return Err(AuditError::NotStored(
                    "the record's XML holds a raw newline".to_string(),
                ));
            }
            line.extend_from_slice(&xml);
            line.push(b'\n');
        }
        self.append(line, messages.len() as u64).await
    }

    /// Store records already written as XML, one per line (records built earlier and kept
    /// elsewhere until the moment they describe, e.g. an asynchronous answer delivered).
    /// Every line must be one record without a raw newline inside.
    pub async fn record_lines(&self, lines: &str) -> Result<(), AuditError> {
        let mut line = Vec::with_capacity(lines.len() + 1);
        let mut records = 0;
        for record in lines.lines().filter(|l| !l.trim().is_empty()) {
            line.extend_from_slice(record.as_bytes());
            line.push(b'\n');
            records += 1;
        }
        if records == 0 {
            return Ok(());
        }
        self.append(line, records).await
    }

    async fn append(&self, line: Vec<u8>, records: u64) -> Result<(), AuditError> {
        let (done, wait) = oneshot::channel();
        {
            let queue =
                self.inner.queue.lock().map_err(|_| {
                    AuditError::NotStored("audit journal lock poisoned".to_string())
                })?;
            let queue = queue.as_ref().ok_or_else(|| {
                AuditError::NotStored("the audit journal is shut down".to_string())
            })?;
            queue
                .send(Append {
                    line,
                    records,
                    probe: records == 0,
                    done,
                })
                .map_err(|_| {
                    AuditError::NotStored("the audit journal writer stopped".to_string())
                })?;
        }
        Self::stored(wait).await
    }

    async fn stored(wait: oneshot::Receiver<Result<(), String>>) -> Result<(), AuditError> {
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(AuditError::NotStored(reason)),
            Err(_) => Err(AuditError::NotStored(
                "the audit journal writer stopped".to_string(),
            )),
        }
    }

    /// Does the journal take a write now? It writes 64 KiB past the journal's end, makes
    /// them durable and cuts them off again: the same file, the same limits (disk space,
    /// file size) as the next record's. Ok also clears a failed state of the writer.
    pub async fn probe(&self) -> Result<(), AuditError> {
        self.append(Vec::new(), 0).await
    }

    pub fn stats(&self) -> AuditStats {
        self.inner.counters.snapshot()
    }

    /// Stop taking records, write what is queued, then let the forwarder deliver what it
    /// can while connected (at most 5 s) and stop it. Later `record()` calls fail.
    pub async fn shutdown(&self) {
        if let Ok(mut queue) = self.inner.queue.lock() {
            queue.take();
        }
        let writer = self.inner.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(writer) = writer {
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        }
        self.inner.stop.send_replace(true);
        let forwarder = self.inner.forwarder.lock().await.take();
        if let Some(mut task) = forwarder {
            let drained = tokio::time::timeout(std::time::Duration::from_secs(5), &mut task).await;
            if drained.is_err() {
                task.abort();
                tracing::warn!(
                    pending = self.stats().pending,
                    "audit forwarder stopped before delivering everything; the rest goes after the next start"
                );
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Close the queue and wait for the writer (it only finishes the batch in hand), so
        // the journal's lock is released when the last handle is gone and a new `open` of
        // the same file succeeds.
        if let Ok(mut queue) = self.queue.lock() {
            queue.take();
        }
        if let Some(writer) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let _ = writer.join();
        }
        // Dropping `stop` tells the forwarder to stop.
    }
}

type Opened = (journal::Active, u64, u64);

/// Open and repair the journal; read and check the cursor; count the records pending.
fn open_files(path: &Path, forwarding: bool) -> Result<Opened, AuditError> {
    let active = journal::open(path)?;
    let end = active.end;
    if !forwarding {
        return Ok((active, end, 0));
    }
    let cursor_path = cursor::path_for(path);
    let cursor_err = |what: &'static str| {
        let path = cursor_path.clone();
        move |error| AuditError::Journal {
            path,
            what,
            fix: "delete the cursor file to re-send the whole journal",
            error,
        }
    };
    let reader = segments::Reader::new(path);
    let first = segments::list(path)
        .map_err(cursor_err("cannot list the journal's segments"))?
        .first()
        .map_or(active.base, |s| s.base);
    let saved = cursor::read(&cursor_path).map_err(cursor_err("cannot read the cursor"))?;
    let position = match cursor::validate(&reader, first, end, saved)
        .map_err(cursor_err("cannot check the cursor"))?
    {
        Ok(position) => position,
        Err(reason) => {
            tracing::warn!(cursor = %cursor_path.display(), %reason, "audit cursor reset: the journal is sent again from its first record");
            first
        }
    };
    let pending = reader
        .count_lines(position, end)
        .map_err(cursor_err("cannot read the journal"))?;
    Ok((active, position, pending))
}

/// Tidy the journal's closed segments when one is closed and every minute, on a thread of
/// its own, until the writer is gone. A record re-sent after a reconnect may be up to
/// [`RESEND_WINDOW`] before the cursor: what that could need is kept.
fn spawn_retention(
    path: &Path,
    retention: Retention,
    counters: Arc<Counters>,
    rolled: mpsc::Receiver<()>,
) -> Result<(), AuditError> {
    let dir = path.to_path_buf();
    std::thread::Builder::new()
        .name("xcgate-audit-retention".to_string())
        .spawn(move || {
            loop {
                match rolled.recv_timeout(std::time::Duration::from_secs(60)) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
                let delivered = counters.delivered_up_to().saturating_sub(RESEND_WINDOW);
                match retention::tidy(&dir, delivered, &retention) {
                    Ok(t) if t.removed > 0 || t.compressed > 0 => tracing::info!(
                        journal = %dir.display(),
                        compressed = t.compressed,
                        removed = t.removed,
                        freed_bytes = t.freed,
                        "audit journal tidied"
                    ),
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(journal = %dir.display(), %error, "audit journal not tidied")
                    }
                }
            }
        })
        .map(drop)
        .map_err(|error| AuditError::Journal {
            path: path.to_path_buf(),
            what: "cannot start the retention thread",
            fix: "check the process thread limit",
            error,
        })
}
