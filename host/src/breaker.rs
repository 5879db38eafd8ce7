//! A circuit breaker per community. After `failures` consecutive failed calls the
//! community is skipped for `cooldown` (answered at once as unavailable, so a dead
//! community costs the initiators neither its timeout nor a sandbox), then one request
//! probes it: success closes the circuit, failure opens it for another cool-down.

use crate::call::{AdapterError, CallFailure};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// What the breaker says about the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Call it (the circuit is closed).
    Call,
    /// Call it as the probe after a cool-down.
    Probe,
    /// Skip it: the circuit is open for this much longer.
    Skip(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed {
        consecutive: u32,
    },
    Open {
        until: Instant,
    },
    /// One probe is in flight since `started`; another is allowed if it never reports
    /// back within a cool-down (its request was dropped).
    HalfOpen {
        started: Instant,
    },
}

/// The breaker of one community. `failures == 0` turns it off.
#[derive(Debug)]
pub struct CircuitBreaker {
    failures: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

impl CircuitBreaker {
    pub fn new(failures: u32, cooldown: Duration) -> CircuitBreaker {
        CircuitBreaker {
            failures,
            cooldown,
            state: Mutex::new(State::Closed { consecutive: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain value: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// May a call start now?
    pub fn admit(&self) -> Admission {
        if self.failures == 0 {
            return Admission::Call;
        }
        let now = Instant::now();
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Admission::Call,
            State::Open { until } if now < until => Admission::Skip(until - now),
            State::HalfOpen { started } if now < started + self.cooldown => {
                Admission::Skip(started + self.cooldown - now)
            }
            State::Open { .. } | State::HalfOpen { .. } => {
                *state = State::HalfOpen { started: now };
                Admission::Probe
            }
        }
    }

    /// Report how an admitted call ended. Returns the new state's description when it
    /// changed (for the log).
    pub fn record(&self, failure: Option<&CallFailure>) -> Option<&'static str> {
        if self.failures == 0 {
            return None;
        }
        let counts = failure.is_some_and(counts_against);
        let mut state = self.lock();
        let before = *state;
        *state = match (before, counts) {
            (_, false) => State::Closed { consecutive: 0 },
            (State::Closed { consecutive }, true) if consecutive + 1 < self.failures => {
                State::Closed {
                    consecutive: consecutive + 1,
                }
            }
            (_, true) => State::Open {
                until: Instant::now() + self.cooldown,
            },
        };
        match (before, *state) {
            (State::Closed { .. }, State::Open { .. }) => Some("opened"),
            (State::HalfOpen { .. }, State::Open { .. }) => Some("reopened"),
            (State::HalfOpen { .. } | State::Open { .. }, State::Closed { .. }) => Some("closed"),
            _ => None,
        }
    }
}

/// Failures that say the community is down or broken. Our own bulkhead refusing a call, a
/// bug of ours (a panicked call task), or
/// no free sandbox slot at this instant (a plugin that cannot start at all is refused at
/// load and reload), says nothing about the community; Case 3 (more attributes) is an
/// answer.
fn counts_against(failure: &CallFailure) -> bool {
    !matches!(
        failure,
        CallFailure::Overloaded(_)
            | CallFailure::Internal
            | CallFailure::Instantiate(_)
            | CallFailure::CircuitOpen(_)
            | CallFailure::Adapter(AdapterError::MoreAttributesRequested(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed() -> CallFailure {
        CallFailure::Timeout(Duration::from_secs(1))
    }

    #[tokio::test(start_paused = true)]
    async fn it_opens_after_n_consecutive_failures_and_a_success_resets_the_count() {
        let b = CircuitBreaker::new(3, Duration::from_secs(30));
        b.record(Some(&failed()));
        b.record(Some(&failed()));
        b.record(None);
        b.record(Some(&failed()));
        b.record(Some(&failed()));
        assert_eq!(b.admit(), Admission::Call, "two in a row are not three");
        assert_eq!(b.record(Some(&failed())), Some("opened"));
        assert_eq!(b.admit(), Admission::Skip(Duration::from_secs(30)));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_cooldown_one_probe_goes_and_its_outcome_decides() {
        let b = CircuitBreaker::new(1, Duration::from_secs(30));
        b.record(Some(&failed()));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(b.admit(), Admission::Skip(Duration::from_secs(20)));
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(b.admit(), Admission::Probe);
        assert!(
            matches!(b.admit(), Admission::Skip(_)),
            "only one probe at a time"
        );
        assert_eq!(b.record(Some(&failed())), Some("reopened"));
        assert_eq!(b.admit(), Admission::Skip(Duration::from_secs(30)));
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(b.admit(), Admission::Probe);
        assert_eq!(b.record(None), Some("closed"));
        assert_eq!(b.admit(), Admission::Call);
    }

    #[tokio::test(start_paused = true)]
    async fn a_probe_that_never_reports_back_does_not_hold_the_circuit_forever() {
        let b = CircuitBreaker::new(1, Duration::from_secs(30));
        b.record(Some(&failed()));
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(b.admit(), Admission::Probe);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(b.admit(), Admission::Probe);
    }

    #[tokio::test(start_paused = true)]
    async fn our_own_bulkhead_and_case_3_do_not_count_and_zero_turns_it_off() {
        let b = CircuitBreaker::new(1, Duration::from_secs(30));
        b.record(Some(&CallFailure::Overloaded(4)));
        b.record(Some(&CallFailure::Instantiate(
            "no free instance slot".into(),
        )));
        b.record(Some(&CallFailure::Adapter(
            AdapterError::MoreAttributesRequested(vec![]),
        )));
        assert_eq!(b.admit(), Admission::Call);
        let off = CircuitBreaker::new(0, Duration::from_secs(30));
        for _ in 0..10 {
            off.record(Some(&failed()));
        }
        assert_eq!(off.admit(), Admission::Call);
    }
}
