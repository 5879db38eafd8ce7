//! The plugin's check of its own settings (`settings-check`, since 0.5.0), run when a
//! config is loaded: at start-up, at every reload and by `xcgate check-config`.

use super::community::{CommunityPlugin, sandboxed_call};
use crate::call::{CallContext, CallFailure};
use std::time::Duration;

/// One problem the plugin found: the setting's key and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    pub key: String,
    pub message: String,
}

impl CommunityPlugin {
    /// What the plugin finds wrong with its settings; `None` when it exports no check.
    pub async fn check_settings(
        &self,
        timeout: Duration,
    ) -> Option<Result<Vec<SettingProblem>, CallFailure>> {
        self.capabilities.settings_check.as_ref()?;
        let ctx = CallContext {
            request_id: "settings-check".into(),
            deadline: tokio::time::Instant::now() + timeout.min(self.timeout),
            target_home_community_id: self.home_community_id.clone(),
            initiator_home_community_id: None,
            user: None,
            probe: None,
        };
        let ctx = &ctx;
        let result = async {
            let problems = sandboxed_call!(
                self,
                ctx,
                settings_check,
                "settings-check",
                |export, instance, store, _wit_ctx| {
                    export.call(instance, store, ()).await.map(|(problems,)| {
                        Ok::<_, super::bindings::xcgate::adapter::types::AdapterError>(problems)
                    })
                }
            )?;
            Ok(problems
                .into_iter()
                .map(|p| SettingProblem {
                    key: p.key,
                    message: p.message,
                })
                .collect())
        }
        .await;
        Some(result)
    }
}
