//! Cross Gateway Query (ITI-38) over the demo catalog: the stored queries of ITI-18
//! [ITI TF-2 3.18.4.1.2.4, 3.38.4.1.2].
//!
//! Each document was published in its own SubmissionSet, linked by a HasMember
//! Association; the community has no Folders, no document relationships and no
//! referenceIdList, so the queries about those answer Success with no objects, which
//! ITI-38 allows a community that lacks the concept [ITI TF-2 3.38.4.1.2].

use crate::catalog::{Catalog, StoredDocument};
use crate::metadata;
use crate::settings::{CONFIDENTIALITY_SCHEME, CodeConfig};
use crate::vocab::STATUS_APPROVED;
use xcgate_sdk::ihe::ebrs::error_codes;
use xcgate_sdk::ihe::ebrs::ids::{StoredQuery, uuids};
use xcgate_sdk::xca_query::{QueryRequest, QueryResponse, RegistryObject, ReturnType};
use xcgate_sdk::xds::dtm;
use xcgate_sdk::xds::filter::{EntryTimes, codes_match, like, one_of_values};
use xcgate_sdk::xds::params::{Params, QueryError, same_patient};
use xcgate_sdk::{RegistryError, Severity};

/// True when a `code^^scheme` filter names this configured code (or no filter is given).
fn code_matches(filter: Option<&[String]>, code: &CodeConfig) -> bool {
    codes_match(filter, &[(code.code.as_str(), code.scheme.as_str())])
}

/// Run a stored query. A query that cannot be answered gets one RegistryError (severity
/// Error, location = this community [ITI TF-2 3.38.4.1.3]) and no objects: status Failure
/// [ITI TF-3 Table 4.2.4.2-3].
pub fn find(catalog: &Catalog, request: &QueryRequest) -> QueryResponse {
    match run(catalog, request) {
        Ok(selection) => {
            let objects = selection.objects(catalog);
            let objects = match request.return_type {
                ReturnType::LeafClass => objects,
                ReturnType::ObjectRef => objects
                    .iter()
                    .map(|o| metadata::object_ref(catalog, o))
                    .collect(),
            };
            QueryResponse {
                objects,
                errors: vec![],
            }
        }
        Err(e) => QueryResponse {
            objects: vec![],
            errors: vec![RegistryError {
                error_code: e.code.to_string(),
                code_context: e.context,
                severity: Severity::Error,
                location: Some(catalog.home.clone()),
            }],
        },
    }
}

/// The documents whose DocumentEntry, SubmissionSet or Association are returned.
#[derive(Debug, Default)]
pub struct Selection<'a> {
    pub entries: Vec<&'a StoredDocument>,
    pub sets: Vec<&'a StoredDocument>,
    pub associations: Vec<&'a StoredDocument>,
}

impl Selection<'_> {
    fn objects(&self, catalog: &Catalog) -> Vec<RegistryObject> {
        let entries = self
            .entries
            .iter()
            .map(|d| metadata::document_entry(catalog, d));
        let sets = self
            .sets
            .iter()
            .map(|d| metadata::submission_set(catalog, d));
        let associations = self.associations.iter().map(|d| metadata::has_member(d));
        entries.chain(sets).chain(associations).collect()
    }
}

fn run<'a>(catalog: &'a Catalog, request: &QueryRequest) -> Result<Selection<'a>, QueryError> {
    let query = StoredQuery::from_id(&request.query_id).ok_or_else(|| {
        QueryError::new(
            error_codes::UNKNOWN_STORED_QUERY,
            format!("stored query {} is not known", request.query_id.trim()),
        )
    })?;
    let params = Params::parse(&request.parameters);
    params.check(query.patient_id_parameter())?;
    let docs = &catalog.documents;
    match query {
        StoredQuery::FindDocuments => find_documents(docs, &params),
        StoredQuery::FindSubmissionSets => find_submission_sets(catalog, &params),
        StoredQuery::GetAll => get_all(docs, &params),
        StoredQuery::GetDocuments => Ok(Selection {
            entries: by_entry(docs, &params)?,
            ..Selection::default()
        }),
        StoredQuery::GetDocumentsAndAssociations => {
            let entries = by_entry(docs, &params)?;
            Ok(Selection {
                associations: entries.clone(),
                entries,
                ..Selection::default()
            })
        }
        StoredQuery::GetAssociations => {
            let uuids = params.required("$uuid")?;
            let linked = |d: &&StoredDocument| {
                uuids
                    .iter()
                    .any(|u| *u == d.entry_uuid || *u == d.submission_set_uuid)
            };
            Ok(Selection {
                associations: docs.iter().filter(linked).collect(),
                ..Selection::default()
            })
        }
        StoredQuery::GetSubmissionSets => {
            let uuids = params.required("$uuid")?;
            let sets: Vec<&StoredDocument> = docs
                .iter()
                .filter(|d| uuids.contains(&d.entry_uuid))
                .collect();
            Ok(Selection {
                associations: sets.clone(),
                sets,
                ..Selection::default()
            })
        }
        StoredQuery::GetSubmissionSetAndContents => submission_set_and_contents(docs, &params),
        StoredQuery::FindFolders
        | StoredQuery::GetFolders
        | StoredQuery::GetFolderAndContents
        | StoredQuery::GetFoldersForDocument
        | StoredQuery::GetRelatedDocuments
        | StoredQuery::FindDocumentsByReferenceId => Ok(Selection::default()),
    }
}

