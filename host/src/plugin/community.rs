//! One community's adapter: compiled and linked at start-up, instantiated per call.

use super::bindings::xcgate::adapter::types as witt;
use super::capabilities::{Capabilities, Capability};
use super::contract::{self, CONTRACT};
use super::convert;
use super::host_api::CallState;
use super::runtime::PluginRuntime;
use crate::call::{CallContext, CallFailure};
use crate::config::CommunityConfig;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wasmtime::{Store, Trap, UpdateDeadline};
use xcgate_ihe::xcpd::{PatientMatch, PatientQuery};

/// One sandboxed call [wit/README.md, "What the host guarantees"]: a fresh `Store` with the
/// community's limits, instantiate the capability's pre-linked component, run `$call`
/// under the call's deadline, and name what went wrong. `$call` gets the instance, the
/// store and the WIT call context, and returns the guest's `result`.
macro_rules! sandboxed_call {
    ($plugin:ident, $ctx:ident, $capability:ident, $name:literal, |$export:ident, $instance:ident, $store:ident, $wit_ctx:ident| $call:expr) => {{
        use $crate::call::CallFailure;
        match &$plugin.capabilities.$capability {
            None => Err(CallFailure::Instantiate(
                concat!("the plugin does not export ", $name).into(),
            )),
            // Bulkhead: over the community's cap the call fails at once, so one slow
            // community cannot hold the gateway's slots (README, "Limits and isolation").
            Some($export) => match $plugin.bulkhead.try_acquire() {
                Err(_) => Err(CallFailure::Overloaded($plugin.max_concurrent)),
                Ok(_permit) => {
                    let budget = $ctx
                        .deadline
                        .saturating_duration_since(tokio::time::Instant::now());
                    let mut store = $plugin.new_store($ctx);
                    let wit_context = $plugin.wit_context($ctx);
                    let call = async {
                        let $instance = $plugin
                            .pre
                            .instantiate_async(&mut store)
                            .await
                            .map_err(|e| (true, e))?;
                        let ($instance, $store, $wit_ctx) = (&$instance, &mut store, &wit_context);
                        $call.map_err(|e| (false, e))
                    };
                    match tokio::time::timeout_at($ctx.deadline, call).await {
                        Err(_) => Err(CallFailure::Timeout(budget)),
                        Ok(Ok(Ok(answer))) => Ok(answer),
                        Ok(Ok(Err(e))) => {
                            Err(CallFailure::Adapter($crate::plugin::convert::error_out(e)))
                        }
                        Ok(Err((instantiating, e))) => Err($crate::plugin::community::classify(
                            &store,
                            instantiating,
                            &e,
                            budget,
                        )),
                    }
                }
            },
        }
    }};
}
pub(super) use sandboxed_call;

// `BUNDLED`: every plugin crate marked `plugin = "bundled"`, built by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The names of the adapters built into the binary (`bundled:<name>`).
pub fn bundled_names() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(n, _)| *n)
}

/// A community's loaded adapter.
pub struct CommunityPlugin {
    pub name: Arc<str>,
    /// `urn:oid:` form.
    pub home_community_id: String,
    pub timeout: Duration,
    memory_limit: u64,
    table_limit: usize,
    settings: Arc<BTreeMap<String, String>>,
    engine: wasmtime::Engine,
    pub(super) capabilities: Capabilities,
    /// Calls allowed at once; the rest fail fast as overloaded.
    pub(super) bulkhead: tokio::sync::Semaphore,
    /// The linked component: instantiated for every call (and by the reload smoke test).
    pub(super) pre: wasmtime::component::InstancePre<CallState>,
    /// `max_answer` (document bytes of one ITI-39 answer) and `max_answer_items`.
    pub(super) max_answer: u64,
    pub(super) max_answer_items: usize,
    /// Skips the community for a cool-down after repeated failures.
    pub breaker: crate::breaker::CircuitBreaker,
    pub(super) max_concurrent: u32,
    endpoints: Arc<super::transport::Endpoints>,
    /// The endpoints' URLs in config order (the audit record's destination).
    endpoint_urls: Vec<String>,
}

