//! Starting and stopping the program: the listeners (SOAP endpoints and `[admin]`), the
//! reload signal and a graceful shutdown. Nothing else in the crate imports this module;
//! it puts together what the layers below provide.

use crate::admin::AdminSite;
use crate::config::Config;
use crate::gateway::Gateway;
use crate::listener;
use crate::live::LiveGateway;
use crate::process::{Process, runtime_options};
use crate::server::SoapSite;
use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Listen on `addr` (port 0: any free port) and on `[admin] listen` when configured, and
/// serve the current gateway until the returned handle is stopped or dropped.
pub async fn start(live: Arc<LiveGateway>, addr: SocketAddr) -> std::io::Result<RunningGateway> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let current = live.current();
    let scheme = if current.tls.is_some() {
        "https"
    } else {
        "http"
    };
    current
        .process
        .awaited
        .set_url(format!("{scheme}://{local}/replies"));
    let admin_listener = match &current.config.admin {
        Some(admin) => {
            let addr: SocketAddr = admin.listen.parse().map_err(|_| {
                std::io::Error::other(format!("admin.listen `{}` is not an address", admin.listen))
            })?;
            Some(TcpListener::bind(addr).await?)
        }
        None => None,
    };
    let admin_addr = match &admin_listener {
        Some(l) => Some(l.local_addr()?),
        None => None,
    };
    // What this replica held when it stopped is due again, before it accepts anything new:
    // let go later, its leases would also free what it has just accepted and is answering.
    crate::asynchronous::take_back_leases(&current).await;
    // Shutdown in two steps: the SOAP listener stops and drains first while the admin
    // listener still answers `/ready` (503, draining); then the admin listener.
    let (stop_soap, soap_stopped) = watch::channel(false);
    let (stop_admin, admin_stopped) = watch::channel(false);
    let soap = tokio::spawn(listener::serve(
        listener,
        Arc::new(SoapSite(live.clone())),
        listener::ConnectionLimits::gateway(&current.config.gateway),
        until(soap_stopped),
    ));
    let admin_limits = current
        .config
        .admin
        .as_ref()
        .map(listener::ConnectionLimits::admin);
    let admin = admin_listener.zip(admin_limits).map(|(l, limits)| {
        tokio::spawn(listener::serve(
            l,
            Arc::new(AdminSite(live.clone())),
            limits,
            until(admin_stopped),
        ))
    });
    let purge = tokio::spawn(crate::correlation::purge_expired_every(
        current.process.clone(),
        current.config.state.purge_every.0,
    ));
    let owed = tokio::spawn(crate::asynchronous::deliver_owed(live.clone()));
    let audit_probe = tokio::spawn(probe_audit_every(current.process.clone()));
    Ok(RunningGateway {
        purge,
        owed,
        audit_probe,
        addr: local,
        scheme,
        admin_addr,
        live,
        stop_soap,
        stop_admin,
        soap,
        admin,
    })
}

/// While the audit journal cannot store records, see every 2 s whether its folder takes a
/// write again ([`crate::audit::Recorder::probe`]).
async fn probe_audit_every(process: std::sync::Arc<Process>) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        process.audit.probe().await;
    }
}

