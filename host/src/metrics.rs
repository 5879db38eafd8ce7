//! Counters and latency histograms for the operator, served as Prometheus text on the admin
//! listener (`GET /metrics`).
//!
//! Labels are bounded by construction: a transaction is one of a handful of names, a
//! community is one of the configured communities, an outcome is `ok` or one of the fixed
//! failure kinds of [`CallFailure::kind`]. Nothing taken from a request (ids,
//! names, endpoints) ever becomes a label, so a hostile peer cannot grow the series set and
//! no patient data reaches the metrics. The registry outlives reloads (a reload hands the
//! same `Arc<Metrics>` to the new gateway), so counters stay monotonic.

use crate::call::CallFailure;
use crate::fanout::{Outcome, Target};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use xcgate_ihe::transaction::Transaction;

/// Upper bounds (seconds) of the call-latency histogram buckets.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, n) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *n += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct Registry {
    /// (transaction, outcome) → requests answered.
    requests: BTreeMap<(Transaction, &'static str), u64>,
    /// (community, transaction, outcome) → community calls.
    calls: BTreeMap<(String, Transaction, &'static str), u64>,
    /// (community, transaction) → latency of the calls that ended (any outcome).
    latency: BTreeMap<(String, Transaction), Histogram>,
    /// SOAP faults sent, by fault kind.
    faults: BTreeMap<&'static str, u64>,
    /// Requests refused with a plain HTTP answer (no SOAP), by kind.
    http_refusals: BTreeMap<&'static str, u64>,
    /// Reloads, by outcome (`applied` / `refused`).
    reloads: BTreeMap<&'static str, u64>,
    /// Audit records that could not be stored.
    audit_failures: u64,
    audit_refused: u64,
    /// State store calls that failed, by operation.
    state_failures: BTreeMap<&'static str, u64>,
    alerts_suppressed: u64,
    /// Connections refused over a cap, by (listener, cap).
    connections_refused: BTreeMap<(&'static str, &'static str), u64>,
    /// Asynchronous exchanges of this replica, by event (accepted, delivered,
    /// failed_attempt, given_up).
    async_events: BTreeMap<&'static str, u64>,
    /// Exchanges in the store by state (pending, delivered, given-up), as last counted.
    async_states: Option<[(&'static str, i64); 3]>,
}

/// The gateway's metrics.
#[derive(Default)]
pub struct Metrics {
    registry: Mutex<Registry>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// How a request went across its communities.
fn request_outcome(called: usize, failed: usize) -> &'static str {
    match (called, failed) {
        (0, _) => "no_community",
        (_, 0) => "complete",
        (c, f) if f < c => "partial",
        _ => "failed",
    }
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        // A panic while holding the lock cannot leave counters inconsistent in a way that
        // matters; keep counting.
        let mut guard = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Count the community calls of one request, log each failure with its kind (never
    /// patient data), and count the request by how it went.
    pub fn observe_calls<C: Target, T>(
        &self,
        transaction: Transaction,
        request_id: &str,
        outcomes: &[Outcome<C, T>],
    ) {
        let mut failed = 0;
        for o in outcomes {
            if let Err(f) = &o.result {
                failed += 1;
                tracing::warn!(
                    request_id,
                    transaction = transaction.label(),
                    community = o.community.name(),
                    kind = f.kind(),
                    elapsed_ms = o.elapsed.as_millis() as u64,
                    "community failed: {f}"
                );
            }
        }
        self.with(|r| {
            for o in outcomes {
                let kind = o.result.as_ref().map_or_else(CallFailure::kind, |_| "ok");
                let name = o.community.name();
                *r.calls
                    .entry((name.to_string(), transaction, kind))
                    .or_default() += 1;
                r.latency
                    .entry((name.to_string(), transaction))
                    .or_default()
                    .observe(o.elapsed.as_secs_f64());
            }
            *r.requests
                .entry((transaction, request_outcome(outcomes.len(), failed)))
                .or_default() += 1;
        });
    }

    /// Count a SOAP fault sent instead of an answer.
    pub fn fault(&self, kind: &'static str) {
        self.with(|r| *r.faults.entry(kind).or_default() += 1);
    }

    /// Count a request refused with a plain HTTP answer (no SOAP envelope).
    pub fn http_refusal(&self, kind: &'static str) {
        self.with(|r| *r.http_refusals.entry(kind).or_default() += 1);
    }

    /// Count audit records that could not be stored.
    pub fn audit_failures(&self, records: u64) {
        self.with(|r| r.audit_failures += records);
    }

    /// An answer withheld because its audit records could not be stored.
    pub fn audit_refused(&self) {
        self.with(|r| r.audit_refused += 1);
    }

    /// Count a state store call that failed (`learn`, `lookup`, `revoke`, `purge`).
    pub fn state_failure(&self, operation: &'static str) {
        self.with(|r| *r.state_failures.entry(operation).or_default() += 1);
    }

    /// Count a Security Alert not written (over the per-second budget).
    pub fn alert_suppressed(&self) {
        self.with(|r| r.alerts_suppressed += 1);
    }

    /// Count a connection refused by `listener` (`soap`, `admin`) over the cap `kind`.
    pub fn connection_refused(&self, listener: &'static str, kind: &'static str) {
        self.with(|r| *r.connections_refused.entry((listener, kind)).or_default() += 1);
    }

    /// Count an asynchronous request accepted (kept for a later answer).
    pub fn async_accepted(&self) {
        self.async_event("accepted");
    }

    /// Count an event of an owed exchange: `polled` (communities that answer later still
    /// work), `delivered`, `failed_attempt`, `given_up`.
    pub fn async_event(&self, event: &'static str) {
        self.with(|r| *r.async_events.entry(event).or_default() += 1);
    }

    /// The exchanges of the store by state, as counted now.
    pub fn async_states(&self, pending: i64, delivered: i64, given_up: i64) {
        self.with(|r| {
            r.async_states = Some([
                ("pending", pending),
                ("delivered", delivered),
                ("given-up", given_up),
            ])
        });
    }

    /// Count a reload (`applied` or `refused`).
    pub fn reload(&self, outcome: &'static str) {
        self.with(|r| *r.reloads.entry(outcome).or_default() += 1);
    }

    /// Calls of `community` in `transaction` that ended as `outcome` (for tests and tools).
    pub fn calls(&self, community: &str, transaction: Transaction, outcome: &str) -> u64 {
        self.with(|r| {
            r.calls
                .iter()
                .filter(|((c, t, o), _)| c == community && *t == transaction && *o == outcome)
                .map(|(_, n)| *n)
                .sum()
        })
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        self.with(|r| {
            family(&mut out, "xcgate_requests_total", "counter", "Requests answered, by transaction and by how their communities did.");
            for ((t, o), n) in &r.requests {
                let t = t.label();
                let _ = writeln!(out, "xcgate_requests_total{{transaction=\"{t}\",outcome=\"{o}\"}} {n}");
            }
            family(&mut out, "xcgate_community_calls_total", "counter", "Adapter calls, by community, transaction and outcome (ok or the failure kind).");
            for ((c, t, o), n) in &r.calls {
                let t = t.label();
                let _ = writeln!(out, "xcgate_community_calls_total{{community=\"{}\",transaction=\"{t}\",outcome=\"{o}\"}} {n}", label(c));
            }
            family(&mut out, "xcgate_community_call_seconds", "histogram", "Adapter call latency, by community and transaction.");
            for ((c, t), h) in &r.latency {
                let (c, t) = (label(c), t.label());
                for (bound, n) in BUCKETS.iter().zip(h.counts) {
                    let _ = writeln!(out, "xcgate_community_call_seconds_bucket{{community=\"{c}\",transaction=\"{t}\",le=\"{bound}\"}} {n}");
                }
                let _ = writeln!(out, "xcgate_community_call_seconds_bucket{{community=\"{c}\",transaction=\"{t}\",le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(out, "xcgate_community_call_seconds_sum{{community=\"{c}\",transaction=\"{t}\"}} {}", h.sum);
                let _ = writeln!(out, "xcgate_community_call_seconds_count{{community=\"{c}\",transaction=\"{t}\"}} {}", h.count);
            }
            family(&mut out, "xcgate_soap_faults_total", "counter", "SOAP faults sent instead of an answer, by kind.");
            for (k, n) in &r.faults {
                let _ = writeln!(out, "xcgate_soap_faults_total{{kind=\"{k}\"}} {n}");
            }
            family(&mut out, "xcgate_http_refusals_total", "counter", "Requests refused with a plain HTTP answer (404, 405, 403 without a required client certificate, 400 unreadable body), by kind.");
            for (k, n) in &r.http_refusals {
                let _ = writeln!(out, "xcgate_http_refusals_total{{kind=\"{k}\"}} {n}");
            }
            family(&mut out, "xcgate_audit_failures_total", "counter", "Audit records that could not be stored in the journal.");
            let _ = writeln!(out, "xcgate_audit_failures_total {}", r.audit_failures);
            family(&mut out, "xcgate_audit_refused_total", "counter", "Answers withheld (the transaction's error sent instead) because their audit records could not be stored (audit.on_failure = \"refuse\").");
            let _ = writeln!(out, "xcgate_audit_refused_total {}", r.audit_refused);
            family(&mut out, "xcgate_audit_alerts_suppressed_total", "counter", "Security Alerts not written: over the per-second budget of the audit trail.");
            let _ = writeln!(out, "xcgate_audit_alerts_suppressed_total {}", r.alerts_suppressed);
            family(&mut out, "xcgate_state_failures_total", "counter", "State store calls that failed, by operation (learn, lookup, revoke, purge).");
            for (o, n) in &r.state_failures {
                let _ = writeln!(out, "xcgate_state_failures_total{{operation=\"{o}\"}} {n}");
            }
            family(&mut out, "xcgate_connections_refused_total", "counter", "Connections refused because a listener was at a cap, by listener (soap, admin) and cap (max_connections, max_connections_per_client).");
            for ((l, k), n) in &r.connections_refused {
                let _ = writeln!(out, "xcgate_connections_refused_total{{listener=\"{l}\",kind=\"{k}\"}} {n}");
            }
            family(&mut out, "xcgate_async_exchanges_total", "counter", "Asynchronous exchanges of this replica, by event (accepted, delivered, failed_attempt, given_up).");
            for (e, n) in &r.async_events {
                let _ = writeln!(out, "xcgate_async_exchanges_total{{event=\"{e}\"}} {n}");
            }
            if let Some(states) = &r.async_states {
                family(&mut out, "xcgate_async_exchanges", "gauge", "Asynchronous exchanges in the state store, by state (pending, delivered, given-up), as last counted by the delivery worker.");
                for (s, n) in states {
                    let _ = writeln!(out, "xcgate_async_exchanges{{state=\"{s}\"}} {n}");
                }
            }
            family(&mut out, "xcgate_reloads_total", "counter", "Config reloads, applied or refused.");
            for (o, n) in &r.reloads {
                let _ = writeln!(out, "xcgate_reloads_total{{outcome=\"{o}\"}} {n}");
            }
        });
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value escaped as the text format requires (community names come from the
/// operator's config, but a quote or backslash there must not break the exposition).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests;
