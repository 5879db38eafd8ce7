//! Configuration of the audit sinks and the errors of opening and recording. Every error
//! names the file or setting and what to fix.

use std::path::PathBuf;
use std::time::Duration;

/// The durable journal (always) and, optionally, forwarding to an Audit Record Repository.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The journal folder (created; its parent must exist and be writable): segments of
    /// records, one per line, and the forwarder's cursor. A journal file of before is
    /// migrated into a folder at the same path.
    pub journal: PathBuf,
    /// Start a new segment past this many bytes (and at each new UTC day).
    pub segment_size: u64,
    /// What happens to closed segments once delivered.
    pub retention: crate::Retention,
    /// At most this many appends (a single record, or the records of one request) per fsync.
    pub max_batch: usize,
    /// How long the writer waits after the first record of a batch for more to join it;
    /// zero batches only what queued while the previous fsync ran.
    pub max_delay: Duration,
    pub syslog: Option<SyslogConfig>,
}

impl AuditConfig {
    /// A journal at `journal` with group commit of up to 256 records and no forwarding,
    /// segments of 64 MiB compressed once delivered, and nothing removed.
    /// The writer does not wait for more records after the first: a batch is what queued
    /// while the previous fsync ran, so a lone request pays one fsync and no more, and
    /// under load one fsync serves many requests.
    pub fn new(journal: impl Into<PathBuf>) -> AuditConfig {
        AuditConfig {
            journal: journal.into(),
            segment_size: DEFAULT_SEGMENT_SIZE,
            retention: crate::Retention {
                compress: true,
                ..crate::Retention::default()
            },
            max_batch: 256,
            max_delay: Duration::ZERO,
            syslog: None,
        }
    }
}

/// Segments of 64 MiB: a day of a busy gateway is a few of them, and one is read in a
/// blink when compressed.
pub const DEFAULT_SEGMENT_SIZE: u64 = 64 << 20;

/// Forwarding to an Audit Record Repository [ITI TF-2 3.20].
#[derive(Debug, Clone)]
pub struct SyslogConfig {
    pub transport: SyslogTransport,
    /// APP-NAME of the syslog header: 1..=48 printable US-ASCII [RFC 5424 §6.2.5].
    pub app_name: String,
    /// HOSTNAME of the syslog header: 1..=255 printable US-ASCII [RFC 5424 §6.2.4].
    pub hostname: String,
    /// First retry delay after a failed connection or send; doubles up to `retry_max`.
    pub retry_min: Duration,
    pub retry_max: Duration,
}

impl SyslogConfig {
    /// Retry from 100 ms, doubling, capped at 30 s.
    pub fn new(transport: SyslogTransport, app_name: &str, hostname: &str) -> SyslogConfig {
        SyslogConfig {
            transport,
            app_name: app_name.to_string(),
            hostname: hostname.to_string(),
            retry_min: Duration::from_millis(100),
            retry_max: Duration::from_secs(30),
        }
    }
}

/// How records reach the repository.
#[derive(Debug, Clone)]
pub enum SyslogTransport {
    /// RFC 5425: TLS, octet-counted frames. The server certificate is verified against
    /// `ca_file` for `server_name`; there is no switch to turn verification off.
    Tls {
        /// `host:port`.
        address: String,
        server_name: String,
        ca_file: PathBuf,
        /// Both or neither: the client certificate chain and its key (ATNA Secure Node
        /// mutual authentication).
        client_cert_file: Option<PathBuf>,
        client_key_file: Option<PathBuf>,
    },
    /// RFC 5426: one message per datagram, no delivery guarantee.
    Udp {
        /// `host:port`.
        address: String,
    },
}

/// What went wrong, with the path or setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit journal {path}: {what}: {error} ({fix})")]
    Journal {
        path: PathBuf,
        what: &'static str,
        fix: &'static str,
        error: std::io::Error,
    },
    #[error("audit journal {path} is in use by another xcgate process (one writer per journal)")]
    JournalInUse { path: PathBuf },
    #[error("audit syslog {key} {path}: {detail}")]
    TlsMaterial {
        key: &'static str,
        path: PathBuf,
        detail: String,
    },
    #[error("audit syslog {key}: {detail}")]
    Config { key: &'static str, detail: String },
    /// The journal writer failed or was stopped; the record was not stored.
    #[error("audit record not stored: {0}")]
    NotStored(String),
}

/// Check the syslog header fields once at start-up, so a bad value is a config error and
/// not a stream of messages an ARR rejects.
pub(crate) fn validate(syslog: &SyslogConfig) -> Result<(), AuditError> {
    header_field("syslog.app_name", &syslog.app_name, 48)?;
    header_field("syslog.hostname", &syslog.hostname, 255)?;
    if syslog.retry_min.is_zero() || syslog.retry_max < syslog.retry_min {
        return Err(AuditError::Config {
            key: "syslog.retry_min/retry_max",
            detail: "expected 0 < retry_min <= retry_max".to_string(),
        });
    }
    if let SyslogTransport::Tls {
        client_cert_file,
        client_key_file,
        ..
    } = &syslog.transport
        && client_cert_file.is_some() != client_key_file.is_some()
    {
        return Err(AuditError::Config {
            key: "syslog.client_cert_file/client_key_file",
            detail: "give both the client certificate and its key, or neither".to_string(),
        });
    }
    Ok(())
}

/// PRINTUSASCII, no spaces [RFC 5424 §6].
fn header_field(key: &'static str, value: &str, max: usize) -> Result<(), AuditError> {
    let ok =
        !value.is_empty() && value.len() <= max && value.bytes().all(|b| (33..=126).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AuditError::Config {
            key,
            detail: format!(
                "{value:?} is not 1..={max} printable US-ASCII characters without spaces (RFC 5424 §6)"
            ),
        })
    }
}
