//! `[communities.<name>]`: one community, its adapter plugin, its limits and the endpoints
//! its plugin may reach.

use super::{ByteSize, HumanDuration, OutboundXua, XuaProfile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// `[communities.<name>]`: one community and its adapter plugin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityConfig {
    /// The community's homeCommunityId, `urn:oid:` form.
    pub home_community_id: String,
    /// The adapter: a path to a WebAssembly component (relative to this file), or
    /// `bundled:<name>` for an adapter built into xcgate (`bundled:demo-community`).
    pub plugin: String,
    /// How long one call to this community may take (capped by the request deadline).
    #[serde(default = "default_timeout")]
    pub timeout: HumanDuration,
    /// Most linear memory the plugin may use per call.
    #[serde(default = "default_memory_limit")]
    pub memory_limit: ByteSize,
    /// Most elements of any table of the plugin (function tables: a plugin that needs
    /// more cannot be instantiated, one that grows a table past it traps).
    #[serde(default = "default_max_table_elements")]
    pub max_table_elements: u32,
    /// Largest ITI-39 answer: the bytes of all documents of one call. More is refused as an
    /// invalid answer (the plugin's memory limit bounds everything else it can return).
    #[serde(default = "default_max_answer")]
    pub max_answer: ByteSize,
    /// Most matches (ITI-55) or registry objects and errors (ITI-38) in one answer.
    #[serde(default = "default_max_answer_items")]
    pub max_answer_items: u32,
    /// Calls to this community in flight at once; more fail fast as busy (bulkhead).
    #[serde(default = "default_max_concurrent")]
    pub max_concurrent: u32,
    /// After this many failed calls in a row the community is skipped for a cool-down.
    #[serde(default)]
    pub circuit_breaker: BreakerConfig,
    /// For an adapter that answers later (`deferred-discovery`): how often an owed ITI-55
    /// is polled, and how long it is waited for (defaults when absent; set only for such
    /// an adapter).
    #[serde(default)]
    pub deferred: Option<DeferredConfig>,
    /// Non-secret settings handed to the plugin through the `config` import.
    #[serde(default)]
    pub settings: toml::Table,
    /// The endpoints the plugin may reach through `transport`, by name. Nothing else is
    /// reachable.
    #[serde(default)]
    pub endpoints: BTreeMap<String, EndpointConfig>,
}

/// `circuit_breaker = { failures = 5, cooldown = "30s" }`: after `failures` consecutive
/// failed calls (timeouts, crashes, errors; not our own bulkhead) the community is answered
/// as unavailable without being called, for `cooldown`; then one request probes it.
/// `failures = 0` turns the breaker off.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerConfig {
    #[serde(default = "default_breaker_failures")]
    pub failures: u32,
    #[serde(default = "default_breaker_cooldown")]
    pub cooldown: HumanDuration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failures: default_breaker_failures(),
            cooldown: default_breaker_cooldown(),
        }
    }
}

fn default_breaker_failures() -> u32 {
    5
}
fn default_breaker_cooldown() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}

/// `deferred = { poll = "30s", within = "24h" }`: for an adapter that exports
/// `deferred-discovery`, the host polls a discovery that goes on every `poll`, and waits
/// for it `within` from its start; then the community counts as not answering
/// (`AnswerNotAvailable`) and the answer leaves with the others'.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeferredConfig {
    #[serde(default = "default_deferred_poll")]
    pub poll: HumanDuration,
    #[serde(default = "default_deferred_within")]
    pub within: HumanDuration,
}

impl Default for DeferredConfig {
    fn default() -> Self {
        DeferredConfig {
            poll: default_deferred_poll(),
            within: default_deferred_within(),
        }
    }
}

fn default_deferred_poll() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}
fn default_deferred_within() -> HumanDuration {
    HumanDuration(Duration::from_secs(24 * 3600))
}

/// `[communities.<name>.endpoints.<endpoint>]`: one remote HTTP(S) endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// `https://host:port/path` (or `http://` on a trusted network).
    pub url: String,
    /// PEM file of the CA certificates trusted for this endpoint's server certificate
    /// (relative to the config file). Required for `https`; there is no switch that turns
    /// verification off.
    pub ca_file: Option<PathBuf>,
    /// PEM file of our client certificate chain for mutual TLS (with `client_key_file`).
    pub client_cert_file: Option<PathBuf>,
    /// PEM file of the private key of `client_cert_file` (PKCS#8, PKCS#1 or SEC1).
    pub client_key_file: Option<PathBuf>,
    /// Speak HTTP/2 only (for `http`: prior knowledge, h2c). Default: over `https` ALPN
    /// offers HTTP/2 and HTTP/1.1 and the server picks; over `http`, HTTP/1.1.
    #[serde(default)]
    pub http2: bool,
    /// Longest wait for one exchange (never past the call's deadline).
    #[serde(default = "default_timeout")]
    pub timeout: HumanDuration,
    /// Largest answer accepted.
    #[serde(default = "default_max_response")]
    pub max_response: ByteSize,
    /// The XUA assertion the host puts in each SOAP request's `wsse:Security` header:
    /// `off` (default), `forward` (the initiator's, as received) or `issue` (signed here
    /// with `[gateway.xua.issuer]`). The plugin never sees the assertion or the key.
    #[serde(default)]
    pub xua: OutboundXua,
    /// The network's WS-Security profile for those requests: `ihe` (default: the
    /// assertion alone) or `ehealth-exchange` (Timestamp, holder-of-key assertion with
    /// the NHIN/XSPA attributes, message signature; see the README, "Joining a network").
    #[serde(default)]
    pub xua_profile: XuaProfile,
    /// `async = true`: send each SOAP request as an asynchronous WS-Addressing exchange
    /// [ITI TF-2 App V V.5], its ReplyTo this gateway's `/replies` (`[gateway.replies]
    /// endpoint`); the answer arriving there is handed to the plugin within the call's
    /// deadline. Default: synchronous.
    #[serde(default, rename = "async")]
    pub asynchronous: bool,
    /// `deferred = true`: send ITI-55 with the XCPD Deferred Response option
    /// [ITI TF-2 3.55.6.2] (respondTo = this gateway's `/replies`); the community
    /// acknowledges at once and its answer, arriving there, is handed to the plugin within
    /// the call's deadline. Other requests are sent as `async` says.
    #[serde(default)]
    pub deferred: bool,
}

fn default_max_response() -> ByteSize {
    ByteSize(64 << 20)
}

fn default_timeout() -> HumanDuration {
    HumanDuration(Duration::from_secs(5))
}
fn default_memory_limit() -> ByteSize {
    ByteSize(64 << 20)
}
fn default_max_answer() -> ByteSize {
    ByteSize(64 << 20)
}
fn default_max_answer_items() -> u32 {
    1000
}
/// Rust and C adapters need a few hundred function-table entries; room for large ones.
fn default_max_table_elements() -> u32 {
    10_000
}
fn default_max_concurrent() -> u32 {
    64
}
impl CommunityConfig {
    /// The settings as the plugin sees them: strings as they are, numbers and booleans as
    /// their TOML text, arrays and tables as JSON.
    pub fn plugin_settings(&self) -> BTreeMap<String, String> {
        self.settings
            .iter()
            .map(|(k, v)| (k.clone(), setting_text(v)))
            .collect()
    }
}

fn setting_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) | toml::Value::Table(_) => to_json(v).to_string(),
    }
}

fn to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}
