//! The plugin a kit command runs: a component file with its settings, or one community of
//! a config, loaded exactly as the gateway loads it (same runtime, limits and endpoints).

use crate::config::{CommunityConfig, Config};
use crate::plugin::{Capability, CommunityPlugin, PluginRuntime, RuntimeOptions};
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the plugin comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `--plugin FILE.wasm [--settings FILE]`: the community defaults of the config.
    File {
        plugin: PathBuf,
        settings: Option<PathBuf>,
        home_community_id: String,
    },
    /// `--config FILE --community NAME`.
    Community { config: PathBuf, name: String },
}

/// A loaded plugin and the limits it runs under.
pub struct Subject {
    pub plugin: Arc<CommunityPlugin>,
    pub config: CommunityConfig,
    /// Kept alive with the plugin: dropping the runtime stops its epoch ticker, and a
    /// spinning guest would then never be interrupted.
    _runtime: Arc<PluginRuntime>,
}

impl Subject {
    pub fn load(source: &Source) -> anyhow::Result<Subject> {
        match source {
            Source::File {
                plugin,
                settings,
                home_community_id,
            } => {
                if !home_community_id
                    .strip_prefix("urn:oid:")
                    .is_some_and(crate::config::is_oid)
                {
                    anyhow::bail!(
                        "--home-community-id `{home_community_id}` is not urn:oid:<OID> (e.g. urn:oid:2.999.1)"
                    );
                }
                let settings = match settings {
                    Some(path) => read_settings(path)?,
                    None => toml::Table::new(),
                };
                let mut table = toml::Table::new();
                table.insert("home_community_id".into(), home_community_id.clone().into());
                table.insert("plugin".into(), plugin.display().to_string().into());
                table.insert("settings".into(), toml::Value::Table(settings));
                let config: CommunityConfig = table
                    .try_into()
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context("the plugin's community")?;
                // A kit runs a few calls at once, not a gateway's load: a small pool.
                let runtime = PluginRuntime::new(RuntimeOptions {
                    max_instances: 16,
                    max_memory: config
                        .memory_limit
                        .0
                        .max(RuntimeOptions::default().max_memory),
                    ..RuntimeOptions::default()
                })?;
                let plugin =
                    CommunityPlugin::load(&runtime, "plugin", &config, Path::new("."), None, None)?;
                Ok(Subject {
                    plugin: Arc::new(plugin),
                    config,
                    _runtime: runtime,
                })
            }
            Source::Community { config, name } => {
                let config = Config::from_file(config)?;
                let Some(community) = config.communities.get(name) else {
                    let known: Vec<&str> = config.communities.keys().map(String::as_str).collect();
                    anyhow::bail!(
                        "the config has no community `{name}`; its communities: {}",
                        known.join(", ")
                    );
                };
                let runtime = PluginRuntime::new(crate::process::runtime_options(&config))?;
                let issuer = crate::plugin::transport::xua::HostIssuer::of_config(&config)?;
                let plugin = CommunityPlugin::load(
                    &runtime,
                    name,
                    community,
                    &config.base_dir,
                    issuer.as_ref(),
                    // Outside a gateway there is no /replies: every endpoint is synchronous.
                    None,
                )
                .with_context(|| format!("community `{name}` ({})", community.home_community_id))?;
                Ok(Subject {
                    plugin: Arc::new(plugin),
                    config: community.clone(),
                    _runtime: runtime,
                })
            }
        }
    }
}

impl Subject {
    /// The capabilities the plugin exports, as the contract names them.
    pub fn capabilities(&self) -> Vec<Capability> {
        Capability::ALL
            .into_iter()
            .filter(|c| self.plugin.supports(*c))
            .collect()
    }

    /// Refuse a request the plugin cannot answer, naming what it can.
    pub fn can_answer(&self, capability: Capability) -> anyhow::Result<()> {
        if self.plugin.supports(capability) {
            return Ok(());
        }
        let names: Vec<&str> = self
            .capabilities()
            .iter()
            .map(|c| c.interface_name())
            .collect();
        anyhow::bail!(
            "the plugin does not export {} (it exports {})",
            capability.interface_name(),
            names.join(", ")
        )
    }
}

/// A settings file: a TOML table of keys (what `[communities.<name>.settings]` holds), or
/// the same as a JSON object when the file ends in `.json`.
pub fn read_settings(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the settings {}", path.display()))?;
    let parsed = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::from_str::<toml::Table>(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str::<toml::Table>(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        anyhow::anyhow!(
            "the settings {} are not a table of keys (write them as in [communities.<name>.settings], e.g. patients = \"...\"): {e}",
            path.display()
        )
    })
}