/// The DocumentEntry filters of FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1]; GetAll and
/// GetSubmissionSetAndContents use only status, type, format and confidentiality
/// [3.18.4.1.2.3.7.4, 3.18.4.1.2.3.7.10].
struct EntryFilter<'p> {
    params: &'p Params,
    statuses: Option<&'p [String]>,
    all_filters: bool,
    times: EntryTimes<'p>,
}

impl<'p> EntryFilter<'p> {
    fn new(
        params: &'p Params,
        statuses: Option<&'p [String]>,
        all_filters: bool,
    ) -> Result<Self, QueryError> {
        Ok(EntryFilter {
            params,
            statuses,
            all_filters,
            times: EntryTimes::read(params, all_filters)?,
        })
    }

    fn codes(&self, name: &str, code: &CodeConfig) -> bool {
        code_matches(self.params.list(name), code)
    }

    fn matches(&self, d: &StoredDocument) -> bool {
        let c = &d.config;
        let confidentiality = CodeConfig {
            code: c.confidentiality.clone(),
            scheme: CONFIDENTIALITY_SCHEME.to_string(),
            display: String::new(),
        };
        // Every demo document is a Stable, Approved entry [ITI TF-3 4.2.3.2.2, 4.2.3.2.14].
        let common = one_of_values(self.statuses, STATUS_APPROVED)
            && one_of_values(
                self.params.list("$XDSDocumentEntryType"),
                uuids::STABLE_DOCUMENT_ENTRY,
            )
            && self.codes("$XDSDocumentEntryFormatCode", &c.format_code)
            && self.codes("$XDSDocumentEntryConfidentialityCode", &confidentiality);
        if !common || !self.all_filters {
            return common;
        }
        let author_ok = self
            .params
            .list("$XDSDocumentEntryAuthorPerson")
            .is_none_or(|patterns| {
                metadata::author_person(d).is_some_and(|a| patterns.iter().any(|p| like(p, &a)))
            });
        self.codes("$XDSDocumentEntryClassCode", &c.class_code)
            && self.codes("$XDSDocumentEntryTypeCode", &c.type_code)
            && self.codes("$XDSDocumentEntryPracticeSettingCode", &c.practice_setting)
            && self.codes(
                "$XDSDocumentEntryHealthcareFacilityTypeCode",
                &c.healthcare_facility_type,
            )
            // No demo document has an eventCodeList, so a filter on it matches none.
            && self.params.list("$XDSDocumentEntryEventCodeList").is_none()
            && author_ok
            && self.times.matches(
                Some(&d.creation_time),
                d.service_start.as_deref(),
                d.service_stop.as_deref(),
            )
    }
}

/// The documents of the patient; none when the patient id was malformed.
fn of_patient<'a>(
    docs: &'a [StoredDocument],
    cx: Option<&str>,
) -> impl Iterator<Item = &'a StoredDocument> {
    docs.iter()
        .filter(move |d| cx.is_some_and(|cx| same_patient(cx, &d.patient_cx)))
}

/// FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1]. An unknown patient gets Success with no
/// objects, a choice ITI-38 leaves to local policy [ITI TF-2 3.38.4.1.2.2].
fn find_documents<'a>(
    docs: &'a [StoredDocument],
    params: &Params,
) -> Result<Selection<'a>, QueryError> {
    let patient = params.patient("$XDSDocumentEntryPatientId")?;
    let statuses = params.required("$XDSDocumentEntryStatus")?;
    let filter = EntryFilter::new(params, Some(statuses), true)?;
    Ok(Selection {
        entries: of_patient(docs, patient)
            .filter(|d| filter.matches(d))
            .collect(),
        ..Selection::default()
    })
}

