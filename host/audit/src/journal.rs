//! The durable journal: an append-only file, one record (one line of XML) per line, written
//! by one writer thread with group commit.
//!
//! A caller queues its line and waits; the writer takes everything queued (up to
//! `max_batch`, waiting at most `max_delay` after the first record for more), writes it with
//! one `write` and makes it durable with one `fdatasync`, then answers every caller of the
//! batch. So `record()` returning Ok means the record survives a kill -9 or a power cut, and
//! under load there is one fsync per batch instead of one per record.
//!
//! A crash can leave a torn last line (a write that reached the disk in part): opening
//! truncates everything after the last `\n`. Such a record was never acknowledged.
//! The journal is not rotated: it grows until an operator archives it (with xcgate stopped,
//! after the forwarder has caught up: `pending` is 0).

use crate::stats::Counters;
use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

/// One queued record: its line (with the `\n`) and who waits for it.
pub(crate) struct Append {
    /// One or more whole records, each ending with '\n' (a request's records travel
    /// together so that they share one fsync).
    pub line: Vec<u8>,
    /// How many records `line` holds.
    pub records: u64,
    pub done: oneshot::Sender<Result<(), String>>,
}

/// Open (create) the journal, take its lock and cut a torn tail; returns the file and its
/// length, which is a record boundary.
pub(crate) fn open(path: &Path) -> Result<(File, u64), crate::AuditError> {
    let err = |what: &'static str, fix: &'static str| {
        let path = path.to_path_buf();
        move |error| crate::AuditError::Journal {
            path,
            what,
            fix,
            error,
        }
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(err(
            "cannot open or create",
            "the directory must exist and be writable by the xcgate user",
        ))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(crate::AuditError::JournalInUse {
                path: path.to_path_buf(),
            });
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(err("cannot lock", "use a local file system with flock")(
                source,
            ));
        }
    }
    // The file's directory entry must survive a crash too, or a record acknowledged right
    // after the first start would vanish with the file.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(err(
            "cannot sync the directory",
            "check the journal directory",
        ))?;
    }
    let len = recover(&file).map_err(err(
        "cannot read or repair",
        "check the file; a torn last line is cut off automatically",
    ))?;
    // Written with plain writes (not O_APPEND) so a failed batch can be cut back exactly.
    (&file)
        .seek(SeekFrom::Start(len))
        .map_err(err("cannot seek", "check the file"))?;
    Ok((file, len))
}

/// Cut everything after the last `\n` (a torn write of a crash); the length that remains.
fn recover(file: &File) -> io::Result<u64> {
    let len = file.metadata()?.len();
    let mut end = len;
    let mut chunk = vec![0u8; 64 * 1024];
    let keep = loop {
        if end == 0 {
            break 0;
        }
        let start = end.saturating_sub(chunk.len() as u64);
        let buf = &mut chunk[..(end - start) as usize];
        file.read_exact_at(buf, start)?;
        if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
            break start + i as u64 + 1;
        }
        end = start;
    };
    if keep < len {
        tracing::warn!(
            torn_bytes = len - keep,
            "audit journal: cut a torn last record (an unacknowledged write of a crash)"
        );
        file.set_len(keep)?;
        file.sync_all()?;
    }
    Ok(keep)
}

/// Number of records (lines) in `[from, to)`.
pub(crate) fn count_lines(file: &File, from: u64, to: u64) -> io::Result<u64> {
    let mut chunk = vec![0u8; 256 * 1024];
    let mut at = from;
    let mut lines = 0u64;
    while at < to {
        let n = chunk.len().min((to - at) as usize);
        file.read_exact_at(&mut chunk[..n], at)?;
        lines += chunk[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        at += n as u64;
    }
    Ok(lines)
}

/// Whole records from `from`, at most about `max_bytes` of them (always at least one when
/// `from < to`); `to` is a record boundary.
pub(crate) fn read_records(
    file: &File,
    from: u64,
    to: u64,
    max_bytes: usize,
) -> io::Result<Vec<u8>> {
    let mut want = max_bytes.max(1);
    loop {
        let n = want.min((to.saturating_sub(from)) as usize);
        let mut buf = vec![0u8; n];
        file.read_exact_at(&mut buf, from)?;
        if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
            buf.truncate(i + 1);
            return Ok(buf);
        }
        if from + n as u64 >= to {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "journal ends inside a record",
            ));
        }
        // One record longer than the chunk: read more.
        want = want.saturating_mul(2);
    }
}

/// The writer thread's settings.
pub(crate) struct Writer {
    pub path: PathBuf,
    pub file: File,
    pub end: u64,
    pub max_batch: usize,
    pub max_delay: Duration,
    pub counters: Arc<Counters>,
    pub committed: watch::Sender<u64>,
    /// Count committed records as pending delivery (a forwarder runs).
    pub forwarding: bool,
}

impl Writer {
    /// Serve `queue` until every sender is gone and the queue is empty.
    pub fn run(mut self, queue: mpsc::Receiver<Append>) {
        let path = self.path.display().to_string();
        let mut failed: Option<String> = None;
        let mut batch: Vec<Append> = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        while next_batch(&queue, &mut batch, self.max_batch, self.max_delay) {
            if let Some(reason) = &failed {
                for a in batch.drain(..) {
                    let _ = a.done.send(Err(reason.clone()));
                }
                continue;
            }
            buf.clear();
            for a in &batch {
                buf.extend_from_slice(&a.line);
            }
            let result = self.append(&buf);
            match result {
                Ok(()) => {
                    let records = batch.iter().map(|a| a.records).sum();
                    self.counters.committed(records, self.forwarding);
                    self.committed.send_replace(self.end);
                    for a in batch.drain(..) {
                        let _ = a.done.send(Ok(()));
                    }
                }
                Err(err) => {
                    let records: u64 = batch.iter().map(|a| a.records).sum();
                    tracing::error!(journal = %path, records, error = %err, "audit journal write failed");
                    let reason = format!("audit journal {path}: write failed: {err}");
                    // Cut the partial batch so the next batch does not follow a torn line;
                    // if even that fails the journal is unusable until a restart repairs it.
                    if let Err(cut) = self.cut_back() {
                        tracing::error!(journal = %path, error = %cut, "audit journal unusable until restart");
                        failed = Some(format!(
                            "audit journal {path} is unusable after a failed write: {cut}"
                        ));
                    }
                    for a in batch.drain(..) {
                        let _ = a.done.send(Err(reason.clone()));
                    }
                }
            }
        }
    }

    fn append(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)?;
        self.file.sync_data()?;
        self.counters.fsynced();
        self.end += buf.len() as u64;
        Ok(())
    }

    fn cut_back(&mut self) -> io::Result<()> {
        self.file.set_len(self.end)?;
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.sync_all()
    }
}

/// Wait for a first record, then gather more into `batch` (bounded by `max_batch` in all
/// and by `max_delay` after the first). False when the queue is closed and empty.
fn next_batch(
    queue: &mpsc::Receiver<Append>,
    batch: &mut Vec<Append>,
    max_batch: usize,
    max_delay: Duration,
) -> bool {
    let Ok(first) = queue.recv() else {
        return false;
    };
    batch.push(first);
    let deadline = Instant::now() + max_delay;
    while batch.len() < max_batch.max(1) {
        match queue.try_recv() {
            Ok(a) => {
                batch.push(a);
                continue;
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) => {}
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        match queue.recv_timeout(deadline - now) {
            Ok(a) => batch.push(a),
            Err(_) => break,
        }
    }
    true
}
