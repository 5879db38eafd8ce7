//! The DICOM audit records of one request, built from its [`Facts`]: which record each
//! role writes for each outcome [ITI TF-2 3.55.5, 3.38.5, 3.39.5, 3.18.5, 3.43.6].

use super::{AuditIdentity, CallFact, Exchange, Facts};
use crate::peer::Peer;
use xcgate_audit::{
    self as atna, AuditEvent, HumanRequestor, Outcome, QueryParameters, Role, Transaction,
};

/// WS-Addressing's anonymous ReplyTo: the requester's id in a synchronous exchange.
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";

/// Every record of one request.
pub(super) fn of_request(
    identity: &AuditIdentity,
    ex: &Exchange<'_>,
    facts: &Facts,
) -> Vec<atna::AuditMessage> {
    let mut records = match ex.role {
        Role::Initiating => initiating(identity, ex, facts),
        Role::Responding => answered_here(identity, ex, facts, Role::Responding),
    };
    if let Some(discovery) = &facts.discovery {
        records.extend(initiating(identity, ex, discovery));
    }
    records
}

/// The Security Alert of a refused node or user, reported by our endpoint.
pub(super) fn security_alert(
    identity: &AuditIdentity,
    kind: atna::AlertKind,
    reason: &str,
    endpoint_uri: &str,
    peer: &Peer,
    reply_to: Option<&str>,
) -> atna::AuditMessage {
    let reporter = atna::Peer::new(endpoint_uri, host_of(endpoint_uri));
    atna::security_alert(
        kind,
        reason,
        requester(reply_to, peer),
        reporter,
        identity.source.clone(),
    )
}

fn host_of(uri: &str) -> &str {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    }
}

fn human(user: &xcgate_xua::AssertedUser) -> HumanRequestor {
    HumanRequestor {
        // The subject id is what XUA asserts as the user; NameID when it is absent.
        user_id: if user.subject_id.is_empty() {
            user.name_id.clone()
        } else {
            user.subject_id.clone()
        },
        user_name: Some(user.name_id.clone()).filter(|n| !n.is_empty()),
        roles: user
            .roles
            .iter()
            .map(|r| {
                atna::CodedValue::new(
                    &r.code,
                    &r.code_system,
                    r.display.as_deref().unwrap_or(&r.code),
                )
            })
            .collect(),
    }
}

fn with_home(query: &QueryParameters, home: &str) -> QueryParameters {
    let bare = home.strip_prefix("urn:oid:").unwrap_or(home).to_string();
    match query.clone() {
        QueryParameters::Xcpd {
            query_id,
            query_by_parameter,
            ..
        } => QueryParameters::Xcpd {
            query_id,
            query_by_parameter,
            home_community_id: bare,
        },
        QueryParameters::StoredQuery {
            stored_query_id,
            adhoc_query_request,
            encoding,
            ..
        } => QueryParameters::StoredQuery {
            stored_query_id,
            adhoc_query_request,
            encoding,
            home_community_id: Some(home.to_string()),
        },
    }
}

/// The node that sent a request: its `wsa:ReplyTo` (anonymous when synchronous), its IP
/// address, and the subject of its verified client certificate.
fn requester(reply_to: Option<&str>, peer: &Peer) -> atna::Peer {
    atna::Peer::new(
        reply_to.unwrap_or(ANONYMOUS),
        &peer.address.ip().to_string(),
    )
    .with_user_name(peer.certificate_subject.clone())
}

