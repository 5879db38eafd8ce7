//! A journal of one file (before segments) becomes a journal folder at the same path,
//! without loss: the file is its first segment (offset 0, so the forwarder's cursor keeps
//! its meaning) and its cursor moves into the folder.
//!
//! Each step is a rename, and the journal is in one of three states at any crash:
//! still the old file; or moved into `<journal>.migrating/` (the old path gone); or the
//! folder. Opening finishes what a crash interrupted.

use crate::AuditError;
use crate::segments::{self, CURSOR};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Turn the journal file at `path` (if it is one) into a journal folder.
pub(crate) fn into_folder(path: &Path) -> Result<(), AuditError> {
    let staging = with_suffix(path, ".migrating");
    let old_cursor = with_suffix(path, ".cursor");
    let err = |what: &'static str| {
        let path = path.to_path_buf();
        move |error| AuditError::Journal {
            path,
            what,
            fix: "the journal's directory must be writable by the xcgate user; run xcgate again to finish the migration",
            error,
        }
    };
    let meta = fs::symlink_metadata(path);
    match &meta {
        Ok(m) if m.is_file() => {
            // A gateway of before may still have it open: never move a journal in use.
            let file = fs::File::open(path).map_err(err("cannot open the journal to migrate"))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(AuditError::JournalInUse {
                        path: path.to_path_buf(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(err("cannot lock")(e)),
            }
            // Nothing of value is in a staging folder while the file is still here.
            if staging.exists() {
                fs::remove_dir_all(&staging).map_err(err("cannot clear the staging folder"))?;
            }
            fs::create_dir(&staging).map_err(err("cannot create the staging folder"))?;
            fs::rename(path, staging.join(segments::plain_name(0)))
                .map_err(err("cannot move the journal into its folder"))?;
            drop(file);
        }
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound && staging.is_dir() => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(_) => return Ok(()),
    }
    if old_cursor.exists() {
        fs::rename(&old_cursor, staging.join(CURSOR))
            .map_err(err("cannot move the cursor into the journal folder"))?;
    }
    let _ = fs::remove_file(with_suffix(&old_cursor, ".tmp"));
    segments::sync_dir(&staging).map_err(err("cannot sync the staging folder"))?;
    fs::rename(&staging, path).map_err(err("cannot rename the staging folder"))?;
    if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        segments::sync_dir(parent).map_err(err("cannot sync the journal's directory"))?;
    }
    tracing::info!(journal = %path.display(), "audit journal migrated: one file became the first segment of a journal folder");
    Ok(())
}
