//! The gateway a reload replaces: the validated config, every community's loaded adapter,
//! the HTTPS acceptor and the XUA trust, on top of the [`Process`] that outlives reloads.

use crate::config::{Config, Role};
use crate::plugin::CommunityPlugin;
use crate::process::Process;
use anyhow::Context as _;
use std::sync::Arc;

/// Where a request came in: the endpoint of a role, or the endpoint of one fronted
/// community (`/responding/<community>`), as network directories list one URL per
/// homeCommunityId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub role: Role,
    /// The one fronted community of `/responding/<community>`.
    pub community: Option<Arc<str>>,
}

impl Endpoint {
    /// The endpoint of `role` for all its communities.
    pub fn of(role: Role) -> Endpoint {
        Endpoint {
            role,
            community: None,
        }
    }

    /// Its HTTP path: `/initiating`, `/responding` or `/responding/<community>`.
    pub fn path(&self) -> String {
        match &self.community {
            Some(c) => format!("{}/{c}", self.role.path()),
            None => self.role.path().to_string(),
        }
    }
}

/// Everything needed to serve requests.
#[derive(Debug)]
pub struct Gateway {
    pub config: Config,
    pub communities: Vec<Arc<CommunityPlugin>>,
    /// `[gateway.tls]`: the HTTPS acceptor; `None` serves plain HTTP.
    pub tls: Option<crate::tls::ServerTls>,
    /// `[gateway.xua]` trusted issuers, read at load.
    pub xua_trust: Option<Arc<xcgate_xua::TrustedIssuers>>,
    /// `[gateway.replies]`: the client of asynchronous answers and its allow list.
    pub replies: crate::replies::ReplyClient,
    /// The plugin runtime, metrics and audit trail: the same for every gateway a reload
    /// swaps in.
    pub process: Arc<Process>,
}

/// How long a plugin's settings check may take.
const SETTINGS_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Gateway {
    /// Load every community's plugin with `process`'s runtime; the first failure is an
    /// error naming the community.
    pub fn load(config: Config, process: &Arc<Process>) -> anyhow::Result<Gateway> {
        // Read the XUA signing key once; a bad key file is a load error naming it.
        let issuer = crate::plugin::transport::xua::HostIssuer::of_config(&config)?;
        let mut communities = Vec::with_capacity(config.communities.len());
        for (name, c) in &config.communities {
            let plugin = CommunityPlugin::load(
                &process.runtime,
                name,
                c,
                &config.base_dir,
                issuer.as_ref(),
                Some((&process.awaited, config.gateway.replies.endpoint.as_deref())),
            )
            .with_context(|| format!("community `{name}` ({})", c.home_community_id))?;
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
                .context("gateway.xua.trusted_issuers")?
                .with_issuer_names(xua.issuer_names.clone());
            Some(Arc::new(trust))
        };
        let tls = match &config.gateway.tls {
            Some(t) => Some(crate::tls::ServerTls::new(t, &config.base_dir)?),
            None => None,
        };
        let replies = crate::replies::ReplyClient::new(&config)?;
        Ok(Gateway {
            config,
            communities,
            tls,
            xua_trust,
            replies,
            process: process.clone(),
        })
    }

    /// Ask every plugin that exports `settings-check` whether its settings are usable
    /// (wit/settings.wit): what the config loader cannot know, since the `settings` table
    /// belongs to the plugin. Every problem found is an error naming the community and the
    /// key; a check that fails to run is one too.
    pub async fn check_settings(&self) -> anyhow::Result<()> {
        let mut problems = Vec::new();
        for c in &self.communities {
            match c.check_settings(SETTINGS_CHECK_TIMEOUT).await {
                None => {}
                Some(Ok(found)) => {
                    problems.extend(found.into_iter().map(|p| {
                        format!("communities.{}.settings.{}: {}", c.name, p.key, p.message)
                    }))
                }
                Some(Err(f)) => problems.push(format!(
                    "community `{}`: its plugin's settings check failed: {f}",
                    c.name
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            let origin = match &self.config.origin {
                crate::config::Origin::File(path) => path.display().to_string(),
                crate::config::Origin::Demo => "the bundled demo config".into(),
                crate::config::Origin::Text => "the config".into(),
            };
            anyhow::bail!(
                "{origin}: {} setting problem(s):\n  {}",
                problems.len(),
                problems.join("\n  ")
            )
        }
    }

    /// Load `config` (off the threads that serve requests: compiling is CPU work) and
    /// check its plugins' settings.
    pub async fn load_checked(config: Config, process: &Arc<Process>) -> anyhow::Result<Gateway> {
        let process = process.clone();
        let gw = tokio::task::spawn_blocking(move || Gateway::load(config, &process))
            .await
            .context("the loading task failed")??;
        gw.check_settings().await?;
        Ok(gw)
    }

    /// The endpoint at `path`, if the gateway serves one there: `/initiating`,
    /// `/responding`, or `/responding/<community>` for a community it fronts.
    pub fn endpoint_at(&self, path: &str) -> Option<Endpoint> {
        if let Some(role) = Role::ALL.into_iter().find(|r| r.path() == path) {
            return Some(Endpoint::of(role));
        }
        let name = path
            .strip_prefix(Role::Responding.path())?
            .strip_prefix('/')?;
        self.communities_for(Role::Responding)
            .find(|c| &*c.name == name)
            .map(|c| Endpoint {
                role: Role::Responding,
                community: Some(c.name.clone()),
            })
    }

    /// The communities a request at `at` may reach: those of its role, or its one
    /// community.
    pub fn communities_at<'a>(
        &'a self,
        at: &'a Endpoint,
    ) -> impl Iterator<Item = &'a Arc<CommunityPlugin>> {
        self.communities_for(at.role)
            .filter(move |c| at.community.as_deref().is_none_or(|n| n == &*c.name))
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
}
