//! ITI-39 / ITI-43 initiating: group DocumentRequests by HomeCommunityId, one call per
//! community in parallel, consolidate the DocumentResponses [ITI TF-2 3.39.4.1.3, 3.43.5].
//! The answer is MTOM: every document travels as a binary part, never as base64.

use super::community_for;
use crate::audit::{CallFact, Facts, document_object};
use crate::error::xds_error_code;
use crate::fanout::{Outcome, Target, fan_out};
use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{Capability, CommunityPlugin, Retrieved};
use crate::reply::{Attachment, Reply};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::time::Instant;
use xcgate_ihe::ebrs::{RegistryError, RegistryResponse, ResponseStatus, Severity, error_codes};
use xcgate_ihe::hl7v3::same_oid;
use xcgate_ihe::mtom::cid_href;
use xcgate_ihe::retrieve::{
    DocumentContent, DocumentRequest, DocumentResponse, RetrieveDocumentSetRequest,
    RetrieveDocumentSetResponse,
};
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xml::Element;

fn error(code: &str, context: String, location: &str) -> RegistryError {
    RegistryError::new(Severity::Error, code, &context, Some(location))
}

/// The answer: the Body payload (with `xop:Include` where documents go) and the
/// documents as attachments; always MTOM.
fn mtom_reply(
    transaction: Transaction,
    response: &RetrieveDocumentSetResponse,
    attachments: Vec<Attachment>,
    facts: Facts,
) -> Reply {
    Reply {
        action: transaction.response_action(),
        body: response.build(),
        attachments: Some(attachments),
        audit: Some(facts),
        fault: None,
    }
}

/// Serve an ITI-39 or ITI-43 (`transaction`) retrieve at `at`.
pub async fn retrieve(
    gw: &Gateway,
    at: &Endpoint,
    transaction: Transaction,
    payload: &Element,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
) -> Reply {
    let started = Instant::now();
    let request = match RetrieveDocumentSetRequest::parse(payload) {
        Ok(r) => r,
        Err(e) => {
            let errors = vec![RegistryError::new(
                Severity::Error,
                error_codes::REPOSITORY_ERROR,
                &format!("the RetrieveDocumentSetRequest is not valid: {e}"),
                None,
            )];
            let mut response = RetrieveDocumentSetResponse::new(ResponseStatus::Failure);
            response.registry = RegistryResponse::new(ResponseStatus::Failure, errors);
            let facts = Facts::refused(transaction, error_codes::REPOSITORY_ERROR);
            return mtom_reply(transaction, &response, Vec::new(), facts);
        }
    };
    // Group by community, in request order; requests that cannot be routed become errors.
    let mut routing_errors = Vec::new();
    let mut unrouted = Vec::new();
    let mut groups: Vec<(Arc<CommunityPlugin>, Vec<DocumentRequest>)> = Vec::new();
    for d in request.documents {
        let Some(hcid) = d
            .home_community_id
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        else {
            let context =
                "DocumentRequest/HomeCommunityId is required by XCA [ITI TF-2 3.39.4.1.2]"
                    .to_string();
            unrouted.push(document_object(
                &d.document_unique_id,
                &d.repository_unique_id,
                None,
            ));
            routing_errors.push(error(
                error_codes::MISSING_HOME_COMMUNITY_ID,
                context,
                &d.document_unique_id,
            ));
            continue;
        };
        match community_for(gw, at, hcid, Capability::DocumentRetrieve) {
            Ok(c) => match groups.iter_mut().find(|(g, _)| Arc::ptr_eq(g, &c)) {
                Some((_, list)) => list.push(d),
                None => groups.push((c, vec![d])),
            },
            Err(context) => {
                unrouted.push(document_object(
                    &d.document_unique_id,
                    &d.repository_unique_id,
                    Some(hcid),
                ));
                routing_errors.push(error(
                    error_codes::UNKNOWN_COMMUNITY,
                    context,
                    &d.document_unique_id,
                ));
            }
        }
    }
    let targets: Vec<Arc<CommunityPlugin>> = groups.iter().map(|(c, _)| c.clone()).collect();
    let by_community: Arc<HashMap<String, Vec<DocumentRequest>>> = Arc::new(
        groups
            .into_iter()
            .map(|(c, list)| (c.home_community_id.clone(), list))
            .collect(),
    );
    let calls = by_community.clone();
    let deadline = started + gw.config.gateway.deadline_for(transaction);
    let outcomes = fan_out(
        &targets,
        deadline,
        request_id,
        None,
        user,
        move |community, ctx| {
            let calls = calls.clone();
            async move {
                let requests = calls
                    .get(&community.home_community_id)
                    .cloned()
                    .unwrap_or_default();
                community.retrieve_documents(&ctx, &requests).await
            }
        },
    )
    .await;
    gw.process
        .metrics
        .observe_calls(transaction, request_id, &outcomes);
    let mut facts = Facts::new(transaction);
    facts.unrouted_documents = unrouted;
    facts.calls = outcomes
        .iter()
        .map(|o| {
            let mut fact = CallFact::of(o);
            let hcid = o.community.home_community_id.as_str();
            let asked = by_community
                .get(hcid)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let retrieved = o
                .result
                .as_ref()
                .map(|r| r.documents.as_slice())
                .unwrap_or_default();
            for d in asked {
                let object =
                    document_object(&d.document_unique_id, &d.repository_unique_id, Some(hcid));
                if retrieved
                    .iter()
                    .any(|r| same_oid(&r.document_unique_id, &d.document_unique_id))
                {
                    fact.documents.push(object);
                } else {
                    fact.failed_documents.push(object);
                }
            }
            fact
        })
        .collect();
    let (response, attachments) = aggregate_retrieve(&outcomes, &by_community, routing_errors);
    tracing::info!(
        request_id,
        transaction = transaction.label(),
        communities = targets.len(),
        documents = attachments.len(),
        bytes = attachments.iter().map(|a| a.body.len()).sum::<usize>(),
        status = ?response.registry.status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "retrieve answered"
    );
    mtom_reply(transaction, &response, attachments, facts)
}

