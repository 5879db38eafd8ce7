//! The durable journal: an append-only file, one record (one line of XML) per line, written
//! by one writer thread with group commit.
//!
//! A caller queues its line and waits; the writer takes everything queued (up to
//! `max_batch`, waiting at most `max_delay` after the first record for more), writes it with
//! one `write` and makes it durable with one `fdatasync`, then answers every caller of the
//! batch. So `record()` returning Ok means the record survives a kill -9 or a power cut, and
//! under load there is one fsync per batch instead of one per record.
//!
//! The journal is a folder of segments ([`crate::segments`]): the writer appends to the
//! last one and starts a new one when it has `segment_size` bytes or the UTC day changes;
//! [`crate::retention`] compresses and removes delivered ones. A crash can leave a torn
//! last line in the last segment (a write that reached the disk in part): opening
//! truncates everything after its last `\n`. Such a record was never acknowledged.

use crate::segments;
use crate::stats::Counters;
use std::fs::{self, File, OpenOptions};
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
    /// Not records: a test of whether the journal takes a write now
    /// ([`crate::Auditor::probe`]); `line` is empty.
    pub probe: bool,
    pub done: oneshot::Sender<Result<(), String>>,
}

/// Bytes a probe writes past the journal's end (then cuts off again).
const PROBE_BYTES: usize = 64 << 10;

/// The journal's last segment, open for appending.
pub(crate) struct Active {
    pub file: File,
    /// Its journal offset.
    pub base: u64,
    /// The journal's end (a record boundary): `base` + the segment's length.
    pub end: u64,
    /// The journal folder's lock: held (never read) while the journal is open, released
    /// when the writer is gone.
    pub _lock: File,
}

/// Open (create) the journal folder, take its lock, migrate a journal of one file, tidy an
/// interrupted compression and cut a torn tail of the last segment.
pub(crate) fn open(path: &Path) -> Result<Active, crate::AuditError> {
    let err = |what: &'static str, fix: &'static str| {
        let path = path.to_path_buf();
        move |error| crate::AuditError::Journal {
            path,
            what,
            fix,
            error,
        }
    };
    crate::migrate::into_folder(path)?;
    match fs::create_dir(path) {
        Ok(()) => {
            // The folder's own entry must survive a crash too, or a record acknowledged
            // right after the first start would vanish with it.
            if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                segments::sync_dir(parent).map_err(err(
                    "cannot sync the directory",
                    "check the journal's parent directory",
                ))?;
            }
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(err(
                "cannot create the journal folder",
                "its parent directory must exist and be writable by the xcgate user",
            )(e));
        }
    }
    let lock = lock(path)?;
    crate::retention::clear_leftovers(path).map_err(err(
        "cannot clear what an interrupted compression left",
        "the journal folder must be writable by the xcgate user",
    ))?;
    let listed = segments::list(path).map_err(err(
        "cannot list the segments",
        "the journal folder must be readable by the xcgate user",
    ))?;
    let (base, segment) = match listed.last() {
        Some(last) if !last.compressed => (last.base, last.path.clone()),
        last => {
            let base = last.map_or(0, segments::Segment::end);
            (base, path.join(segments::plain_name(base)))
        }
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&segment)
        .map_err(err(
            "cannot open or create its last segment",
            "the journal folder must be writable by the xcgate user",
        ))?;
    segments::sync_dir(path).map_err(err(
        "cannot sync the journal folder",
        "check the journal folder",
    ))?;
    let len = recover(&file).map_err(err(
        "cannot read or repair",
        "check the file; a torn last line is cut off automatically",
    ))?;
    // Written with plain writes (not O_APPEND) so a failed batch can be cut back exactly.
    (&file)
        .seek(SeekFrom::Start(len))
        .map_err(err("cannot seek", "check the file"))?;
    Ok(Active {
        file,
        base,
        end: base + len,
        _lock: lock,
    })
}

