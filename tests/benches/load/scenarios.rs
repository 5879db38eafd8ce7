//! The scenarios of the README's "Load benchmark": each starts its own gateway (and, for ITI-55 to one
//! community, the bare baseline), runs the client at each connection count, and prints
//! one row per run.

use crate::client::{self, Check, Plan, RunResult, bare_server};
use crate::report::{Printer, Row};
use crate::setup::{
    Community, ONE_DEMO_COMMUNITY, SOAP, gateway_config, iti39_target, iti55_check, iti55_target,
    iti55_verdict, one_match_check, start_gateway,
};
use crate::stats::{MIB, PeakRss, rss};
use std::time::Duration;
use xcgate_tests::soap_client;

/// Communities in the fan-out scenarios, and how long each takes to answer.
const FANOUT: usize = 20;
const SLEEP_MS: u64 = 50;
/// The request deadline of the hung-community scenario: short, so that a few seconds give
/// enough answers for a p99, and well past the 50 ms the other communities need.
const HUNG_DEADLINE_MS: u64 = 200;
const DOCUMENT_SIZE: u64 = 20 << 20;

pub struct Bench {
    pub printer: Printer,
    pub warmup: Duration,
    pub measure: Duration,
}

fn sleeper() -> Community {
    Community::new(
        format!("behaviour = \"sleep\", sleep_ms = \"{SLEEP_MS}\""),
        "timeout = \"2s\"",
    )
}

/// The first failure's cause, for the notes column.
fn failure_note(r: &RunResult) -> String {
    match &r.first_failure {
        Some(why) => format!(
            "; first failure: {}",
            why.chars().take(160).collect::<String>()
        ),
        None => String::new(),
    }
}

impl Bench {
    pub(crate) fn plan(&self, connections: usize) -> Plan {
        Plan {
            connections,
            warmup: self.warmup,
            measure: self.measure,
        }
    }

    /// (1) ITI-55 to one demo community, xcgate against the bare server returning the same
    /// bytes, alternating so that both see the same machine.
    pub async fn one_community(&self) -> anyhow::Result<()> {
        let gw = start_gateway(ONE_DEMO_COMMUNITY).await?;
        let xcgate = iti55_target(&gw);
        // Capture one xcgate answer: the baseline serves exactly these bytes.
        let first = soap_client::post(&gw.initiating_url(), SOAP, xcgate.body.clone()).await;
        let verdict = iti55_verdict(&first.raw, 1, 0);
        if first.status != 200 || verdict.is_err() {
            anyhow::bail!(
                "the demo community does not answer one match (HTTP {}, {verdict:?}): {}",
                first.status,
                first.body
            );
        }
        let bare = bare_server(first.content_type.clone(), first.raw.clone()).await?;
        let baseline = client::Target {
            addr: bare.addr,
            ..xcgate.clone()
        };
        let check = one_match_check();
        for conns in [1, 16, 64] {
            let b = client::run(&baseline, &check, self.plan(conns)).await;
            let x = client::run(&xcgate, &check, self.plan(conns)).await;
            let mut row = Row::new("iti55-1-community", "xcgate", conns, &x);
            let ratio = x.req_per_s() / b.req_per_s().max(f64::MIN_POSITIVE);
            row.ratio_vs_bare = Some(ratio);
            row.note = format!("answer {} B{}", first.raw.len(), failure_note(&x));
            if conns == 64 {
                row.target = "≥5000 req/s, p99 ≤5 ms, ≥25 % of bare";
                row.met = Some(
                    row.req_per_s >= 5000.0 && row.p99_ms <= 5.0 && ratio >= 0.25 && x.failed == 0,
                );
            }
            self.printer
                .row(&Row::new("iti55-1-community", "bare", conns, &b));
            self.printer.row(&row);
        }
        gw.running.stop().await;
        Ok(())
    }

    /// Where the CPU goes: the gateway with the smallest possible adapter (the misbehaving
    /// guest's `echo`), alone and fanned out to 20 copies, so that the CPU per answer
    /// splits into a per-request and a per-community-call part. No target.
    pub async fn echo_split(&self) -> anyhow::Result<()> {
        let echo = Community::new("behaviour = \"echo\"", "timeout = \"2s\"");
        for (label, n) in [("iti55-1-echo", 1), ("iti55-fanout-20-echo", FANOUT)] {
            let gw = start_gateway(&gateway_config("", &vec![echo.clone(); n])).await?;
            let r = client::run(&iti55_target(&gw), &iti55_check(n, 0), self.plan(16)).await;
            let mut row = Row::new(label, "xcgate", 16, &r);
            row.note = format!("diagnostic{}", failure_note(&r));
            self.printer.row(&row);
            gw.running.stop().await;
        }
        Ok(())
    }

