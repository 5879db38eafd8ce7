//! What lives as long as the process: the plugin runtime (one wasmtime engine and its
//! compiled components), the metrics, and the audit trail. A reload builds a new
//! [`crate::gateway::Gateway`] on the same [`Process`], so counters stay monotonic, the
//! journal keeps one writer and compiled plugins are reused, by construction.

use crate::audit::Recorder;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::plugin::{PluginRuntime, RuntimeOptions};
use std::sync::Arc;

/// The process-lifetime half of the gateway.
#[derive(Debug)]
pub struct Process {
    pub runtime: Arc<PluginRuntime>,
    /// Counters for `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// The ATNA audit trail.
    pub audit: Recorder,
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
        Ok(Arc::new(Process {
            runtime,
            metrics,
            audit,
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
