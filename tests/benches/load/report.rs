//! One row per (scenario, server, connections): printed as a table for people or as one JSON
//! object per line for machines (`--json`).

use crate::client::RunResult;
use serde_json::json;

#[derive(Debug, Default)]
pub struct Row {
    pub scenario: &'static str,
    pub server: &'static str,
    pub connections: usize,
    pub ok: u64,
    pub failed: u64,
    pub window_s: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// Process CPU time (client + servers + gateway, all in this process) per answer.
    pub cpu_us_per_req: f64,
    /// The kernel's share of that CPU time.
    pub sys_share: f64,
    /// Minor page faults per answer (fresh sandbox memory shows up here).
    pub faults_per_req: f64,
    pub ratio_vs_bare: Option<f64>,
    pub mib_per_s: Option<f64>,
    pub peak_rss_mib: Option<f64>,
    pub rss_growth_mib: Option<f64>,
    pub deadline_ms: Option<f64>,
    pub note: String,
    /// The target (README, "Load benchmark") that applies to this row, if any.
    pub target: &'static str,
    pub met: Option<bool>,
}

impl Row {
    pub fn new(scenario: &'static str, server: &'static str, conns: usize, r: &RunResult) -> Row {
        let (l, u) = (&r.latencies, &r.usage);
        let per = r.ok.max(1) as f64;
        Row {
            scenario,
            server,
            connections: conns,
            ok: r.ok,
            failed: r.failed,
            window_s: r.window.as_secs_f64(),
            req_per_s: r.req_per_s(),
            p50_ms: l.ms(0.50),
            p99_ms: l.ms(0.99),
            min_ms: l.min_ms(),
            max_ms: l.max_ms(),
            cpu_us_per_req: u.cpu().as_secs_f64() * 1e6 / per,
            sys_share: u.system.as_secs_f64() / u.cpu().as_secs_f64().max(1e-9),
            faults_per_req: u.minor_faults as f64 / per,
            ..Row::default()
        }
    }
}

pub struct Printer {
    pub json: bool,
}

const HEADER: &str = "scenario                 server  conns     req/s   p50 ms   p99 ms  cpu µs/req  sys  faults/req  xcgate/bare  failed  notes";

impl Printer {
    pub fn header(&self, preamble: &str) {
        if !self.json {
            println!("{preamble}\n");
            println!("{HEADER}");
            println!("{}", "-".repeat(HEADER.chars().count() + 40));
        }
    }

    pub fn row(&self, r: &Row) {
        if self.json {
            let v = json!({
                "scenario": r.scenario,
                "server": r.server,
                "connections": r.connections,
                "requests": r.ok,
                "failed": r.failed,
                "window_s": r.window_s,
                "req_per_s": round(r.req_per_s, 1),
                "p50_ms": round(r.p50_ms, 3),
                "p99_ms": round(r.p99_ms, 3),
                "min_ms": round(r.min_ms, 3),
                "max_ms": round(r.max_ms, 3),
                "cpu_us_per_req": round(r.cpu_us_per_req, 1),
                "cpu_sys_share": round(r.sys_share, 3),
                "minor_faults_per_req": round(r.faults_per_req, 1),
                "ratio_vs_bare": r.ratio_vs_bare.map(|v| round(v, 3)),
                "mib_per_s": r.mib_per_s.map(|v| round(v, 1)),
                "peak_rss_mib": r.peak_rss_mib.map(|v| round(v, 1)),
                "rss_growth_mib": r.rss_growth_mib.map(|v| round(v, 1)),
                "deadline_ms": r.deadline_ms,
                "target": (!r.target.is_empty()).then_some(r.target),
                "met": r.met,
                "note": r.note,
            });
            println!("{v}");
            return;
        }
        let ratio = r
            .ratio_vs_bare
            .map_or_else(|| "-".to_string(), |v| format!("{:.1} %", v * 100.0));
        let mut notes = r.note.clone();
        if !r.target.is_empty() {
            let verdict = match r.met {
                Some(true) => "MET",
                Some(false) => "NOT MET",
                None => "n/a",
            };
            notes = format!("{notes}  [target {}: {verdict}]", r.target);
        }
        println!(
            "{:<24} {:<6} {:>6} {:>9.0} {:>8.3} {:>8.3} {:>11.0} {:>3.0}% {:>11.0} {:>12} {:>7}  {}",
            r.scenario,
            r.server,
            r.connections,
            r.req_per_s,
            r.p50_ms,
            r.p99_ms,
            r.cpu_us_per_req,
            r.sys_share * 100.0,
            r.faults_per_req,
            ratio,
            r.failed,
            notes.trim()
        );
    }

    /// Progress for people, on stderr so that `--json` output stays one object per line.
    pub fn progress(&self, msg: &str) {
        eprintln!("load: {msg}");
    }
}

fn round(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}
