//! `plugin test`'s "parameters used": what each answer does with its query's parameters.
//! A parameter sent shall be used [ITI TF-2 3.55.4.1.2, 3.18.4.1.2.3.7.1].

use super::call::Answer;
use super::checks::{Check, Verdict};
use super::request::KitRequest;
use super::runs::{CaseRun, GenderFlip};
use xcgate_ihe::ebrs::ids::uuids;
use xcgate_ihe::ebrs::{DocumentEntry, ObjectKind, parse_values};

/// A query's parameters used in its answer: gender in ITI-55 [ITI TF-2 3.55.4.1.2],
/// patient, status, codes and return type in ITI-38 [ITI TF-2 3.18.4.1.2.3.6,
/// 3.18.4.1.2.3.7.1],
/// only the requested documents in ITI-39.
pub fn parameters_used(runs: &[CaseRun], flips: &[GenderFlip]) -> Check {
    let mut problems: Vec<String> = Vec::new();
    let mut judged = 0usize;
    let mut flip_problems = Vec::new();
    for run in runs {
        let Ok(answer) = &run.run.result else {
            continue;
        };
        if let Some(problem) = misuse(&run.request, answer, &mut judged) {
            problems.push(format!("{}: {problem}", run.name));
        }
    }
    for flip in flips {
        judged += 1;
        if let Ok(Answer::Matches(m)) = &runs[flip.flipped].run.result
            && m.iter().any(|m| m.patient_id == flip.patient)
        {
            flip_problems.push(format!(
                "{}: the patient found by \"{}\" was found again with the other gender; a gender sent must be used for matching [ITI TF-2 3.55.4.1.2]",
                runs[flip.flipped].name, runs[flip.base].name
            ));
        }
    }
    // An ignored gender first: the parameter the TF names [ITI TF-2 3.55.4.1.2].
    flip_problems.append(&mut problems);
    let problems = flip_problems;
    if !problems.is_empty() {
        let more = match problems.len() {
            n if n > 3 => format!(" (and {} more)", n - 3),
            _ => String::new(),
        };
        let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
        return Check::new(
            "parameters used",
            Verdict::Fail,
            format!("{}{more}", shown.join("; ")),
        );
    }
    if judged == 0 {
        return Check::new(
            "parameters used",
            Verdict::Skip,
            "no answer to judge: give --request queries that find a test patient",
        );
    }
    let asked_iti55 = runs
        .iter()
        .any(|r| matches!(r.request, KitRequest::Iti55(_)));
    let gender = if flips.is_empty() && asked_iti55 {
        " (no query found a patient, so the gender was not varied: give --request a query that does)"
    } else {
        ""
    };
    Check::new(
        "parameters used",
        Verdict::Pass,
        format!("{judged} answers agree with their query's parameters{gender}"),
    )
}

/// Equal but for whitespace: real initiators wrap long values (a status split over two
/// lines in the OpenNCP sample).
fn same_token(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| !c.is_whitespace())
        .eq(b.chars().filter(|c| !c.is_whitespace()))
}

fn values(request: &xcgate_ihe::ebrs::AdhocQueryRequest, slot: &str) -> Option<Vec<String>> {
    let slot = request.query.slot(slot)?;
    let mut out = Vec::new();
    for raw in &slot.values {
        out.extend(parse_values(raw).ok()?);
    }
    Some(out)
}

/// The coded FindDocuments parameters and the Classification each filters on
/// [ITI TF-2 3.18.4.1.2.3.7.1].
const CODED: [(&str, &str); 7] = [
    ("$XDSDocumentEntryClassCode", uuids::CLASS_CODE),
    ("$XDSDocumentEntryTypeCode", uuids::TYPE_CODE),
    (
        "$XDSDocumentEntryPracticeSettingCode",
        uuids::PRACTICE_SETTING_CODE,
    ),
    (
        "$XDSDocumentEntryHealthcareFacilityTypeCode",
        uuids::HEALTHCARE_FACILITY_TYPE_CODE,
    ),
    ("$XDSDocumentEntryEventCodeList", uuids::EVENT_CODE_LIST),
    (
        "$XDSDocumentEntryConfidentialityCode",
        uuids::CONFIDENTIALITY_CODE,
    ),
    ("$XDSDocumentEntryFormatCode", uuids::FORMAT_CODE),
];

