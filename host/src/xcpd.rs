//! ITI-55 Cross Gateway Patient Discovery, initiating role: fan the query out to every
//! community whose adapter exports patient-discovery and answer with one
//! PRPA_IN201306UV02 [ITI TF-2 3.55.4.2].

use crate::audit::{CallFact, Facts};
use crate::call::{AdapterError, CallFailure};
use crate::error::issue_code;
use crate::fanout::{Outcome, fan_out};
use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{Capability, CommunityPlugin};
use crate::reply::Reply;
use crate::wire;
use std::sync::Arc;
use tokio::time::Instant;
use xcgate_ihe::hl7v3::{
    self, AckCode, Custodian, DiscoveryRequest, DiscoveryResponse, Hl7Error, Party,
    QueryResponseCode,
};
use xcgate_ihe::transaction::{Role, Transaction};
use xcgate_ihe::xcpd::{DetectedIssue, Ii, PatientMatch, RequestedAttribute};
use xcgate_ihe::xml::Element;

mod errors;
use errors::query_error;
pub use errors::unaudited;

impl Gateway {
    pub(crate) fn our_party(&self) -> Party {
        Party {
            device: Some(Ii::new(self.config.device_oid(), None)),
            home_community: Some(self.config.gateway.home_community_id.clone()),
        }
    }
}

/// The initiator of an ITI-55, as the receiver of its answer.
fn their_party(req: &DiscoveryRequest) -> Party {
    Party {
        device: req.sender_device.clone(),
        home_community: req.sender_home_community.clone(),
    }
}

/// Serve an ITI-55 request at `at`: ask the [`discovery_communities`] at once, except those
/// whose answer is `settled` already.
pub async fn patient_discovery(
    gw: &Gateway,
    at: &Endpoint,
    payload: &Element,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
    settled: Option<&Settled>,
) -> Result<Reply, Hl7Error> {
    let started = Instant::now();
    let req = match hl7v3::parse_query(payload) {
        Ok(r) => r,
        Err(e) => return query_error(gw, payload, e),
    };
    let communities = discovery_communities(gw, at, &req);
    let deadline = started + gw.config.gateway.deadline_for(Transaction::Iti55);
    let query = Arc::new(req.query.clone());
    let initiator = req
        .sender_home_community
        .as_ref()
        .map(|h| hl7v3::urn_oid(h));
    let outcomes = fan_out(
        &communities,
        deadline,
        request_id,
        initiator.as_deref(),
        user,
        move |community, ctx| {
            let query = query.clone();
            let answered = settled.and_then(|s| s.get(community.name.as_ref()).cloned());
            async move {
                match answered {
                    Some(answer) => answer,
                    None => community.discover_patients(&ctx, &query).await,
                }
            }
        },
    )
    .await;
    let mut answer = aggregate(&outcomes);
    // On `/responding` this gateway answers ITI-56 for the patients it returns (from its
    // correlations and the communities it fronts): it says so in every custodian
    // [ITI TF-2 3.55.4.2.2.5].
    if at.role == Role::Responding && gw.process.store.is_some() {
        for (_, custodian) in &mut answer.events {
            custodian.supports_hdl = true;
        }
    }
    // Nobody to ask is not a failed community: say what is missing, in an issue and in
    // the acknowledgement, rather than point to issues that are not there.
    let nobody = communities
        .is_empty()
        .then(|| crate::xca::nobody_can(gw, at, Capability::PatientDiscovery));
    if let Some(why) = &nobody {
        answer.issues.push(DetectedIssue::Error {
            code: xcgate_ihe::xcpd::IssueCode::AnswerNotAvailable,
            text: Some(why.clone()),
        });
    }
    tracing::info!(
        request_id,
        transaction = Transaction::Iti55.label(),
        communities = communities.len(),
        matches = answer.events.len(),
        failed = answer.failed,
        code = ?answer.code,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "patient discovery answered"
    );
    gw.process
        .metrics
        .observe_calls(Transaction::Iti55, request_id, &outcomes);
    // What the answers teach about who the patient is where.
    match at.role {
        Role::Initiating => {
            if let Some(local) = crate::correlation::local_id(gw, &req.query) {
                crate::correlation::learn_from_answers(gw, &local, &outcomes).await;
            }
        }
        Role::Responding => crate::correlation::learn_initiator_id(gw, &req, &outcomes).await,
    }
    let detail = match &nobody {
        Some(why) => Some(why.as_str()),
        None => (answer.ack == AckCode::AE)
            .then_some("no community could answer the query; see the detectedIssueEvents"),
    };
    let now = wire::hl7_now();
    let response = answer.response_to(&req, gw.our_party(), new_hl7_id(gw), &now, detail);
    let mut facts = Facts::new(Transaction::Iti55);
    facts.query = Some(xcgate_audit::QueryParameters::Xcpd {
        query_id: format!(
            "{}@{}",
            req.query_id.extension.as_deref().unwrap_or(""),
            req.query_id.root
        ),
        query_by_parameter: crate::audit::serialize(&req.query_by_parameter),
        home_community_id: String::new(),
    });
    facts.calls = outcomes
        .iter()
        .map(|o| {
            let mut fact = CallFact::of(o);
            if let Ok(matches) = &o.result {
                fact.patients = matches
                    .iter()
                    .map(|m| {
                        xcgate_audit::patient_cx(
                            m.patient_id.extension.as_deref().unwrap_or(""),
                            &m.patient_id.root,
                        )
                    })
                    .collect();
            }
            fact
        })
        .collect();
    Ok(Reply::soap(
        Transaction::Iti55.response_action(),
        response.build(),
        facts,
    ))
}

