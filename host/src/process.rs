//! What lives as long as the process: the plugin runtime (one wasmtime engine and its
//! compiled components), the metrics, the audit trail and the state store. A reload builds a new
//! [`crate::gateway::Gateway`] on the same [`Process`], so counters stay monotonic, the
//! journal keeps one writer and compiled plugins are reused, by construction.

use crate::audit::Recorder;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::plugin::{Awaited, PluginRuntime, RuntimeOptions};
use anyhow::Context as _;
use std::sync::Arc;
use xcgate_state::Store;

/// The process-lifetime half of the gateway.
#[derive(Debug)]
pub struct Process {
    pub runtime: Arc<PluginRuntime>,
    /// Counters for `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// The ATNA audit trail.
    pub audit: Recorder,
    /// Patient correlations (SQLite beside the journal, or PostgreSQL shared by replicas);
    /// `None` for a gateway that is only checked, never served.
    pub store: Option<Store>,
    /// This replica's name as the owner of asynchronous exchanges it is answering: its
    /// host and journal, the same across restarts (one process per journal), so a
    /// restarted replica takes back at once what it held when it died.
    pub replica: String,
    /// The answers awaited from endpoints marked `async = true` (arriving at `/replies`).
    pub awaited: Arc<Awaited>,
}

fn replica_of(config: &Config) -> String {
    format!(
        "{}:{}",
        crate::config::hostname(),
        config.journal_path().display()
    )
}

/// The state store of `config`: `[state] url`, else SQLite beside the audit journal.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    match config.state.resolved_url().map_err(anyhow::Error::msg)? {
        Some(url) => Store::open(&url).await,
        None => Store::open_sqlite(&config.state_file()).await,
    }
    .context("[state]")
}

impl Process {
    /// The process of a gateway that serves: `config`'s audit journal is opened (one
    /// writer per journal: a second process on the same journal is refused, naming it).
    pub async fn start(
        config: &Config,
        runtime: Arc<PluginRuntime>,
    ) -> anyhow::Result<Arc<Process>> {
        let metrics = Arc::new(Metrics::default());
        let audit = Recorder::open(config, metrics.clone()).await?;
        let store = open_store(config).await?;
        let awaited = Arc::new(Awaited::default());
        awaited.use_store(store.clone());
        Ok(Arc::new(Process {
            awaited,
            runtime,
            metrics,
            audit,
            store: Some(store),
            replica: replica_of(config),
        }))
    }

    /// The process of a gateway that is loaded to be checked, never served: no journal.
    pub fn offline(config: &Config, runtime: Arc<PluginRuntime>) -> Arc<Process> {
        let metrics = Arc::new(Metrics::default());
        let audit = Recorder::unopened(config, metrics.clone());
        Arc::new(Process {
            runtime,
            metrics,
            audit,
            store: None,
            replica: replica_of(config),
            awaited: Arc::new(Awaited::default()),
        })
    }
}

/// Runtime sizing that fits a config: the pool's memory slots must hold the largest
/// memory limit of any community.
pub fn runtime_options(config: &Config) -> RuntimeOptions {
    let max_memory = config
        .communities
        .values()
        .map(|c| c.memory_limit.0)
        .max()
        .unwrap_or(64 << 20);
    // Enough sandbox slots for every community's bulkhead to be full at once (each slot
    // reserves address space, not memory), within a bound the address space can hold.
    let slots: u32 = config
        .communities
        .values()
        .map(|c| c.max_concurrent)
        .fold(0u32, u32::saturating_add);
    RuntimeOptions {
        max_instances: slots.clamp(RuntimeOptions::default().max_instances, 4000),
        max_memory: max_memory.max(RuntimeOptions::default().max_memory),
        cache_dir: config.plugin_cache_dir(),
    }
}
