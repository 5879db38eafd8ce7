//! A budget for Security Alerts: a peer that opens connection after connection with a bad
//! certificate must not turn each attempt into an fsynced journal record, starving the
//! records of the transactions served meanwhile and filling the disk. At most
//! [`PER_SECOND`] alerts are written per second; the others are counted
//! (`xcgate_audit_alerts_suppressed_total`) and the next alert written says how many.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Security Alerts written per second at most.
pub const PER_SECOND: u32 = 20;

/// One per process, in the audit [`super::Recorder`].
#[derive(Debug)]
pub struct AlertBudget {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    window: Instant,
    written: u32,
    suppressed: u64,
}

impl Default for AlertBudget {
    fn default() -> Self {
        AlertBudget {
            state: Mutex::new(State {
                window: Instant::now(),
                written: 0,
                suppressed: 0,
            }),
        }
    }
}

impl AlertBudget {
    /// May an alert be written at `now`? `Some(n)`: yes, and `n` alerts were suppressed
    /// since the last one written; `None`: no (it is counted as suppressed).
    pub fn take(&self, now: Instant) -> Option<u64> {
        let Ok(mut s) = self.state.lock() else {
            // A poisoned lock: write the alert rather than lose it.
            return Some(0);
        };
        if now.saturating_duration_since(s.window) >= Duration::from_secs(1) {
            s.window = now;
            s.written = 0;
        }
        if s.written >= PER_SECOND {
            s.suppressed += 1;
            return None;
        }
        s.written += 1;
        Some(std::mem::take(&mut s.suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_over_the_budget_are_suppressed_and_counted_in_the_next_one() {
        let budget = AlertBudget::default();
        let start = Instant::now();
        for _ in 0..PER_SECOND {
            assert_eq!(budget.take(start), Some(0), "within the budget");
        }
        assert_eq!(budget.take(start), None, "one over");
        assert_eq!(budget.take(start + Duration::from_millis(999)), None);
        assert_eq!(
            budget.take(start + Duration::from_secs(1)),
            Some(2),
            "the next second's first alert says two were suppressed"
        );
        assert_eq!(budget.take(start + Duration::from_secs(1)), Some(0));
    }
}