/// FindSubmissionSets [ITI TF-2 3.18.4.1.2.3.7.2]. The sourceId of every demo
/// SubmissionSet is the repository id.
fn find_submission_sets<'a>(
    catalog: &'a Catalog,
    params: &Params,
) -> Result<Selection<'a>, QueryError> {
    let patient = params.patient("$XDSSubmissionSetPatientId")?;
    let statuses = params.required("$XDSSubmissionSetStatus")?;
    let from = params.single("$XDSSubmissionSetSubmissionTimeFrom")?;
    let to = params.single("$XDSSubmissionSetSubmissionTimeTo")?;
    let sources = params.list("$XDSSubmissionSetSourceId");
    let authors = params.list("$XDSSubmissionSetAuthorPerson");
    let content_types = params.list("$XDSSubmissionSetContentType");
    let source_ok = one_of_values(sources, &catalog.repository_unique_id);
    let sets = of_patient(&catalog.documents, patient)
        .filter(|d| {
            source_ok
                && one_of_values(Some(statuses), STATUS_APPROVED)
                && dtm::in_range(Some(&d.creation_time), from, to)
                && code_matches(content_types, &d.config.class_code)
                && authors.is_none_or(|patterns| {
                    metadata::author_person(d).is_some_and(|a| patterns.iter().any(|p| like(p, &a)))
                })
        })
        .collect();
    Ok(Selection {
        sets,
        ..Selection::default()
    })
}

/// GetAll [ITI TF-2 3.18.4.1.2.3.7.4]: the patient's DocumentEntries, SubmissionSets and
/// the Associations between returned objects.
fn get_all<'a>(docs: &'a [StoredDocument], params: &Params) -> Result<Selection<'a>, QueryError> {
    let patient = params.patient("$patientId")?;
    let entry_statuses = params.required("$XDSDocumentEntryStatus")?;
    let set_statuses = params.required("$XDSSubmissionSetStatus")?;
    params.required("$XDSFolderStatus")?;
    let filter = EntryFilter::new(params, Some(entry_statuses), false)?;
    let mine: Vec<&StoredDocument> = of_patient(docs, patient).collect();
    let entries: Vec<&StoredDocument> =
        mine.iter().copied().filter(|d| filter.matches(d)).collect();
    let sets: Vec<&StoredDocument> = if one_of_values(Some(set_statuses), STATUS_APPROVED) {
        mine
    } else {
        vec![]
    };
    let associations = entries
        .iter()
        .copied()
        .filter(|d| sets.iter().any(|s| s.entry_uuid == d.entry_uuid))
        .collect();
    Ok(Selection {
        entries,
        sets,
        associations,
    })
}

/// The entries named by GetDocuments' parameters [ITI TF-2 3.18.4.1.2.3.7.5].
fn by_entry<'a>(
    docs: &'a [StoredDocument],
    params: &Params,
) -> Result<Vec<&'a StoredDocument>, QueryError> {
    let (by_uuid, wanted) =
        params.one_of("$XDSDocumentEntryEntryUUID", "$XDSDocumentEntryUniqueId")?;
    Ok(docs
        .iter()
        .filter(|d| {
            let key = if by_uuid {
                &d.entry_uuid
            } else {
                &d.config.unique_id
            };
            wanted.iter().any(|w| w.trim() == key)
        })
        .collect())
}

/// GetSubmissionSetAndContents [ITI TF-2 3.18.4.1.2.3.7.10].
fn submission_set_and_contents<'a>(
    docs: &'a [StoredDocument],
    params: &Params,
) -> Result<Selection<'a>, QueryError> {
    let (by_uuid, wanted) =
        params.one_of("$XDSSubmissionSetEntryUUID", "$XDSSubmissionSetUniqueId")?;
    let filter = EntryFilter::new(params, None, false)?;
    let sets: Vec<&StoredDocument> = docs
        .iter()
        .filter(|d| {
            let key = if by_uuid {
                &d.submission_set_uuid
            } else {
                &d.submission_set_unique_id
            };
            wanted.iter().any(|w| w.trim() == key)
        })
        .collect();
    let entries: Vec<&StoredDocument> =
        sets.iter().copied().filter(|d| filter.matches(d)).collect();
    Ok(Selection {
        associations: entries.clone(),
        entries,
        sets,
    })
}

#[cfg(test)]
mod tests;