async fn until(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// A gateway serving on its sockets.
#[derive(Debug)]
pub struct RunningGateway {
    pub addr: SocketAddr,
    scheme: &'static str,
    admin_addr: Option<SocketAddr>,
    live: Arc<LiveGateway>,
    stop_soap: watch::Sender<bool>,
    stop_admin: watch::Sender<bool>,
    soap: JoinHandle<()>,
    admin: Option<JoinHandle<()>>,
    /// Deletes expired correlations in the background.
    purge: JoinHandle<()>,
    /// Delivers asynchronous answers still owed (retries, another replica's leftovers).
    owed: JoinHandle<()>,
    /// Sees when an audit journal that failed takes writes again.
    audit_probe: JoinHandle<()>,
}

impl RunningGateway {
    /// The base URL, e.g. `http://127.0.0.1:40123` (`https` with `[gateway.tls]`).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The admin endpoint's base URL, when `[admin]` is configured.
    pub fn admin_url(&self) -> Option<String> {
        self.admin_addr.map(|addr| format!("http://{addr}"))
    }

    /// The serving gateway (to reload it).
    pub fn live(&self) -> &Arc<LiveGateway> {
        &self.live
    }

    /// Begin draining (`/ready` answers 503), stop accepting, let open connections finish,
    /// then stop the admin listener.
    pub async fn stop(mut self) {
        self.purge.abort();
        self.owed.abort();
        self.audit_probe.abort();
        self.live.start_draining();
        let _ = self.stop_soap.send(true);
        let _ = (&mut self.soap).await;
        let _ = self.stop_admin.send(true);
        if let Some(admin) = self.admin.take() {
            let _ = admin.await;
        }
    }
}

impl Drop for RunningGateway {
    fn drop(&mut self) {
        self.purge.abort();
        self.owed.abort();
        self.live.start_draining();
        let _ = self.stop_soap.send(true);
        let _ = self.stop_admin.send(true);
    }
}

/// Print a line for the operator; a closed stdout (a detached service) must not stop the
/// gateway, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `xcgate serve`: load `source` (or the bundled demo), serve until Ctrl-C or SIGTERM,
/// reload on SIGHUP.
pub fn serve(source: Option<PathBuf>, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let config = match &source {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    // The config file as given (its folder is empty for a bare file name), or the demo.
    let origin = source.as_ref().map_or_else(
        || "the bundled demo".to_string(),
        |p| p.display().to_string(),
    );
    let addr = match listen {
        Some(a) => a,
        None => config.gateway.listen.parse()?,
    };
    let runtime = crate::plugin::PluginRuntime::new(runtime_options(&config))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        // A file over the process's size limit (RLIMIT_FSIZE) must fail its write (EFBIG),
        // which the audit journal reports and recovers from, not kill the gateway with
        // SIGXFSZ's default action: handling the signal is what turns that off.
        let _file_size_limit =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(25))?;
        let process = Process::start(&config, runtime).await?;
        let gw = Arc::new(Gateway::load_checked(config, &process).await?);
        let live = LiveGateway::new(gw.clone(), source);
        let running = start(live.clone(), addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        // Handlers first, so that a signal sent once the address is printed is handled:
        // SIGHUP reloads the config file (a refused reload is logged and changes
        // nothing); Ctrl-C or SIGTERM (what service managers send) stop gracefully.
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        banner(&gw, &running, &origin);
        drop(gw);
        let reloads = tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                let _ = live.reload_logged("SIGHUP").await;
            }
        });
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = terminate.recv() => {}
        }
        reloads.abort();
        say!("shutting down");
        running.stop().await;
        process.audit.shutdown().await;
        Ok(())
    })
}

/// What the operator sees at start: where each endpoint is and what it reaches.
fn banner(gw: &Gateway, running: &RunningGateway, origin: &str) {
    let url = running.url();
    say!("xcgate listening on {url} (config from {origin})");
    let names = |role| {
        gw.communities_for(role)
            .map(|c| format!("{} ({})", c.name, c.home_community_id))
            .collect::<Vec<_>>()
    };
    let initiating = names(crate::config::Role::Initiating);
    if initiating.is_empty() {
        say!(
            "  POST {url}/initiating  local initiators: no community to reach (every community is fronted on /responding)"
        );
    } else {
        say!(
            "  POST {url}/initiating  local initiators: fans out to {}",
            initiating.join(", ")
        );
    }
    let responding = names(crate::config::Role::Responding);
    if responding.is_empty() {
        say!("  POST {url}/responding  remote gateways: off (no community in gateway.responding)");
    } else {
        say!(
            "  POST {url}/responding  remote gateways: answered for {}",
            responding.join(", ")
        );
        for c in gw.communities_for(crate::config::Role::Responding) {
            say!(
                "  POST {url}/responding/{}  remote gateways: {} only ({})",
                c.name,
                c.name,
                c.home_community_id
            );
        }
    }
    say!(
        "  audit journal {} ({} records waiting for the repository)",
        gw.process.audit.journal().display(),
        gw.process.audit.pending_at_open()
    );
    if let Some(store) = &gw.process.store {
        say!(
            "  patient correlations {} ({})",
            store.url(),
            match &gw.config.gateway.assigning_authority {
                Some(aa) => format!("ITI-18 by ids of {aa} asks each community by its own"),
                None => "ITI-18 id translation off: gateway.assigning_authority is not set".into(),
            }
        );
    }
    say!("  GET  {url}/ready  readiness (also /live)");
    if let Some(admin) = running.admin_url() {
        say!("  POST {admin}/admin/reload  reload the config (also: SIGHUP); GET {admin}/metrics");
    }
}
