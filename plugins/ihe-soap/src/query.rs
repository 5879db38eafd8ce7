//! ITI-38 Cross Gateway Query to the responding gateway: the stored query passed through
//! [ITI TF-2 3.38.4.1.1], the AdhocQueryResponse back as lossless registry objects and
//! RegistryErrors [ITI TF-2 3.38.4.1.3; ITI TF-3 Table 4.2.4.2-3].

use crate::settings::Settings;
use xcgate_sdk::AdapterError;
use xcgate_sdk::ihe::ebrs::{AdhocQueryResponse, ResponseStatus, Severity};
use xcgate_sdk::ihe::xml::Element;
use xcgate_sdk::model::xca::{carriable, error_in, object_in, query_out};
use xcgate_sdk::xca_query::{QueryRequest, QueryResponse};

/// The AdhocQueryRequest payload. `home` names the responding community when the query
/// named one or needs one (queries without a patient id [ITI TF-2 3.38.4.1.2.1]); it is
/// the responder's own homeCommunityId, which may differ from the id this community
/// carries at our gateway (`remote_home_community_id`).
pub fn request(settings: &Settings, request: &QueryRequest) -> String {
    let mut q = query_out(request);
    if request.home_community_id.is_some() || q.needs_home() {
        q.set_home(&settings.remote_home_community_id);
    }
    q.build()
}

/// The answer, and how many objects were left out (for a count in the log).
#[derive(Debug)]
pub struct Outcome {
    pub response: QueryResponse,
    /// Objects of a Failure answer (Failure means no results [ITI TF-3 Table 4.2.4.2-3]),
    /// and members of the object list that are not ebRIM objects.
    pub dropped: usize,
}

/// Interpret the AdhocQueryResponse. Success and PartialSuccess give their objects and
/// errors (the host keeps PartialSuccess: objects plus errors); Failure gives its errors
/// only, and a Failure that names no error is not an answer.
pub fn answer(payload: &Element) -> Result<Outcome, AdapterError> {
    let r = AdhocQueryResponse::parse(payload).map_err(|e| {
        AdapterError::BadResponse(format!(
            "the ITI-38 answer is not a usable AdhocQueryResponse: {e}"
        ))
    })?;
    let status = r.status();
    let errors: Vec<_> = r.registry.errors.map(|l| l.errors).unwrap_or_default();
    if status == ResponseStatus::Failure && !errors.iter().any(|e| e.severity == Severity::Error) {
        return Err(AdapterError::BadResponse(
            "the ITI-38 answer is a Failure without any RegistryError of severity Error [ITI TF-3 4.2.4.2]"
                .into(),
        ));
    }
    let mut dropped = r.foreign_objects.len();
    let objects = if status == ResponseStatus::Failure {
        dropped += r.objects.len();
        Vec::new()
    } else {
        let total = r.objects.len();
        let kept: Vec<_> = r
            .objects
            .into_iter()
            .filter(carriable)
            .map(object_in)
            .collect();
        dropped += total - kept.len();
        kept
    };
    Ok(Outcome {
        response: QueryResponse {
            objects,
            errors: errors.into_iter().map(error_in).collect(),
        },
        dropped,
    })
}

#[cfg(test)]
mod tests;
