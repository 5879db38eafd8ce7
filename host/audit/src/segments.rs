//! The journal's segments. The journal is a folder; its records live in segment files,
//! each holding whole records (one per line) of at most one UTC day and about
//! `segment_size` bytes. Offsets are global: a segment is named by the journal offset of
//! its first byte (`00000000000000000000.log`, ...), so the next one's name is where this
//! one ends, the cursor stays one number, and delivery order, torn-tail recovery and the
//! `kill -9` guarantees hold across segment boundaries as they did in one file.
//!
//! A closed segment whose records are all delivered may be compressed (zstd,
//! `<base>.log.zst`); everything that reads the journal reads both forms.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// The lock file of a journal folder: one writer per journal.
pub(crate) const LOCK: &str = "LOCK";
/// The forwarder's cursor in a journal folder.
pub(crate) const CURSOR: &str = "cursor";
const PLAIN: &str = ".log";
const COMPRESSED: &str = ".log.zst";

/// One segment of a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The journal offset of its first byte.
    pub base: u64,
    pub path: PathBuf,
    /// zstd-compressed (closed and delivered).
    pub compressed: bool,
    /// Bytes of records it holds (uncompressed).
    pub len: u64,
    /// Bytes it takes on disk.
    pub size: u64,
    /// When its last record was written.
    pub modified: SystemTime,
}

impl Segment {
    /// The journal offset just past its last record.
    pub fn end(&self) -> u64 {
        self.base + self.len
    }

    /// Its records (decompressed).
    pub fn read_all(&self) -> io::Result<Vec<u8>> {
        match fs::read(&self.path) {
            Ok(bytes) if self.compressed => zstd::decode_all(bytes.as_slice()),
            Ok(bytes) => Ok(bytes),
            // Compressed since it was listed (retention runs beside every reader).
            Err(e) if e.kind() == io::ErrorKind::NotFound && !self.compressed => {
                let twin = self.path.with_file_name(compressed_name(self.base));
                zstd::decode_all(fs::read(twin)?.as_slice())
            }
            Err(e) => Err(e),
        }
    }
}

/// The file name of the segment starting at `base`.
pub(crate) fn plain_name(base: u64) -> String {
    format!("{base:020}{PLAIN}")
}

pub(crate) fn compressed_name(base: u64) -> String {
    format!("{base:020}{COMPRESSED}")
}

fn base_of(name: &str) -> Option<(u64, bool)> {
    let (digits, compressed) = match name.strip_suffix(COMPRESSED) {
        Some(d) => (d, true),
        None => (name.strip_suffix(PLAIN)?, false),
    };
    (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok().map(|b| (b, compressed)))
        .flatten()
}

/// The segments of the journal folder `dir`, oldest first. A plain segment that also has a
/// compressed twin (a compression cut short after its rename) is listed once, plain.
pub fn list(dir: &Path) -> io::Result<Vec<Segment>> {
    let mut found: Vec<(u64, bool, PathBuf, fs::Metadata)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some((base, compressed)) = name.to_str().and_then(base_of) else {
            continue;
        };
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            // Removed since the folder was read (compressed, or past its retention).
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        found.push((base, compressed, entry.path(), meta));
    }
    // Plain before compressed at the same base: the plain one is kept.
    found.sort_by_key(|(base, compressed, _, _)| (*base, *compressed));
    found.dedup_by_key(|(base, _, _, _)| *base);
    let mut segments = Vec::with_capacity(found.len());
    for i in 0..found.len() {
        let (base, compressed, path, meta) = &found[i];
        let len = match (compressed, found.get(i + 1)) {
            (false, _) => meta.len(),
            // A compressed segment ends where the next begins.
            (true, Some((next, _, _, _))) => next - base,
            (true, None) => {
                let mut decoder = zstd::Decoder::new(File::open(path)?)?;
                io::copy(&mut decoder, &mut io::sink())?
            }
        };
        segments.push(Segment {
            base: *base,
            path: path.clone(),
            compressed: *compressed,
            len,
            size: meta.len(),
            modified: meta.modified()?,
        });
    }
    Ok(segments)
}

/// Every record of the journal at `dir`, oldest first (for tools and tests; it reads
/// everything into memory).
pub fn read_journal(dir: &Path) -> io::Result<Vec<u8>> {
    let mut all = Vec::new();
    for segment in list(dir)? {
        all.extend_from_slice(&segment.read_all()?);
    }
    Ok(all)
}

