//! What an operator asks of a journal (`xcgate audit ...`): check it, export a period of
//! it for an auditor, follow it, and one line per record to read. They read the segments
//! (compressed or not) and never write; a running gateway may keep writing meanwhile.

use crate::cursor;
use crate::segments::{self, Reader, Segment};
use std::io::{self, Write};
use std::path::Path;
use xcgate_ihe::xml::{self, Element, Node};

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    pub segments: usize,
    pub records: u64,
    /// What is wrong; empty when the journal is sound.
    pub problems: Vec<String>,
    /// A last line still being written by a running gateway (not a problem).
    pub partial_tail: bool,
    /// The cursor, when there is one.
    pub cursor: Option<u64>,
}

/// Check the journal folder `dir`: every segment's records parse as DICOM audit messages,
/// the segments follow one another without a gap, and the cursor is at a record boundary
/// inside the journal.
pub fn verify(dir: &Path) -> io::Result<Verified> {
    let listed = segments::list(dir)?;
    let mut report = Verified {
        segments: listed.len(),
        ..Verified::default()
    };
    if listed.is_empty() {
        report
            .problems
            .push("no segment: not a journal folder".into());
        return Ok(report);
    }
    for pair in listed.windows(2) {
        if pair[0].end() != pair[1].base {
            report.problems.push(format!(
                "gap: {} ends at {}, the next segment starts at {}",
                name(&pair[0]),
                pair[0].end(),
                pair[1].base
            ));
        }
    }
    let last = listed.len() - 1;
    for (i, segment) in listed.iter().enumerate() {
        let bytes = segment.read_all()?;
        let mut lines = bytes.split_inclusive(|&b| b == b'\n').peekable();
        let mut at = segment.base;
        while let Some(line) = lines.next() {
            let Some(record) = line.strip_suffix(b"\n") else {
                if i == last {
                    report.partial_tail = true;
                } else {
                    report.problems.push(format!(
                        "{}: ends inside a record (offset {at})",
                        name(segment)
                    ));
                }
                break;
            };
            match xml::parse(record) {
                Ok(e) if e.local == "AuditMessage" => report.records += 1,
                Ok(e) => report.problems.push(format!(
                    "{}: the record at offset {at} is a <{}>, not an AuditMessage",
                    name(segment),
                    e.local
                )),
                Err(e) => report.problems.push(format!(
                    "{}: the record at offset {at} does not parse: {e}",
                    name(segment)
                )),
            }
            at += line.len() as u64;
            if lines.peek().is_none() && at != segment.end() && i != last {
                report
                    .problems
                    .push(format!("{}: length mismatch", name(segment)));
            }
        }
    }
    let cursor_path = cursor::path_for(dir);
    if cursor_path.exists() {
        let offset = cursor::read(&cursor_path)?;
        report.cursor = Some(offset);
        let first = listed[0].base;
        let end = listed[last].end();
        match cursor::validate(&Reader::new(dir), first, end, offset)? {
            Ok(_) => {}
            Err(reason) => report.problems.push(reason),
        }
    }
    Ok(report)
}

fn name(segment: &Segment) -> String {
    segment
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How `export` writes records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One DICOM audit message (XML) per line, as forwarded to a repository.
    Xml,
    /// One JSON object per line: the message's elements, attributes under `@name`.
    Json,
}

/// Write the records of `dir` whose `EventDateTime` is in `[from, to)` (UTC,
/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`) to `out`; how many.
pub fn export(
    dir: &Path,
    from: Option<&str>,
    to: Option<&str>,
    format: ExportFormat,
    out: &mut dyn Write,
) -> io::Result<u64> {
    let from = from.map(normalize);
    let to = to.map(normalize);
    let mut written = 0;
    for segment in segments::list(dir)? {
        if let Some(from) = &from
            && segment.modified < since_epoch(from)
        {
            // Its last record was written before the period.
            continue;
        }
        let bytes = segment.read_all()?;
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let Some(time) = event_time(line) else {
                continue;
            };
            let time = &time[..time.len().min(19)];
            if from.as_deref().is_some_and(|f| time < f) || to.as_deref().is_some_and(|t| time >= t)
            {
                continue;
            }
            match format {
                ExportFormat::Xml => {
                    out.write_all(line)?;
                    out.write_all(b"\n")?;
                }
                ExportFormat::Json => {
                    let element = xml::parse(line).map_err(io::Error::other)?;
                    serde_json::to_writer(&mut *out, &json(&element))?;
                    out.write_all(b"\n")?;
                }
            }
            written += 1;
        }
    }
    Ok(written)
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]...` as `YYYY-MM-DDTHH:MM:SS`.
fn normalize(when: &str) -> String {
    let when = when.trim().trim_end_matches('Z');
    let mut s = if when.len() == 10 {
        format!("{when}T00:00:00")
    } else {
        when.replace(' ', "T")
    };
    while s.len() < 19 {
        s.push_str(if s.len() == 16 { ":00" } else { "0" });
    }
    s.truncate(19);
    s
}

