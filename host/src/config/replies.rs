//! `[gateway.replies]`: where asynchronous answers may go [ITI TF-2 Appendix V; 3.55.6.2],
//! how they are sent, and for how long a receiver that is down is retried.

use super::{ConfigError, HumanDuration};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// `[gateway.replies]`. Absent: no address is allowed, so a request with a real
/// `wsa:ReplyTo` (or a deferred ITI-55) is refused at once, naming this section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepliesSection {
    /// The addresses answers may be sent to: each entry an `http(s)://host:port/path`
    /// prefix. A ReplyTo (or respondTo) matches an entry with the same scheme, host and
    /// port whose path it starts with; the port `*` matches any port (e.g.
    /// `"http://127.0.0.1:*/"` for initiators on this machine). Anything else is
    /// refused, never contacted.
    #[serde(default)]
    pub allow: Vec<String>,
    /// This gateway's `/replies` endpoint as the communities reach it: the `wsa:ReplyTo` of
    /// the requests it sends to endpoints marked `async = true`, e.g.
    /// `"https://xcgate.example.org:8443/replies"`. Default: the address it listens on.
    pub endpoint: Option<String>,
    /// PEM file of the CA certificates trusted for https reply addresses (relative to this
    /// file). Required when an allowed address is https.
    pub ca_file: Option<PathBuf>,
    /// PEM file of our client certificate chain for mutual TLS (with `client_key_file`).
    pub client_cert_file: Option<PathBuf>,
    /// PEM file of the private key of `client_cert_file`.
    pub client_key_file: Option<PathBuf>,
    /// Longest wait for one delivery attempt.
    #[serde(default = "default_timeout")]
    pub timeout: HumanDuration,
    /// The first wait after a failed attempt; each later wait doubles, up to `max_retry`.
    #[serde(default = "default_retry")]
    pub retry: HumanDuration,
    /// The longest wait between two attempts.
    #[serde(default = "default_max_retry")]
    pub max_retry: HumanDuration,
    /// How long after acceptance an answer is still tried; then it is given up (kept,
    /// reported in `xcgate pending list`, audited).
    #[serde(default = "default_horizon")]
    pub horizon: HumanDuration,
    /// How long a delivered exchange stays listed (`xcgate pending list --state
    /// delivered`) before it is deleted; its message is dropped at delivery. Given-up
    /// exchanges stay until an operator deletes them.
    #[serde(default = "default_keep_delivered")]
    pub keep_delivered: HumanDuration,
}

impl Default for RepliesSection {
    fn default() -> RepliesSection {
        RepliesSection {
            allow: Vec::new(),
            endpoint: None,
            ca_file: None,
            client_cert_file: None,
            client_key_file: None,
            timeout: default_timeout(),
            retry: default_retry(),
            max_retry: default_max_retry(),
            horizon: default_horizon(),
            keep_delivered: default_keep_delivered(),
        }
    }
}

fn default_timeout() -> HumanDuration {
    HumanDuration(Duration::from_secs(10))
}

fn default_retry() -> HumanDuration {
    HumanDuration(Duration::from_secs(2))
}

fn default_max_retry() -> HumanDuration {
    HumanDuration(Duration::from_secs(300))
}

fn default_keep_delivered() -> HumanDuration {
    HumanDuration(Duration::from_secs(7 * 24 * 3600))
}

fn default_horizon() -> HumanDuration {
    HumanDuration(Duration::from_secs(24 * 3600))
}

/// One `allow` entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedAddress {
    scheme: String,
    host: String,
    /// `None`: any port (`:*` in an allow entry).
    port: Option<u16>,
    path: String,
}

