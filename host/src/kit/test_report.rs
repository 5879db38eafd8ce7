//! `xcgate plugin test`'s report: a table for a person, JSON for a CI.

use super::checks::{Verdict, mib};
use super::suite::TestReport;
use serde_json::{Value, json};
use std::fmt::Write as _;

impl TestReport {
    pub fn to_json(&self) -> Value {
        json!({
            "contract": self.contract,
            "capabilities": self.capabilities.iter().map(|c| c.interface_name()).collect::<Vec<_>>(),
            "passed": !self.failed(),
            "checks": self.checks.iter().map(super::checks::Check::to_json).collect::<Vec<_>>(),
            "cases": self.cases.iter().map(|c| json!({
                "case": c.name,
                "transaction": c.request.transaction().label(),
                "outcome": if c.failed() { "fail" } else { "pass" },
                "result": match &c.run.result {
                    Ok(answer) => answer.summary(),
                    Err(f) => format!("{}: {}", f.kind(), super::call::failure_text(f)),
                },
                "elapsed_ms": c.run.elapsed.as_secs_f64() * 1000.0,
                "budget_ms": c.run.budget.as_millis() as u64,
                "peak_memory_bytes": c.run.peak_memory,
                "checks": c.checks.iter().map(super::checks::Check::to_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }

    /// The cases (one line each; a failed one with its failed checks), then the contract
    /// table (check, outcome, why).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let names: Vec<&str> = self
            .capabilities
            .iter()
            .map(|c| c.interface_name())
            .collect();
        let _ = writeln!(
            out,
            "plugin test: contract {}, exports {}\n",
            self.contract,
            names.join(", ")
        );
        let width = self
            .cases
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(4);
        let _ = writeln!(
            out,
            "{:width$}  outcome  time       memory    result",
            "case"
        );
        for c in &self.cases {
            let result = match &c.run.result {
                Ok(answer) => answer.summary(),
                Err(f) => format!("{} ({})", f.kind(), short(&super::call::failure_text(f))),
            };
            let _ = writeln!(
                out,
                "{:width$}  {:7}  {:>7.1} ms {:>9} {}",
                c.name,
                if c.failed() { "FAIL" } else { "pass" },
                c.run.elapsed.as_secs_f64() * 1000.0,
                mib(c.run.peak_memory),
                result
            );
            for check in c.checks.iter().filter(|k| k.verdict == Verdict::Fail) {
                let _ = writeln!(out, "{:width$}    {}: {}", "", check.name, check.why);
            }
        }
        let _ = writeln!(out);
        out.push_str(&super::checks::rows(&self.checks, "", true));
        for note in &self.notes {
            let _ = writeln!(out, "\nnote: {note}");
        }
        let failed = self.cases.iter().filter(|c| c.failed()).count();
        let _ = writeln!(
            out,
            "\n{} cases, {} failed: {}",
            self.cases.len(),
            failed,
            if self.failed() {
                "the plugin FAILS the contract"
            } else {
                "the plugin keeps the contract"
            }
        );
        out
    }
}

/// One line of an error message, at most 100 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}
