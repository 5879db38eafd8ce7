//! `[audit]`: where ATNA audit records go.

use super::{ByteSize, ConfigError, HumanDuration};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `[audit]`: the ATNA audit trail [ITI TF-2 3.20]. Always on: every transaction in each
/// role writes its DICOM audit record to the journal before its answer leaves.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// The journal folder: segments of records, one per line, and the forwarder's cursor
    /// (relative to this file; created, its parent must exist). Default:
    /// `$XDG_STATE_HOME/xcgate/audit.log` or `~/.local/state/xcgate/audit.log`. A journal
    /// file of an earlier xcgate at that path becomes the folder's first segment.
    pub journal: Option<PathBuf>,
    /// A new segment is started past this size, and at each new UTC day. Default 64MiB.
    pub segment_size: Option<ByteSize>,
    /// Delivered segments older than this are removed (e.g. "90d"). Default: kept.
    pub retention: Option<HumanDuration>,
    /// The oldest delivered segments are removed while the journal is larger than this
    /// (e.g. "20GiB"). Default: no cap. A segment with a record not yet delivered to the
    /// Audit Record Repository is never removed.
    pub max_size: Option<ByteSize>,
    /// Delivered closed segments are compressed (zstd, about a tenth of the size); every
    /// reader of the journal reads them. Default true.
    pub compress: Option<bool>,
    /// `AuditSourceID` of every record [DICOM PS3.15 A.5.1]. Default: `xcgate@<hostname>`.
    pub source_id: Option<String>,
    /// `AuditEnterpriseSiteID`, e.g. the organisation's OID.
    pub enterprise_site_id: Option<String>,
    /// Group commit: at most this many appends (a record, or the records of one request)
    /// per fsync (default 256) ...
    pub max_batch: Option<usize>,
    /// ... and at most this long waited for more to join a batch (default 0: a batch is
    /// what queued while the previous fsync ran).
    pub max_delay: Option<HumanDuration>,
    /// What a request gets when its records cannot be made durable (a full disk, a
    /// failing journal): `refuse` (default; ATNA: no disclosure without its audit
    /// record) answers with the transaction's error and turns `/ready` false until the
    /// journal takes records again; `serve` lets the answer leave and counts the loss.
    pub on_failure: Option<OnFailure>,
    /// `[audit.syslog]`: forward every record to an Audit Record Repository.
    pub syslog: Option<SyslogSection>,
}

/// `audit.on_failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFailure {
    #[default]
    Refuse,
    Serve,
}

/// `[audit.syslog]`: RFC 5424 messages over TLS (RFC 5425, ATNA's required transport) or
/// UDP (RFC 5426, no delivery guarantee). Records wait in the journal while the repository
/// is down and are sent, in order, when it is back (also after a restart).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyslogSection {
    /// `tls` or `udp`.
    pub transport: SyslogTransportName,
    /// `host:port` of the repository (6514 is the registered syslog-over-TLS port).
    pub address: String,
    /// The name the repository's certificate must carry (tls). Default: the host of
    /// `address`.
    pub server_name: Option<String>,
    /// PEM file of the CAs trusted for the repository's certificate (tls; required).
    pub ca_file: Option<PathBuf>,
    /// Our client certificate and key for mutual TLS (tls; both or neither).
    pub client_cert_file: Option<PathBuf>,
    pub client_key_file: Option<PathBuf>,
    /// APP-NAME of the syslog header. Default `xcgate`.
    pub app_name: Option<String>,
    /// HOSTNAME of the syslog header. Default: this machine's host name.
    pub hostname: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyslogTransportName {
    Tls,
    Udp,
}

/// This machine's host name (for audit records and syslog headers).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

