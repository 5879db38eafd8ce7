//! ITI-38 / ITI-18 initiating: route a stored query, fan it out, consolidate the answers
//! [ITI TF-2 3.38.4.1.3; ITI TF-3 Tables 4.2.4.2-3, 4.2.4.1-2].

use super::{affinity, communities_with, community_for, nobody_can};
use crate::audit::{CallFact, Facts};
use crate::error::xds_error_code;
use crate::fanout::{Outcome, Target, fan_out};
use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{Capability, FoundObjects};
use crate::reply::Reply;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::time::Instant;
use xcgate_ihe::ebrs::{
    AdhocQueryRequest, AdhocQueryResponse, ObjectKind, RegistryError, RegistryObject,
    RegistryResponse, ResponseStatus, ReturnType, Severity, error_codes,
};
use xcgate_ihe::transaction::{Role, Transaction};
use xcgate_ihe::xml::Element;

/// A Failure answer with one error.
fn failure(transaction: Transaction, code: &str, context: &str, location: Option<&str>) -> Reply {
    let mut response = AdhocQueryResponse::new(ResponseStatus::Failure);
    response.registry = RegistryResponse::new(
        ResponseStatus::Failure,
        vec![RegistryError::new(Severity::Error, code, context, location)],
    );
    Reply::soap(
        transaction.response_action(),
        response.build(),
        Facts::refused(transaction, code),
    )
}

/// The stored query and the patient it is about, for the audit records: the Query
/// Parameters object is 1..1 on success and failure alike [ITI TF-2 3.18.5.1].
fn audit_query(facts: &mut Facts, request: &AdhocQueryRequest, payload: &Element) {
    facts.query = Some(xcgate_audit::QueryParameters::StoredQuery {
        stored_query_id: request.query_id().to_string(),
        adhoc_query_request: crate::audit::serialize(payload),
        encoding: "UTF-8".into(),
        home_community_id: None,
    });
    facts.query_patient = query_patient(request);
}

/// The patient a stored query names (CX form, unquoted).
fn query_patient(request: &AdhocQueryRequest) -> Option<String> {
    request
        .patient_id_slot()
        .and_then(|s| s.values.first())
        .map(|v| v.trim().trim_matches('\'').to_string())
}

/// A refusal of a valid stored query (it could not be routed): its failure record names
/// the query and the patient too.
fn with_audited_query(mut reply: Reply, request: &AdhocQueryRequest, payload: &Element) -> Reply {
    if let Some(facts) = reply.audit.as_mut() {
        audit_query(facts, request, payload);
    }
    reply
}