impl AllowedAddress {
    /// `text` as an address or an allow entry (only an entry may have the port `*`); the reason when it is not an http(s) URL.
    pub fn parse(text: &str) -> Result<AllowedAddress, String> {
        // `host:*` is an allow entry's any port; a URL has none, so parse it with a
        // stand-in port.
        let any_port = text
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(rest))
            .is_some_and(|authority| authority.ends_with(":*"));
        let parsable = if any_port {
            text.replacen(":*", ":1", 1)
        } else {
            text.to_string()
        };
        let uri: http::Uri = parsable
            .parse()
            .map_err(|_| format!("`{text}` is not a URL"))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_string(),
            _ => return Err(format!("`{text}` is not an http(s) URL")),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| format!("`{text}` has no host"))?
            .to_ascii_lowercase();
        let port = (!any_port).then(|| {
            uri.port_u16()
                .unwrap_or(if scheme == "https" { 443 } else { 80 })
        });
        Ok(AllowedAddress {
            scheme,
            host,
            port,
            path: uri.path().to_string(),
        })
    }

    /// True when `address` is under this entry (same origin, path at or below its path).
    pub fn covers(&self, address: &AllowedAddress) -> bool {
        let under = address
            .path
            .strip_prefix(self.path.as_str())
            .is_some_and(|rest| {
                self.path.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?'])
            });
        self.scheme == address.scheme
            && self.host == address.host
            && (self.port.is_none() || self.port == address.port)
            && under
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

impl RepliesSection {
    /// The entry of `allow` that covers `address`, or why none does (no address in it).
    pub fn allows(&self, address: &str) -> Result<(), String> {
        let parsed = AllowedAddress::parse(address)?;
        if parsed.port.is_none() {
            return Err(format!("`{address}` has no port number"));
        }
        if self.allow.is_empty() {
            return Err(
                "this gateway sends no asynchronous answers: list the addresses it may answer in gateway.replies.allow".to_string(),
            );
        }
        let allowed = self
            .allow
            .iter()
            .filter_map(|a| AllowedAddress::parse(a).ok())
            .any(|a| a.covers(&parsed));
        if allowed {
            Ok(())
        } else {
            Err("the address is not in gateway.replies.allow".to_string())
        }
    }

    /// The wait before attempt `attempts + 1` after `attempts` failed ones.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let first = self.retry.0.max(Duration::from_millis(10));
        first
            .saturating_mul(1u32 << attempts.min(20))
            .min(self.max_retry.0.max(first))
    }

    pub(super) fn check(&self, origin: &str) -> Result<(), ConfigError> {
        let key = |k: &str| format!("gateway.replies.{k}");
        let mut https = false;
        for (i, entry) in self.allow.iter().enumerate() {
            let parsed = AllowedAddress::parse(entry).map_err(|why| {
                ConfigError::invalid(
                    origin,
                    format!("gateway.replies.allow[{i}]"),
                    format!("{why}; expected a reply address prefix such as \"https://initiator.example.org:8443/replies\""),
                )
            })?;
            https |= parsed.is_https();
        }
        if let Some(endpoint) = &self.endpoint
            && !endpoint.ends_with("/replies")
        {
            return Err(ConfigError::invalid(
                origin,
                key("endpoint"),
                format!(
                    "`{endpoint}` must be this gateway's /replies URL, e.g. \"https://xcgate.example.org:8443/replies\""
                ),
            ));
        }
        if https && self.ca_file.is_none() {
            return Err(ConfigError::invalid(
                origin,
                key("ca_file"),
                "an https reply address needs the CA that signs its server certificate: add ca_file = \"path/to/ca.pem\" (PEM, relative to this file)",
            ));
        }
        match (&self.client_cert_file, &self.client_key_file) {
            (Some(_), None) => Err(ConfigError::invalid(
                origin,
                key("client_key_file"),
                "client_cert_file is set, so the private key is needed too: add client_key_file = \"path/to/key.pem\"",
            )),
            (None, Some(_)) => Err(ConfigError::invalid(
                origin,
                key("client_cert_file"),
                "client_key_file is set, so its certificate is needed too: add client_cert_file = \"path/to/cert.pem\"",
            )),
            _ if self.retry.0.is_zero() => Err(ConfigError::invalid(
                origin,
                key("retry"),
                "a zero wait would retry a receiver that is down without pause: use e.g. \"2s\"",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(allow: &[&str]) -> RepliesSection {
        RepliesSection {
            allow: allow.iter().map(|s| s.to_string()).collect(),
            ..RepliesSection::default()
        }
    }

    #[test]
    fn an_address_is_allowed_under_an_entry_of_the_same_origin_only() {
        let s = section(&[
            "http://ig.example.org:9080/replies",
            "https://b.example.org/",
        ]);
        assert!(s.allows("http://ig.example.org:9080/replies").is_ok());
        assert!(s.allows("http://IG.example.org:9080/replies/iti38").is_ok());
        assert!(s.allows("https://b.example.org/anything").is_ok());
        assert!(s.allows("https://b.example.org:443/x").is_ok());
        assert!(s.allows("http://ig.example.org:9080/repliesX").is_err());
        assert!(s.allows("http://ig.example.org:9081/replies").is_err());
        assert!(s.allows("https://ig.example.org:9080/replies").is_err());
        assert!(s.allows("http://evil.example.org/replies").is_err());
        assert!(s.allows("mailto:x@example.org").is_err());
        let local = section(&["http://127.0.0.1:*/"]);
        assert!(local.allows("http://127.0.0.1:40123/replies").is_ok());
        assert!(local.allows("http://127.0.0.1:*/replies").is_err());
        assert!(local.allows("http://127.0.0.2:40123/replies").is_err());
        assert!(
            section(&[])
                .allows("http://ig.example.org/")
                .unwrap_err()
                .contains("gateway.replies.allow")
        );
    }

    #[test]
    fn the_wait_doubles_up_to_its_cap() {
        let s = RepliesSection {
            retry: HumanDuration(Duration::from_secs(1)),
            max_retry: HumanDuration(Duration::from_secs(5)),
            ..RepliesSection::default()
        };
        let waits: Vec<u64> = (0..5).map(|a| s.backoff(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
    }
}
