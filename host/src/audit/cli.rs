//! `xcgate audit`: the operator's view of the audit journal of a config: its status, a
//! check of it, a period of it for an auditor, and its last records as they come. It
//! only reads, so it runs beside the gateway that writes the journal.

use crate::config::Config;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use xcgate_audit::tools::{self, ExportFormat};

#[derive(clap::Subcommand, Debug)]
pub enum AuditAction {
    /// Segments, size on disk, the oldest record's segment, and the records still
    /// waiting for the Audit Record Repository.
    Status,
    /// Check that every segment's records parse, the segments follow one another without
    /// a gap, and the cursor is at a record boundary. Exits 1 when something is wrong.
    Verify,
    /// The records of a period (their EventDateTime, UTC), for an auditor: DICOM audit
    /// XML as forwarded to a repository, or JSON; one record per line.
    Export {
        /// From this moment on: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.
        #[arg(long)]
        from: Option<String>,
        /// Before this moment.
        #[arg(long)]
        to: Option<String>,
        /// xml or json.
        #[arg(long, default_value = "xml")]
        format: String,
    },
    /// The last records, one line each (when, transaction, event, outcome, who asked
    /// whom, how many participant objects; never an id).
    Tail {
        /// How many.
        #[arg(short = 'n', long, default_value_t = 10)]
        lines: usize,
        /// Then keep printing new records as they are written, until interrupted.
        #[arg(short, long)]
        follow: bool,
    },
}

/// Run `action` on the journal of `config` (default: the bundled demo's).
pub fn run(config: Option<PathBuf>, action: AuditAction) -> anyhow::Result<()> {
    let config = match &config {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    let journal = config.journal_path();
    if !journal.is_dir() {
        anyhow::bail!(
            "{}: no audit journal here yet (a gateway with this config creates it when it starts)",
            journal.display()
        );
    }
    let mut out = std::io::stdout().lock();
    let written = match action {
        AuditAction::Status => status(&journal, &mut out),
        AuditAction::Verify => return verify(&journal, &mut out),
        AuditAction::Export { from, to, format } => {
            let format = match format.as_str() {
                "xml" => ExportFormat::Xml,
                "json" => ExportFormat::Json,
                other => anyhow::bail!("--format `{other}`: use xml or json"),
            };
            let n = tools::export(&journal, from.as_deref(), to.as_deref(), format, &mut out);
            n.and_then(|n| {
                out.flush()?;
                eprintln!("{n} records");
                Ok(())
            })
        }
        AuditAction::Tail { lines, follow } => tail(&journal, lines, follow, &mut out),
    };
    match written {
        // `xcgate audit export | head`: the reader left, nothing is wrong.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::anyhow!("{}: {e}", journal.display())),
    }
}

fn status(journal: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let s = xcgate_audit::status(journal)?;
    writeln!(out, "journal   {}", journal.display())?;
    writeln!(
        out,
        "segments  {} ({} compressed)",
        s.segments, s.compressed
    )?;
    writeln!(
        out,
        "size      {} on disk, {} of records",
        bytes(s.size),
        bytes(s.records_bytes)
    )?;
    if let Some(oldest) = s.oldest {
        writeln!(
            out,
            "oldest    segment last written {}",
            xcgate_audit::utc_millis(oldest)
        )?;
    }
    match tools::pending(journal)? {
        Some((cursor, waiting)) => writeln!(
            out,
            "pending   {waiting} records wait for the Audit Record Repository (cursor at {cursor})"
        ),
        None => writeln!(
            out,
            "pending   nothing forwarded yet (no [audit.syslog], or never connected)"
        ),
    }
}

fn verify(journal: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let report = tools::verify(journal)?;
    writeln!(
        out,
        "{} segments, {} records{}{}",
        report.segments,
        report.records,
        report
            .cursor
            .map(|c| format!(", cursor at {c}"))
            .unwrap_or_default(),
        if report.partial_tail {
            " (a last record is being written)"
        } else {
            ""
        }
    )?;
    for problem in &report.problems {
        writeln!(out, "problem: {problem}")?;
    }
    if report.problems.is_empty() {
        writeln!(out, "ok")?;
        Ok(())
    } else {
        anyhow::bail!(
            "{} problems in {}",
            report.problems.len(),
            journal.display()
        )
    }
}

fn tail(journal: &Path, lines: usize, follow: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut follower = tools::Follower::new(journal, lines)?;
    loop {
        for record in follower.next_records()? {
            writeln!(out, "{}", tools::summary(&record))?;
        }
        out.flush()?;
        if !follow {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / f64::from(1u32 << 30)),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
