//! The contract judged over all of a `plugin test` run's calls: each per-call check
//! summed up, the answers' schema validity and the same answer to the same query (the
//! query parameters used are judged in `parameters`).

use super::call::Answer;
use super::cases::{Case, xcpd};
use super::checks::{Check, Verdict};
use super::request::KitRequest;
use super::runs::{CaseRun, Pair};
use super::schema::Schemas;
use xcgate_ihe::xcpd::{Ii, PatientMatch};

/// The flipped case to run for a base query that found someone.
pub struct FlipCase {
    pub case: Case,
    pub patient: Ii,
}

/// The base query with the gender opposite to the first match's (or the query's).
pub fn gender_flip(request: &KitRequest, matches: &[PatientMatch]) -> Option<FlipCase> {
    let KitRequest::Iti55(base) = request else {
        return None;
    };
    let first = matches.first()?;
    let known = first.gender.as_deref().or(base.query.gender.as_deref())?;
    let asked = xcpd::opposite_gender(known);
    Some(FlipCase {
        case: Case::new(
            format!("ITI-55 a query that found a patient, with gender {asked}"),
            xcpd::varied(base, |q| q.gender = Some(asked.into())),
        ),
        patient: first.patient_id.clone(),
    })
}

/// Validate every run's aggregated answer; a "schema" check on each.
pub fn add_schema_checks(runs: &mut [CaseRun], schemas: &Schemas) {
    if let Schemas::Unavailable(why) = schemas {
        for run in runs {
            run.checks
                .push(Check::new("schema", Verdict::Skip, why.clone()));
        }
        return;
    }
    let messages: Vec<_> = runs
        .iter()
        .map(|r| (r.request.transaction(), r.message.as_str()))
        .collect();
    let results = schemas.validate(&messages);
    for (run, result) in runs.iter_mut().zip(results) {
        run.checks.push(match result {
            Ok(why) => Check::new("schema", Verdict::Pass, why),
            Err(why) => Check::new("schema", Verdict::Fail, why),
        });
    }
}

/// The per-call checks, one row each over all runs: the first failure names its case.
pub fn summarise(runs: &[CaseRun]) -> Vec<Check> {
    let names = [
        "no trap", "answer", "message", "schema", "deadline", "memory",
    ];
    names
        .iter()
        .map(|&name| {
            let of_name: Vec<(&CaseRun, &Check)> = runs
                .iter()
                .flat_map(|r| {
                    r.checks
                        .iter()
                        .filter(|c| c.name == name)
                        .map(move |c| (r, c))
                })
                .collect();
            let failed: Vec<_> = of_name
                .iter()
                .filter(|(_, c)| c.verdict == Verdict::Fail)
                .collect();
            let passed = of_name
                .iter()
                .filter(|(_, c)| c.verdict == Verdict::Pass)
                .count();
            if let Some((run, check)) = failed.first() {
                let more = match failed.len() {
                    1 => String::new(),
                    n => format!(" (and {} more cases)", n - 1),
                };
                return Check::new(
                    name,
                    Verdict::Fail,
                    format!("{}: {}{more}", run.name, check.why),
                );
            }
            if passed == 0 {
                let why = of_name
                    .first()
                    .map_or_else(|| "no calls".to_string(), |(_, c)| c.why.clone());
                return Check::new(name, Verdict::Skip, why);
            }
            Check::new(name, Verdict::Pass, pass_text(name, passed, runs))
        })
        .collect()
}

fn pass_text(name: &str, passed: usize, runs: &[CaseRun]) -> String {
    match name {
        "no trap" => {
            let errors = runs
                .iter()
                .filter(|r| matches!(r.run.result, Err(crate::call::CallFailure::Adapter(_))))
                .count();
            format!("{passed} calls returned; {errors} with an adapter-error, none trapped")
        }
        "answer" => format!("the host's answer checks hold in {passed} calls"),
        "message" => format!("{passed} aggregated answers read back"),
        "schema" => format!("{passed} aggregated answers are schema-valid (xmllint)"),
        "deadline" => {
            let slowest = runs.iter().map(|r| r.run.elapsed).max().unwrap_or_default();
            format!(
                "{passed} calls answered in time, the slowest in {:.1} ms",
                slowest.as_secs_f64() * 1000.0
            )
        }
        _ => {
            let peak = runs.iter().map(|r| r.run.peak_memory).max().unwrap_or(0);
            format!(
                "{passed} calls within the limit, peak {}",
                super::checks::mib(peak)
            )
        }
    }
}

/// The same request twice: the same answer (or the same kind of error).
pub fn same_answer_twice(runs: &[CaseRun], pairs: &[Pair]) -> Check {
    let mut compared = 0;
    for pair in pairs {
        let (a, b) = (&runs[pair.first], &runs[pair.second]);
        let same = match (&a.run.result, &b.run.result) {
            (Ok(x), Ok(y)) => first_difference(&x.to_json(), &y.to_json(), "answer"),
            (Err(x), Err(y)) if x.kind() == y.kind() => None,
            (x, y) => Some(format!(
                "first {}, then {}",
                outcome_kind(x),
                outcome_kind(y)
            )),
        };
        compared += 1;
        if let Some(difference) = same {
            return Check::new(
                "same answer twice",
                Verdict::Fail,
                format!(
                    "{}: the answers differ at {difference}; a registry's answer must not depend on the call before",
                    a.name
                ),
            );
        }
    }
    if compared == 0 {
        return Check::new("same answer twice", Verdict::Skip, "no query to repeat");
    }
    Check::new(
        "same answer twice",
        Verdict::Pass,
        format!("{compared} queries asked twice, answered the same"),
    )
}

fn outcome_kind(r: &Result<Answer, crate::call::CallFailure>) -> String {
    match r {
        Ok(a) => format!("an answer ({})", a.summary()),
        Err(f) => format!("an error ({})", f.kind()),
    }
}

/// The JSON path of the first difference (without the values: they may be patient data).
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .find_map(|(k, v)| match y.get(k) {
                Some(w) => first_difference(v, w, &format!("{path}.{k}")),
                None => Some(format!("{path}.{k}")),
            })
            .or_else(|| (x.len() != y.len()).then(|| path.to_string())),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]"))),
        (x, y) => (x != y).then(|| path.to_string()),
    }
}