/// Consolidate per-community retrieve outcomes. Every requested document ends as either a
/// DocumentResponse (HomeCommunityId echoed from the request) or an error whose location
/// is its DocumentUniqueId [ITI TF-2 3.43.5]; a community that failed yields one error per
/// document it was asked for, naming the community. Success when every document came back,
/// PartialSuccess when some did, Failure when none did.
pub fn aggregate_retrieve<C: Target>(
    outcomes: &[Outcome<C, Retrieved>],
    requested: &HashMap<String, Vec<DocumentRequest>>,
    mut errors: Vec<RegistryError>,
) -> (RetrieveDocumentSetResponse, Vec<Attachment>) {
    let (mut documents, mut attachments) = (Vec::new(), Vec::new());
    for o in outcomes {
        let (name, hcid) = (o.community.name(), o.community.home_community_id());
        let asked = requested.get(hcid).map(Vec::as_slice).unwrap_or_default();
        match &o.result {
            Ok(answer) => {
                for req in asked {
                    // Ids are the same OIDs with or without `urn:oid:` (real responders
                    // answer `urn:oid:2.16...` for a request of `2.16...`).
                    let found = answer.documents.iter().find(|d| {
                        same_oid(&d.document_unique_id, &req.document_unique_id)
                            && same_oid(&d.repository_unique_id, &req.repository_unique_id)
                    });
                    let reported = answer.errors.iter().any(|e| {
                        e.location
                            .as_deref()
                            .is_some_and(|l| same_oid(l, &req.document_unique_id))
                    });
                    match found {
                        Some(d) => {
                            let content_id = format!("doc{}@xcgate", attachments.len() + 1);
                            // The ids as the initiator asked for them.
                            documents.push(DocumentResponse {
                                home_community_id: req.home_community_id.clone(),
                                repository_unique_id: req.repository_unique_id.clone(),
                                document_unique_id: req.document_unique_id.clone(),
                                new_repository_unique_id: d.new_repository_unique_id.clone(),
                                new_document_unique_id: d.new_document_unique_id.clone(),
                                mime_type: d.mime_type.clone(),
                                document: DocumentContent::XopInclude {
                                    href: cid_href(&content_id),
                                },
                                extensions: Vec::new(),
                            });
                            attachments.push(Attachment {
                                content_id,
                                content_type: d.mime_type.clone(),
                                body: d.content.clone(),
                            });
                        }
                        None if reported => {}
                        None => {
                            let context = format!(
                                "community {name} ({hcid}) returned neither the document nor an error for it"
                            );
                            errors.push(error(
                                error_codes::DOCUMENT_UNIQUE_ID_ERROR,
                                context,
                                &req.document_unique_id,
                            ));
                        }
                    }
                }
                for e in &answer.errors {
                    let mut e = e.clone();
                    if e.location.as_deref().is_none_or(|l| l.trim().is_empty()) {
                        e.location = Some(hcid.to_string());
                    }
                    errors.push(e);
                }
            }
            Err(f) => {
                for req in asked {
                    let context = format!("community {name} ({hcid}) did not answer: {f}");
                    errors.push(error(xds_error_code(f), context, &req.document_unique_id));
                }
            }
        }
    }
    let has_error = errors.iter().any(|e| e.severity == Severity::Error);
    let status = match (has_error, documents.is_empty()) {
        (false, _) => ResponseStatus::Success,
        (true, true) => ResponseStatus::Failure,
        (true, false) => ResponseStatus::PartialSuccess,
    };
    let mut response = RetrieveDocumentSetResponse::new(status);
    response.registry = RegistryResponse::new(status, errors);
    response.documents = documents;
    (response, attachments)
}