impl AuditSection {
    /// The audit crate's config: the journal at `journal`, other paths resolved against
    /// `base_dir`.
    pub fn to_audit_config(&self, journal: PathBuf, base_dir: &Path) -> xcgate_audit::AuditConfig {
        let mut c = xcgate_audit::AuditConfig::new(journal);
        if let Some(size) = &self.segment_size {
            c.segment_size = size.0;
        }
        c.retention = xcgate_audit::Retention {
            max_age: self.retention.as_ref().map(|d| d.0),
            max_size: self.max_size.as_ref().map(|s| s.0),
            compress: self.compress.unwrap_or(true),
        };
        if let Some(n) = self.max_batch {
            c.max_batch = n;
        }
        if let Some(d) = &self.max_delay {
            c.max_delay = d.0;
        }
        c.syslog = self.syslog.as_ref().map(|s| {
            let transport = match s.transport {
                SyslogTransportName::Udp => xcgate_audit::SyslogTransport::Udp {
                    address: s.address.clone(),
                },
                SyslogTransportName::Tls => xcgate_audit::SyslogTransport::Tls {
                    address: s.address.clone(),
                    server_name: s.server_name.clone().unwrap_or_else(|| {
                        s.address
                            .rsplit_once(':')
                            .map_or(s.address.as_str(), |(h, _)| h)
                            .trim_matches(['[', ']'])
                            .to_string()
                    }),
                    ca_file: base_dir.join(s.ca_file.clone().unwrap_or_default()),
                    client_cert_file: s.client_cert_file.as_ref().map(|p| base_dir.join(p)),
                    client_key_file: s.client_key_file.as_ref().map(|p| base_dir.join(p)),
                },
            };
            xcgate_audit::SyslogConfig::new(
                transport,
                s.app_name.as_deref().unwrap_or("xcgate"),
                &s.hostname.clone().unwrap_or_else(hostname),
            )
        });
        c
    }
}

/// Checks of `[audit]` that TOML types cannot express.
pub(super) fn check(c: &super::Config, origin: &str) -> Result<(), ConfigError> {
    let a = &c.audit;
    if let Some(n) = a.max_batch
        && !(1..=10_000).contains(&n)
    {
        return Err(ConfigError::invalid(
            origin,
            "audit.max_batch",
            "must be between 1 and 10000",
        ));
    }
    if let Some(d) = &a.max_delay
        && d.0 > Duration::from_secs(1)
    {
        return Err(ConfigError::invalid(
            origin,
            "audit.max_delay",
            "must be at most 1s (answers wait for their audit record)",
        ));
    }
    let segment = a
        .segment_size
        .as_ref()
        .map_or(xcgate_audit::DEFAULT_SEGMENT_SIZE, |s| s.0);
    if !((64 << 10)..=(1 << 30)).contains(&segment) {
        return Err(ConfigError::invalid(
            origin,
            "audit.segment_size",
            "must be between 64KiB and 1GiB",
        ));
    }
    if let Some(d) = &a.retention
        && d.0 < Duration::from_secs(3600)
    {
        return Err(ConfigError::invalid(
            origin,
            "audit.retention",
            "must be at least 1h (records are kept this long after their segment closes), e.g. \"90d\"",
        ));
    }
    if let Some(m) = &a.max_size
        && m.0 < 2 * segment
    {
        return Err(ConfigError::invalid(
            origin,
            "audit.max_size",
            format!(
                "must be at least two segments ({} bytes; see audit.segment_size)",
                2 * segment
            ),
        ));
    }
    if let Some(s) = &a.syslog {
        let port_ok = s
            .address
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
        if !port_ok {
            return Err(ConfigError::invalid(
                origin,
                "audit.syslog.address",
                format!(
                    "`{}` is not host:port, e.g. \"arr.example.org:6514\"",
                    s.address
                ),
            ));
        }
        if s.transport == SyslogTransportName::Tls && s.ca_file.is_none() {
            return Err(ConfigError::invalid(
                origin,
                "audit.syslog.ca_file",
                "syslog over TLS needs the PEM file of the CAs that sign the repository's certificate",
            ));
        }
        if s.client_cert_file.is_some() != s.client_key_file.is_some() {
            return Err(ConfigError::invalid(
                origin,
                "audit.syslog.client_cert_file",
                "client_cert_file and client_key_file go together (mutual TLS)",
            ));
        }
        if s.transport == SyslogTransportName::Udp
            && (s.ca_file.is_some() || s.client_cert_file.is_some())
        {
            return Err(ConfigError::invalid(
                origin,
                "audit.syslog.transport",
                "TLS files are set but transport is \"udp\"; use transport = \"tls\"",
            ));
        }
    }
    Ok(())
}
