//! Demo community adapter: a community whose patient index and document repository are the
//! patients and documents in its own config (`settings.patients`, `settings.documents`), so
//! the bundled demo runs with no other server.
//!
//! - ITI-55: matching is real [ITI TF-2 3.55.4.1.3]: identifiers first; otherwise name and
//!   birth time (required), gender, address, telecom and mother's maiden name when the query
//!   gives them. Too many candidates → ask for more attributes (Case 3).
//! - ITI-38: the stored queries of ITI-18 over the configured documents, each published in
//!   its own SubmissionSet [ITI TF-2 3.38.4.1.2].
//! - ITI-39: the exact bytes whose size and SHA-1 the query returned [ITI TF-2 3.43.5].

pub mod catalog;
pub mod cda;
pub mod matcher;
pub mod metadata;
pub mod query;
pub mod records;
pub mod retrieve;
pub mod settings;
pub use xcgate_sdk::xds::vocab;

use xcgate_sdk::settings_check::{SettingProblem, SettingsCheck, unknown_keys};
use xcgate_sdk::xca_query::{DocumentQuery, QueryRequest, QueryResponse};
use xcgate_sdk::xca_retrieve::{DocumentRequest, DocumentRetrieve, RetrieveResponse};
use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext};

struct DemoCommunity;

impl PatientDiscovery for DemoCommunity {
    fn discover_patients(
        _ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        let index = records::load().map_err(AdapterError::Internal)?;
        let outcome = matcher::discover(&index, &query);
        xcgate_sdk::debug!(
            "demo index of {} patients: {:?}",
            index.patients.len(),
            outcome.summary()
        );
        outcome.into_result()
    }
}

/// The catalog of the community this call serves. Settings are read at every call: the
/// host may hand a fresh instance to each request.
fn load_catalog(ctx: &CallContext) -> Result<catalog::Catalog, AdapterError> {
    let index = records::load().map_err(AdapterError::Internal)?;
    let documents = settings::load().map_err(AdapterError::Internal)?;
    catalog::Catalog::build(documents, &index, &ctx.target_home_community_id)
        .map_err(AdapterError::Internal)
}

impl DocumentQuery for DemoCommunity {
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError> {
        let catalog = load_catalog(&ctx)?;
        let response = query::find(&catalog, &request);
        // Counts and error codes only: no ids, no patient data.
        xcgate_sdk::debug!(
            "stored query over {} documents: {} objects, {} errors {:?}",
            catalog.documents.len(),
            response.objects.len(),
            response.errors.len(),
            xcgate_sdk::xds::error_codes(&response.errors)
        );
        Ok(response)
    }
}

impl DocumentRetrieve for DemoCommunity {
    fn retrieve(
        ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError> {
        let catalog = load_catalog(&ctx)?;
        let response = retrieve::retrieve(&catalog, &requests);
        xcgate_sdk::debug!(
            "retrieve of {} documents: {} returned, {} errors",
            requests.len(),
            response.documents.len(),
            response.errors.len()
        );
        Ok(response)
    }
}

/// Every setting the demo community reads.
const SETTINGS: [&str; 5] = [
    "patients",
    "max_matches",
    "documents",
    "repository_unique_id",
    "organization_name",
];

impl SettingsCheck for DemoCommunity {
    /// Unknown keys, then what a call would find wrong: the patients, the documents and
    /// the catalog they make (a document of an unknown patient, a bad time).
    fn check_settings() -> Vec<SettingProblem> {
        let mut problems = unknown_keys(&SETTINGS);
        let built = records::load()
            .map_err(|e| SettingProblem::from_message(&e, "patients"))
            .and_then(|index| {
                let documents =
                    settings::load().map_err(|e| SettingProblem::from_message(&e, "documents"))?;
                // The catalog's objects carry the community's id; any id checks the rest.
                catalog::Catalog::build(documents, &index, "urn:oid:2.999")
                    .map_err(|e| SettingProblem::from_message(&e, "documents"))
            });
        if let Err(p) = built {
            problems.push(p);
        }
        problems
    }
}

xcgate_sdk::register_patient_discovery!(DemoCommunity);
xcgate_sdk::register_settings_check!(DemoCommunity);
xcgate_sdk::register_document_query!(DemoCommunity);
xcgate_sdk::register_document_retrieve!(DemoCommunity);
