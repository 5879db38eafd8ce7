//! The gateway: validated config, the plugin runtime and every community's loaded adapter.

use crate::config::Config;
use crate::live::LiveGateway;
use crate::plugin::{CommunityPlugin, PluginRuntime, RuntimeOptions};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The two gateway roles [ITI TF-1 18.1, 27.1].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Local initiators ask; xcgate fans out to the communities it reaches.
    Initiating,
    /// Remote gateways ask; xcgate answers for the local communities it fronts
    /// (`gateway.responding`).
    Responding,
}

/// Everything needed to serve requests.
#[derive(Debug)]
pub struct Gateway {
    pub config: Config,
    pub communities: Vec<Arc<CommunityPlugin>>,
    pub runtime: Arc<PluginRuntime>,
    /// `[gateway.tls]`: the HTTPS acceptor; `None` serves plain HTTP.
    pub tls: Option<crate::tls::ServerTls>,
    /// Counters for `GET /metrics`; shared with the gateways a reload swaps in.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The ATNA audit trail (opened by [`Gateway::open_audit`]; shared with the gateways
    /// a reload swaps in, since one process owns the journal). `None`: not opened.
    pub audit: Option<xcgate_audit::Auditor>,
    /// `[gateway.xua]` trusted issuers, read at load.
    pub xua_trust: Option<Arc<xcgate_xua::TrustedIssuers>>,
    /// Audit source and host name, read once per load.
    pub audit_identity: crate::audit::AuditIdentity,
    /// Security Alerts per second; shared with the gateways a reload swaps in.
    pub alert_budget: Arc<crate::audit::AlertBudget>,
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

impl Gateway {
    /// Load every community's plugin; the first failure is an error naming the community.
    pub fn load(config: Config, runtime: Arc<PluginRuntime>) -> anyhow::Result<Gateway> {
        // Read the XUA signing key once; a bad key file is a load error naming it.
        let issuer = match &config.gateway.xua.issuer {
            Some(section) => Some(Arc::new(crate::plugin::transport::xua::HostIssuer::load(
                section,
                &config.base_dir,
                &config.gateway.home_community_id,
            )?)),
            None => None,
        };
        let mut communities = Vec::with_capacity(config.communities.len());
        for (name, c) in &config.communities {
            let plugin =
                CommunityPlugin::load(&runtime, name, c, &config.base_dir, issuer.as_ref())
                    .map_err(|e| {
                        anyhow::anyhow!("community `{name}` ({}): {e:#}", c.home_community_id)
                    })?;
            communities.push(Arc::new(plugin));
        }
        let xua = &config.gateway.xua;
        let xua_trust = if xua.trusted_issuers.is_empty() {
            None
        } else {
            let paths: Vec<std::path::PathBuf> = xua
                .trusted_issuers
                .iter()
                .map(|p| config.base_dir.join(p))
                .collect();
            let trust = xcgate_xua::TrustedIssuers::from_pem_files(&paths)
                .map_err(|e| anyhow::anyhow!("gateway.xua.trusted_issuers: {e}"))?
                .with_issuer_names(xua.issuer_names.clone());
            Some(Arc::new(trust))
        };
        let tls = match &config.gateway.tls {
            Some(t) => Some(crate::tls::ServerTls::new(t, &config.base_dir)?),
            None => None,
        };
        let audit_identity = crate::audit::AuditIdentity::new(&config.audit);
        Ok(Gateway {
            config,
            audit_identity,
            communities,
            runtime,
            tls,
            metrics: Arc::default(),
            audit: None,
            xua_trust,
            alert_budget: Arc::default(),
        })
    }

    /// Open the audit journal of `[audit]` (and its forwarder). Call once per process
    /// before serving; a reload keeps the opened one.
    pub async fn open_audit(&mut self) -> anyhow::Result<()> {
        let config = self.config.audit.to_audit_config(&self.config.base_dir);
        if let Some(dir) = config.journal.parent()
            && !dir.as_os_str().is_empty()
        {
            // The default journal lives in a state folder that may not exist yet; a
            // folder we cannot create is reported by the open below, naming it.
            let _ = std::fs::create_dir_all(dir);
        }
        let auditor = xcgate_audit::Auditor::open(config)
            .await
            .map_err(|e| anyhow::anyhow!("[audit]: {e}"))?;
        self.audit = Some(auditor);
        Ok(())
    }

    /// The communities a request in `role` may reach: the fronted ones when responding,
    /// every other one when initiating (a gateway does not query its own community across
    /// the gateway; local consumers reach it directly).
    pub fn communities_for(&self, role: Role) -> impl Iterator<Item = &Arc<CommunityPlugin>> {
        let fronted = &self.config.gateway.responding;
        self.communities.iter().filter(move |c| {
            fronted.iter().any(|n| n.as_str() == &*c.name) == (role == Role::Responding)
        })
    }

    /// Listen on `addr` (port 0 for any free port) and serve until the returned handle is
    /// stopped or dropped. Without a config file to reload from; see [`LiveGateway`].
    pub async fn start(self: Arc<Self>, addr: SocketAddr) -> std::io::Result<RunningGateway> {
        LiveGateway::new(self, None).start(addr).await
    }
}

impl LiveGateway {
    /// Listen on `addr` (and on `[admin] listen` when configured) and serve the current
    /// gateway until the returned handle is stopped or dropped.
    pub async fn start(self: Arc<Self>, addr: SocketAddr) -> std::io::Result<RunningGateway> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let current = self.current();
        let scheme = if current.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let admin = match &current.config.admin {
            Some(admin) => {
                let addr: SocketAddr = admin.listen.parse().map_err(|_| {
                    std::io::Error::other(format!(
                        "admin.listen `{}` is not an address",
                        admin.listen
                    ))
                })?;
                let listener = TcpListener::bind(addr).await?;
                let local = listener.local_addr()?;
                Some((
                    local,
                    tokio::spawn(crate::admin::serve(listener, self.clone())),
                ))
            }
            None => None,
        };
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::server::serve(listener, self.clone(), async {
            let _ = rx.await;
        }));
        Ok(RunningGateway {
            addr: local,
            scheme,
            admin,
            live: self,
            stop: Some(tx),
            task,
        })
    }
}

/// A gateway serving on a socket.
#[derive(Debug)]
pub struct RunningGateway {
    pub addr: SocketAddr,
    scheme: &'static str,
    /// The admin listener's address and task.
    admin: Option<(SocketAddr, JoinHandle<()>)>,
    live: Arc<LiveGateway>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningGateway {
    /// The base URL, e.g. `http://127.0.0.1:40123` (`https` with `[gateway.tls]`).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The admin endpoint's base URL, when `[admin]` is configured.
    pub fn admin_url(&self) -> Option<String> {
        self.admin
            .as_ref()
            .map(|(addr, _)| format!("http://{addr}"))
    }

    /// The serving gateway (to reload it).
    pub fn live(&self) -> &Arc<LiveGateway> {
        &self.live
    }

    /// Stop accepting, finish open connections, and wait for the server to end.
    pub async fn stop(mut self) {
        if let Some((_, admin)) = self.admin.take() {
            admin.abort();
        }
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningGateway {
    fn drop(&mut self) {
        if let Some((_, admin)) = self.admin.take() {
            admin.abort();
        }
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
