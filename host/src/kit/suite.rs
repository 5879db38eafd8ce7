//! `xcgate plugin test`: drive a plugin through every capability it exports, with the
//! partner's requests, the corpus's samples and derived edge cases, in the order a real
//! exchange runs (ITI-55 finds the patient ITI-56 and ITI-38 ask about; ITI-39 retrieves
//! the documents ITI-38 listed), then judge the contract over all the calls.

use super::call::{Answer, call_once};
use super::cases::{self, Case, NEAR_DEADLINE, xca, xcpd};
use super::checks::{self, Check, Verdict};
use super::message;
use super::request::KitRequest;
use super::runs::{CaseRun, GenderFlip, Pair};
use super::schema::Schemas;
use super::subject::Subject;
use super::verdicts;
use crate::plugin::Capability;
use std::path::PathBuf;
use xcgate_ihe::retrieve::DocumentRequest;
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xcpd::Ii;

/// What to drive the plugin with.
pub struct Inputs {
    /// The partner's requests (`--request`), already read.
    pub requests: Vec<Case>,
    /// The conformance corpus (samples and schemas), when there is one.
    pub corpus: Option<PathBuf>,
}

/// Everything `plugin test` found.
pub struct TestReport {
    pub contract: &'static str,
    pub capabilities: Vec<Capability>,
    pub cases: Vec<CaseRun>,
    /// One row per contract check, over all cases.
    pub checks: Vec<Check>,
    /// What the kit left out, and why.
    pub notes: Vec<String>,
}

impl TestReport {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.verdict == Verdict::Fail)
    }
}

struct Runner<'a> {
    subject: &'a Subject,
    runs: Vec<CaseRun>,
    twice: Vec<Pair>,
    flips: Vec<GenderFlip>,
}

impl Runner<'_> {
    async fn exec(&mut self, case: Case) -> usize {
        let budget = case.budget.unwrap_or(self.subject.config.timeout.0);
        let run = call_once(self.subject, &case.request, budget).await;
        let mut checks = checks::of_call(&run, self.subject.config.memory_limit.0);
        let message = message::wire_answer(self.subject, &case.request, &run);
        checks.push(match message::read_back(&case.request, &message) {
            Ok(()) => Check::new("message", Verdict::Pass, "the aggregated answer reads back"),
            Err(e) => Check::new(
                "message",
                Verdict::Fail,
                format!("the aggregated answer does not read back: {e}"),
            ),
        });
        self.runs.push(CaseRun {
            name: case.name,
            request: case.request,
            run,
            checks,
            message,
        });
        self.runs.len() - 1
    }

    /// Run `base` again (the same answer is expected) and with a deadline already near.
    async fn again_and_hurried(&mut self, base: usize) {
        let case = Case::new(
            format!("{} (the same query again)", self.runs[base].name),
            self.runs[base].request.clone(),
        );
        let again = self.exec(case).await;
        self.twice.push(Pair {
            first: base,
            second: again,
        });
        let hurried = Case::new(
            format!(
                "{} (deadline {} ms away)",
                self.runs[base].name,
                NEAR_DEADLINE.as_millis()
            ),
            self.runs[base].request.clone(),
        )
        .with_budget(NEAR_DEADLINE);
        self.exec(hurried).await;
    }

    async fn exec_all(&mut self, cases: Vec<Case>) -> Vec<usize> {
        let mut ids = Vec::new();
        for case in cases {
            ids.push(self.exec(case).await);
        }
        ids
    }

    fn answer(&self, id: usize) -> Option<&Answer> {
        self.runs[id].run.result.as_ref().ok()
    }
}

fn of(cases: &[Case], t: Transaction) -> Vec<Case> {
    cases
        .iter()
        .filter(|c| c.request.transaction() == t)
        .cloned()
        .collect()
}

