//! XCPD Health Data Locator: ITI-56 Patient Location Query (since 0.5.0).

use crate::{AdapterError, CallContext, InstanceId};

pub use crate::__private::location::exports::xcgate::adapter::patient_location::PatientLocation;

/// An adapter that knows where else a patient is known: register it with
/// [`register_patient_location!`](crate::register_patient_location).
pub trait PatientLocator {
    /// For a patient this community knows as `requested`, each community that holds
    /// records of them, with the patient's id there [ITI TF-2 3.56.4.2.2]. An empty list
    /// when it knows of none.
    fn locate_patient(
        ctx: CallContext,
        requested: InstanceId,
    ) -> Result<Vec<PatientLocation>, AdapterError>;
}

impl PatientLocation {
    /// The patient is known as `patient_id` in the community `home_community_id`.
    pub fn new(home_community_id: impl Into<String>, patient_id: InstanceId) -> PatientLocation {
        PatientLocation {
            home_community_id: home_community_id.into(),
            patient_id,
        }
    }
}
