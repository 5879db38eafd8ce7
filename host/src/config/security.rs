//! `[audit]` and `[gateway.xua]`: where ATNA audit records go, and how XUA assertions on
//! inbound requests are checked.

use super::{ConfigError, HumanDuration};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `[audit]`: the ATNA audit trail [ITI TF-2 3.20]. Always on: every transaction in each
/// role writes its DICOM audit record to the journal before its answer leaves.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// The append-only journal (one record per line; relative to this file). Default:
    /// `$XDG_STATE_HOME/xcgate/audit.log` or `~/.local/state/xcgate/audit.log`.
    pub journal: Option<PathBuf>,
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
    /// `[audit.syslog]`: forward every record to an Audit Record Repository.
    pub syslog: Option<SyslogSection>,
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

/// How an endpoint treats XUA assertions (`wsse:Security/saml2:Assertion`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XuaMode {
    /// A request without a valid assertion is refused with a WS-Security fault.
    Required,
    /// An assertion is not needed, but one that is there must verify.
    Optional,
    /// Assertions are not looked at.
    #[default]
    Off,
}

/// `[gateway.xua]`: XUA assertion checks per endpoint [ITI TF-2 3.40].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XuaSection {
    /// On `/initiating` (local initiators). Default `off`.
    #[serde(default)]
    pub initiating: XuaMode,
    /// On `/responding` (remote gateways). Default `off`.
    #[serde(default)]
    pub responding: XuaMode,
    /// PEM files of the certificates (or their CAs) whose signatures are trusted.
    #[serde(default)]
    pub trusted_issuers: Vec<PathBuf>,
    /// When set, the assertion's `Issuer` must be one of these names too.
    #[serde(default)]
    pub issuer_names: Vec<String>,
    /// When set, an assertion restricted to audiences (`AudienceRestriction`) must name
    /// one of these, e.g. this gateway's URL or homeCommunityId: an assertion issued for
    /// another service is not replayed here [SAML2 Core 2.5.1.4]. An unrestricted
    /// assertion is accepted.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Tolerated clock difference for NotBefore / NotOnOrAfter. Default 5 minutes.
    pub clock_skew: Option<HumanDuration>,
    /// The key that signs the assertions of endpoints with `xua = "issue"`.
    pub issuer: Option<XuaIssuerSection>,
}

/// `[gateway.xua.issuer]`: how this gateway issues the assertions it attaches to outbound
/// requests [ITI TF-2 3.40.4.1].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XuaIssuerSection {
    /// PEM private key (PKCS#8 RSA or ECDSA P-256, or PKCS#1 RSA), relative to the config.
    pub key_file: PathBuf,
    /// PEM certificate of that key (sent in the signature's `KeyInfo`).
    pub cert_file: PathBuf,
    /// The assertion's `Issuer`, e.g. `urn:oid:1.2.246.10.1` or the STS URL partners trust.
    pub name: String,
    /// Validity of an issued assertion. Default 5 minutes.
    pub lifetime: Option<HumanDuration>,
    /// Subject of the assertions issued when the request carried no user (a
    /// system-to-system query). Default: the issuer name.
    pub system_subject: Option<String>,
}

/// The assertion attached to a declared endpoint's SOAP requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboundXua {
    /// None.
    #[default]
    Off,
    /// The initiator's verified assertion, unchanged (its signature still verifies); none
    /// when the request carried none.
    Forward,
    /// One signed here for the asserted user's attributes, or for `system_subject` when
    /// the request carried no user.
    Issue,
}

impl XuaSection {
    pub fn clock_skew(&self) -> Duration {
        self.clock_skew
            .as_ref()
            .map_or(xcgate_xua::DEFAULT_CLOCK_SKEW, |d| d.0)
    }
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

/// Checks of `[audit]` and `[gateway.xua]` that TOML types cannot express.
pub(super) fn check(c: &super::Config, origin: &str) -> Result<(), ConfigError> {
    let x = &c.gateway.xua;
    if (x.initiating != XuaMode::Off || x.responding != XuaMode::Off)
        && x.trusted_issuers.is_empty()
    {
        return Err(ConfigError::invalid(
            origin,
            "gateway.xua.trusted_issuers",
            "XUA is on but no issuer is trusted; list the PEM files of the STS certificates (or their CAs) whose assertions are accepted",
        ));
    }
    if let Some(t) = &c.gateway.tls
        && t.require_client_certificate.is_some()
        && t.client_ca_file.is_none()
    {
        return Err(ConfigError::invalid(
            origin,
            "gateway.tls.require_client_certificate",
            "needs gateway.tls.client_ca_file: the PEM file of the CAs whose client certificates are accepted",
        ));
    }
    if x.issuer.is_none()
        && let Some((community, endpoint)) = c.communities.iter().find_map(|(name, community)| {
            community
                .endpoints
                .iter()
                .find(|(_, e)| e.xua == OutboundXua::Issue)
                .map(|(e, _)| (name, e))
        })
    {
        return Err(ConfigError::invalid(
            origin,
            format!("communities.{community}.endpoints.{endpoint}.xua"),
            "`issue` needs a signing key: add [gateway.xua.issuer] with key_file, cert_file and name",
        ));
    }
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