/// Run the suite.
pub async fn run(subject: &Subject, inputs: Inputs) -> TestReport {
    let mut notes = Vec::new();
    let settings = checks::of_settings(subject).await;
    let corpus = match &inputs.corpus {
        Some(dir) => cases::from_corpus(dir, &mut notes),
        None => {
            notes.push("no corpus samples: give --corpus DIR or set XCGATE_CONFORMANCE_DIR".into());
            Vec::new()
        }
    };
    let capabilities = subject.capabilities();
    for case in &inputs.requests {
        if !subject.plugin.supports(case.request.capability()) {
            notes.push(format!(
                "{}: left out, the plugin does not export {}",
                case.name,
                case.request.capability().interface_name()
            ));
        }
    }
    let home = subject.plugin.home_community_id.clone();
    let mut r = Runner {
        subject,
        runs: Vec::new(),
        twice: Vec::new(),
        flips: Vec::new(),
    };
    let bases = |t: Transaction| {
        let mine = of(&inputs.requests, t);
        if mine.is_empty() {
            cases::builtin(t).into_iter().collect()
        } else {
            mine
        }
    };

    // ITI-55: the patients the later transactions ask about.
    let mut patients: Vec<Ii> = Vec::new();
    if subject.plugin.supports(Capability::PatientDiscovery) {
        let base_ids = r.exec_all(bases(Transaction::Iti55)).await;
        r.exec_all(of(&corpus, Transaction::Iti55)).await;
        for &id in &base_ids {
            if let Some(Answer::Matches(m)) = r.answer(id) {
                patients.extend(m.iter().map(|m| m.patient_id.clone()));
                if let Some(flip) = verdicts::gender_flip(&r.runs[id].request, m) {
                    let flipped = r.exec(flip.case).await;
                    r.flips.push(GenderFlip {
                        base: id,
                        flipped,
                        patient: flip.patient,
                    });
                }
            }
        }
        if let Some(&first) = base_ids.first()
            && let KitRequest::Iti55(base) = r.runs[first].request.clone()
        {
            r.again_and_hurried(first).await;
            r.exec_all(xcpd::parameter_kinds(&base)).await;
            r.exec_all(xcpd::absurd_values(&base)).await;
        }
    }
    patients.dedup();

    // ITI-56: where the patient's records are.
    if subject.plugin.supports(Capability::PatientLocation) {
        let mut mine = of(&inputs.requests, Transaction::Iti56);
        mine.extend(patients.iter().take(3).map(|p| {
            Case::new(
                "ITI-56 a patient ITI-55 found",
                KitRequest::Iti56(p.clone()),
            )
        }));
        let mut ids = r.exec_all(mine).await;
        ids.extend(r.exec_all(of(&corpus, Transaction::Iti56)).await);
        r.exec(Case::new(
            "ITI-56 a patient no registry holds",
            KitRequest::Iti56(Ii::new("2.999.999.404", Some("KIT-NO-SUCH-PATIENT"))),
        ))
        .await;
        if let Some(&first) = ids.first() {
            r.again_and_hurried(first).await;
        }
    }

    // ITI-38: the patients' documents.
    let mut listed: Vec<DocumentRequest> = Vec::new();
    let mut entry_uuid = None;
    if subject.plugin.supports(Capability::DocumentQuery) {
        let mut base_cases = of(&inputs.requests, Transaction::Iti38);
        if base_cases.is_empty() {
            base_cases = patients
                .iter()
                .take(3)
                .map(|p| {
                    Case::new(
                        "ITI-38 FindDocuments for a patient ITI-55 found",
                        KitRequest::Iti38(Box::new(xca::find_documents(&p.cx()))),
                    )
                })
                .collect();
        }
        if base_cases.is_empty() {
            base_cases = bases(Transaction::Iti38);
        }
        let mut ids = r.exec_all(base_cases).await;
        ids.extend(r.exec_all(of(&corpus, Transaction::Iti38)).await);
        for &id in &ids {
            if let Some(Answer::Found(found)) = r.answer(id) {
                for l in xca::listed(found, &home) {
                    entry_uuid = entry_uuid.or(l.entry_uuid);
                    if let Some(d) = l.request
                        && !listed.contains(&d)
                        && listed.len() < 100
                    {
                        listed.push(d);
                    }
                }
            }
        }
        let find_documents = ids.iter().copied().find(|&id| {
            matches!(&r.runs[id].request, KitRequest::Iti38(q)
                if q.stored_query() == Some(xcgate_ihe::ebrs::StoredQuery::FindDocuments))
        });
        if let Some(base_id) = find_documents
            && let KitRequest::Iti38(base) = r.runs[base_id].request.clone()
        {
            let cx = base
                .patient_id_slot()
                .and_then(|s| s.values.first())
                .map(|v| v.trim().trim_matches('\'').to_string());
            r.again_and_hurried(base_id).await;
            r.exec_all(xca::parameter_kinds(&base)).await;
            r.exec_all(xca::stored_queries(
                cx.as_deref(),
                entry_uuid.as_deref(),
                &home,
            ))
            .await;
            r.exec_all(xca::absurd_values(&base)).await;
        } else if let Some(&first) = ids.first() {
            r.again_and_hurried(first).await;
        }
    }

    // ITI-39: the documents ITI-38 listed.
    if subject.plugin.supports(Capability::DocumentRetrieve) {
        let mut base_cases = of(&inputs.requests, Transaction::Iti39);
        if let Some(first) = listed.first() {
            base_cases.push(Case::new(
                "ITI-39 the first document ITI-38 listed",
                KitRequest::Iti39(vec![first.clone()]),
            ));
        }
        if base_cases.is_empty() {
            base_cases = bases(Transaction::Iti39);
        }
        let ids = r.exec_all(base_cases).await;
        r.exec_all(of(&corpus, Transaction::Iti39)).await;
        r.exec_all(xca::retrieve_cases(&listed, &home)).await;
        if let Some(&first) = ids.first() {
            r.again_and_hurried(first).await;
        }
    }

    let schemas = Schemas::find(inputs.corpus.as_deref());
    verdicts::add_schema_checks(&mut r.runs, &schemas);
    let mut checks = vec![settings];
    checks.extend(verdicts::summarise(&r.runs));
    checks.push(super::parameters::parameters_used(&r.runs, &r.flips));
    checks.push(verdicts::same_answer_twice(&r.runs, &r.twice));
    TestReport {
        contract: subject.plugin.contract_version(),
        capabilities,
        cases: r.runs,
        checks,
        notes,
    }
}
