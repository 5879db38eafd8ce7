//! ITI-55 answered later: `deferred-discovery` calls into a community's adapter (since
//! 0.6.0). Same sandbox and limits as every call; only the token survives between them.

use super::bindings::deferred::exports::xcgate::adapter::deferred_discovery::Discovery;
use super::community::{CommunityPlugin, sandboxed_call};
use super::convert;
use crate::call::{CallContext, CallFailure};
use xcgate_ihe::xcpd::{PatientMatch, PatientQuery};

/// The longest token the host keeps (bytes): it is stored with the exchange and is not a
/// place for data [wit/v0.6/deferred.wit].
pub const MAX_TOKEN_BYTES: usize = 1024;

/// How a started discovery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// The answer was there at once.
    Matches(Vec<PatientMatch>),
    /// The community works on; poll with this token.
    Deferred(String),
}

impl CommunityPlugin {
    /// True when the adapter can answer an owed ITI-55 later (`deferred-discovery`).
    pub fn answers_later(&self) -> bool {
        self.capabilities.deferred_discovery.is_some()
    }

    /// Start a discovery that may finish later.
    pub async fn start_discovery(
        &self,
        ctx: &CallContext,
        query: &PatientQuery,
    ) -> Result<Started, CallFailure> {
        let wit_query = convert::query_in(query);
        let started = sandboxed_call!(
            self,
            ctx,
            deferred_discovery,
            "deferred-discovery",
            |export, instance, store, wit_ctx| {
                export
                    .start
                    .call(instance, store, (wit_ctx, &wit_query))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        match started {
            Discovery::Matches(matches) => self.matches_out(matches).map(Started::Matches),
            Discovery::Deferred(token) => check_token(token).map(Started::Deferred),
        }
    }

    /// The matches of the discovery `token` names; `None` while it runs.
    pub async fn poll_discovery(
        &self,
        ctx: &CallContext,
        token: &str,
    ) -> Result<Option<Vec<PatientMatch>>, CallFailure> {
        let polled = sandboxed_call!(
            self,
            ctx,
            deferred_discovery,
            "deferred-discovery",
            |export, instance, store, wit_ctx| {
                export
                    .poll
                    .call(instance, store, (wit_ctx, token))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        polled.map(|m| self.matches_out(m)).transpose()
    }
}

fn check_token(token: String) -> Result<String, CallFailure> {
    if token.trim().is_empty() {
        return Err(CallFailure::InvalidAnswer(
            "deferred without a token to poll with".into(),
        ));
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(CallFailure::InvalidAnswer(format!(
            "a deferred token of {} bytes, over the {MAX_TOKEN_BYTES} the gateway keeps",
            token.len()
        )));
    }
    Ok(token)
}
