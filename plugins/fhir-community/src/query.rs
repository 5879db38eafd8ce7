//! Cross Gateway Query (ITI-38) as MHD Find Document References (ITI-67)
//! [ITI TF-2 3.38.4.1.2, 3.67.4.1.2.1].
//!
//! - FindDocuments and GetAll: the patient id is resolved to its Patient
//!   (`Patient?identifier=urn:oid:<root>|<id>`), then `DocumentReference?patient=Patient/<id>`
//!   with the asked statuses. Resolving first works on every server; the chained
//!   `patient.identifier` MHD also names is not supported by all (the Medplum router
//!   answers it with nothing). The other filters apply to the mapped entries (`filter.rs`).
//! - GetDocuments and GetDocumentsAndAssociations: `DocumentReference?identifier=` with the
//!   uniqueIds (`urn:oid:` form) or entryUUIDs (`urn:uuid:` form), whose R4 expression covers
//!   masterIdentifier and identifier.
//! - Every other stored query (SubmissionSets, Folders, Associations) answers Success with
//!   no objects: this community publishes documents only, and ITI-38 lets a community that
//!   lacks a concept answer so [ITI TF-2 3.38.4.1.2].

use crate::client::{self, Query};
use crate::document::Entry;
use crate::ebrim::{self, Target};
use crate::filter::{EntryFilter, fhir_statuses};
use crate::model::{DocumentReference, Patient};
use crate::settings::Settings;
use std::collections::BTreeMap;
use xcgate_sdk::ihe::ebrs::error_codes;
use xcgate_sdk::ihe::ebrs::ids::StoredQuery;
use xcgate_sdk::xca_query::{QueryRequest, QueryResponse, RegistryObject, ReturnType};
use xcgate_sdk::xds::params::{Params, QueryError, parse_cx};
use xcgate_sdk::{AdapterError, CallContext, RegistryError, Severity};

/// Why the query failed: a RegistryError in the answer, or the whole call.
enum Failure {
    Query(QueryError),
    Adapter(AdapterError),
}

impl From<QueryError> for Failure {
    fn from(e: QueryError) -> Self {
        Failure::Query(e)
    }
}

impl From<AdapterError> for Failure {
    fn from(e: AdapterError) -> Self {
        Failure::Adapter(e)
    }
}

/// One entry with the patient it belongs to, in CX form.
struct Found {
    entry: Entry,
    patient_cx: String,
}

/// Run a stored query. A query that cannot be answered gets one RegistryError
/// (location = this community [ITI TF-2 3.38.4.1.3]) and no objects.
pub fn find(
    ctx: &CallContext,
    settings: &Settings,
    request: &QueryRequest,
) -> Result<QueryResponse, AdapterError> {
    let home = ctx.target_home_community_id.as_str();
    match run(home, settings, request) {
        Ok(found) => {
            let repository = settings.repository()?;
            let objects: Vec<RegistryObject> = found
                .iter()
                .map(|f| match request.return_type {
                    ReturnType::LeafClass => ebrim::document_entry(
                        &Target {
                            home,
                            repository_unique_id: repository,
                            patient_cx: &f.patient_cx,
                        },
                        &f.entry,
                    ),
                    ReturnType::ObjectRef => ebrim::object_ref(home, &f.entry),
                })
                .collect();
            Ok(QueryResponse {
                objects,
                errors: vec![],
            })
        }
        Err(Failure::Adapter(e)) => Err(e),
        Err(Failure::Query(e)) => Ok(QueryResponse {
            objects: vec![],
            errors: vec![RegistryError {
                error_code: e.code.to_string(),
                code_context: e.context,
                severity: Severity::Error,
                location: Some(home.to_string()),
            }],
        }),
    }
}

