//! ITI-56 calls into a community's adapter: `patient-location` (the XCPD Health Data
//! Locator). Same sandbox as every call.

use super::community::{CommunityPlugin, sandboxed_call};
use super::convert::{ii_in, ii_out};
use crate::call::{CallContext, CallFailure};
use xcgate_ihe::plq::PatientLocation;
use xcgate_ihe::xcpd::Ii;

impl CommunityPlugin {
    /// ITI-56: where else the adapter knows the patient `requested` to be.
    pub async fn locate_patient(
        &self,
        ctx: &CallContext,
        requested: &Ii,
    ) -> Result<Vec<PatientLocation>, CallFailure> {
        let wit_requested = ii_in(requested);
        let locations = sandboxed_call!(
            self,
            ctx,
            patient_location,
            "patient-location",
            |export, instance, store, wit_ctx| {
                export
                    .call(instance, store, (wit_ctx, &wit_requested))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        self.check_items(locations.len(), "patient locations")?;
        locations
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let id = ii_out(l.patient_id);
                if l.home_community_id.trim().is_empty()
                    || id.root.trim().is_empty()
                    || id.extension.as_deref().is_none_or(|x| x.trim().is_empty())
                {
                    return Err(CallFailure::InvalidAnswer(format!(
                        "patient location {} lacks a homeCommunityId, a root or an extension",
                        i + 1
                    )));
                }
                Ok(PatientLocation {
                    home_community_id: xcgate_ihe::hl7v3::urn_oid(l.home_community_id.trim()),
                    patient_id: id,
                })
            })
            .collect()
    }
}
