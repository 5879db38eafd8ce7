//! An owed ITI-55 whose communities answer later (WIT `deferred-discovery`, since 0.6.0):
//! an MPI that needs a person to confirm a match, a community that works in batches.
//!
//! When the answer of an ITI-55 is owed anyway (XCPD Deferred Response [ITI TF-2
//! 3.55.6.2], or WS-Addressing asynchronous [ITI TF-2 Appendix V]) each community whose
//! adapter exports `deferred-discovery` is asked with `start-discovery` instead of
//! `discover-patients`. One that answers `deferred(token)` is polled every
//! `communities.<name>.deferred.poll` until it gives its matches, fails, or
//! `deferred.within` from the start has passed. The progress (tokens, and what the others
//! answered) is kept with the exchange in the state store, and the exchange is let go
//! between polls: a restart, `kill -9` or another replica polls the same tokens. A poll
//! that gets no answer in time, or `unavailable`/`busy`, is tried again at the next poll;
//! any other failure ends the work for that community. Once
//! every such community has settled, the answer is made as usual, with the settled
//! answers in place of calls (the other communities are asked then).

use crate::call::CallFailure;
use crate::fanout::fan_out;
use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{CommunityPlugin, Started};
use crate::soap_endpoint::Checked;
use crate::wire::{millis, now_ms};
use crate::xcpd::{Settled, discovery_communities};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use xcgate_ihe::hl7v3;
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xcpd::PatientMatch;

/// Where the deferred communities of one owed ITI-55 stand, by community name (kept with
/// the exchange as JSON).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Progress {
    communities: BTreeMap<String, Step>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
enum Step {
    /// The community works on; poll with `token`. `started_at`: Unix ms.
    Running { token: String, started_at: i64 },
    /// It answered.
    Answered { matches: Vec<PatientMatch> },
    /// It failed, or did not answer within `deferred.within`.
    Failed { failure: CallFailure },
}

/// What one step of the work on an owed ITI-55 came to.
pub enum Advanced {
    /// Every deferred community has settled (or there is none): make the answer.
    Settled(Settled),
    /// Some still work: keep `progress` and come back at `next_at` (Unix ms).
    Waiting { progress: String, next_at: i64 },
}

/// Ask (or poll) the communities of the owed ITI-55 `checked` that answer later, given
/// the `progress` kept so far.
pub async fn advance(
    gw: &Gateway,
    at: &Endpoint,
    checked: &Checked,
    progress: Option<&str>,
    request_id: &str,
) -> Advanced {
    // A request that does not parse is answered with its error by the usual path.
    let Ok(req) = hl7v3::parse_query(&checked.env.body) else {
        return Advanced::Settled(Settled::new());
    };
    let later: Vec<Arc<CommunityPlugin>> = discovery_communities(gw, at, &req)
        .into_iter()
        .filter(|c| c.answers_later())
        .collect();
    if later.is_empty() {
        return Advanced::Settled(Settled::new());
    }
    let mut progress: Progress = match progress.map(serde_json::from_str).transpose() {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => {
            // Unreadable progress is a bug of ours: start over rather than never answer.
            tracing::error!(request_id, "deferred discovery progress unreadable: {e}");
            Progress::default()
        }
    };
    let now = now_ms();
    // Who to call now: those not started yet, and those running (past `within` they are
    // settled as not answering, without a call).
    let mut to_call = Vec::new();
    for community in &later {
        let within = policy(gw, community).1;
        match progress.communities.get(community.name.as_ref()) {
            Some(Step::Running { started_at, .. }) if now - started_at >= millis(within) => {
                progress.communities.insert(
                    community.name.to_string(),
                    Step::Failed {
                        failure: CallFailure::Timeout(within),
                    },
                );
            }
            Some(Step::Answered { .. } | Step::Failed { .. }) => {}
            _ => to_call.push(community.clone()),
        }
    }
    if !to_call.is_empty() {
        let steps = Arc::new(progress.communities.clone());
        let query = Arc::new(req.query.clone());
        let initiator = req
            .sender_home_community
            .as_ref()
            .map(|h| hl7v3::urn_oid(h));
        let deadline = Instant::now() + gw.config.gateway.deadline_for(Transaction::Iti55);
        let outcomes = fan_out(
            &to_call,
            deadline,
            request_id,
            initiator.as_deref(),
            checked.user.as_ref(),
            move |community, ctx| {
                let (steps, query) = (steps.clone(), query.clone());
                async move {
                    match steps.get(community.name.as_ref()) {
                        Some(Step::Running { token, started_at }) => {
                            let started_at = *started_at;
                            Ok(match community.poll_discovery(&ctx, token).await? {
                                Some(matches) => Step::Answered { matches },
                                None => Step::Running {
                                    token: token.clone(),
                                    started_at,
                                },
                            })
                        }
                        _ => Ok(match community.start_discovery(&ctx, &query).await? {
                            Started::Matches(matches) => Step::Answered { matches },
                            Started::Deferred(token) => Step::Running {
                                token,
                                started_at: now_ms(),
                            },
                        }),
                    }
                }
            },
        )
        .await;
        for outcome in outcomes {
            let name = outcome.community.name.to_string();
            let step = match outcome.result {
                Ok(step) => step,
                // A job that runs outlives a moment when its MPI cannot be reached: the
                // next poll asks again (`within` still bounds the wait).
                Err(failure) => match progress.communities.get(&name) {
                    Some(running @ Step::Running { .. }) if passing(&failure) => {
                        tracing::info!(
                            request_id,
                            community = %name,
                            failure = failure.kind(),
                            "deferred discovery not polled; polled again later"
                        );
                        running.clone()
                    }
                    _ => Step::Failed { failure },
                },
            };
            progress.communities.insert(name, step);
        }
    }
    let running: Vec<Duration> = later
        .iter()
        .filter(|c| {
            matches!(
                progress.communities.get(c.name.as_ref()),
                Some(Step::Running { .. })
            )
        })
        .map(|c| policy(gw, c).0)
        .collect();
    match running.iter().min() {
        Some(poll) => {
            tracing::info!(
                request_id,
                waiting_for = running.len(),
                "deferred discovery goes on"
            );
            Advanced::Waiting {
                progress: serde_json::to_string(&progress).unwrap_or_default(),
                next_at: now_ms() + millis(*poll),
            }
        }
        None => Advanced::Settled(
            progress
                .communities
                .into_iter()
                .filter_map(|(name, step)| match step {
                    Step::Answered { matches } => Some((name, Ok(matches))),
                    Step::Failed { failure } => Some((name, Err(failure))),
                    Step::Running { .. } => None,
                })
                .collect(),
        ),
    }
}

/// A failure that says nothing about the job: no answer in time, the community busy or
/// unreachable for now, or skipped by its bulkhead or circuit breaker.
fn passing(failure: &CallFailure) -> bool {
    use crate::call::AdapterError::{Busy, Unavailable};
    matches!(
        failure,
        CallFailure::Timeout(_)
            | CallFailure::Overloaded(_)
            | CallFailure::CircuitOpen(_)
            | CallFailure::Adapter(Unavailable(_) | Busy(_))
    )
}

/// The community's `deferred` poll interval and wait.
fn policy(gw: &Gateway, community: &CommunityPlugin) -> (Duration, Duration) {
    let deferred = gw
        .config
        .communities
        .get(community.name.as_ref())
        .and_then(|c| c.deferred.clone())
        .unwrap_or_default();
    (deferred.poll.0, deferred.within.0)
}