/// Reads records by journal offset, across segments (the forwarder's view).
pub struct Reader {
    dir: PathBuf,
    /// The plain segment read last, kept open.
    open: Mutex<Option<(u64, File)>>,
}

impl Reader {
    pub(crate) fn new(dir: &Path) -> Reader {
        Reader {
            dir: dir.to_path_buf(),
            open: Mutex::new(None),
        }
    }

    /// The journal folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whole records from `from`, up to `to` (a record boundary) and at most about
    /// `max_bytes` (at least one record), all from one segment.
    pub fn read_records(&self, from: u64, to: u64, max_bytes: usize) -> io::Result<Vec<u8>> {
        // The forwarder reads on where it stopped: from the segment it has open, with one
        // fstat and no listing of the folder, until it reaches that segment's end. (An
        // open segment compressed and unlinked meanwhile still reads.)
        {
            let open = self
                .open
                .lock()
                .map_err(|_| io::Error::other("journal reader lock poisoned"))?;
            if let Some((base, file)) = open.as_ref()
                && *base <= from
            {
                let end = base + file.metadata()?.len();
                if from < end {
                    return read_records(file, from - base, to.min(end) - base, max_bytes);
                }
            }
        }
        let segments = list(&self.dir)?;
        let segment = segments
            .iter()
            .find(|s| s.base <= from && from < s.end())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no segment holds journal offset {from}"),
                )
            })?;
        let end = to.min(segment.end());
        if segment.compressed || !segment.path.exists() {
            let all = segment.read_all()?;
            let start = usize::try_from(from - segment.base).map_err(io::Error::other)?;
            let stop = usize::try_from(end - segment.base).map_err(io::Error::other)?;
            let mut chunk = all.get(start..stop).unwrap_or_default().to_vec();
            if chunk.len() > max_bytes
                && let Some(i) = chunk[..max_bytes].iter().rposition(|&b| b == b'\n')
            {
                chunk.truncate(i + 1);
            }
            return Ok(chunk);
        }
        let mut open = self
            .open
            .lock()
            .map_err(|_| io::Error::other("journal reader lock poisoned"))?;
        if open.as_ref().is_none_or(|(base, _)| *base != segment.base) {
            *open = Some((segment.base, File::open(&segment.path)?));
        }
        let Some((_, file)) = open.as_ref() else {
            return Err(io::Error::other("journal segment not open"));
        };
        read_records(file, from - segment.base, end - segment.base, max_bytes)
    }

    /// Number of records in `[from, to)`.
    pub fn count_lines(&self, from: u64, to: u64) -> io::Result<u64> {
        let mut lines = 0;
        for segment in list(&self.dir)? {
            let (start, stop) = (from.max(segment.base), to.min(segment.end()));
            if start >= stop {
                continue;
            }
            if segment.compressed || !segment.path.exists() {
                let all = segment.read_all()?;
                let range = (start - segment.base) as usize..(stop - segment.base) as usize;
                lines += all[range].iter().filter(|&&b| b == b'\n').count() as u64;
            } else {
                let file = File::open(&segment.path)?;
                lines += count_lines(&file, start - segment.base, stop - segment.base)?;
            }
        }
        Ok(lines)
    }

    /// True when `offset` is where a record starts (or the end of the journal `end`).
    pub fn is_boundary(&self, offset: u64, end: u64) -> io::Result<bool> {
        if offset == end {
            return Ok(true);
        }
        let segments = list(&self.dir)?;
        if segments.iter().any(|s| s.base == offset) {
            return Ok(true);
        }
        let Some(segment) = segments
            .iter()
            .find(|s| s.base < offset && offset <= s.end())
        else {
            return Ok(false);
        };
        let at = offset - 1 - segment.base;
        let before = if segment.compressed {
            let mut decoder = zstd::Decoder::new(File::open(&segment.path)?)?;
            io::copy(&mut (&mut decoder).take(at), &mut io::sink())?;
            let mut byte = [0u8; 1];
            decoder.read_exact(&mut byte)?;
            byte[0]
        } else {
            let mut byte = [0u8; 1];
            File::open(&segment.path)?.read_exact_at(&mut byte, at)?;
            byte[0]
        };
        Ok(before == b'\n')
    }
}

/// Number of records (lines) in `[from, to)` of one segment file.
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

/// Make the directory entries of `dir` durable (a new, renamed or removed segment).
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