fn run(home: &str, settings: &Settings, request: &QueryRequest) -> Result<Vec<Found>, Failure> {
    let query = StoredQuery::from_id(&request.query_id).ok_or_else(|| {
        QueryError::new(
            error_codes::UNKNOWN_STORED_QUERY,
            format!("stored query {} is not known", request.query_id.trim()),
        )
    })?;
    let params = Params::parse_strict(&request.parameters)?;
    // Check the settings before any request, so a config fault is named as one.
    let authority = settings.authority()?;
    settings.repository()?;
    match query {
        StoredQuery::FindDocuments => {
            let patient = params.required_single("$XDSDocumentEntryPatientId")?;
            let statuses = params.required("$XDSDocumentEntryStatus")?;
            let filter = EntryFilter::new(&params, statuses, true)?;
            of_patient(home, settings, authority, patient, statuses, &filter)
        }
        StoredQuery::GetAll => {
            let patient = params.required_single("$patientId")?;
            let statuses = params.required("$XDSDocumentEntryStatus")?;
            params.required("$XDSSubmissionSetStatus")?;
            params.required("$XDSFolderStatus")?;
            let filter = EntryFilter::new(&params, statuses, false)?;
            of_patient(home, settings, authority, patient, statuses, &filter)
        }
        StoredQuery::GetDocuments | StoredQuery::GetDocumentsAndAssociations => {
            let (by_uuid, wanted) =
                params.one_of("$XDSDocumentEntryEntryUUID", "$XDSDocumentEntryUniqueId")?;
            by_ids(home, settings, authority, by_uuid, wanted)
        }
        _ => Ok(vec![]),
    }
}

/// Read the DocumentReferences of a search as entries, counting the ones left out.
fn entries(home: &str, settings: &Settings, resources: Vec<serde_json::Value>) -> Vec<Entry> {
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for r in resources {
        let read = serde_json::from_value::<DocumentReference>(r)
            .map_err(|_| "unreadable".to_string())
            .and_then(|d| {
                Entry::from_fhir(&d, home, &settings.code_systems).map_err(|s| format!("{s:?}"))
            });
        match read {
            Ok(e) => out.push(e),
            Err(reason) => *skipped.entry(reason).or_default() += 1,
        }
    }
    if !skipped.is_empty() {
        xcgate_sdk::info!("DocumentReferences left out: {skipped:?}");
    }
    out
}

/// FindDocuments / GetAll for one patient. A patient of another assigning authority, or
/// one the server does not know, gets Success with no objects, as ITI-38 allows
/// [ITI TF-2 3.38.4.1.2.2].
fn of_patient(
    home: &str,
    settings: &Settings,
    authority: &str,
    patient_cx: &str,
    statuses: &[String],
    filter: &EntryFilter,
) -> Result<Vec<Found>, Failure> {
    let Some((extension, root)) = parse_cx(patient_cx).filter(|(_, root)| *root == authority)
    else {
        return Ok(vec![]);
    };
    let Some(fhir_status) = fhir_statuses(statuses) else {
        return Ok(vec![]);
    };
    let mut q = Query::new();
    q.token("identifier", &format!("urn:oid:{root}"), extension);
    let patients = client::search(&settings.endpoint, &q.path("Patient"))?;
    let cx = ebrim::patient_cx(extension, root);
    let mut found = Vec::new();
    for id in patients.iter().filter_map(|p| p.get("id")?.as_str()) {
        let mut q = Query::new();
        q.add("patient", &format!("Patient/{id}"))
            .add("status", &fhir_status);
        let docs = client::search_all(
            &settings.endpoint,
            &q.path("DocumentReference"),
            settings.base_url.as_deref(),
        )?;
        found.extend(
            entries(home, settings, docs)
                .into_iter()
                .filter(|e| filter.matches(e))
                .map(|entry| Found {
                    entry,
                    patient_cx: cx.clone(),
                }),
        );
    }
    Ok(found)
}

/// `Patient/<id>` of a reference, relative or absolute.
fn patient_reference(reference: &str) -> Option<String> {
    let mut segments = reference.trim().rsplit('/');
    let id = segments.next().filter(|s| !s.is_empty())?;
    (segments.next()? == "Patient").then(|| format!("Patient/{id}"))
}

