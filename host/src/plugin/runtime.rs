//! One wasmtime `Engine` for all communities: pooling allocator, epoch interruption, a
//! linker with deny-all WASI and the xcgate imports, and a cache of compiled components.

use super::bindings::xcpd::PatientDiscoveryAdapter;
use super::host_api::CallState;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, InstancePre, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// Epoch tick: the granularity at which running guests are preempted and deadlines checked.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Sizing of the runtime.
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// Instances alive at once across all communities (pool slots).
    pub max_instances: u32,
    /// The largest memory limit of any community.
    pub max_memory: u64,
    /// Where compiled plugins are kept across restarts (wasmtime's cache, keyed by the
    /// component's bytes, the compiler settings and the wasmtime version). `None`: compile
    /// at every start.
    pub cache_dir: Option<std::path::PathBuf>,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            max_instances: 1000,
            max_memory: 256 << 20,
            cache_dir: None,
        }
    }
}

/// The engine and everything shared by all calls.
pub struct PluginRuntime {
    engine: Engine,
    linker: Linker<CallState>,
    compiled: Mutex<HashMap<u64, Component>>,
    pooling: bool,
    stop_ticker: Arc<AtomicBool>,
}

impl std::fmt::Debug for PluginRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRuntime")
            .field("pooling", &self.pooling)
            .finish()
    }
}

fn base_config(cache_dir: Option<&std::path::Path>) -> Config {
    let mut c = Config::new();
    c.wasm_component_model(true);
    c.epoch_interruption(true);
    c.max_wasm_stack(512 << 10);
    if let Some(dir) = cache_dir {
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(dir);
        match wasmtime::Cache::new(cache) {
            Ok(cache) => {
                c.cache(Some(cache));
            }
            // A cache we cannot use costs start-up time, not correctness.
            Err(e) => tracing::warn!(
                "plugin cache {} unusable, compiling every start: {e:#}",
                dir.display()
            ),
        }
    }
    c
}

/// Bytes of each pooled linear memory kept resident between calls.
const KEEP_RESIDENT: usize = 128 << 10;

fn pooled_engine(opts: &RuntimeOptions) -> wasmtime::Result<Engine> {
    let mut pool = PoolingAllocationConfig::default();
    let n = opts.max_instances.max(1);
    pool.total_component_instances(n)
        .total_core_instances(n.saturating_mul(8))
        .total_memories(n.saturating_mul(2))
        .total_tables(n.saturating_mul(8))
        .total_stacks(n)
        .max_core_instances_per_component(16)
        .max_memories_per_component(4)
        .max_tables_per_component(16)
        .max_memory_size(usize::try_from(opts.max_memory).unwrap_or(usize::MAX))
        // A slot reused for the next call keeps its first pages resident and zeroes them,
        // instead of returning them to the kernel and faulting them back in: most calls
        // touch only the first pages of their heap and stack.
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(64 << 10);
    let mut c = base_config(opts.cache_dir.as_deref());
    c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&c)
}

impl PluginRuntime {
    /// Build the engine (pooling allocator, or on-demand allocation when the address
    /// space for the pool cannot be reserved) and start the epoch ticker.
    pub fn new(opts: RuntimeOptions) -> anyhow::Result<Arc<PluginRuntime>> {
        let (engine, pooling) = match pooled_engine(&opts) {
            Ok(e) => (e, true),
            Err(e) => {
                tracing::warn!(
                    "pooling allocator unavailable ({e}); falling back to on-demand instance allocation"
                );
                (Engine::new(&base_config(opts.cache_dir.as_deref()))?, false)
            }
        };
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        PatientDiscoveryAdapter::add_to_linker::<CallState, HasSelf<CallState>>(
            &mut linker,
            |s| s,
        )?;
        super::contract::add_older_imports(&mut linker)?;

        let stop_ticker = Arc::new(AtomicBool::new(false));
        let (ticker_engine, stop) = (engine.clone(), stop_ticker.clone());
        std::thread::Builder::new()
            .name("xcgate-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    ticker_engine.increment_epoch();
                }
            })?;
        Ok(Arc::new(PluginRuntime {
            engine,
            linker,
            compiled: Mutex::new(HashMap::new()),
            pooling,
            stop_ticker,
        }))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// True when instances come from the pooling allocator.
    pub fn is_pooling(&self) -> bool {
        self.pooling
    }

    /// Compile a component, or reuse it when the same bytes were compiled before.
    pub fn compile(&self, bytes: &[u8]) -> anyhow::Result<Component> {
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        let key = h.finish();
        if let Some(c) = self
            .compiled
            .lock()
            .map_err(|_| anyhow::anyhow!("component cache poisoned"))?
            .get(&key)
        {
            return Ok(c.clone());
        }
        let component = Component::new(&self.engine, bytes)?;
        self.compiled
            .lock()
            .map_err(|_| anyhow::anyhow!("component cache poisoned"))?
            .insert(key, component.clone());
        Ok(component)
    }

    /// Link a component against the host's imports; fails when it imports something the
    /// host does not provide.
    pub(super) fn link(&self, component: &Component) -> wasmtime::Result<InstancePre<CallState>> {
        self.linker.instantiate_pre(component)
    }
}

impl Drop for PluginRuntime {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}
