//! The ATNA audit trail of every transaction, in each role [ITI TF-2 3.20; spec-summary §8].
//!
//! Handlers report what happened as [`Facts`] (which communities were called, how each
//! did, which patients and documents were involved); this module turns them into DICOM
//! audit records and stores them before the answer leaves. Records are written by the
//! host, never by plugins, so a plugin can neither skip nor forge one.
//!
//! - `/initiating` (initiating gateway): one record per community called, as the
//!   initiating gateway of the cross-gateway transaction (ITI-55/38/39), success or failure
//!   by that community's outcome. An ITI-18/43 from a local consumer is also recorded as the
//!   registry / repository that answered it [ITI TF-2 3.38.4.1.4, 3.39.6].
//! - `/responding` (responding gateway): one success record for what was answered and,
//!   when a community failed, one failure record too (PartialSuccess writes both
//!   [ITI TF-2 3.18.5.1, 3.43.6.1]).

mod alert_budget;
mod facts;

pub use alert_budget::{AlertBudget, PER_SECOND as ALERTS_PER_SECOND};

pub use facts::{CallFact, Facts, document_object, serialize};

use crate::gateway::{Gateway, Role};
use crate::peer::Peer;
use xcgate_audit::{
    self as atna, AuditEvent, HumanRequestor, Outcome, QueryParameters, Transaction,
};

/// WS-Addressing's anonymous ReplyTo: the requester's id in a synchronous exchange.
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";

/// Who writes the records: the audit source and this machine's name, read from config
/// and the system once per load, not once per record.
#[derive(Debug, Clone)]
pub struct AuditIdentity {
    source: atna::AuditSourceIdentification,
    /// This machine's host name: the initiating gateway's network access point.
    hostname: String,
}

impl AuditIdentity {
    pub fn new(config: &crate::config::AuditSection) -> AuditIdentity {
        let hostname = crate::config::hostname();
        let source_id = config
            .source_id
            .clone()
            .unwrap_or_else(|| format!("xcgate@{hostname}"));
        AuditIdentity {
            source: atna::application_server_source(
                &source_id,
                config.enterprise_site_id.as_deref(),
            ),
            hostname,
        }
    }
}

/// Who asked and where, for the records of one request.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub role: Role,
    /// Our SOAP endpoint as the requester addressed it (`https://host:port/responding`).
    pub endpoint_uri: &'a str,
    pub peer: &'a Peer,
    /// `wsa:ReplyTo` of the request.
    pub reply_to: Option<&'a str>,
    /// The verified XUA user, when the request carried one.
    pub user: Option<&'a xcgate_xua::AssertedUser>,
    pub request_id: &'a str,
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

/// The cross-gateway transaction an initiating gateway sends for what it received.
fn outbound(t: Transaction) -> Transaction {
    match t {
        Transaction::Iti18 => Transaction::Iti38,
        Transaction::Iti43 => Transaction::Iti39,
        other => other,
    }
}

/// Build and store the records of one request. A record that cannot be stored is logged
/// and counted (`xcgate_audit_failures_total`); the answer still leaves.
pub async fn record(gw: &Gateway, ex: &Exchange<'_>, facts: &Facts) {
    let Some(auditor) = &gw.audit else { return };
    let messages = match ex.role {
        Role::Initiating => initiating(gw, ex, facts),
        Role::Responding => answered_here(gw, ex, facts, atna::Role::RespondingGateway),
    };
    // One group commit for all the records of the request (20 communities: one fsync).
    if let Err(e) = auditor.record_all(&messages).await {
        gw.metrics.audit_failures(messages.len() as u64);
        tracing::error!(
            request_id = ex.request_id,
            records = messages.len(),
            "audit records not stored: {e}"
        );
    }
}

/// Record the Security Alert of a request refused because its node (TLS client
/// certificate) or its user (XUA) could not be authenticated [ITI TF-2 3.20.4.1].
/// `reason` names what failed, never assertion content or patient data.
pub async fn security_alert(
    gw: &Gateway,
    kind: atna::AlertKind,
    reason: &str,
    endpoint_uri: &str,
    peer: &Peer,
    reply_to: Option<&str>,
) {
    let Some(auditor) = &gw.audit else { return };
    let Some(suppressed) = gw.alert_budget.take(std::time::Instant::now()) else {
        gw.metrics.alert_suppressed();
        return;
    };
    let reason = if suppressed > 0 {
        format!("{reason} ({suppressed} earlier alerts suppressed by the rate limit)")
    } else {
        reason.to_string()
    };
    let reporter = atna::Peer::new(endpoint_uri, host_of(endpoint_uri));
    let message = atna::security_alert(
        kind,
        &reason,
        requester(reply_to, peer),
        reporter,
        audit_source(gw),
    );
    if let Err(e) = auditor.record(&message).await {
        gw.metrics.audit_failures(1);
        tracing::error!("security alert not stored: {e}");
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

fn audit_source(gw: &Gateway) -> atna::AuditSourceIdentification {
    gw.audit_identity.source.clone()
}

/// Records of a transaction answered here (responding gateway, or the initiating
/// gateway answering a local ITI-18/43): a success record for what was answered and a
/// failure record for what failed.
fn answered_here(
    gw: &Gateway,
    ex: &Exchange<'_>,
    facts: &Facts,
    role: atna::Role,
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
            audit_source(gw),
        );
        if let Some(d) = description {
            e = e.outcome_description(d);
        }
        if let Some(user) = ex.user {
            e = e.human_requestor(human(user));
        }
        if let Some(q) = &facts.query {
            e = e.query(with_home(q, &gw.config.gateway.home_community_id));
        }
        if let Some(p) = &facts.query_patient {
            e = e.patient(p);
        }
        e
    };
    let mut out = Vec::new();
    if !ok.is_empty() {
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
    if !failed.is_empty() || ok.is_empty() || !failed_documents.is_empty() {
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
fn initiating(gw: &Gateway, ex: &Exchange<'_>, facts: &Facts) -> Vec<atna::AuditMessage> {
    let mut out = Vec::new();
    if matches!(facts.transaction, Transaction::Iti18 | Transaction::Iti43) {
        out.extend(answered_here(gw, ex, facts, atna::Role::InitiatingGateway));
    } else if facts.calls.is_empty() {
        // A cross-gateway request refused before any community was called: nothing was
        // sent, the local initiator's request was answered here, so this process is the
        // destination (the answering side's role puts the process id there).
        out.extend(answered_here(gw, ex, facts, atna::Role::RespondingGateway));
    }
    let us = atna::Peer::new(ANONYMOUS, &gw.audit_identity.hostname);
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
                outbound(facts.transaction),
                atna::Role::InitiatingGateway,
                outcome,
                us.clone(),
                destination.clone(),
                audit_source(gw),
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