/// A DocumentEntry answered for a coded parameter it has none of the asked codes for
/// (`code^^scheme`, or `code` alone). Values within one Slot are alternatives; each Slot
/// must hold (several Slots of one list parameter are AND-ed).
fn coded_misuse(
    q: &xcgate_ihe::ebrs::AdhocQueryRequest,
    entries: &[DocumentEntry],
) -> Option<String> {
    for (parameter, scheme) in CODED {
        for slot in q.query.slots.iter().filter(|s| s.name == parameter) {
            let asked: Vec<String> = slot
                .values
                .iter()
                .filter_map(|raw| parse_values(raw).ok())
                .flatten()
                .collect();
            if asked.is_empty() {
                continue;
            }
            let holds = |e: &DocumentEntry| {
                e.codes(scheme).iter().any(|c| {
                    asked.iter().any(|a| match a.split_once("^^") {
                        Some((code, s)) => c.code == code && c.scheme.is_none_or(|own| own == s),
                        None => c.code == a,
                    })
                })
            };
            if entries.iter().any(|e| !holds(e)) {
                return Some(format!(
                    "asked {parameter} {}, answered a DocumentEntry without that code",
                    asked.join(" or ")
                ));
            }
        }
    }
    None
}

/// What an answer does that its request's parameters forbid.
fn misuse(request: &KitRequest, answer: &Answer, judged: &mut usize) -> Option<String> {
    match (request, answer) {
        (KitRequest::Iti55(q), Answer::Matches(matches)) => {
            let asked = q.query.gender.as_deref()?.trim();
            if !["M", "F"].contains(&asked) {
                return None;
            }
            *judged += 1;
            matches
                .iter()
                .find(|m| m.gender.as_deref().is_some_and(|g| ["M", "F"].contains(&g) && g != asked))
                .map(|m| format!("asked for gender {asked}, answered a match of gender {} [ITI TF-2 3.55.4.1.2]", m.gender.as_deref().unwrap_or_default()))
        }
        (KitRequest::Iti38(q), Answer::Found(found)) => {
            *judged += 1;
            if q.return_type() == xcgate_ihe::ebrs::ReturnType::ObjectRef
                && let Some(o) = found
                    .objects
                    .iter()
                    .find(|o| o.kind != ObjectKind::ObjectRef)
            {
                return Some(format!(
                    "returnType ObjectRef, answered a {} [ITI TF-2 3.18.4.1.2.3.3]",
                    o.kind.local_name()
                ));
            }
            let entries: Vec<DocumentEntry> = found
                .objects
                .iter()
                .filter_map(DocumentEntry::new)
                .collect();
            if q.stored_query() == Some(xcgate_ihe::ebrs::StoredQuery::FindDocuments) {
                if let Some(statuses) = values(q, "$XDSDocumentEntryStatus")
                    && let Some(e) = entries.iter().find(|e| {
                        e.availability_status()
                            .is_some_and(|s| !statuses.iter().any(|w| same_token(w, s)))
                    })
                {
                    return Some(format!(
                        "asked for status {}, answered a DocumentEntry of status {}",
                        statuses.join(" or "),
                        e.availability_status().unwrap_or_default()
                    ));
                }
                if let Some(problem) = coded_misuse(q, &entries) {
                    return Some(problem);
                }
                if let Some(patient) =
                    values(q, "$XDSDocumentEntryPatientId").and_then(|v| v.into_iter().next())
                    && entries
                        .iter()
                        .any(|e| e.patient_id().is_some_and(|p| p != patient))
                {
                    return Some("answered a DocumentEntry of another patient than the one asked for [ITI TF-2 3.18.4.1.2.3.7.1]".into());
                }
            }
            None
        }
        (KitRequest::Iti39(asked), Answer::Retrieved(r)) => {
            *judged += 1;
            r.documents
                .iter()
                .find(|d| {
                    !asked
                        .iter()
                        .any(|a| a.document_unique_id == d.document_unique_id)
                })
                .map(|_| {
                    "answered a document that was not asked for [ITI TF-2 3.39.4.1.3]".to_string()
                })
        }
        _ => None,
    }
}
