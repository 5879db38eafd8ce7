//! A test guest that exports only `patient-discovery`: the gateway must route it ITI-55
//! and nothing else (no ITI-38/ITI-39 calls, no errors about it in XCA answers).

use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext, InstanceId};

struct DiscoveryOnly;

impl PatientDiscovery for DiscoveryOnly {
    fn discover_patients(
        _ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        Ok(vec![PatientMatch {
            patient_id: InstanceId::new("2.999.98", "ONLY-1"),
            other_ids: vec![],
            names: query.names,
            gender: None,
            birth_time: None,
            addresses: vec![],
            telecoms: vec![],
            mothers_maiden_name: None,
            match_quality: None,
            home_community_id: None,
            extensions: vec![],
        }])
    }
}

xcgate_sdk::register_patient_discovery!(DiscoveryOnly);