/// The CX of the patient a DocumentReference names, from its identifier in our
/// assigning authority; `None` when the patient has none.
fn resolve_patient(
    settings: &Settings,
    authority: &str,
    reference: &str,
) -> Result<Option<String>, AdapterError> {
    let value = client::get(&settings.endpoint, reference)?;
    let patient: Patient = serde_json::from_value(value)
        .map_err(|_| AdapterError::BadResponse("a Patient read is malformed".to_string()))?;
    let target = format!("urn:oid:{authority}");
    Ok(patient.identifier.iter().find_map(|i| {
        let value = i.value.as_deref()?.trim();
        (i.system.as_deref()?.trim() == target && !value.is_empty())
            .then(|| ebrim::patient_cx(value, authority))
    }))
}

/// GetDocuments: the entries named by uniqueId or entryUUID [ITI TF-2 3.18.4.1.2.3.7.5].
fn by_ids(
    home: &str,
    settings: &Settings,
    authority: &str,
    by_uuid: bool,
    wanted: &[String],
) -> Result<Vec<Found>, Failure> {
    // entryUUIDs compare as `urn:uuid:` + lower case, the form `document.rs` gives them.
    let wanted: Vec<String> = wanted
        .iter()
        .map(|w| match by_uuid {
            true => {
                let w = w.trim().to_ascii_lowercase();
                format!("urn:uuid:{}", w.strip_prefix("urn:uuid:").unwrap_or(&w))
            }
            false => w.trim().to_string(),
        })
        .collect();
    let identifiers: Vec<String> = wanted
        .iter()
        .map(|w| match by_uuid {
            true => w.clone(),
            false => crate::retrieve::identifier_value(w),
        })
        .collect();
    let mut q = Query::new();
    q.add("identifier", &identifiers.join(","));
    let mut docs = client::search_all(
        &settings.endpoint,
        &q.path("DocumentReference"),
        settings.base_url.as_deref(),
    )?;
    if by_uuid {
        // An entryUUID may be the logical id itself (see `document.rs`): `_id` finds those.
        let ids: Vec<&str> = wanted
            .iter()
            .filter_map(|w| w.strip_prefix("urn:uuid:"))
            .filter(|id| xcgate_sdk::xds::digest::is_uuid(id))
            .collect();
        if !ids.is_empty() {
            let mut q = Query::new();
            q.add("_id", &ids.join(","));
            docs.extend(client::search(
                &settings.endpoint,
                &q.path("DocumentReference"),
            )?);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut patients: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut found = Vec::new();
    let mut unresolved = 0usize;
    for entry in entries(home, settings, docs) {
        let key = if by_uuid {
            &entry.entry_uuid
        } else {
            &entry.unique_id
        };
        if !wanted.iter().any(|w| w == key) || !seen.insert(entry.entry_uuid.clone()) {
            continue;
        }
        let Some(reference) = entry.subject.as_deref().and_then(patient_reference) else {
            unresolved += 1;
            continue;
        };
        if !patients.contains_key(&reference) {
            let cx = resolve_patient(settings, authority, &reference)?;
            patients.insert(reference.clone(), cx);
        }
        match patients.get(&reference).cloned().flatten() {
            Some(patient_cx) => found.push(Found { entry, patient_cx }),
            None => unresolved += 1,
        }
    }
    if unresolved > 0 {
        xcgate_sdk::info!("{unresolved} entries left out: no patient id in our authority");
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::patient_reference;

    #[test]
    fn patient_references_may_be_relative_or_absolute() {
        assert_eq!(
            patient_reference("Patient/aino").as_deref(),
            Some("Patient/aino")
        );
        assert_eq!(
            patient_reference("http://x/fhir/R4/Patient/aino").as_deref(),
            Some("Patient/aino")
        );
        assert_eq!(patient_reference("Group/g1"), None);
        assert_eq!(patient_reference("aino"), None);
    }
}
