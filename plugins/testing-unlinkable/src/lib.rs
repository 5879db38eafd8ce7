//! A test guest that imports `xcgate:testing/missing`, which no host provides: loading it
//! must fail at start-up with an error naming the community and the import.

#[allow(missing_docs, clippy::all, unsafe_code)]
mod missing_bindings {
    wit_bindgen::generate!({
        inline: "
            package xcgate:testing@0.1.0;
            interface missing { ping: func() -> u32; }
            world needs-missing { import missing; }
        ",
    });
}

use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext};

struct Unlinkable;

impl PatientDiscovery for Unlinkable {
    fn discover_patients(
        _ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        // A data-dependent call keeps the import in the component.
        if query.names.len() > 1000 {
            #[cfg(target_family = "wasm")]
            return Err(AdapterError::Internal(
                missing_bindings::xcgate::testing::missing::ping().to_string(),
            ));
        }
        Ok(vec![])
    }
}

xcgate_sdk::register_patient_discovery!(Unlinkable);