impl std::fmt::Debug for CommunityPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommunityPlugin")
            .field("name", &self.name)
            .field("home_community_id", &self.home_community_id)
            .finish()
    }
}

fn read_plugin(
    reference: &str,
    base_dir: &Path,
) -> anyhow::Result<std::borrow::Cow<'static, [u8]>> {
    if let Some(name) = reference.strip_prefix("bundled:") {
        return BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| std::borrow::Cow::Borrowed(*b))
            .ok_or_else(|| {
                let known: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
                anyhow::anyhow!(
                    "there is no bundled plugin `{name}`; bundled plugins: {}",
                    known.join(", ")
                )
            });
    }
    let path = base_dir.join(reference);
    std::fs::read(&path)
        .map(std::borrow::Cow::Owned)
        .with_context(|| format!("cannot read plugin file {}", path.display()))
}

/// The capabilities a community's plugin exports: compiled, linked and checked as at load, without
/// its endpoints (no TLS or key material is read), for tools that describe a config.
pub fn exported_capabilities(
    runtime: &PluginRuntime,
    config: &CommunityConfig,
    base_dir: &Path,
) -> anyhow::Result<Vec<Capability>> {
    let capabilities = compile_and_link(runtime, config, base_dir)?.1;
    Ok(Capability::ALL
        .into_iter()
        .filter(|c| capabilities.supports(*c))
        .collect())
}

/// Compile, check the contract version, link, and find the exported capabilities.
fn compile_and_link(
    runtime: &PluginRuntime,
    config: &CommunityConfig,
    base_dir: &Path,
) -> anyhow::Result<(wasmtime::component::InstancePre<CallState>, Capabilities)> {
    let bytes = read_plugin(&config.plugin, base_dir)?;
    let component = runtime.compile(&bytes).with_context(|| {
        format!(
            "plugin `{}` is not a valid WebAssembly component",
            config.plugin
        )
    })?;
    let version = contract::version_of(&component, runtime.engine(), &config.plugin)?;
    let pre = runtime.link(&component).map_err(|e| {
        anyhow::anyhow!("plugin `{}` cannot be linked: {e:#} (the host provides {CONTRACT} config, log and transport, and deny-all WASI 0.2)", config.plugin)
    })?;
    let capabilities =
        Capabilities::detect(&component, &pre, runtime.engine(), version, &config.plugin)?;
    Ok((pre, capabilities))
}

impl CommunityPlugin {
    /// Compile (or reuse) and link a community's plugin. Every failure names what is wrong:
    /// an unreadable file, a module that is not a component, a missing import, or a plugin
    /// that exports no capability.
    pub fn load(
        runtime: &PluginRuntime,
        name: &str,
        config: &CommunityConfig,
        base_dir: &Path,
        issuer: Option<&Arc<super::transport::xua::HostIssuer>>,
        replies: Option<(&Arc<super::transport::awaited::Awaited>, Option<&str>)>,
    ) -> anyhow::Result<CommunityPlugin> {
        let (pre, capabilities) = compile_and_link(runtime, config, base_dir)?;
        if config.deferred.is_some() && capabilities.deferred_discovery.is_none() {
            anyhow::bail!(
                "communities.{name}.deferred: plugin `{}` does not export {}/deferred-discovery, so it never answers later; remove the key, or rebuild the plugin with register_deferred_discovery! (contract 0.6.0)",
                config.plugin,
                contract::PACKAGE,
            );
        }
        if capabilities.version != contract::SUPPORTED[0] {
            tracing::warn!(
                community = name,
                "plugin `{}` is built against {}@{}, an older contract this release still loads; rebuild it against {CONTRACT} before the window closes (wit/README.md, \"Support window\")",
                config.plugin,
                contract::PACKAGE,
                capabilities.version
            );
        }
        Ok(CommunityPlugin {
            name: Arc::from(name),
            home_community_id: config.home_community_id.clone(),
            timeout: config.timeout.0,
            memory_limit: config.memory_limit.0,
            table_limit: config.max_table_elements as usize,
            bulkhead: tokio::sync::Semaphore::new(config.max_concurrent as usize),
            max_concurrent: config.max_concurrent,
            max_answer: config.max_answer.0,
            max_answer_items: config.max_answer_items as usize,
            breaker: crate::breaker::CircuitBreaker::new(
                config.circuit_breaker.failures,
                config.circuit_breaker.cooldown.0,
            ),
            settings: Arc::new(config.plugin_settings()),
            engine: runtime.engine().clone(),
            capabilities,
            pre,
            endpoint_urls: config.endpoints.values().map(|e| e.url.clone()).collect(),
            endpoints: Arc::new(super::transport::Endpoints::new(
                &config.endpoints,
                base_dir,
                issuer,
                replies,
            )?),
        })
    }

