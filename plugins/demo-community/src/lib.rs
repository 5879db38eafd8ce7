//! Demo community adapter: a community whose patient index is the list of patients in its
//! own config (`settings.patients`), so the bundled demo runs with no other server.
//!
//! Matching is real [ITI TF-2 3.55.4.1.3]: identifiers first; otherwise name and birth time
//! (required), gender, address, telecom and mother's maiden name when the query gives them.
//! Too many candidates → ask for more attributes (Case 3).

pub mod matcher;
pub mod records;

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

xcgate_sdk::register_patient_discovery!(DemoCommunity);
