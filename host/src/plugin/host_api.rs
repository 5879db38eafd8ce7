//! What the host gives a guest during one call: the `config` and `log` imports, deny-all
//! WASI, and the resource limits of the call's `Store`.

use super::bindings::xcgate::adapter::{config, log, transport as wit_transport, types};
use super::transport::Endpoints;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Longest log line kept from a guest.
const MAX_LOG_LINE: usize = 1024;
/// The SDK's panic hook prefixes its log line with this (plugins/sdk/src/panic.rs).
const PANIC_PREFIX: &str = "panicked: ";
/// Most log lines kept from one call.
const MAX_LOG_LINES: u32 = 64;

/// The data of one call's `Store`.
pub struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) limits: CallLimits,
    settings: Arc<BTreeMap<String, String>>,
    endpoints: Arc<Endpoints>,
    community: Arc<str>,
    request_id: Arc<str>,
    /// The request's verified XUA assertion, for endpoints that attach one.
    user: Option<Arc<xcgate_xua::VerifiedAssertion>>,
    log_lines: u32,
    /// The message of the adapter's panic, when its SDK hook reported one (the call then
    /// traps): the failure is named a panic.
    pub(super) panic: Option<String>,
    /// Epoch callbacks compare against this instant.
    pub(super) deadline: std::time::Instant,
}

impl CallState {
    pub(super) fn new(
        memory_limit: u64,
        table_limit: usize,
        settings: Arc<BTreeMap<String, String>>,
        endpoints: Arc<Endpoints>,
        community: Arc<str>,
        ctx: &crate::call::CallContext,
    ) -> Self {
        // Deny-all WASI: no preopened directories, no environment, no arguments, no
        // sockets, no name lookups. Clocks and randomness stay (std needs them).
        let wasi = WasiCtx::builder()
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        CallState {
            wasi,
            table: ResourceTable::new(),
            limits: CallLimits {
                memory: memory_limit,
                memory_exceeded: false,
                table_elements: table_limit,
                table_exceeded: false,
                table_wanted: 0,
                probe: ctx.probe.clone(),
            },
            settings,
            endpoints,
            community,
            request_id: Arc::from(ctx.request_id.as_str()),
            user: ctx.user.clone(),
            log_lines: 0,
            panic: None,
            deadline: ctx.deadline.into_std(),
        }
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Memory and table limits of one call; remembers whether a limit was hit so that the
/// resulting trap or failed instantiation can be reported as such.
pub struct CallLimits {
    pub(super) memory: u64,
    pub(super) memory_exceeded: bool,
    pub(super) table_elements: usize,
    pub(super) table_exceeded: bool,
    pub(super) table_wanted: usize,
    /// Where a development tool reads the call's peak memory.
    probe: Option<Arc<crate::call::CallProbe>>,
}

/// Core instances, tables and linear memories one component may create. A component
/// built by wit-bindgen with the WASI adapter creates a handful of each; these caps only
/// stop a component that was made to exhaust the pool.
const MAX_INSTANCES: usize = 32;
const MAX_TABLES: usize = 32;
const MAX_MEMORIES: usize = 4;

impl wasmtime::ResourceLimiter for CallLimits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory {
            self.memory_exceeded = true;
            return Err(wasmtime::format_err!(
                "memory limit of {} bytes exceeded (wanted {desired})",
                self.memory
            ));
        }
        if let Some(probe) = &self.probe {
            probe
                .peak_memory
                .fetch_max(desired as u64, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Also called when a table is created at instantiation (current = 0), so a plugin
        // whose tables are larger than the limit never starts.
        if desired > self.table_elements {
            self.table_exceeded = true;
            self.table_wanted = desired;
            return Err(wasmtime::format_err!(
                "table limit of {} elements exceeded (wanted {desired})",
                self.table_elements
            ));
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

impl types::Host for CallState {}

impl config::Host for CallState {
    fn get(&mut self, key: String) -> Option<String> {
        self.settings.get(&key).cloned()
    }

    fn keys(&mut self) -> Vec<String> {
        self.settings.keys().cloned().collect()
    }
}

impl log::Host for CallState {
    fn log(&mut self, level: log::Level, message: String) {
        // The SDK's panic hook (plugins/sdk/src/panic.rs): kept whatever the line budget.
        if level == log::Level::Error
            && let Some(panic) = message.strip_prefix(PANIC_PREFIX)
        {
            let mut panic = panic.to_string();
            if panic.len() > MAX_LOG_LINE {
                let mut cut = MAX_LOG_LINE;
                while !panic.is_char_boundary(cut) {
                    cut -= 1;
                }
                panic.truncate(cut);
            }
            tracing::error!(target: "xcgate::plugin", community = %self.community, request_id = %self.request_id, "adapter panicked: {panic}");
            self.panic = Some(panic);
            return;
        }
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES {
            if self.log_lines == MAX_LOG_LINES + 1 {
                tracing::warn!(community = %self.community, request_id = %self.request_id, "plugin log budget of {MAX_LOG_LINES} lines per call used up; further lines dropped");
            }
            return;
        }
        let mut message = message;
        if message.len() > MAX_LOG_LINE {
            let mut cut = MAX_LOG_LINE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let (community, request_id) = (&*self.community, &*self.request_id);
        match level {
            log::Level::Trace => {
                tracing::trace!(target: "xcgate::plugin", community, request_id, "{message}")
            }
            log::Level::Debug => {
                tracing::debug!(target: "xcgate::plugin", community, request_id, "{message}")
            }
            log::Level::Info => {
                tracing::info!(target: "xcgate::plugin", community, request_id, "{message}")
            }
            log::Level::Warn => {
                tracing::warn!(target: "xcgate::plugin", community, request_id, "{message}")
            }
            log::Level::Error => {
                tracing::error!(target: "xcgate::plugin", community, request_id, "{message}")
            }
        }
    }
}

impl wit_transport::Host for CallState {
    fn send(
        &mut self,
        request: wit_transport::Request,
    ) -> impl std::future::Future<
        Output = Result<wit_transport::Response, wit_transport::TransportError>,
    > + Send {
        let endpoint = self.endpoints.get(&request.endpoint);
        let deadline = tokio::time::Instant::from_std(self.deadline);
        let (community, request_id) = (self.community.clone(), self.request_id.clone());
        let user = self.user.clone();
        async move {
            match endpoint {
                None => {
                    tracing::warn!(
                        community = &*community,
                        request_id = &*request_id,
                        "plugin asked for an undeclared endpoint; nothing sent"
                    );
                    Err(wit_transport::TransportError::UndeclaredEndpoint(
                        request.endpoint,
                    ))
                }
                Some(endpoint) => {
                    super::transport::send(
                        endpoint,
                        request,
                        deadline,
                        &community,
                        &request_id,
                        user.as_deref(),
                    )
                    .await
                }
            }
        }
    }
}
