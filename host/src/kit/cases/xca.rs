//! ITI-38 and ITI-39 cases: every stored query [ITI TF-2 3.18.4.1.2.4] and every
//! FindDocuments parameter [ITI TF-2 3.18.4.1.2.3.7.1], empty and absurd values, and the
//! documents the plugin's own answers listed, retrieved one by one and all at once.

use super::Case;
use crate::kit::request::KitRequest;
use crate::plugin::FoundObjects;
use xcgate_ihe::ebrs::{AdhocQueryRequest, DocumentEntry, ReturnType, StoredQuery, quote};
use xcgate_ihe::retrieve::DocumentRequest;

const APPROVED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
const DEPRECATED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
const STABLE: &str = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
const ON_DEMAND: &str = "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248";
/// A document entry no registry holds (a valid UUID).
const NO_SUCH_UUID: &str = "urn:uuid:00000000-0000-4000-8000-00000000404a";

/// A multi-valued parameter, `('a','b')` [ITI TF-2 3.18.4.1.2.3.5].
fn list(values: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
    vec![format!("({})", quoted.join(","))]
}

fn quoted(value: &str) -> Vec<String> {
    vec![quote(value)]
}

/// FindDocuments (Approved, LeafClass) for the patient `cx` [ITI TF-2 3.18.4.1.2.3.7.1].
pub fn find_documents(cx: &str) -> AdhocQueryRequest {
    let mut r = AdhocQueryRequest::new(StoredQuery::FindDocuments.id(), ReturnType::LeafClass);
    r.query.set_slot("$XDSDocumentEntryPatientId", quoted(cx));
    r.query
        .set_slot("$XDSDocumentEntryStatus", list(&[APPROVED]));
    r
}

/// A document the plugin listed: what a GetDocuments or a retrieve can name.
#[derive(Debug, Clone)]
pub struct Listed {
    pub entry_uuid: Option<String>,
    pub request: Option<DocumentRequest>,
}

/// The DocumentEntries of an answer.
pub fn listed(found: &FoundObjects, home: &str) -> Vec<Listed> {
    found
        .objects
        .iter()
        .flat_map(|o| o.walk())
        .filter_map(DocumentEntry::new)
        .map(|d| Listed {
            entry_uuid: d.entry_uuid().map(str::to_string),
            request: match (d.unique_id(), d.repository_unique_id()) {
                (Some(u), Some(r)) => Some(DocumentRequest {
                    home_community_id: Some(d.home().unwrap_or(home).to_string()),
                    repository_unique_id: r.to_string(),
                    document_unique_id: u.to_string(),
                }),
                _ => None,
            },
        })
        .collect()
}

fn query_case(
    name: String,
    base: &AdhocQueryRequest,
    change: impl FnOnce(&mut AdhocQueryRequest),
) -> Case {
    let mut r = base.clone();
    change(&mut r);
    Case::new(name, KitRequest::Iti38(Box::new(r)))
}