/// The communities an ITI-55 at `at` asks: initiating, those xcgate reaches; responding,
/// the local communities it fronts: the one of `/responding/<community>`, or on
/// `/responding` the one the request's `receiver` names (all of them when it names none of
/// them, e.g. this gateway itself).
pub fn discovery_communities(
    gw: &Gateway,
    at: &Endpoint,
    req: &DiscoveryRequest,
) -> Vec<Arc<CommunityPlugin>> {
    let mut communities: Vec<Arc<CommunityPlugin>> = gw
        .communities_at(at)
        .filter(|c| c.supports(Capability::PatientDiscovery))
        .cloned()
        .collect();
    // The receiver names the community the initiator means [ITI TF-2 3.55.4.1.2.4]: on
    // the shared `/responding`, answer for that one only, so a peer that expects one
    // registration per answer gets its community's matches alone.
    if at.role == Role::Responding
        && at.community.is_none()
        && let Some(receiver) = &req.receiver_home_community
        && communities
            .iter()
            .any(|c| hl7v3::same_oid(&c.home_community_id, receiver))
    {
        communities.retain(|c| hl7v3::same_oid(&c.home_community_id, receiver));
    }
    communities
}

/// What communities that answer later ([`CommunityPlugin::answers_later`]) answered to an
/// owed ITI-55, by community name: used instead of calling them when the answer is made.
pub type Settled = std::collections::HashMap<String, Result<Vec<PatientMatch>, CallFailure>>;

/// The accept acknowledgement of a deferred ITI-55 [ITI TF-2 3.55.6.2]: AA, or AE with
/// `refused` (why the request cannot be answered that way).
pub fn deferred_ack(gw: &Gateway, req: &DiscoveryRequest, refused: Option<&str>) -> String {
    let detail = refused.map(hl7v3::unsupported_processing_mode);
    hl7v3::accept_ack(
        &new_hl7_id(gw),
        &wire::hl7_now(),
        &req.message_id,
        &their_party(req),
        &gw.our_party(),
        detail.as_ref(),
    )
}

