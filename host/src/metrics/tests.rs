use super::*;
use crate::call::CallFailure;
use std::sync::Arc;
use std::time::Duration;
use xcgate_ihe::transaction::Transaction;

#[derive(Debug)]
struct Named(&'static str);

impl Target for Named {
    fn name(&self) -> &str {
        self.0
    }
    fn timeout(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn home_community_id(&self) -> &str {
        "urn:oid:2.999.1"
    }
}

fn outcome(name: &'static str, result: Result<u32, CallFailure>) -> Outcome<Named, u32> {
    Outcome {
        community: Arc::new(Named(name)),
        result,
        elapsed: Duration::from_millis(3),
    }
}

#[test]
fn each_call_is_counted_under_its_community_and_failure_kind() {
    let m = Metrics::default();
    m.observe_calls(
        Transaction::Iti55,
        "req-1",
        &[
            outcome("north", Ok(1)),
            outcome("south", Err(CallFailure::MemoryLimit(1 << 20))),
        ],
    );
    m.observe_calls(Transaction::Iti55, "req-2", &[outcome("north", Ok(1))]);
    assert_eq!(m.calls("north", Transaction::Iti55, "ok"), 2);
    assert_eq!(m.calls("south", Transaction::Iti55, "memory_limit"), 1);
    assert_eq!(m.calls("south", Transaction::Iti55, "ok"), 0);
    let text = m.render();
    assert!(text.contains(
        "xcgate_community_calls_total{community=\"south\",transaction=\"ITI-55\",outcome=\"memory_limit\"} 1"
    ));
    assert!(text.contains("xcgate_requests_total{transaction=\"ITI-55\",outcome=\"partial\"} 1"));
    assert!(text.contains("xcgate_requests_total{transaction=\"ITI-55\",outcome=\"complete\"} 1"));
}

#[test]
fn the_latency_histogram_is_cumulative_and_ends_with_inf() {
    let m = Metrics::default();
    m.observe_calls(Transaction::Iti38, "r", &[outcome("north", Ok(1))]);
    let text = m.render();
    // 3 ms: not in the 1 ms or 2.5 ms buckets, in every bucket from 5 ms up.
    assert!(text.contains("le=\"0.0025\"} 0"));
    assert!(text.contains("le=\"0.005\"} 1"));
    assert!(text.contains("le=\"5\"} 1"));
    assert!(text.contains("le=\"+Inf\"} 1"));
    assert!(text.contains(
        "xcgate_community_call_seconds_count{community=\"north\",transaction=\"ITI-38\"} 1"
    ));
}

#[test]
fn request_outcomes_say_how_the_communities_did() {
    assert_eq!(request_outcome(0, 0), "no_community");
    assert_eq!(request_outcome(3, 0), "complete");
    assert_eq!(request_outcome(3, 2), "partial");
    assert_eq!(request_outcome(3, 3), "failed");
}

#[test]
fn label_values_cannot_break_the_exposition() {
    assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
