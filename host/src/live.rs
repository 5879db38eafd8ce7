//! The gateway in service, and hot reload. Each request takes the current [`Gateway`] for
//! its whole life, so a reload never changes the communities under a request in flight:
//! requests that started on the old set finish on it, and the old set is dropped when the
//! last of them ends. A reload loads, compiles (unchanged plugins come from the runtime's
//! cache), links and instantiates the new set once before the atomic swap; anything that
//! fails leaves the old set serving and says why.

use crate::config::Config;
use crate::gateway::Gateway;
use anyhow::Context as _;
use arc_swap::ArcSwap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long the smoke instantiation of one plugin may take during a reload.
const SMOKE_TIMEOUT: Duration = Duration::from_secs(5);

/// The serving gateway and where its config came from.
#[derive(Debug)]
pub struct LiveGateway {
    current: ArcSwap<Gateway>,
    source: Option<PathBuf>,
    /// One reload at a time.
    reloading: tokio::sync::Mutex<()>,
    /// Set when shutdown begins: `/ready` answers 503 from then on, so load balancers
    /// stop sending while open connections drain.
    draining: AtomicBool,
}

/// What a successful reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reloaded {
    pub communities: usize,
    /// Settings that changed but take effect only on restart (e.g. `gateway.listen`).
    pub needs_restart: Vec<String>,
}

impl LiveGateway {
    /// Serve `gateway`; `source` is the config file a reload reads again (`None`: the
    /// gateway came from the bundled demo or from text, and can only be reloaded with
    /// [`LiveGateway::reload_with`]).
    pub fn new(gateway: Arc<Gateway>, source: Option<PathBuf>) -> Arc<LiveGateway> {
        Arc::new(LiveGateway {
            current: ArcSwap::new(gateway),
            source,
            reloading: tokio::sync::Mutex::new(()),
            draining: AtomicBool::new(false),
        })
    }

    /// The gateway a new request is served by.
    pub fn current(&self) -> Arc<Gateway> {
        self.current.load_full()
    }

    /// Mark the gateway as draining (shutdown has begun); it never comes back.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// True once shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Read the config file again and swap in the new set (SIGHUP, `POST /admin/reload`).
    pub async fn reload(&self) -> anyhow::Result<Reloaded> {
        let Some(path) = self.source.clone() else {
            anyhow::bail!(
                "this gateway was not started from a config file (--config), so there is nothing to reload"
            );
        };
        let config = tokio::task::spawn_blocking(move || Config::from_file(&path)).await??;
        self.reload_with(config).await
    }

    /// Load `config` with the running gateway's plugin runtime, smoke-test it and swap it
    /// in. On any error the old set keeps serving.
    pub async fn reload_with(&self, config: Config) -> anyhow::Result<Reloaded> {
        let _one_at_a_time = self.reloading.lock().await;
        let metrics = self.current().process.metrics.clone();
        let result = self.swap_in(config).await;
        metrics.reload(if result.is_ok() { "applied" } else { "refused" });
        result
    }

    async fn swap_in(&self, config: Config) -> anyhow::Result<Reloaded> {
        let old = self.current();
        // The new set runs on the same process: runtime, metrics and audit trail (so
        // `[audit]` changes wait for a restart, below).
        let process = old.process.clone();
        // Compiling is CPU work; keep it off the threads that serve requests.
        let new = tokio::task::spawn_blocking(move || Gateway::load(config, &process))
            .await
            .context("the reload task failed")??;
        for community in &new.communities {
            community.smoke(SMOKE_TIMEOUT).await.with_context(|| {
                format!(
                    "community `{}` ({}): the new plugin does not start",
                    community.name, community.home_community_id
                )
            })?;
        }
        // Started, the plugins say whether their settings are usable.
        new.check_settings().await?;
        let mut needs_restart = Vec::new();
        if new.config.gateway.listen != old.config.gateway.listen {
            needs_restart.push("gateway.listen".to_string());
        }
        if new.config.admin.as_ref().map(|a| &a.listen)
            != old.config.admin.as_ref().map(|a| &a.listen)
        {
            needs_restart.push("admin.listen".to_string());
        }
        if new.config.audit != old.config.audit
            || new.config.journal_path() != old.config.journal_path()
        {
            needs_restart.push("audit".to_string());
        }
        let reloaded = Reloaded {
            communities: new.communities.len(),
            needs_restart,
        };
        self.current.store(Arc::new(new));
        Ok(reloaded)
    }

    /// Reload and log the outcome (what SIGHUP does).
    pub async fn reload_logged(&self, trigger: &str) -> anyhow::Result<Reloaded> {
        let result = self.reload().await;
        match &result {
            Ok(r) if r.needs_restart.is_empty() => {
                tracing::info!(trigger, communities = r.communities, "config reloaded")
            }
            Ok(r) => tracing::warn!(
                trigger,
                communities = r.communities,
                "config reloaded; changes to {} take effect only after a restart",
                r.needs_restart.join(", ")
            ),
            Err(e) => tracing::error!(
                trigger,
                "reload refused, the previous config keeps serving: {e:#}"
            ),
        }
        result
    }
}