/// Each FindDocuments parameter added to `base` (a FindDocuments), and the return types.
pub fn parameter_kinds(base: &AdhocQueryRequest) -> Vec<Case> {
    let code = |scheme: &str| list(&[&format!("kit-code^^{scheme}")]);
    let coded = [
        ("$XDSDocumentEntryClassCode", code("2.16.840.1.113883.6.1")),
        ("$XDSDocumentEntryTypeCode", code("2.16.840.1.113883.6.1")),
        (
            "$XDSDocumentEntryPracticeSettingCode",
            code("2.16.840.1.113883.6.96"),
        ),
        (
            "$XDSDocumentEntryHealthcareFacilityTypeCode",
            code("2.16.840.1.113883.5.11"),
        ),
        (
            "$XDSDocumentEntryEventCodeList",
            code("2.16.840.1.113883.6.96"),
        ),
        (
            "$XDSDocumentEntryConfidentialityCode",
            code("2.16.840.1.113883.5.25"),
        ),
        (
            "$XDSDocumentEntryFormatCode",
            code("1.3.6.1.4.1.19376.1.2.3"),
        ),
        ("$XDSDocumentEntryAuthorPerson", list(&["%Kit%"])),
        ("$XDSDocumentEntryType", list(&[STABLE, ON_DEMAND])),
        ("$XDSDocumentEntryCreationTimeFrom", vec!["20000101".into()]),
        (
            "$XDSDocumentEntryCreationTimeTo",
            vec!["20991231235959".into()],
        ),
        ("$XDSDocumentEntryServiceStartTimeFrom", vec!["2000".into()]),
        ("$XDSDocumentEntryServiceStartTimeTo", vec!["2099".into()]),
        ("$XDSDocumentEntryServiceStopTimeFrom", vec!["2000".into()]),
        ("$XDSDocumentEntryServiceStopTimeTo", vec!["2099".into()]),
    ];
    let mut cases: Vec<Case> = coded
        .into_iter()
        .map(|(slot, values)| {
            query_case(format!("ITI-38 FindDocuments with {slot}"), base, |r| {
                r.query.set_slot(slot, values);
            })
        })
        .collect();
    cases.push(query_case(
        "ITI-38 FindDocuments, status Deprecated only".into(),
        base,
        |r| {
            r.query
                .set_slot("$XDSDocumentEntryStatus", list(&[DEPRECATED]))
        },
    ));
    cases.push(query_case(
        "ITI-38 FindDocuments, status Approved or Deprecated".into(),
        base,
        |r| {
            r.query
                .set_slot("$XDSDocumentEntryStatus", list(&[APPROVED, DEPRECATED]));
        },
    ));
    cases.push(query_case(
        "ITI-38 FindDocuments returning ObjectRef".into(),
        base,
        |r| r.response_option.return_type = Some(ReturnType::ObjectRef),
    ));
    cases
}

/// Every other stored query, for the patient `cx` or the entry `entry_uuid` (one the
/// plugin listed, or one no registry holds). A plugin may refuse the ones it does not
/// implement (XDSUnknownStoredQuery), but must not trap.
pub fn stored_queries(cx: Option<&str>, entry_uuid: Option<&str>, home: &str) -> Vec<Case> {
    let uuid = entry_uuid.unwrap_or(NO_SUCH_UUID);
    let statuses = list(&[APPROVED]);
    let mut cases = Vec::new();
    for q in StoredQuery::ALL {
        if q == StoredQuery::FindDocuments {
            continue;
        }
        let mut r = AdhocQueryRequest::new(q.id(), ReturnType::LeafClass);
        let mut s = |name: &str, values: Vec<String>| r.query.set_slot(name, values);
        match q {
            StoredQuery::FindSubmissionSets | StoredQuery::FindFolders | StoredQuery::GetAll => {
                let Some(cx) = cx else { continue };
                s(q.patient_id_parameter().unwrap_or("$patientId"), quoted(cx));
                let status = match q {
                    StoredQuery::FindSubmissionSets => "$XDSSubmissionSetStatus",
                    StoredQuery::FindFolders => "$XDSFolderStatus",
                    _ => "$XDSDocumentEntryStatus",
                };
                s(status, statuses.clone());
                if q == StoredQuery::GetAll {
                    s("$XDSSubmissionSetStatus", statuses.clone());
                    s("$XDSFolderStatus", statuses.clone());
                }
            }
            StoredQuery::FindDocumentsByReferenceId => {
                let Some(cx) = cx else { continue };
                s("$XDSDocumentEntryPatientId", quoted(cx));
                s("$XDSDocumentEntryStatus", statuses.clone());
                s(
                    "$XDSDocumentEntryReferenceIdList",
                    list(&["KIT-1^^^&2.999.999.38&ISO^urn:ihe:iti:xds:2013:accession"]),
                );
            }
            StoredQuery::GetAssociations | StoredQuery::GetSubmissionSets => {
                s("$uuid", list(&[uuid]));
            }
            StoredQuery::GetRelatedDocuments => {
                s("$XDSDocumentEntryEntryUUID", quoted(uuid));
                s(
                    "$AssociationTypes",
                    list(&["urn:ihe:iti:2007:AssociationType:RPLC"]),
                );
            }
            StoredQuery::GetFolders | StoredQuery::GetFolderAndContents => {
                s("$XDSFolderEntryUUID", list(&[NO_SUCH_UUID]));
            }
            StoredQuery::GetSubmissionSetAndContents => {
                s("$XDSSubmissionSetEntryUUID", quoted(NO_SUCH_UUID));
            }
            StoredQuery::GetFoldersForDocument => {
                s("$XDSDocumentEntryEntryUUID", quoted(uuid));
            }
            _ => s("$XDSDocumentEntryEntryUUID", list(&[uuid])),
        }
        if !q.is_patient_id_based() {
            r.set_home(home);
        }
        cases.push(Case::new(
            format!("ITI-38 {}", q.name()),
            KitRequest::Iti38(Box::new(r)),
        ));
    }
    cases
}