/// The moment `YYYY-MM-DDTHH:MM:SS` (UTC) names.
fn since_epoch(when: &str) -> std::time::SystemTime {
    let n =
        |r: std::ops::Range<usize>| when.get(r).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let month = u32::try_from(n(5..7)).unwrap_or(1);
    let day = u32::try_from(n(8..10)).unwrap_or(1);
    let days = xcgate_ihe::calendar::days_from_civil(n(0..4), month, day);
    let secs = days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// The `EventDateTime` of a record, without parsing all of it.
fn event_time(record: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"EventDateTime=\"";
    let at = record.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let end = record[at..].iter().position(|&b| b == b'"')? + at;
    std::str::from_utf8(&record[at..end]).ok()
}

fn json(e: &Element) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    root.insert(e.local.clone(), body(e));
    serde_json::Value::Object(root)
}

/// An element as an object: its attributes (`@name`), its child elements by name (an
/// array each, in order), its text (`#text`).
fn body(e: &Element) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for a in &e.attrs {
        object.insert(format!("@{}", a.local), a.value.clone().into());
    }
    let mut text = String::new();
    for child in &e.children {
        match child {
            Node::Element(c) => {
                let entry = object
                    .entry(c.local.clone())
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(items) = entry {
                    items.push(body(c));
                }
            }
            Node::Text(t) => text.push_str(t),
        }
    }
    if !text.trim().is_empty() {
        object.insert("#text".into(), text.into());
    }
    serde_json::Value::Object(object)
}

/// One line that says what a record is: when, which event and transaction, its outcome,
/// who asked whom, and how many participant objects (never their ids).
pub fn summary(record: &[u8]) -> String {
    let Ok(message) = xml::parse(record) else {
        return "(a record that does not parse)".into();
    };
    let event = message
        .elements()
        .find(|e| e.local == "EventIdentification");
    let attr =
        |e: Option<&Element>, name: &str| e.and_then(|e| e.attr(name)).unwrap_or("-").to_string();
    let code = |parent: Option<&Element>, child: &str| {
        parent
            .and_then(|p| p.elements().find(|e| e.local == child))
            .and_then(|c| c.attr("csd-code"))
            .unwrap_or("-")
            .to_string()
    };
    let participants: Vec<&Element> = message
        .elements()
        .filter(|e| e.local == "ActiveParticipant")
        .collect();
    let who = |requestor: bool| {
        participants
            .iter()
            .find(|p| (p.attr("UserIsRequestor") == Some("true")) == requestor)
            .and_then(|p| p.attr("UserID"))
            .unwrap_or("-")
            .to_string()
    };
    let objects = message
        .elements()
        .filter(|e| e.local == "ParticipantObjectIdentification")
        .count();
    format!(
        "{} {} {} outcome={} {} -> {} objects={}",
        attr(event, "EventDateTime"),
        code(event, "EventTypeCode"),
        code(event, "EventID"),
        attr(event, "EventOutcomeIndicator"),
        who(true),
        who(false),
        objects
    )
}

/// Where a follower of the journal is: the journal offset it has read up to.
pub struct Follower {
    reader: Reader,
    pub position: u64,
}

impl Follower {
    /// Start `last` records before the end of the journal `dir`.
    pub fn new(dir: &Path, last: usize) -> io::Result<Follower> {
        let listed = segments::list(dir)?;
        let end = listed.last().map_or(0, Segment::end);
        let mut position = end;
        // Back over `last` records, segment by segment from the end.
        let mut wanted = last;
        for segment in listed.iter().rev() {
            if wanted == 0 {
                break;
            }
            let bytes = segment.read_all()?;
            let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let starts: Vec<usize> = std::iter::once(0)
                .chain(
                    bytes[..complete]
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .filter(|&i| i < complete)
                .collect();
            let take = wanted.min(starts.len());
            position = segment.base + starts[starts.len() - take] as u64;
            wanted -= take;
        }
        Ok(Follower {
            reader: Reader::new(dir),
            position: position.min(end),
        })
    }

    /// The whole records written since the last call.
    pub fn next_records(&mut self) -> io::Result<Vec<Vec<u8>>> {
        let listed = segments::list(self.reader_dir())?;
        let end = listed.last().map_or(0, Segment::end);
        let mut out = Vec::new();
        while self.position < end {
            let chunk = match self.reader.read_records(self.position, end, 1 << 20) {
                Ok(c) => c,
                // The last record is still being written.
                Err(e) if e.kind() == io::ErrorKind::InvalidData => break,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            self.position += chunk.len() as u64;
            out.extend(
                chunk
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(<[u8]>::to_vec),
            );
        }
        Ok(out)
    }

    fn reader_dir(&self) -> &Path {
        self.reader.dir()
    }
}

/// The cursor of the journal `dir` and how many records after it wait for the repository;
/// `None` when nothing was ever forwarded (no cursor).
pub fn pending(dir: &Path) -> io::Result<Option<(u64, u64)>> {
    let path = cursor::path_for(dir);
    if !path.exists() {
        return Ok(None);
    }
    let offset = cursor::read(&path)?;
    let end = segments::list(dir)?.last().map_or(0, Segment::end);
    let waiting = Reader::new(dir).count_lines(offset, end)?;
    Ok(Some((offset, waiting)))
}
