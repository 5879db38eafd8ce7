//! `xcgate plugin call`: one call, reported for a person (text) or a program (`--json`).

use super::call::{CallRun, call_once, failure_json, failure_text};
use super::checks::{self, Check, Verdict, mib};
use super::message;
use super::request::KitRequest;
use super::subject::Subject;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::Duration;

/// Everything `plugin call` reports of one call.
pub struct CallReport {
    pub transaction: &'static str,
    pub contract: &'static str,
    pub request: Value,
    pub run: CallRun,
    pub checks: Vec<Check>,
    /// The answer payload the gateway would send (aggregated as if this plugin were the
    /// only community asked).
    pub message: String,
    pub memory_limit: u64,
}

impl CallReport {
    pub async fn run(subject: &Subject, request: &KitRequest, budget: Duration) -> CallReport {
        let mut checks = vec![checks::of_settings(subject).await];
        let run = call_once(subject, request, budget).await;
        checks.extend(checks::of_call(&run, subject.config.memory_limit.0));
        let message = message::wire_answer(subject, request, &run);
        checks.push(match message::read_back(request, &message) {
            Ok(()) => Check::new(
                "message",
                Verdict::Pass,
                format!(
                    "the aggregated {} answer reads back",
                    request.transaction().label()
                ),
            ),
            Err(e) => Check::new(
                "message",
                Verdict::Fail,
                format!("the aggregated answer does not read back: {e}"),
            ),
        });
        CallReport {
            transaction: request.transaction().label(),
            contract: subject.plugin.contract_version(),
            request: request.to_json(),
            run,
            checks,
            message,
            memory_limit: subject.config.memory_limit.0,
        }
    }

    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.verdict == Verdict::Fail)
    }

    pub fn to_json(&self, with_message: bool) -> Value {
        json!({
            "transaction": self.transaction,
            "contract": self.contract,
            "request": self.request,
            "answer": self.run.result.as_ref().ok().map(super::call::Answer::to_json),
            "error": self.run.result.as_ref().err().map(failure_json),
            "checks": self.checks.iter().map(Check::to_json).collect::<Vec<_>>(),
            "elapsed_ms": self.run.elapsed.as_secs_f64() * 1000.0,
            "budget_ms": self.run.budget.as_millis() as u64,
            "peak_memory_bytes": self.run.peak_memory,
            "memory_limit_bytes": self.memory_limit,
            "message": with_message.then_some(&self.message),
        })
    }

    pub fn to_text(&self, with_message: bool) -> String {
        let mut out = String::new();
        let pretty = |v: &Value| {
            serde_json::to_string_pretty(&compact(v.clone()))
                .unwrap_or_default()
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
        };
        let _ = writeln!(
            out,
            "{} call (contract {})\n\nrequest, as passed to the plugin:\n{}",
            self.transaction,
            self.contract,
            pretty(&self.request)
        );
        match &self.run.result {
            Ok(answer) => {
                let _ = writeln!(
                    out,
                    "answer ({}):\n{}",
                    answer.summary(),
                    pretty(&answer.to_json())
                );
            }
            Err(f) => {
                let _ = writeln!(out, "error ({}): {}\n", f.kind(), failure_text(f));
            }
        }
        let _ = writeln!(out, "checks:");
        out.push_str(&checks::rows(&self.checks, "  ", false));
        let _ = writeln!(
            out,
            "\ntime    {:.1} ms (budget {} ms)\nmemory  peak {} (limit {})",
            self.run.elapsed.as_secs_f64() * 1000.0,
            self.run.budget.as_millis(),
            mib(self.run.peak_memory),
            mib(self.memory_limit)
        );
        if with_message {
            let _ = writeln!(
                out,
                "\nthe answer as the gateway would send it:\n{}",
                self.message
            );
        }
        out
    }
}

/// For a person: without the nulls and empty lists the typed records are full of.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, compact(v)))
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}
