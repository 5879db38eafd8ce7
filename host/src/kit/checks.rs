//! The contract checks of one call [wit/README.md, "What a plugin promises"]: each names
//! what held or what broke, for a partner to act on.

use super::call::CallRun;
use crate::call::CallFailure;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Not applicable to this call (e.g. no answer to check after a crash).
    Skip,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
        }
    }
}

/// One check: its name, its verdict and why.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub verdict: Verdict,
    pub why: String,
}

impl Check {
    pub fn new(name: impl Into<String>, verdict: Verdict, why: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            verdict,
            why: why.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({ "check": self.name, "outcome": self.verdict.as_str().to_ascii_lowercase(), "why": self.why })
    }
}

/// The checks as aligned rows `name  outcome  why`, each after `indent`; with `header`, a
/// `check  outcome  why` line first.
pub fn rows(checks: &[Check], indent: &str, header: bool) -> String {
    let names = checks.iter().map(|c| c.name.len());
    let width = names
        .chain(header.then_some("check".len()))
        .max()
        .unwrap_or(0);
    let outcome = if header { "outcome".len() } else { 4 };
    let mut out = String::new();
    if header {
        out.push_str(&format!("{indent}{:width$}  outcome  why\n", "check"));
    }
    for c in checks {
        out.push_str(&format!(
            "{indent}{:width$}  {:outcome$}  {}\n",
            c.name,
            c.verdict.as_str(),
            c.why
        ));
    }
    out
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

/// The checks every call gets: no trap, the deadline, the memory limit, the host's answer
/// checks, and an error that is an `adapter-error` rather than a crash.
pub fn of_call(run: &CallRun, memory_limit: u64) -> Vec<Check> {
    let mut checks = Vec::new();
    let failure = run.result.as_ref().err();
    checks.push(match failure {
        Some(f @ (CallFailure::Trap(_) | CallFailure::Panic(_) | CallFailure::Internal)) => {
            Check::new("no trap", Verdict::Fail, super::call::failure_text(f))
        }
        Some(f @ CallFailure::Instantiate(_)) => Check::new(
            "no trap",
            Verdict::Fail,
            format!("{f} (its start-up code failed before the call)"),
        ),
        _ => Check::new("no trap", Verdict::Pass, "the call returned"),
    });
    let ms = |d: std::time::Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    checks.push(match failure {
        Some(CallFailure::Timeout(_)) => Check::new(
            "deadline",
            Verdict::Fail,
            format!(
                "no answer within the {} the call was given: the plugin must watch deadline-unix-ms and answer (or fail as unavailable) before it",
                ms(run.budget)
            ),
        ),
        _ => Check::new(
            "deadline",
            Verdict::Pass,
            format!("answered in {} of {}", ms(run.elapsed), ms(run.budget)),
        ),
    });
    checks.push(match failure {
        Some(f @ (CallFailure::MemoryLimit(_) | CallFailure::TableLimit { .. })) => {
            Check::new("memory", Verdict::Fail, f.to_string())
        }
        _ => Check::new(
            "memory",
            Verdict::Pass,
            format!("peak {} of {}", mib(run.peak_memory), mib(memory_limit)),
        ),
    });
    checks.push(match &run.result {
        Ok(answer) => Check::new(
            "answer",
            Verdict::Pass,
            format!("the host's answer checks hold for {}", answer.summary()),
        ),
        Err(f @ (CallFailure::InvalidAnswer(_) | CallFailure::AnswerTooLarge(_))) => {
            Check::new("answer", Verdict::Fail, f.to_string())
        }
        Err(CallFailure::Adapter(e)) => Check::new(
            "answer",
            Verdict::Pass,
            format!("an adapter-error, reported to the initiator: {e}"),
        ),
        Err(_) => Check::new("answer", Verdict::Skip, "no answer to check"),
    });
    checks
}

/// The plugin's own check of its settings (`settings-check`), as `check-config` runs it.
pub async fn of_settings(subject: &super::subject::Subject) -> Check {
    match subject.plugin.check_settings(subject.plugin.timeout).await {
        None => Check::new(
            "settings",
            Verdict::Skip,
            "the plugin exports no settings-check",
        ),
        Some(Ok(problems)) if problems.is_empty() => Check::new(
            "settings",
            Verdict::Pass,
            "the plugin's settings-check finds nothing wrong",
        ),
        Some(Ok(problems)) => Check::new(
            "settings",
            Verdict::Fail,
            problems
                .iter()
                .map(|p| format!("settings.{}: {}", p.key, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Some(Err(f)) => Check::new(
            "settings",
            Verdict::Fail,
            format!(
                "the settings-check itself failed: {}",
                super::call::failure_text(&f)
            ),
        ),
    }
}