/// The accept acknowledgement this gateway sends for a deferred answer it received
/// (`target`: that answer's message id) [ITI TF-2 3.55.6.2].
pub fn answer_ack(gw: &Gateway, target: Option<&Ii>) -> String {
    let unknown = Ii::new(gw.config.device_oid(), None);
    hl7v3::accept_ack(
        &new_hl7_id(gw),
        &wire::hl7_now(),
        target.unwrap_or(&unknown),
        &Party {
            device: None,
            home_community: None,
        },
        &gw.our_party(),
        None,
    )
}

pub(crate) fn new_hl7_id(gw: &Gateway) -> Ii {
    Ii {
        root: gw.config.device_oid(),
        extension: Some(wire::new_uuid()),
    }
}

/// The consolidated answer of all communities.
#[derive(Debug)]
pub struct Aggregate {
    pub events: Vec<(PatientMatch, Custodian)>,
    pub issues: Vec<DetectedIssue>,
    pub ack: AckCode,
    pub code: QueryResponseCode,
    pub failed: usize,
}

impl Aggregate {
    /// The PRPA_IN201306UV02 that answers `req` with this consolidated answer, from
    /// `sender` to the request's sender [ITI TF-2 3.55.4.2.2].
    pub(crate) fn response_to<'a>(
        &'a self,
        req: &'a DiscoveryRequest,
        sender: Party,
        message_id: Ii,
        creation_time: &'a str,
        detail: Option<&'a str>,
    ) -> DiscoveryResponse<'a> {
        DiscoveryResponse {
            message_id,
            creation_time,
            processing_code: req.processing_code.as_deref().unwrap_or("P"),
            sender,
            receiver: their_party(req),
            ack: self.ack,
            ack_detail: detail,
            target_message: Some(&req.message_id),
            query_response: self.code,
            query_id: &req.query_id,
            events: &self.events,
            issues: &self.issues,
            query_by_parameter: Some(&req.query_by_parameter),
        }
    }
}

/// Consolidate per-community outcomes [ITI TF-2 3.55.4.2.3]: every match becomes a
/// registrationEvent whose custodian is its community; every failed community a
/// detectedIssueEvent naming it; requested attributes are merged into one Case 3 issue.
/// OK when anything matched, NF when communities answered without matches, AE when no
/// community could answer at all.
pub fn aggregate<C>(outcomes: &[Outcome<C, Vec<PatientMatch>>]) -> Aggregate
where
    C: crate::fanout::Target,
{
    let mut events = Vec::new();
    let mut issues = Vec::new();
    let mut requested: Vec<RequestedAttribute> = Vec::new();
    let (mut answered, mut failed) = (0usize, 0usize);
    for o in outcomes {
        match &o.result {
            Ok(matches) => {
                answered += 1;
                for m in matches {
                    let hcid = m
                        .home_community_id
                        .clone()
                        .unwrap_or_else(|| o.community.home_community_id().to_string());
                    events.push((
                        m.clone(),
                        Custodian {
                            home_community: hcid,
                            supports_hdl: false,
                        },
                    ));
                }
            }
            Err(CallFailure::Adapter(AdapterError::MoreAttributesRequested(attrs))) => {
                answered += 1;
                for a in attrs {
                    if !requested.contains(a) {
                        requested.push(*a);
                    }
                }
            }
            Err(f) => {
                failed += 1;
                let text = format!(
                    "community {} ({}) did not answer: {f}",
                    o.community.name(),
                    o.community.home_community_id()
                );
                issues.push(DetectedIssue::Error {
                    code: issue_code(f),
                    text: Some(text),
                });
            }
        }
    }
    if !requested.is_empty() {
        issues.insert(0, DetectedIssue::AttributesRequested(requested.clone()));
    }
    let (ack, code) = if !events.is_empty() || !requested.is_empty() {
        (AckCode::AA, QueryResponseCode::OK)
    } else if answered > 0 {
        (AckCode::AA, QueryResponseCode::NF)
    } else {
        (AckCode::AE, QueryResponseCode::AE)
    };
    Aggregate {
        events,
        issues,
        ack,
        code,
        failed,
    }
}