/// Take the journal folder's lock: one writer per journal.
fn lock(dir: &Path) -> Result<File, crate::AuditError> {
    let path = dir.join(segments::LOCK);
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|error| crate::AuditError::Journal {
            path: path.clone(),
            what: "cannot open or create",
            fix: "the journal folder must be writable by the xcgate user",
            error,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(crate::AuditError::JournalInUse {
            path: dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(error)) => Err(crate::AuditError::Journal {
            path,
            what: "cannot lock",
            fix: "use a local file system with flock",
            error,
        }),
    }
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

/// The writer thread's settings.
pub(crate) struct Writer {
    /// The journal folder.
    pub path: PathBuf,
    /// Its last segment, and its lock.
    pub active: Active,
    /// Start a new segment past this many bytes ...
    pub segment_size: u64,
    /// ... or when the UTC day (days since 1970) of the last append is over.
    pub day: u64,
    pub max_batch: usize,
    pub max_delay: Duration,
    pub counters: Arc<Counters>,
    pub committed: watch::Sender<u64>,
    /// Count committed records as pending delivery (a forwarder runs).
    pub forwarding: bool,
    /// Told when a segment is closed (retention may act on it).
    pub rolled: Option<mpsc::Sender<()>>,
}

/// The UTC day of `time`, in days since 1970.
pub(crate) fn day_of(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

impl Writer {
    /// Serve `queue` until every sender is gone and the queue is empty.
    pub fn run(mut self, queue: mpsc::Receiver<Append>) {
        let path = self.path.display().to_string();
        // Why the journal cannot take records now (a write failed and the partial batch
        // could not be cut back). Each batch tries the repair again, so the journal
        // recovers by itself when, e.g., the disk has room again.
        let mut failed: Option<String> = None;
        // The last write failed: the next failures are not logged again (a full disk
        // under load would flood the log), the first success after them is.
        let mut failing = false;
        let mut batch: Vec<Append> = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        while next_batch(&queue, &mut batch, self.max_batch, self.max_delay) {
            if batch.iter().any(|a| a.probe) {
                let result = self
                    .probe()
                    .map_err(|e| format!("audit journal {path}: {e}"));
                if result.is_ok() {
                    failed = None;
                }
                for a in batch.extract_if(.., |a| a.probe) {
                    let _ = a.done.send(result.clone());
                }
                if batch.is_empty() {
                    continue;
                }
            }
            if let Some(reason) = &failed {
                match self.cut_back() {
                    Ok(()) => {
                        tracing::info!(journal = %path, "audit journal writable again");
                        failed = None;
                    }
                    Err(_) => {
                        for a in batch.drain(..) {
                            let _ = a.done.send(Err(reason.clone()));
                        }
                        continue;
                    }
                }
            }
            buf.clear();
            for a in &batch {
                buf.extend_from_slice(&a.line);
            }
            let result = self.append(&buf);
            match result {
                Ok(()) => {
                    if std::mem::take(&mut failing) {
                        tracing::info!(journal = %path, "audit journal writes again");
                    }
                    let records = batch.iter().map(|a| a.records).sum();
                    self.counters.committed(records, self.forwarding);
                    self.committed.send_replace(self.active.end);
                    for a in batch.drain(..) {
                        let _ = a.done.send(Ok(()));
                    }
                }
                Err(err) => {
                    let records: u64 = batch.iter().map(|a| a.records).sum();
                    if std::mem::replace(&mut failing, true) {
                        tracing::debug!(journal = %path, records, error = %err, "audit journal write failed again");
                    } else {
                        tracing::error!(journal = %path, records, error = %err, "audit journal write failed; failures until it writes again are not logged");
                    }
                    let reason = format!("audit journal {path}: write failed: {err}");
                    // Cut the partial batch so the next batch does not follow a torn line.
                    if let Err(cut) = self.cut_back() {
                        tracing::error!(journal = %path, error = %cut, "audit journal not writable until its last segment can be cut back");
                        failed = Some(format!(
                            "audit journal {path} is not writable after a failed write: {cut}"
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
        self.roll_if_due(buf.len() as u64)?;
        self.active.file.write_all(buf)?;
        self.active.file.sync_data()?;
        self.counters.fsynced();
        self.active.end += buf.len() as u64;
        self.day = day_of(std::time::SystemTime::now());
        Ok(())
    }

    /// Close the last segment and start the next when it is full or of another day.
    fn roll_if_due(&mut self, incoming: u64) -> io::Result<()> {
        let len = self.active.end - self.active.base;
        let today = day_of(std::time::SystemTime::now());
        if len == 0 || (len + incoming <= self.segment_size && today == self.day) {
            return Ok(());
        }
        let next = self.path.join(segments::plain_name(self.active.end));
        let file = match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&next)
        {
            Ok(file) => file,
            // Left by a roll that failed after creating it: still empty.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let file = OpenOptions::new().read(true).write(true).open(&next)?;
                file.set_len(0)?;
                file
            }
            Err(e) => return Err(e),
        };
        segments::sync_dir(&self.path)?;
        self.active.file = file;
        self.active.base = self.active.end;
        if let Some(rolled) = &self.rolled {
            let _ = rolled.send(());
        }
        Ok(())
    }

    /// Can the last segment grow now? Write past its end, make it durable, cut it off.
    fn probe(&mut self) -> io::Result<()> {
        let len = self.active.end - self.active.base;
        let wrote = self
            .active
            .file
            .write_all_at(&[0u8; PROBE_BYTES], len)
            .and_then(|()| self.active.file.sync_data());
        let cut = self.cut_back();
        wrote.and(cut)
    }

    fn cut_back(&mut self) -> io::Result<()> {
        let len = self.active.end - self.active.base;
        self.active.file.set_len(len)?;
        self.active.file.seek(SeekFrom::Start(len))?;
        self.active.file.sync_all()
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
