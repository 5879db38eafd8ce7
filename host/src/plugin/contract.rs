//! The contract versions the host speaks [wit/README.md, "Support window"]: the current
//! one (`wit/v0.6`) and the previous minor (`wit/v0.5`), so a partner's plugin keeps
//! loading for one release after a new minor is published.
//!
//! A component names its version in every `xcgate:adapter/...@X.Y.Z` import and export.
//! The host links the imports of each supported version and calls the exports by name:
//! wasmtime type-checks a component's functions structurally (records by field names and
//! types, variants by case names), so where a record did not change between minors the
//! host's current Rust types serve both.

use super::bindings::xcgate::adapter::{config, log, transport as wit_transport};
use super::host_api::CallState;
use wasmtime::component::{Component, Linker};

/// The WIT package, without its version.
pub const PACKAGE: &str = "xcgate:adapter";

/// Every contract version the host loads, newest first. The first is the one the host and
/// the SDK are built against.
pub const SUPPORTED: [&str; 2] = ["0.6.0", "0.5.0"];

/// The contract the host is built against (`xcgate:adapter@0.6.0`).
pub const CONTRACT: &str = "xcgate:adapter@0.6.0";

/// The versions a component names in its `xcgate:adapter` imports and exports.
fn versions_named(component: &Component, engine: &wasmtime::Engine) -> Vec<String> {
    let ty = component.component_type();
    let names = ty
        .imports(engine)
        .map(|(n, _)| n)
        .chain(ty.exports(engine).map(|(n, _)| n));
    let mut versions: Vec<String> = names
        .filter_map(|n| n.strip_prefix(PACKAGE)?.strip_prefix('/'))
        .filter_map(|n| n.split_once('@').map(|(_, v)| v.to_string()))
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

/// The one supported contract version a component was built against, or an error that
/// says what to do: rebuild an old plugin, upgrade the gateway for a newer one.
pub fn version_of(
    component: &Component,
    engine: &wasmtime::Engine,
    plugin: &str,
) -> anyhow::Result<&'static str> {
    let versions = versions_named(component, engine);
    let supported = SUPPORTED.join(", ");
    match versions.as_slice() {
        // No xcgate interface at all: capability detection names what it does export.
        [] => Ok(SUPPORTED[0]),
        [one] => match SUPPORTED.iter().find(|s| *s == one) {
            Some(v) => Ok(v),
            None if newer(one, SUPPORTED[0]) => anyhow::bail!(
                "plugin `{plugin}` was built against {PACKAGE}@{one}, newer than this gateway \
                 (it loads {supported}); upgrade xcgate, or rebuild the plugin with the SDK of \
                 contract {}",
                SUPPORTED[0]
            ),
            None => anyhow::bail!(
                "plugin `{plugin}` was built against {PACKAGE}@{one}, which this gateway no \
                 longer loads (it loads {supported}); rebuild it with the current xcgate-sdk \
                 (wit/README.md lists what changed in each version)"
            ),
        },
        many => anyhow::bail!(
            "plugin `{plugin}` mixes contract versions ({}); build it against one version of \
             {PACKAGE} (this gateway loads {supported})",
            many.join(", ")
        ),
    }
}

/// True when semantic version `a` is newer than `b` (both `X.Y.Z`).
fn newer(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parse(a) > parse(b)
}

/// Link the imports of every supported version older than the current one. The current
/// version's imports come from the generated bindings; these are the same host functions
/// under the older interface names. 0.5.0's `config`, `log` and `transport` have the shape
/// of 0.6.0's, and its `types` a subset (0.6.0 moved the XCPD records there from
/// `patient-discovery`, unchanged), which wasmtime checks when a component is linked.
pub fn add_older_imports(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    for version in &SUPPORTED[1..] {
        linker.instance(&format!("{PACKAGE}/types@{version}"))?;
        let mut cfg = linker.instance(&format!("{PACKAGE}/config@{version}"))?;
        cfg.func_wrap("get", |mut store, (key,): (String,)| {
            Ok((config::Host::get(store.data_mut(), key),))
        })?;
        cfg.func_wrap("keys", |mut store, (): ()| {
            Ok((config::Host::keys(store.data_mut()),))
        })?;
        let mut logger = linker.instance(&format!("{PACKAGE}/log@{version}"))?;
        logger.func_wrap(
            "log",
            |mut store, (level, message): (log::Level, String)| {
                log::Host::log(store.data_mut(), level, message);
                Ok(())
            },
        )?;
        let mut transport = linker.instance(&format!("{PACKAGE}/transport@{version}"))?;
        transport.func_wrap_async(
            "send",
            |mut store, (request,): (wit_transport::Request,)| {
                Box::new(async move {
                    Ok((wit_transport::Host::send(store.data_mut(), request).await,))
                })
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(newer("0.10.0", "0.5.0"));
        assert!(newer("1.0.0", "0.5.0"));
        assert!(!newer("0.3.0", "0.5.0"));
        assert!(!newer("0.5.0", "0.5.0"));
    }

    #[test]
    fn the_current_contract_is_the_first_supported() {
        assert_eq!(CONTRACT, format!("{PACKAGE}@{}", SUPPORTED[0]));
    }
}
