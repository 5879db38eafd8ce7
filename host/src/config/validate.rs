//! Checks beyond the shape of the file: ids, ranges, plugin references.

use super::{Config, ConfigError};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

fn invalid(origin: &str, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::invalid(origin, key, message)
}

/// True for a dotted-decimal OID such as `1.2.246.21`.
pub fn is_oid(text: &str) -> bool {
    let arcs: Vec<&str> = text.split('.').collect();
    text.len() <= 64
        && arcs.len() >= 2
        && arcs.iter().all(|a| {
            !a.is_empty()
                && a.bytes().all(|b| b.is_ascii_digit())
                && (a.len() == 1 || !a.starts_with('0'))
        })
}

fn check_hcid(origin: &str, key: &str, value: &str) -> Result<(), ConfigError> {
    match value.strip_prefix("urn:oid:") {
        Some(oid) if is_oid(oid) => Ok(()),
        Some(oid) => Err(invalid(
            origin,
            key,
            format!("`{oid}` is not an OID (digits separated by dots, at most 64 characters)"),
        )),
        None if is_oid(value) => Err(invalid(
            origin,
            key,
            format!(
                "a homeCommunityId is written in URI form [ITI TF-2 3.38.4.1.2.1]: use \"urn:oid:{value}\""
            ),
        )),
        None => Err(invalid(
            origin,
            key,
            format!(
                "`{value}` is not a homeCommunityId; expected \"urn:oid:<OID>\", e.g. \"urn:oid:1.2.246.10.1\""
            ),
        )),
    }
}