    /// Refuse an answer with more items than `max_answer_items`.
    pub(super) fn check_items(&self, count: usize, what: &str) -> Result<(), CallFailure> {
        if count > self.max_answer_items {
            return Err(CallFailure::AnswerTooLarge(format!(
                "{count} {what}, over max_answer_items = {}",
                self.max_answer_items
            )));
        }
        Ok(())
    }

    /// Instantiate the plugin once in a fresh sandbox with its limits, without calling it:
    /// what a reload checks before it swaps a new plugin in (start-up code that traps,
    /// a memory limit too small for the component, a pool slot too small).
    pub async fn smoke(&self, timeout: Duration) -> Result<(), CallFailure> {
        let ctx = CallContext {
            request_id: "reload-smoke-test".into(),
            deadline: tokio::time::Instant::now() + timeout.min(self.timeout),
            target_home_community_id: self.home_community_id.clone(),
            initiator_home_community_id: None,
            user: None,
            probe: None,
        };
        let mut store = self.new_store(&ctx);
        match tokio::time::timeout_at(ctx.deadline, self.pre.instantiate_async(&mut store)).await {
            Err(_) => Err(CallFailure::Timeout(timeout)),
            Ok(Ok(_instance)) => Ok(()),
            Ok(Err(e)) => Err(classify(&store, true, &e, timeout)),
        }
    }

    /// The URLs the plugin may reach, in config order (empty for an in-process adapter).
    pub fn endpoint_urls(&self) -> &[String] {
        &self.endpoint_urls
    }