    /// (2) ITI-55 fanned out to 20 communities that each answer after 50 ms.
    pub async fn fan_out(&self) -> anyhow::Result<()> {
        let gw = start_gateway(&gateway_config(
            "deadline = \"5s\"",
            &vec![sleeper(); FANOUT],
        ))
        .await?;
        let (target, check) = (iti55_target(&gw), iti55_check(FANOUT, 0));
        for conns in [1, 16, 64] {
            let r = client::run(&target, &check, self.plan(conns)).await;
            let mut row = Row::new("iti55-fanout-20x50ms", "xcgate", conns, &r);
            row.note = format!("{} answers, all with 20 results{}", r.ok, failure_note(&r));
            row.target = "p99 ≤60 ms";
            row.met = Some(r.failed == 0 && r.ok > 0 && row.p99_ms <= 60.0);
            self.printer.row(&row);
        }
        gw.running.stop().await;
        Ok(())
    }

    /// (3) The same fan-out with one community that never answers: the answer must leave
    /// at the request deadline with the other 19 results and the hung one named. Its
    /// circuit breaker is off, or after 5 timeouts it would be skipped and the deadline
    /// path no longer measured; a last row shows the default breaker doing that.
    pub async fn hung_community(&self) -> anyhow::Result<()> {
        let hung = |table| Community::new("behaviour = \"sleep\", sleep_ms = \"600000\"", table);
        // Its own timeout is far away: the request deadline is what must cut it off.
        let without_breaker = hung("timeout = \"60s\"\ncircuit_breaker = { failures = 0 }");
        let with_breaker = hung("timeout = \"60s\"");
        let d = HUNG_DEADLINE_MS as f64;
        let runs = [
            (without_breaker, [1, 16, 64].as_slice()),
            (with_breaker, &[16]),
        ];
        for (hung, connections) in runs {
            let mut communities = vec![sleeper(); FANOUT - 1];
            communities.push(hung.clone());
            let deadline = format!("deadline = \"{HUNG_DEADLINE_MS}ms\"");
            let gw = start_gateway(&gateway_config(&deadline, &communities)).await?;
            let (target, check) = (iti55_target(&gw), iti55_check(FANOUT - 1, 1));
            let breaker = !hung.table.contains("failures = 0");
            for &conns in connections {
                let r = client::run(&target, &check, self.plan(conns)).await;
                let label = if breaker {
                    "iti55-1-hung-breaker"
                } else {
                    "iti55-fanout-1-hung"
                };
                let mut row = Row::new(label, "xcgate", conns, &r);
                row.deadline_ms = Some(d);
                row.note = format!(
                    "deadline {d:.0} ms: answers at {:+.1} (min) {:+.1} (p99) {:+.1} (max) ms, 19 results + the hung one named{}",
                    row.min_ms - d,
                    row.p99_ms - d,
                    row.max_ms - d,
                    failure_note(&r)
                );
                if breaker {
                    row.note = format!("default circuit breaker skips the hung one; {}", row.note);
                } else {
                    row.target = "answer at deadline +≤20 ms";
                    row.met = Some(r.failed == 0 && r.ok > 0 && row.max_ms <= d + 20.0);
                }
                self.printer.row(&row);
            }
            gw.running.stop().await;
        }
        Ok(())
    }

    /// (4) ITI-39 of a 20 MiB document, MTOM in and MTOM out: throughput and the process's
    /// peak RSS during each run against its RSS before the scenario's first request.
    pub async fn big_retrieve(&self) -> anyhow::Result<()> {
        let big = Community::new(
            // A memset in the guest rather than its default computed pattern: a real
            // adapter copies bytes it was sent, it does not compute them one by one.
            format!("document_size = \"{DOCUMENT_SIZE}\", document_fill = \"120\""),
            // Room for the document in the guest and its copy out of it.
            "timeout = \"30s\"\nmemory_limit = \"128MiB\"",
        );
        let gateway = "deadline = \"60s\"\nmax_body = \"32MiB\"";
        let gw = start_gateway(&gateway_config(gateway, &[big])).await?;
        let target = iti39_target(&gw)?;
        let check = Check::Streamed {
            at_least: DOCUMENT_SIZE,
        };
        let size_mib = DOCUMENT_SIZE as f64 / MIB;
        let baseline = rss();
        for conns in [1, 4] {
            let peak = PeakRss::start();
            let r = client::run(&target, &check, self.plan(conns)).await;
            let peak = peak.finish();
            let mut row = Row::new("iti39-20MiB-mtom", "xcgate", conns, &r);
            let mib_s = r.ok as f64 * size_mib / r.window.as_secs_f64();
            let growth = peak.saturating_sub(baseline) as f64 / MIB;
            // Per document in flight: 4 connections may hold 4 documents at once.
            let per_document = growth / conns as f64;
            row.mib_per_s = Some(mib_s);
            row.peak_rss_mib = Some(peak as f64 / MIB);
            row.rss_growth_mib = Some(growth);
            row.note = format!(
                "{mib_s:.0} MiB/s; peak RSS {:.0} MiB = {:.0} MiB before + {growth:.0} MiB ({:.1}× the document per connection){}",
                peak as f64 / MIB,
                baseline as f64 / MIB,
                per_document / size_mib,
                failure_note(&r)
            );
            row.target = "≥200 MiB/s, peak RSS ≤4× document";
            row.met = Some(r.failed == 0 && mib_s >= 200.0 && per_document <= 4.0 * size_mib);
            self.printer.row(&row);
        }
        gw.running.stop().await;
        Ok(())
    }
}