pub(super) fn check(c: &Config, origin: &str) -> Result<(), ConfigError> {
    c.gateway.listen.parse::<SocketAddr>().map_err(|_| {
        invalid(
            origin,
            "gateway.listen",
            format!(
                "`{}` is not an address; expected \"IP:PORT\", e.g. \"127.0.0.1:8088\"",
                c.gateway.listen
            ),
        )
    })?;
    if let Some(admin) = &c.admin {
        admin.listen.parse::<SocketAddr>().map_err(|_| {
            invalid(
                origin,
                "admin.listen",
                format!(
                    "`{}` is not an address; expected \"IP:PORT\", e.g. \"127.0.0.1:8099\"",
                    admin.listen
                ),
            )
        })?;
    }
    check_hcid(
        origin,
        "gateway.home_community_id",
        &c.gateway.home_community_id,
    )?;
    if let Some(d) = &c.gateway.device_id
        && !is_oid(d)
    {
        return Err(invalid(
            origin,
            "gateway.device_id",
            format!("`{d}` is not an OID"),
        ));
    }
    let d = &c.gateway.deadlines;
    for (key, deadline) in [
        ("gateway.deadline", Some(&c.gateway.deadline)),
        ("gateway.deadlines.iti55", d.iti55.as_ref()),
        ("gateway.deadlines.iti38", d.iti38.as_ref()),
        ("gateway.deadlines.iti39", d.iti39.as_ref()),
    ] {
        if let Some(deadline) = deadline
            && (deadline.0 < Duration::from_millis(10) || deadline.0 > Duration::from_secs(600))
        {
            return Err(invalid(origin, key, "must be between 10ms and 10m"));
        }
    }
    super::xua::check(c, origin)?;
    super::audit::check(c, origin)?;
    c.gateway.replies.check(origin)?;
    let caps = [
        ("gateway.max_connections", c.gateway.max_connections),
        (
            "gateway.max_connections_per_client",
            c.gateway.max_connections_per_client,
        ),
        (
            "admin.max_connections",
            c.admin.as_ref().map_or(1, |a| a.max_connections),
        ),
    ];
    if let Some((key, _)) = caps.iter().find(|(_, n)| *n == 0) {
        return Err(invalid(
            origin,
            *key,
            "0 would refuse every connection; use at least 1 (the default is fine for most gateways)",
        ));
    }
    if let Some(t) = &c.gateway.tls
        && t.require_client_certificate.is_some()
        && t.client_ca_file.is_none()
    {
        return Err(invalid(
            origin,
            "gateway.tls.require_client_certificate",
            "needs gateway.tls.client_ca_file: the PEM file of the CAs whose client certificates are accepted",
        ));
    }

    if c.gateway.max_body.0 < 4096 {
        return Err(invalid(origin, "gateway.max_body", "must be at least 4KiB"));
    }
    if let Some(aa) = &c.gateway.assigning_authority
        && !is_oid(aa.strip_prefix("urn:oid:").unwrap_or(aa))
    {
        return Err(invalid(
            origin,
            "gateway.assigning_authority",
            format!(
                "`{aa}` is not an OID; expected the affinity domain's patient id root, e.g. \"1.2.246.21\""
            ),
        ));
    }
    let ttl = c.gateway.correlation_ttl.0;
    if !(Duration::from_secs(60)..=Duration::from_secs(366 * 86_400)).contains(&ttl) {
        return Err(invalid(
            origin,
            "gateway.correlation_ttl",
            "must be between 1m and 366d",
        ));
    }
    if let Some(source) = &c.gateway.patient_source
        && !c.gateway.responding.contains(source)
    {
        return Err(invalid(
            origin,
            "gateway.patient_source",
            format!(
                "`{source}` must be a community this gateway fronts (listed in gateway.responding): its adapter is asked for the patient's demographics by the affinity domain id"
            ),
        ));
    }
    if c.state.purge_every.0 < Duration::from_secs(1) {
        return Err(invalid(origin, "state.purge_every", "must be at least 1s"));
    }
    if let Some(url) = &c.state.url
        && !(url.starts_with("postgres://")
            || url.starts_with("postgresql://")
            || url.starts_with("sqlite://")
            || url.starts_with("env:"))
    {
        return Err(invalid(
            origin,
            "state.url",
            format!(
                "`{}` is not a store URL; expected \"postgres://user:password@host:5432/database\", \"sqlite://path\" or \"env:NAME\"",
                xcgate_state::redacted(url)
            ),
        ));
    }
    if c.communities.is_empty() {
        return Err(invalid(
            origin,
            "communities",
            "no community is configured; add a [communities.<name>] table with home_community_id and plugin",
        ));
    }
    for name in &c.gateway.responding {
        if !c.communities.contains_key(name) {
            let known: Vec<&str> = c.communities.keys().map(String::as_str).collect();
            return Err(invalid(
                origin,
                "gateway.responding",
                format!(
                    "`{name}` is not a configured community; expected names of [communities.*] tables: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, community) in &c.communities {
        let key = |field: &str| format!("communities.{name}.{field}");
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            return Err(invalid(
                origin,
                format!("communities.{name}"),
                "community names use letters, digits, `-` and `_`",
            ));
        }
        check_hcid(
            origin,
            &key("home_community_id"),
            &community.home_community_id,
        )?;
        if let Some(other) = seen.insert(community.home_community_id.as_str(), name.as_str()) {
            return Err(invalid(
                origin,
                key("home_community_id"),
                format!(
                    "`{}` is already the homeCommunityId of community `{other}`; each community needs its own",
                    community.home_community_id
                ),
            ));
        }
        let t = community.timeout.0;
        if t < Duration::from_millis(1) || t > Duration::from_secs(600) {
            return Err(invalid(
                origin,
                key("timeout"),
                "must be between 1ms and 10m",
            ));
        }
        let m = community.memory_limit.0;
        if !((1 << 20)..=(4u64 << 30)).contains(&m) {
            return Err(invalid(
                origin,
                key("memory_limit"),
                "must be between 1MiB and 4GiB",
            ));
        }
        for (endpoint, e) in &community.endpoints {
            check_endpoint(origin, &key(&format!("endpoints.{endpoint}")), e)?;
        }
        // The sandbox pool sizes every table slot for 20000 elements (wasmtime's default).
        if !(1..=20_000).contains(&community.max_table_elements) {
            return Err(invalid(
                origin,
                key("max_table_elements"),
                "must be between 1 and 20000",
            ));
        }
        if !(1..=100_000).contains(&community.max_answer_items) {
            return Err(invalid(
                origin,
                key("max_answer_items"),
                "must be between 1 and 100000",
            ));
        }
        if !((1 << 10)..=(4u64 << 30)).contains(&community.max_answer.0) {
            return Err(invalid(
                origin,
                key("max_answer"),
                "must be between 1KiB and 4GiB",
            ));
        }
        let cooldown = community.circuit_breaker.cooldown.0;
        if community.circuit_breaker.failures > 1000
            || !(Duration::from_millis(100)..=Duration::from_secs(3600)).contains(&cooldown)
        {
            return Err(invalid(
                origin,
                key("circuit_breaker"),
                "failures must be 0 (off) to 1000 and cooldown between 100ms and 1h",
            ));
        }
        if let Some(deferred) = &community.deferred
            && (!(Duration::from_millis(100)..=Duration::from_secs(3600))
                .contains(&deferred.poll.0)
                || !(deferred.poll.0..=Duration::from_secs(30 * 24 * 3600))
                    .contains(&deferred.within.0))
        {
            return Err(invalid(
                origin,
                key("deferred"),
                "poll must be between 100ms and 1h, and within between poll and 30d",
            ));
        }
        if !(1..=1000).contains(&community.max_concurrent) {
            return Err(invalid(
                origin,
                key("max_concurrent"),
                "must be between 1 and 1000",
            ));
        }
        if community.plugin.trim().is_empty() {
            return Err(invalid(
                origin,
                key("plugin"),
                "names no plugin; give a path to a .wasm component or \"bundled:demo-community\"",
            ));
        }
    }
    Ok(())
}

/// An endpoint: an http(s) URL with a host; https with the trust roots to verify the server;
/// client certificate and key together, and only over https.
fn check_endpoint(origin: &str, key: &str, e: &super::EndpointConfig) -> Result<(), ConfigError> {
    let field = |f: &str| format!("{key}.{f}");
    let scheme = match e.url.parse::<http::Uri>() {
        Ok(uri) if uri.host().is_some() && matches!(uri.scheme_str(), Some("http" | "https")) => {
            uri.scheme_str().unwrap_or_default().to_string()
        }
        _ => {
            return Err(invalid(
                origin,
                field("url"),
                format!(
                    "`{}` is not an http(s) URL; expected \"https://host:port/path\"",
                    e.url
                ),
            ));
        }
    };
    if scheme == "https" && e.ca_file.is_none() {
        return Err(invalid(
            origin,
            field("ca_file"),
            "an https endpoint needs the CA that signs its server certificate: add ca_file = \"path/to/ca.pem\" (PEM, relative to this file)",
        ));
    }
    if scheme == "http" {
        for (name, set) in [
            ("ca_file", e.ca_file.is_some()),
            ("client_cert_file", e.client_cert_file.is_some()),
            ("client_key_file", e.client_key_file.is_some()),
        ] {
            if set {
                return Err(invalid(
                    origin,
                    field(name),
                    "TLS files apply only to https endpoints; change the url to https:// or remove this key",
                ));
            }
        }
    }
    match (&e.client_cert_file, &e.client_key_file) {
        (Some(_), None) => Err(invalid(
            origin,
            field("client_key_file"),
            "client_cert_file is set, so the private key is needed too: add client_key_file = \"path/to/key.pem\"",
        )),
        (None, Some(_)) => Err(invalid(
            origin,
            field("client_cert_file"),
            "client_key_file is set, so its certificate is needed too: add client_cert_file = \"path/to/cert.pem\"",
        )),
        _ => Ok(()),
    }
}
