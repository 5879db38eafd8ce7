//! Calling many communities at once under one request deadline.
//!
//! One task per community; each call gets the earlier of the community's own timeout and
//! the request deadline. At the deadline the answer goes out with what has arrived: the
//! communities still running are reported as timed out and their calls are cancelled
//! (the tasks are aborted, which drops their wasm `Store`s).

use crate::breaker::{Admission, CircuitBreaker};
use crate::call::{CallContext, CallFailure};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Something that can be called: a community with a name, a timeout and an id.
pub trait Target: Send + Sync + 'static {
    /// The community's name in the config (for texts naming a failed community).
    fn name(&self) -> &str;
    fn timeout(&self) -> Duration;
    fn home_community_id(&self) -> &str;
    /// The community's circuit breaker, if it has one.
    fn breaker(&self) -> Option<&CircuitBreaker> {
        None
    }
}

impl Target for crate::plugin::CommunityPlugin {
    fn name(&self) -> &str {
        &self.name
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn home_community_id(&self) -> &str {
        &self.home_community_id
    }
    fn breaker(&self) -> Option<&CircuitBreaker> {
        Some(&self.breaker)
    }
}

/// The result of one community's call.
#[derive(Debug)]
pub struct Outcome<C, T> {
    pub community: Arc<C>,
    pub result: Result<T, CallFailure>,
    pub elapsed: Duration,
}

/// Call `call` for every community concurrently and collect the outcomes in the order of
/// `communities`, by `deadline` at the latest.
pub async fn fan_out<C, T, F, Fut>(
    communities: &[Arc<C>],
    deadline: Instant,
    request_id: &str,
    initiator: Option<&str>,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
    call: F,
) -> Vec<Outcome<C, T>>
where
    C: Target,
    T: Send + 'static,
    F: Fn(Arc<C>, CallContext) -> Fut,
    Fut: Future<Output = Result<T, CallFailure>> + Send + 'static,
{
    let started = Instant::now();
    let mut slots: Vec<Option<(Result<T, CallFailure>, Duration)>> =
        communities.iter().map(|_| None).collect();
    let mut tasks = JoinSet::new();
    let mut task_index = std::collections::HashMap::new();
    let mut called = vec![false; communities.len()];
    for (index, community) in communities.iter().enumerate() {
        if let Some(Admission::Skip(remaining)) = community.breaker().map(CircuitBreaker::admit) {
            slots[index] = Some((Err(CallFailure::CircuitOpen(remaining)), Duration::ZERO));
            continue;
        }
        called[index] = true;
        let ctx = CallContext {
            request_id: request_id.to_string(),
            deadline: deadline.min(started + community.timeout()),
            target_home_community_id: community.home_community_id().to_string(),
            initiator_home_community_id: initiator.map(str::to_string),
            user: user.cloned(),
            probe: None,
        };
        let fut = call(community.clone(), ctx);
        let task = tasks.spawn(async move {
            let result = fut.await;
            (index, result, started.elapsed())
        });
        task_index.insert(task.id(), index);
    }
    let collect = async {
        while let Some(joined) = tasks.join_next_with_id().await {
            match joined {
                Ok((_, (index, result, elapsed))) => slots[index] = Some((result, elapsed)),
                // A task that panicked is a bug of ours, not a late community.
                Err(e) => {
                    tracing::error!(request_id, "community call task failed: {e}");
                    if let Some(index) = task_index.get(&e.id()) {
                        slots[*index] = Some((Err(CallFailure::Internal), started.elapsed()));
                    }
                }
            }
        }
    };
    // The calls stop themselves at their deadlines; this is the safety net.
    let _ = tokio::time::timeout_at(deadline, collect).await;
    tasks.abort_all();
    communities
        .iter()
        .zip(slots)
        .zip(called)
        .map(|((community, slot), called)| {
            let (result, elapsed) = slot.unwrap_or_else(|| {
                let waited = started.elapsed();
                (Err(CallFailure::Timeout(waited)), waited)
            });
            if let Some(breaker) = community.breaker().filter(|_| called)
                && let Some(change) = breaker.record(result.as_ref().err())
            {
                tracing::warn!(
                    request_id,
                    community = community.name(),
                    "circuit breaker {change}"
                );
            }
            Outcome {
                community: community.clone(),
                result,
                elapsed,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
