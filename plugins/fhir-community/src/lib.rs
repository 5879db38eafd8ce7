//! FHIR R4 community adapter: a community whose patients and documents live on a FHIR
//! server, reached through the endpoint its config declares (`settings.endpoint`, default
//! `fhir`). The IHE transactions map onto the FHIR ones IHE defines for the same purpose:
//!
//! - ITI-55 (XCPD) → PDQm Patient search (ITI-78) [ITI TF-2 3.78.4.1.2.1]: `pdqm.rs`, `patient.rs`.
//! - ITI-38 (XCA query) → MHD DocumentReference search (ITI-67) [ITI TF-2 3.67]: `query.rs`,
//!   `document.rs`, `filter.rs`, `ebrim.rs`.
//! - ITI-39 (XCA retrieve) → MHD Retrieve Document (ITI-68) [ITI TF-2 3.68]: `retrieve.rs`,
//!   `binary.rs`.
//!
//! Settings are read on every call (`settings.rs`; README.md lists them). Logs carry counts,
//! statuses and codes only, never patient data.

pub mod binary;
pub mod client;
pub mod codes;
pub mod digest;
pub mod document;
pub mod ebrim;
pub mod filter;
pub mod model;
pub mod patient;
pub mod pdqm;
pub mod query;
pub mod retrieve;
pub mod settings;
pub mod time;

use settings::Settings;
use xcgate_sdk::settings_check::{SettingProblem, SettingsCheck, unknown_keys};
use xcgate_sdk::xca_query::{DocumentQuery, QueryRequest, QueryResponse};
use xcgate_sdk::xca_retrieve::{DocumentRequest, DocumentRetrieve, RetrieveResponse};
use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext};

struct FhirCommunity;

/// The matches of the resources of one search.
fn candidates(resources: Vec<serde_json::Value>, authority: &str) -> Vec<PatientMatch> {
    let total = resources.len();
    let found: Vec<PatientMatch> = resources
        .into_iter()
        .filter_map(|r| serde_json::from_value::<model::Patient>(r).ok())
        .filter_map(|p| patient::to_match(&p, authority))
        .collect();
    if found.len() < total {
        xcgate_sdk::debug!(
            "{} of {total} Patients left out: inactive, unreadable or without an id in our authority",
            total - found.len()
        );
    }
    found
}

impl PatientDiscovery for FhirCommunity {
    fn discover_patients(
        _ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        let settings = Settings::load()?;
        let authority = settings.authority()?;
        if let Some(path) = pdqm::id_search(&query) {
            let found = candidates(client::search(&settings.endpoint, &path)?, authority);
            if !found.is_empty() {
                let matches = pdqm::decide(&query, found, true, settings.max_matches)?;
                xcgate_sdk::info!("{} patients matched by identifier", matches.len());
                return Ok(matches);
            }
        }
        let mut found = Vec::new();
        for path in pdqm::demographic_searches(&query, settings.max_matches) {
            found.extend(candidates(
                client::search(&settings.endpoint, &path)?,
                authority,
            ));
        }
        let outcome = pdqm::decide(&query, found, false, settings.max_matches);
        match &outcome {
            Ok(m) => xcgate_sdk::info!("{} patients matched by demographics", m.len()),
            Err(_) => xcgate_sdk::info!("too many candidates: more attributes requested"),
        }
        outcome
    }
}

impl DocumentQuery for FhirCommunity {
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError> {
        let settings = Settings::load()?;
        let response = query::find(&ctx, &settings, &request)?;
        xcgate_sdk::info!(
            "stored query: {} objects, errors {:?}",
            response.objects.len(),
            xcgate_sdk::xds::error_codes(&response.errors)
        );
        Ok(response)
    }
}

impl DocumentRetrieve for FhirCommunity {
    fn retrieve(
        ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError> {
        let settings = Settings::load()?;
        let response = retrieve::retrieve(&ctx, &settings, &requests)?;
        xcgate_sdk::info!(
            "retrieve of {}: {} documents, errors {:?}",
            requests.len(),
            response.documents.len(),
            xcgate_sdk::xds::error_codes(&response.errors)
        );
        Ok(response)
    }
}

xcgate_sdk::register_patient_discovery!(FhirCommunity);
xcgate_sdk::register_document_query!(FhirCommunity);
xcgate_sdk::register_document_retrieve!(FhirCommunity);
xcgate_sdk::register_settings_check!(FhirCommunity);

impl SettingsCheck for FhirCommunity {
    /// Unknown keys, then what [`Settings::read`] refuses.
    fn check_settings() -> Vec<SettingProblem> {
        let mut problems = unknown_keys(&settings::KEYS);
        if let Err(e) = Settings::load() {
            let message = match &e {
                AdapterError::Internal(m) => m.clone(),
                other => format!("{other:?}"),
            };
            problems.push(SettingProblem::from_message(&message, "settings"));
        }
        problems
    }
}
