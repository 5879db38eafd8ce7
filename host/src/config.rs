//! The gateway's one TOML config file: `[gateway]` and one `[communities.<name>]` table per
//! community. Unknown keys are refused, and every error says where it is, what is wrong
//! and what is expected.

mod audit;
mod community;
mod paths;
mod replies;
mod units;
mod validate;
mod xua;
pub(crate) use validate::is_oid;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
pub use xcgate_ihe::transaction::{Role, Transaction};

pub use audit::{AuditSection, OnFailure, SyslogSection, SyslogTransportName, hostname};
pub use community::{BreakerConfig, CommunityConfig, EndpointConfig};
pub use replies::{AllowedAddress, RepliesSection};
pub use units::{ByteSize, HumanDuration, parse_duration};
pub use xua::{
    CodedSetting, OutboundXua, SubjectConfirmation, XuaIssuerSection, XuaMode, XuaProfile,
    XuaSection,
};

/// The bundled demo config: three demo communities answering from their own patient lists.
pub const DEMO_CONFIG: &str = include_str!("../../config/demo.toml");
/// The name the demo config is reported under in messages.
pub const DEMO_CONFIG_NAME: &str = "<bundled demo config>";

/// The whole config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub gateway: GatewayConfig,
    /// `[admin]`: the operator's endpoint (reload, health). Absent: none.
    pub admin: Option<AdminConfig>,
    /// `[audit]`: the ATNA audit journal and, optionally, syslog to a repository.
    #[serde(default)]
    pub audit: AuditSection,
    /// `[state]`: where patient correlations are kept. Absent: a SQLite file beside the
    /// audit journal.
    #[serde(default)]
    pub state: StateSection,
    #[serde(default)]
    pub communities: BTreeMap<String, CommunityConfig>,
    /// Where the file was read from: relative plugin paths are resolved against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// What the config came from: its file, the bundled demo, or text (tests). A config
    /// without `[audit] journal` gets a state folder of its own derived from this, so
    /// that gateways started from different files never share a journal.
    #[serde(skip)]
    pub origin: Origin,
}

/// What a [`Config`] was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// A config file (the path as given).
    File(PathBuf),
    /// The bundled demo config.
    Demo,
    /// Config text from a program (tests, tools).
    #[default]
    Text,
}

