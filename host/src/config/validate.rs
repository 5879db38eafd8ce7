//! Checks beyond the shape of the file: ids, ranges, plugin references.

use super::{Config, ConfigError};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

fn invalid(origin: &str, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: origin.to_string(),
        key: key.into(),
        message: message.into(),
    }
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
    let deadline = c.gateway.deadline.0;
    if deadline < Duration::from_millis(10) || deadline > Duration::from_secs(600) {
        return Err(invalid(
            origin,
            "gateway.deadline",
            "must be between 10ms and 10m",
        ));
    }
    if c.gateway.max_body.0 < 4096 {
        return Err(invalid(origin, "gateway.max_body", "must be at least 4KiB"));
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
            let key = key(&format!("endpoints.{endpoint}.url"));
            match e.url.parse::<http::Uri>() {
                Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some() => {}
                Ok(uri) if uri.scheme_str() == Some("https") => {
                    return Err(invalid(
                        origin,
                        key,
                        "https endpoints need TLS settings, which this version does not read yet; use http on a trusted network",
                    ));
                }
                _ => {
                    return Err(invalid(
                        origin,
                        key,
                        format!(
                            "`{}` is not an http URL; expected \"http://host:port/path\"",
                            e.url
                        ),
                    ));
                }
            }
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
