//! What becomes of closed segments: compressed once their records are delivered, removed
//! once delivered *and* old (`retention`) or when the journal is over `max_size`. The last
//! segment (the one written to) is never touched, and a segment with a record not yet
//! delivered to the Audit Record Repository is never removed, whatever its age or size.

use crate::segments::{self, Segment};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long and how much the journal keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    /// Remove delivered segments whose last record is older than this.
    pub max_age: Option<Duration>,
    /// Remove the oldest delivered segments while the journal is larger than this (bytes
    /// on disk).
    pub max_size: Option<u64>,
    /// Compress delivered closed segments (zstd).
    pub compress: bool,
}

/// What one tidying did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tidied {
    pub compressed: usize,
    pub removed: usize,
    /// Bytes on disk freed.
    pub freed: u64,
}

/// zstd level: fast, and about ten times smaller on these records.
const LEVEL: i32 = 3;

/// Tidy the journal folder `dir`, whose records before `delivered` are delivered (or
/// `u64::MAX` when no repository is configured: the journal is the trail itself).
pub fn tidy(dir: &Path, delivered: u64, retention: &Retention) -> io::Result<Tidied> {
    let mut done = Tidied::default();
    let mut listed = segments::list(dir)?;
    // The last segment is the writer's.
    listed.pop();
    if retention.compress {
        for segment in listed.iter_mut() {
            if !segment.compressed && segment.end() <= delivered {
                let before = segment.size;
                compress(dir, segment)?;
                done.compressed += 1;
                done.freed += before.saturating_sub(segment.size);
            }
        }
    }
    let mut total: u64 = segments::list(dir)?.iter().map(|s| s.size).sum();
    let now = SystemTime::now();
    for segment in &listed {
        if segment.end() > delivered {
            // Delivery is in order: no later segment is delivered either.
            break;
        }
        let old = retention.max_age.is_some_and(|age| {
            now.duration_since(segment.modified)
                .is_ok_and(|since| since > age)
        });
        let over = retention.max_size.is_some_and(|max| total > max);
        if !(old || over) {
            // Oldest first: a younger one is not older, and the journal is under its size.
            break;
        }
        fs::remove_file(&segment.path)?;
        total = total.saturating_sub(segment.size);
        done.removed += 1;
        done.freed += segment.size;
    }
    if done.removed > 0 || done.compressed > 0 {
        segments::sync_dir(dir)?;
    }
    Ok(done)
}

/// Replace the plain `segment` by its compressed twin: written aside, made durable,
/// renamed in, then the plain one removed (a crash in between leaves both; the plain
/// one is the one read).
fn compress(dir: &Path, segment: &mut Segment) -> io::Result<()> {
    let target = dir.join(segments::compressed_name(segment.base));
    let mut aside = target.as_os_str().to_owned();
    aside.push(".tmp");
    let aside = std::path::PathBuf::from(aside);
    let mut file = File::create(&aside)?;
    // Streamed: a segment is never all in memory.
    zstd::stream::copy_encode(File::open(&segment.path)?, &mut file, LEVEL)?;
    file.flush()?;
    file.sync_all()?;
    let packed = file.metadata()?.len();
    fs::rename(&aside, &target)?;
    segments::sync_dir(dir)?;
    fs::remove_file(&segment.path)?;
    segment.path = target;
    segment.compressed = true;
    segment.size = packed;
    Ok(())
}

/// The journal at a glance (`xcgate audit status`, metrics).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JournalStatus {
    pub segments: usize,
    pub compressed: usize,
    /// Bytes on disk.
    pub size: u64,
    /// Bytes of records (uncompressed): the journal's end offset minus its first.
    pub records_bytes: u64,
    /// When the oldest segment's last record was written.
    pub oldest: Option<SystemTime>,
}

/// The status of the journal folder `dir`.
pub fn status(dir: &Path) -> io::Result<JournalStatus> {
    let listed = segments::list(dir)?;
    Ok(JournalStatus {
        segments: listed.len(),
        compressed: listed.iter().filter(|s| s.compressed).count(),
        size: listed.iter().map(|s| s.size).sum(),
        records_bytes: listed.iter().map(|s| s.len).sum(),
        oldest: listed.first().map(|s| s.modified),
    })
}

/// Remove what an interrupted compression left: `*.tmp` files, and a compressed twin of a
/// plain segment (the plain one is complete and is the one kept).
pub(crate) fn clear_leftovers(dir: &Path) -> io::Result<()> {
    let mut plain = std::collections::HashSet::new();
    let mut twins = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") {
            fs::remove_file(entry.path())?;
        } else if let Some(base) = name.strip_suffix(".log.zst") {
            twins.push((base.to_string(), entry.path()));
        } else if let Some(base) = name.strip_suffix(".log") {
            plain.insert(base.to_string());
        }
    }
    for (base, path) in twins {
        if plain.contains(&base) {
            fs::remove_file(path)?;
        }
    }
    Ok(())
}