/// `[gateway]`: this gateway itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Address to listen on, e.g. `"127.0.0.1:8088"` (port 0: any free port).
    pub listen: String,
    /// Our own homeCommunityId, `urn:oid:` form.
    pub home_community_id: String,
    /// OID of this gateway as an HL7 device (sender/receiver device id). Default: the OID of
    /// `home_community_id`.
    pub device_id: Option<String>,
    /// The whole request's deadline: at this point the answer leaves with what has arrived.
    #[serde(default = "default_deadline")]
    pub deadline: HumanDuration,
    /// Per-transaction deadlines overriding `deadline`: `deadlines = { iti55 = "5s",
    /// iti39 = "30s" }` (ITI-18 follows `iti38`, ITI-43 follows `iti39`).
    #[serde(default)]
    pub deadlines: Deadlines,
    /// Largest request body accepted.
    #[serde(default = "default_max_body")]
    pub max_body: ByteSize,
    /// The local communities this gateway fronts for remote gateways on `/responding`
    /// (names of `[communities.*]` tables). Empty: the responding role is off.
    #[serde(default)]
    pub responding: Vec<String>,
    /// Where compiled plugins are cached across restarts and reloads (relative to this
    /// file). Default: `$XDG_CACHE_HOME/xcgate` or `~/.cache/xcgate`; `""` turns it off.
    pub plugin_cache: Option<PathBuf>,
    /// `[gateway.tls]`: serve HTTPS (and, with `client_ca_file`, require client
    /// certificates). Absent: plain HTTP, for a trusted network or behind a TLS proxy.
    pub tls: Option<ServerTlsConfig>,
    /// `[gateway.xua]`: XUA assertion checks per endpoint. Absent: off on both.
    #[serde(default)]
    pub xua: XuaSection,
    /// The assigning authority (OID) of the affinity domain's patient ids, e.g. the Finnish
    /// hetu `1.2.246.21`: an ITI-55 from a local initiator that names a patient by such an
    /// id teaches the gateway that patient's id in every community that answers, and an
    /// ITI-18 naming one is translated to each community's id (XDS Affinity Domain option
    /// [ITI TF-1 18.2.1]). Absent: nothing is correlated.
    pub assigning_authority: Option<String>,
    /// How long a correlation learned from an answer without `xcpd:CorrelationTimeToLive`
    /// is kept (also a "no match there"). Default 1 day.
    #[serde(default = "default_correlation_ttl")]
    pub correlation_ttl: HumanDuration,
    /// A community this gateway fronts whose adapter is asked, by the affinity domain id,
    /// for the patient's demographics before a community that does not yet know the
    /// patient is asked (ITI-18 translation). Absent: the id alone is sent.
    pub patient_source: Option<String>,
    /// `[gateway.replies]`: where asynchronous answers (WS-Addressing ReplyTo, XCPD
    /// deferred respondTo) may go, their TLS, and how long they are retried.
    #[serde(default)]
    pub replies: RepliesSection,
    /// Most connections the SOAP listener holds open at once; more are answered `503`
    /// and closed (taken at start; a reload does not change it).
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Most connections from one IP address. Behind a load balancer every connection comes
    /// from its address: raise this to `max_connections` there.
    #[serde(default = "default_max_connections_per_client")]
    pub max_connections_per_client: usize,
}

fn default_max_connections() -> usize {
    1024
}

fn default_max_connections_per_client() -> usize {
    256
}

fn default_admin_max_connections() -> usize {
    64
}

/// `[state]`: the state store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSection {
    /// `postgres://user:password@host:port/database` for several replicas sharing what they
    /// learn, or `sqlite://path`; `env:NAME` reads the URL (and the password in it) from
    /// the environment variable NAME, so no secret is written in this file. Absent:
    /// `state.db` beside the audit journal.
    pub url: Option<String>,
    /// How often expired correlations are deleted (they are ignored from the moment they
    /// expire; this only reclaims the space). Default 10 minutes.
    #[serde(default = "default_purge_every")]
    pub purge_every: HumanDuration,
}

impl Default for StateSection {
    fn default() -> StateSection {
        StateSection {
            url: None,
            purge_every: default_purge_every(),
        }
    }
}

fn default_purge_every() -> HumanDuration {
    HumanDuration(Duration::from_secs(600))
}

impl StateSection {
    /// The store URL, with `env:NAME` resolved; `None`: the SQLite default.
    pub fn resolved_url(&self) -> Result<Option<String>, String> {
        match self.url.as_deref() {
            None => Ok(None),
            Some(u) => match u.strip_prefix("env:") {
                Some(name) => std::env::var(name).map(Some).map_err(|_| {
                    format!("state.url names the environment variable {name}, which is not set")
                }),
                None => Ok(Some(u.to_string())),
            },
        }
    }
}

/// `gateway.deadlines`: a deadline per transaction; each absent one is `gateway.deadline`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    pub iti55: Option<HumanDuration>,
    pub iti38: Option<HumanDuration>,
    pub iti39: Option<HumanDuration>,
}

impl GatewayConfig {
    /// The request deadline of `transaction` (ITI-18 follows `iti38`, ITI-43 `iti39`,
    /// ITI-56 `iti55`: each local transaction shares its cross-gateway twin's).
    pub fn deadline_for(&self, transaction: Transaction) -> Duration {
        let specific = match transaction.cross_gateway() {
            Transaction::Iti55 | Transaction::Iti56 => &self.deadlines.iti55,
            Transaction::Iti38 | Transaction::Iti18 => &self.deadlines.iti38,
            Transaction::Iti39 | Transaction::Iti43 => &self.deadlines.iti39,
        };
        specific.as_ref().unwrap_or(&self.deadline).0
    }
}