/// Serve an ITI-38 or ITI-18 (`transaction`) stored query at `at`.
pub async fn stored_query(
    gw: &Gateway,
    at: &Endpoint,
    transaction: Transaction,
    payload: &Element,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
) -> Reply {
    let started = Instant::now();
    let request = match AdhocQueryRequest::parse(payload) {
        Ok(r) => r,
        Err(e) => {
            return failure(
                transaction,
                error_codes::REGISTRY_ERROR,
                &format!("the AdhocQueryRequest is not valid: {e}"),
                None,
            );
        }
    };
    // A query naming a community goes there only; a patient-id query goes everywhere; an
    // id-based query without `home` cannot be routed [ITI TF-2 3.38.4.1.2.1].
    let targets = match request.home().map(str::trim).filter(|h| !h.is_empty()) {
        Some(home) => match community_for(gw, at, home, Capability::DocumentQuery) {
            Ok(c) => vec![c],
            Err(context) => {
                let reply = failure(
                    transaction,
                    error_codes::UNKNOWN_COMMUNITY,
                    &context,
                    Some(home),
                );
                return with_audited_query(reply, &request, payload);
            }
        },
        None if request.is_patient_id_based() => {
            let targets = communities_with(gw, at, Capability::DocumentQuery);
            if targets.is_empty() {
                // Nobody to ask is not "no documents": say so [Failure, ITI TF-3 4.2.4].
                let context = nobody_can(gw, at, Capability::DocumentQuery);
                let reply = failure(transaction, error_codes::REGISTRY_ERROR, &context, None);
                return with_audited_query(reply, &request, payload);
            }
            targets
        }
        None => {
            let context = format!(
                "the stored query {} needs AdhocQuery/@home to name the community [ITI TF-2 3.38.4.1.2.1]",
                request.query_id()
            );
            let reply = failure(
                transaction,
                error_codes::MISSING_HOME_COMMUNITY_ID,
                &context,
                None,
            );
            return with_audited_query(reply, &request, payload);
        }
    };
    let deadline = started + gw.config.gateway.deadline_for(transaction);
    // A local consumer naming the patient by the affinity domain's id: each community is
    // asked by its own id for the patient [ITI TF-1 18.2.1].
    let local = (at.role == Role::Initiating)
        .then(|| query_patient(&request))
        .flatten()
        .and_then(|cx| crate::correlation::local_cx(gw, &cx));
    let (targets, requests, undiscovered, discovery, without_record) = match local {
        None => (targets, HashMap::new(), Vec::new(), None, 0),
        Some(local) => {
            match affinity::plan(gw, &request, &local, targets, deadline, request_id, user).await {
                Ok(plan) => (
                    plan.targets,
                    plan.requests,
                    plan.undiscovered,
                    plan.discovery,
                    plan.without_record,
                ),
                Err(affinity::StoreUnavailable(context)) => {
                    let reply = failure(transaction, error_codes::REGISTRY_ERROR, &context, None);
                    return with_audited_query(reply, &request, payload);
                }
            }
        }
    };
    let shared = Arc::new(request);
    let call_request = shared.clone();
    let requests = Arc::new(requests);
    let mut outcomes = fan_out(
        &targets,
        deadline,
        request_id,
        None,
        user,
        move |community, ctx| {
            let request = requests
                .get(&*community.name)
                .unwrap_or(&call_request)
                .clone();
            async move { community.find_documents(&ctx, &request).await }
        },
    )
    .await;
    gw.process
        .metrics
        .observe_calls(transaction, request_id, &outcomes);
    outcomes.extend(undiscovered);
    let response = aggregate_query(&outcomes, shared.return_type());
    tracing::info!(
        request_id,
        transaction = transaction.label(),
        communities = targets.len(),
        // Communities known to hold no record of the patient, not asked.
        without_record,
        objects = response.objects.len(),
        status = ?response.status(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "stored query answered"
    );
    let mut facts = Facts::new(transaction);
    audit_query(&mut facts, &shared, payload);
    facts.calls = outcomes.iter().map(CallFact::of).collect();
    facts.discovery = discovery.map(Box::new);
    Reply::soap(transaction.response_action(), response.build(), facts)
}

/// The reference form of an object for `returnType="ObjectRef"` [ITI TF-2 3.18.4.1.2.3.6].
fn object_ref(o: &RegistryObject) -> RegistryObject {
    let mut r = RegistryObject::new(ObjectKind::ObjectRef);
    for name in ["id", "home"] {
        if let Some(v) = o.attr(name) {
            r.set_attr(name, v);
        }
    }
    r
}

/// Consolidate the communities' answers into one AdhocQueryResponse [ITI TF-2 3.38.4.1.3]:
/// objects pass through unchanged (each must carry `home`, else XDSMissingHomeCommunityId
/// naming the community), every community error keeps or gets the community as
/// `location`, XDSUnknownPatientId is dropped, and a community that failed becomes one
/// error. Success without errors; PartialSuccess when some community answered and some
/// error remains; Failure when no community answered.
pub fn aggregate_query<C: Target>(
    outcomes: &[Outcome<C, FoundObjects>],
    return_type: ReturnType,
) -> AdhocQueryResponse {
    let (mut objects, mut errors) = (Vec::new(), Vec::new());
    let mut answered = 0usize;
    for o in outcomes {
        let (name, hcid) = (o.community.name(), o.community.home_community_id());
        match &o.result {
            Ok(found) => {
                let community_errors: Vec<&RegistryError> = found
                    .errors
                    .iter()
                    .filter(|e| e.error_code != error_codes::UNKNOWN_PATIENT_ID)
                    .collect();
                let failed = found.objects.is_empty()
                    && community_errors
                        .iter()
                        .any(|e| e.severity == Severity::Error);
                if !failed {
                    answered += 1;
                }
                let mut missing_home = 0usize;
                for obj in &found.objects {
                    if obj.kind.carries_home() && obj.lacks_home() {
                        missing_home += 1;
                    } else {
                        objects.push(if return_type == ReturnType::ObjectRef {
                            object_ref(obj)
                        } else {
                            obj.clone()
                        });
                    }
                }
                if missing_home > 0 {
                    let context = format!(
                        "community {name} ({hcid}) returned {missing_home} object(s) without home [ITI TF-2 3.38.4.1.3]"
                    );
                    errors.push(RegistryError::new(
                        Severity::Error,
                        error_codes::MISSING_HOME_COMMUNITY_ID,
                        &context,
                        Some(hcid),
                    ));
                }
                for e in community_errors {
                    let mut e = e.clone();
                    if e.location.as_deref().is_none_or(|l| l.trim().is_empty()) {
                        e.location = Some(hcid.to_string());
                    }
                    errors.push(e);
                }
            }
            Err(f) => {
                let context = format!("community {name} ({hcid}) did not answer: {f}");
                errors.push(RegistryError::new(
                    Severity::Error,
                    xds_error_code(f),
                    &context,
                    Some(hcid),
                ));
            }
        }
    }
    let has_error = errors.iter().any(|e| e.severity == Severity::Error);
    let status = match (has_error, answered) {
        (false, _) => ResponseStatus::Success,
        (true, 0) => ResponseStatus::Failure,
        (true, _) => ResponseStatus::PartialSuccess,
    };
    if status == ResponseStatus::Failure {
        objects.clear();
    }
    let mut response = AdhocQueryResponse::new(status);
    response.registry = RegistryResponse::new(status, errors);
    response.objects = objects;
    response
}

#[cfg(test)]
mod tests;