/// Records of a transaction answered here (responding gateway, or the initiating
/// gateway answering a local ITI-18/43): a success record for what was answered and a
/// failure record for what failed.
fn answered_here(
    identity: &AuditIdentity,
    ex: &Exchange<'_>,
    facts: &Facts,
    role: Role,
) -> Vec<atna::AuditMessage> {
    let destination = atna::Peer::new(ex.endpoint_uri, host_of(ex.endpoint_uri));
    let ok: Vec<&CallFact> = facts.calls.iter().filter(|c| c.failure.is_none()).collect();
    let failed: Vec<&CallFact> = facts.calls.iter().filter(|c| c.failure.is_some()).collect();
    let base = |outcome: Outcome, description: Option<&str>| {
        let mut e = AuditEvent::new(
            facts.transaction,
            role,
            outcome,
            requester(ex.reply_to, ex.peer),
            destination.clone(),
            identity.source.clone(),
        );
        if let Some(d) = description {
            e = e.outcome_description(d);
        }
        if let Some(user) = ex.user {
            e = e.human_requestor(human(user));
        }
        if let Some(q) = &facts.query {
            e = e.query(with_home(q, ex.home_community_id));
        }
        if let Some(p) = &facts.query_patient {
            e = e.patient(p);
        }
        e
    };
    let mut out = Vec::new();
    // A refused request is a failure, whatever the communities asked said (an ITI-56 for a
    // patient nobody holds: they answered, with nothing).
    let refused = facts.refused.is_some();
    if !ok.is_empty() && !refused {
        let mut e = base(Outcome::Success, None);
        for c in &ok {
            for p in &c.patients {
                e = e.patient(p);
            }
            for d in &c.documents {
                e = e.document(d.clone());
            }
        }
        out.push(e.build());
    }
    let failed_documents: Vec<&atna::DocumentObject> = facts
        .calls
        .iter()
        .flat_map(|c| &c.failed_documents)
        .chain(&facts.unrouted_documents)
        .collect();
    if refused || !failed.is_empty() || ok.is_empty() || !failed_documents.is_empty() {
        let reason = facts
            .refused
            .as_deref()
            .or_else(|| failed.first().and_then(|c| c.failure))
            .unwrap_or(if failed_documents.is_empty() {
                "no community could answer"
            } else {
                "document not retrieved"
            });
        let mut e = base(Outcome::SeriousFailure, Some(reason));
        for d in failed_documents {
            e = e.document(d.clone());
        }
        out.push(e.build());
    }
    out
}

/// Records of the initiating gateway: one per community called (two when a retrieve
/// brought some documents and not others), plus the record of a local ITI-18/43 it
/// answered, or of a request refused before any community was called.
fn initiating(
    identity: &AuditIdentity,
    ex: &Exchange<'_>,
    facts: &Facts,
) -> Vec<atna::AuditMessage> {
    let mut out = Vec::new();
    if !facts.transaction.is_cross_gateway() {
        out.extend(answered_here(identity, ex, facts, Role::Initiating));
    } else if facts.calls.is_empty() {
        // A cross-gateway request refused before any community was called: nothing was
        // sent, the local initiator's request was answered here, so this process is the
        // destination (the answering side's role puts the process id there).
        out.extend(answered_here(identity, ex, facts, Role::Responding));
    }
    let us = atna::Peer::new(ANONYMOUS, &identity.hostname);
    for call in &facts.calls {
        let community = &call.community;
        let destination = match community.endpoint_urls().first() {
            Some(url) => atna::Peer::new(url, host_of(url)),
            // An in-process adapter has no URL: the community is named by its id.
            None => atna::Peer {
                user_id: community.home_community_id.clone(),
                network_access_point: None,
                user_name: None,
            },
        };
        let record = |outcome: Outcome, documents: &[atna::DocumentObject]| {
            let mut e = AuditEvent::new(
                facts.transaction.cross_gateway(),
                Role::Initiating,
                outcome,
                us.clone(),
                destination.clone(),
                identity.source.clone(),
            );
            if outcome != Outcome::Success {
                e = e.outcome_description(call.failure.unwrap_or("document not retrieved"));
            }
            if let Some(user) = ex.user {
                e = e.human_requestor(human(user));
            }
            if let Some(q) = &facts.query {
                e = e.query(with_home(q, &community.home_community_id));
            }
            // The ITI-55 initiating gateway names no patient [ITI TF-2 3.55.5.1.1].
            if facts.transaction != Transaction::Iti55
                && let Some(p) = &facts.query_patient
            {
                e = e.patient(p);
            }
            for d in documents {
                e = e.document(d.clone());
            }
            e.build()
        };
        // A retrieve that brought some documents and not others is a success record for
        // the ones retrieved and a failure record for the rest [ITI TF-2 3.43.6.1].
        if call.failure.is_none() {
            out.push(record(Outcome::Success, &call.documents));
        }
        if call.failure.is_some() || !call.failed_documents.is_empty() {
            out.push(record(Outcome::SeriousFailure, &call.failed_documents));
        }
    }
    out
}