    /// The contract version the plugin was built against (`0.6.0`).
    pub fn contract_version(&self) -> &'static str {
        self.capabilities.version
    }

    /// True when the plugin exports the capability's interface.
    pub fn supports(&self, capability: Capability) -> bool {
        self.capabilities.supports(capability)
    }

    pub(super) fn new_store(&self, ctx: &CallContext) -> Store<CallState> {
        let state = CallState::new(
            self.memory_limit,
            self.table_limit,
            self.settings.clone(),
            self.endpoints.clone(),
            self.name.clone(),
            ctx,
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        // Every tick the guest yields to the scheduler (so a spinning guest never holds a
        // worker thread) and is stopped once its deadline has passed.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|ctx| {
            if std::time::Instant::now() >= ctx.data().deadline {
                Ok(UpdateDeadline::Interrupt)
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        store
    }

    pub(super) fn wit_context(&self, ctx: &CallContext) -> witt::CallContext {
        let remaining = ctx
            .deadline
            .saturating_duration_since(tokio::time::Instant::now());
        let deadline = SystemTime::now() + remaining;
        witt::CallContext {
            request_id: ctx.request_id.clone(),
            deadline_unix_ms: deadline
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            target_home_community_id: self.home_community_id.clone(),
            initiator_home_community_id: ctx.initiator_home_community_id.clone(),
            user: ctx.user.as_deref().map(|v| asserted_user(&v.user)),
            extensions: vec![],
        }
    }

    /// ITI-55: ask this community's adapter for matching patients.
    pub async fn discover_patients(
        &self,
        ctx: &CallContext,
        query: &PatientQuery,
    ) -> Result<Vec<PatientMatch>, CallFailure> {
        let wit_query = convert::query_in(query);
        let matches = sandboxed_call!(
            self,
            ctx,
            patient_discovery,
            "patient-discovery",
            |export, instance, store, wit_ctx| {
                export
                    .call(instance, store, (wit_ctx, &wit_query))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        self.matches_out(matches)
    }

    /// The matches an adapter returned, read liberally and checked.
    pub(super) fn matches_out(
        &self,
        matches: Vec<witt::PatientMatch>,
    ) -> Result<Vec<PatientMatch>, CallFailure> {
        self.check_items(matches.len(), "matches")?;
        let mut matches: Vec<PatientMatch> = matches.into_iter().map(convert::match_out).collect();
        matches
            .iter_mut()
            .for_each(super::answer_checks::read_liberally);
        for (i, m) in matches.iter().enumerate() {
            super::answer_checks::check_match(i + 1, m).map_err(CallFailure::InvalidAnswer)?;
        }
        Ok(matches)
    }
}

/// The XUA attributes as the WIT `asserted-user` record (attributes only: the assertion
/// and any key stay in the host).
fn asserted_user(u: &xcgate_xua::AssertedUser) -> witt::AssertedUser {
    let coded = |c: &xcgate_xua::Coded| witt::Coded {
        code: c.code.clone(),
        code_system: Some(c.code_system.clone()).filter(|s| !s.is_empty()),
        display_name: c.display.clone(),
    };
    witt::AssertedUser {
        subject_id: u.subject_id.clone(),
        organization: u.organization.clone(),
        organization_id: u.organization_id.clone(),
        home_community_id: u.home_community_id.clone(),
        roles: u.roles.iter().map(coded).collect(),
        purpose_of_use: u.purpose_of_use.iter().map(coded).collect(),
        // The XACML resource-id (the patient the user asks about, as CX) has no field of
        // its own in the 0.4 record; it travels as a named slot.
        extensions: u
            .resource_id
            .iter()
            .map(|r| witt::Slot {
                name: "resource-id".into(),
                values: vec![r.clone()],
            })
            .collect(),
    }
}

/// Name what went wrong in a call that ended with a wasmtime error.
pub(super) fn classify(
    store: &Store<CallState>,
    instantiating: bool,
    e: &wasmtime::Error,
    budget: Duration,
) -> CallFailure {
    if store.data().limits.memory_exceeded {
        return CallFailure::MemoryLimit(store.data().limits.memory);
    }
    if store.data().limits.table_exceeded {
        let limits = &store.data().limits;
        return CallFailure::TableLimit {
            limit: limits.table_elements as u32,
            wanted: limits.table_wanted as u64,
        };
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => CallFailure::Timeout(budget),
        // A Rust adapter built with the SDK logged its panic just before trapping.
        Some(_) if let Some(message) = &store.data().panic => CallFailure::Panic(message.clone()),
        Some(trap) => CallFailure::Trap(trap.to_string()),
        None if instantiating => CallFailure::Instantiate(first_line(e)),
        // Not a trap and not a limit: the host could not lift what the guest returned
        // (a string that is not UTF-8, a pointer outside its memory, an enum
        // discriminant out of range) [Component Model canonical ABI, lifting].
        None => CallFailure::InvalidAnswer(format!("cannot be read: {}", first_line(e))),
    }
}

fn first_line(e: &wasmtime::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("unknown error")
        .to_string()
}