/// Patients and values no registry holds.
pub fn absurd_values(base: &AdhocQueryRequest) -> Vec<Case> {
    let with_patient = |label: &str, value: String| {
        query_case(format!("ITI-38 FindDocuments, {label}"), base, |r| {
            r.query.set_slot("$XDSDocumentEntryPatientId", vec![value]);
        })
    };
    vec![
        with_patient(
            "a patient no registry holds",
            "'KIT-NO-SUCH-PATIENT^^^&2.999.999.404&ISO'".into(),
        ),
        with_patient("an empty patient id", "''".into()),
        with_patient(
            "a patient id of 4,096 characters",
            format!("'{}^^^&2.999.999.404&ISO'", "9".repeat(4096)),
        ),
        with_patient("a patient id that is not a CX", "'<&>;--'".into()),
        query_case(
            "ITI-38 FindDocuments with a status no registry knows".into(),
            base,
            |r| {
                r.query
                    .set_slot("$XDSDocumentEntryStatus", list(&["kit:NoSuchStatus"]))
            },
        ),
    ]
}

/// ITI-39 cases from the documents the plugin listed: all at once (the largest answer it
/// can give), the first alone, an unknown one beside a known one, and absurd ids.
pub fn retrieve_cases(listed: &[DocumentRequest], home: &str) -> Vec<Case> {
    let repository = listed
        .first()
        .map_or("2.999.999.39", |d| d.repository_unique_id.as_str());
    let unknown = DocumentRequest {
        home_community_id: Some(home.to_string()),
        repository_unique_id: repository.to_string(),
        document_unique_id: "2.999.999.39.404".into(),
    };
    let mut cases = Vec::new();
    if listed.len() > 1 {
        cases.push(Case::new(
            format!("ITI-39 every document listed ({}) at once", listed.len()),
            KitRequest::Iti39(listed.to_vec()),
        ));
    }
    if let Some(first) = listed.first() {
        cases.push(Case::new(
            "ITI-39 one known and one unknown document",
            KitRequest::Iti39(vec![first.clone(), unknown.clone()]),
        ));
    }
    cases.push(Case::new(
        "ITI-39 a document no repository holds",
        KitRequest::Iti39(vec![unknown.clone()]),
    ));
    cases.push(Case::new(
        "ITI-39 an unknown repository",
        KitRequest::Iti39(vec![DocumentRequest {
            repository_unique_id: "2.999.999.39.405".into(),
            ..unknown.clone()
        }]),
    ));
    // The longest uniqueId the XDS.b schema allows (LongName, 256): longer ones never
    // reach a plugin in a valid request.
    cases.push(Case::new(
        "ITI-39 a document id of 256 characters",
        KitRequest::Iti39(vec![DocumentRequest {
            document_unique_id: format!("2.999.{}", "9".repeat(250)),
            ..unknown
        }]),
    ));
    cases
}
