//! The forwarder's cursor: the journal offset of the first record not yet written to the
//! repository, in the file `cursor` of the journal folder.
//!
//! Written as a temporary file, fsynced, then renamed over the old one, so a crash leaves the
//! old or the new offset, never a torn one. The directory is not fsynced after the rename: a
//! rename lost in a crash only brings back the previous offset, and the records after it are
//! sent again (delivery is at-least-once anyway, see [`crate::forwarder`]).

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The cursor file of the journal folder `journal`.
pub fn path_for(journal: &Path) -> PathBuf {
    journal.join(crate::segments::CURSOR)
}

/// The stored offset; 0 when there is no cursor file yet (nothing delivered).
pub fn read(path: &Path) -> io::Result<u64> {
    let mut text = String::new();
    match File::open(path) {
        Ok(mut file) => {
            file.read_to_string(&mut text)?;
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err),
    }
    text.trim().parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "cursor file holds {:?}, expected a byte offset",
                text.trim()
            ),
        )
    })
}

/// Store `offset` durably (see the module comment).
pub fn write(path: &Path, offset: u64) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = File::create(&tmp)?;
    file.write_all(format!("{offset}\n").as_bytes())?;
    file.sync_data()?;
    fs::rename(&tmp, path)
}

/// `offset` if it is a record boundary of the journal (whose records run from `first` to
/// `end`), else `first` with the reason: a journal that was replaced or truncated behind
/// the cursor's back is re-sent from its start rather than skipped.
pub(crate) fn validate(
    journal: &crate::segments::Reader,
    first: u64,
    end: u64,
    offset: u64,
) -> io::Result<Result<u64, String>> {
    if offset == first {
        return Ok(Ok(offset));
    }
    if offset > end {
        return Ok(Err(format!(
            "cursor {offset} is past the end of the journal ({end})"
        )));
    }
    if offset < first {
        return Ok(Err(format!(
            "cursor {offset} is before the journal's first record ({first})"
        )));
    }
    if journal.is_boundary(offset, end)? {
        Ok(Ok(offset))
    } else {
        Ok(Err(format!("cursor {offset} is not at a record boundary")))
    }
}