/// `[admin]`: a separate listener for operators, never for initiators: `POST /admin/reload`
/// reloads the config file (as SIGHUP does), `GET /healthz` answers `ok`. Bind it to
/// loopback or a management network.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// e.g. `"127.0.0.1:8099"`.
    pub listen: String,
    /// Most connections the admin listener holds open at once (and from one address).
    #[serde(default = "default_admin_max_connections")]
    pub max_connections: usize,
}

/// `[gateway.tls]`: the gateway's own certificate, and whom it accepts as clients.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerTlsConfig {
    /// PEM file of the gateway's certificate chain (leaf first), relative to this file.
    pub cert_file: PathBuf,
    /// PEM file of its private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
    /// PEM file of the CA certificates whose clients are accepted. When set, every client
    /// must present a certificate that chains to one of them (mutual TLS, as IHE ATNA
    /// secure node requires [ITI TF-2 3.19.6.1]); a connection without one is refused.
    pub client_ca_file: Option<PathBuf>,
    /// The endpoints where a client certificate is required (with `client_ca_file`):
    /// default both. On an endpoint left out, a client may come without one (a certificate
    /// that is presented is still verified), e.g. `["responding"]` for remote gateways
    /// with mutual TLS and local initiators behind the hospital network.
    #[serde(default, deserialize_with = "roles")]
    pub require_client_certificate: Option<Vec<Role>>,
}

/// A list of endpoints by role name (`["initiating", "responding"]`).
fn roles<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Role>>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|n| {
            Role::from_name(n).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown endpoint `{n}`, expected `initiating` or `responding`"
                ))
            })
        })
        .collect::<Result<Vec<Role>, D::Error>>()
        .map(Some)
}

impl ServerTlsConfig {
    /// Whether a request to `endpoint` must come with a verified client certificate.
    pub fn requires_client_certificate(&self, endpoint: Role) -> bool {
        self.client_ca_file.is_some()
            && self
                .require_client_certificate
                .as_ref()
                .is_none_or(|list| list.contains(&endpoint))
    }
}

fn default_correlation_ttl() -> HumanDuration {
    HumanDuration(Duration::from_secs(86_400))
}

fn default_deadline() -> HumanDuration {
    HumanDuration(Duration::from_secs(10))
}
fn default_max_body() -> ByteSize {
    ByteSize(16 << 20)
}

/// A config that cannot be used, with the place and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{origin}: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}: `{key}`: {message}")]
    Invalid {
        origin: String,
        key: String,
        message: String,
    },
}

impl ConfigError {
    /// A value that is wrong: where (`origin`, `key`) and what to do instead.
    pub fn invalid(
        origin: &str,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            origin: origin.to_string(),
            key: key.into(),
            message: message.into(),
        }
    }
}

impl Config {
    /// Read and validate a config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.display().to_string(),
            error,
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config::from_toml(&text, &path.display().to_string(), base)?;
        config.origin = Origin::File(path.to_path_buf());
        Ok(config)
    }

    /// The bundled demo config.
    pub fn demo() -> Result<Config, ConfigError> {
        let mut config = Config::from_toml(DEMO_CONFIG, DEMO_CONFIG_NAME, PathBuf::from("."))?;
        config.origin = Origin::Demo;
        Ok(config)
    }

    /// Parse and validate config text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str, base_dir: PathBuf) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        config.base_dir = base_dir;
        validate::check(&config, origin)?;
        Ok(config)
    }

    /// The OID used as our HL7 device id.
    pub fn device_oid(&self) -> String {
        self.gateway.device_id.clone().unwrap_or_else(|| {
            xcgate_ihe::hl7v3::bare_oid(&self.gateway.home_community_id).to_string()
        })
    }
}

#[cfg(test)]
mod tests;
