//! What the suite's runs are: one case with its answer and checks, and the pairs of cases
//! the cross-case verdicts compare. Shared by the suite and the verdicts on it.

use super::call::CallRun;
use super::checks::{Check, Verdict};
use super::request::KitRequest;
use xcgate_ihe::xcpd::Ii;

/// One case, run and checked.
pub struct CaseRun {
    pub name: String,
    pub request: KitRequest,
    pub run: CallRun,
    pub checks: Vec<Check>,
    pub message: String,
}

impl CaseRun {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.verdict == Verdict::Fail)
    }
}

/// Two runs of the same request.
pub struct Pair {
    pub first: usize,
    pub second: usize,
}

/// A base ITI-55 query that found `patient`, asked again with the other gender.
pub struct GenderFlip {
    pub base: usize,
    pub flipped: usize,
    pub patient: Ii,
}
