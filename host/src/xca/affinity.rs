//! The XDS Affinity Domain option [ITI TF-1 18.2.1; ITI TF-2 3.38.4.1.2.1]: a local
//! Document Consumer names the patient by the affinity domain's id
//! (`gateway.assigning_authority`) and each community is asked by the id it has for that
//! patient.
//!
//! The id there comes from the correlation store. A community with no live correlation is
//! first asked who the patient is (ITI-55, carrying the affinity domain id and, when
//! `gateway.patient_source` names a local community, the patient's demographics from
//! it), and its answer is stored. All of it runs within the request's deadline. A
//! community known to have no record of the patient is not queried; one that could not be
//! asked becomes an `XDSUnavailableCommunity` error of the answer.

use crate::audit::{CallFact, Facts};
use crate::correlation::{learn_from_answers, not_discovered, now_ms};
use crate::fanout::{Outcome, fan_out};
use crate::gateway::Gateway;
use crate::plugin::{Capability, CommunityPlugin, FoundObjects};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use xcgate_ihe::ebrs::AdhocQueryRequest;
use xcgate_ihe::hl7v3::{QueryBuilder, same_oid};
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xcpd::{Ii, PatientMatch, PatientQuery, TimeQuery};
use xcgate_state::{Direction, PatientId};

/// Who to ask, and by which id.
pub(super) struct Plan {
    /// The communities to query.
    pub targets: Vec<Arc<CommunityPlugin>>,
    /// Per community name, the request naming the patient by the id it has there.
    pub requests: HashMap<String, Arc<AdhocQueryRequest>>,
    /// Communities that could not be asked who the patient is: reported, not queried.
    pub undiscovered: Vec<Outcome<CommunityPlugin, FoundObjects>>,
    /// Communities known to hold no record of the patient: not queried.
    pub without_record: usize,
    /// The ITI-55 that looked the patient up, for the audit trail.
    pub discovery: Option<Facts>,
}

/// The correlation store could not be read within the deadline: the request fails, as the
/// communities cannot be asked by the right ids.
#[derive(Debug)]
pub(super) struct StoreUnavailable(pub String);

/// Plan the stored query `request` about the affinity domain's patient `local` over
/// `candidates`, by `deadline`.
pub(super) async fn plan(
    gw: &Gateway,
    request: &AdhocQueryRequest,
    local: &PatientId,
    candidates: Vec<Arc<CommunityPlugin>>,
    deadline: Instant,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
) -> Result<Plan, StoreUnavailable> {
    let Some(store) = &gw.process.store else {
        return Err(StoreUnavailable("the gateway has no state store".into()));
    };
    let known = match tokio::time::timeout_at(
        deadline,
        store.live(local, Direction::Initiating, now_ms()),
    )
    .await
    {
        Ok(Ok(known)) => known,
        Ok(Err(e)) => {
            gw.process.metrics.state_failure("lookup");
            tracing::error!(request_id, "correlations not read: {e}");
            return Err(StoreUnavailable(format!(
                "the gateway's correlation store ({}) is unavailable, so the communities cannot be asked by their own patient ids; try again later",
                store.backend()
            )));
        }
        Err(_) => {
            gw.process.metrics.state_failure("lookup");
            return Err(StoreUnavailable(
                "the gateway's correlation store did not answer before the deadline".into(),
            ));
        }
    };
    let mut plan = Plan {
        targets: Vec::new(),
        requests: HashMap::new(),
        undiscovered: Vec::new(),
        without_record: 0,
        discovery: None,
    };
    let mut to_discover = Vec::new();
    for community in candidates {
        let here: Vec<_> = known
            .iter()
            .filter(|c| same_oid(&c.home_community_id, &community.home_community_id))
            .collect();
        // Several ids in one community are alternative records of the patient there:
        // one is enough [ITI TF-2 3.55.4.2.2.4]; the store orders them stably.
        match here.iter().find_map(|c| c.remote.as_ref()) {
            Some(remote) => plan.ask(community, request, remote),
            None if !here.is_empty() => plan.without_record += 1,
            // An adapter that cannot look patients up is asked by the affinity domain id,
            // which its community may well know (as in an XDS affinity domain).
            None if !community.supports(Capability::PatientDiscovery) => {
                plan.ask(community, request, local)
            }
            None => to_discover.push(community),
        }
    }
    if !to_discover.is_empty() {
        discover(
            gw,
            &mut plan,
            request,
            local,
            to_discover,
            deadline,
            request_id,
            user,
        )
        .await;
    }
    Ok(plan)
}

impl Plan {
    fn ask(
        &mut self,
        community: Arc<CommunityPlugin>,
        request: &AdhocQueryRequest,
        id: &PatientId,
    ) {
        self.requests.insert(
            community.name.to_string(),
            Arc::new(request.with_patient_id(&id.cx())),
        );
        self.targets.push(community);
    }
}

/// Ask `communities` who `local` is there (ITI-55), learn the answers, and plan the
/// query of each community that has the patient.
#[allow(clippy::too_many_arguments)]
async fn discover(
    gw: &Gateway,
    plan: &mut Plan,
    request: &AdhocQueryRequest,
    local: &PatientId,
    communities: Vec<Arc<CommunityPlugin>>,
    deadline: Instant,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
) {
    let query = Arc::new(discovery_query(gw, local, deadline, request_id, user).await);
    let ours = gw.config.gateway.home_community_id.clone();
    let call_query = query.clone();
    let outcomes = fan_out(
        &communities,
        deadline,
        request_id,
        Some(&ours),
        user,
        move |community, ctx| {
            let query = call_query.clone();
            async move { community.discover_patients(&ctx, &query).await }
        },
    )
    .await;
    gw.process
        .metrics
        .observe_calls(Transaction::Iti55, request_id, &outcomes);
    learn_from_answers(gw, local, &outcomes).await;
    let mut facts = Facts::new(Transaction::Iti55);
    facts.query = audit_query(gw, &query);
    for o in &outcomes {
        let mut fact = CallFact::of(o);
        match &o.result {
            Ok(matches) => {
                fact.patients = matches.iter().map(|m| m.patient_id.cx()).collect();
                match matches.iter().find_map(|m| {
                    Some(PatientId::new(
                        &m.patient_id.root,
                        m.patient_id.extension.as_deref()?,
                    ))
                }) {
                    Some(remote) => plan.ask(o.community.clone(), request, &remote),
                    None => plan.without_record += 1,
                }
            }
            Err(f) => plan.undiscovered.push(Outcome {
                community: o.community.clone(),
                result: Err(not_discovered(f)),
                elapsed: o.elapsed,
            }),
        }
        facts.calls.push(fact);
    }
    plan.discovery = Some(facts);
}

/// The ITI-55 query for `local`: its id, and the demographics the patient source has for
/// it (XCPD responders match on demographics [ITI TF-2 3.55.4.1.2.1]).
async fn discovery_query(
    gw: &Gateway,
    local: &PatientId,
    deadline: Instant,
    request_id: &str,
    user: Option<&Arc<xcgate_xua::VerifiedAssertion>>,
) -> PatientQuery {
    let mut query = PatientQuery {
        ids: vec![Ii::new(&local.root, Some(&local.extension))],
        ..PatientQuery::default()
    };
    let Some(source) = gw
        .config
        .gateway
        .patient_source
        .as_deref()
        .and_then(|name| gw.communities.iter().find(|c| &*c.name == name))
        .filter(|c| c.supports(Capability::PatientDiscovery))
    else {
        return query;
    };
    // The source gets a share of the deadline, so the communities still have time.
    let now = Instant::now();
    let share = deadline.saturating_duration_since(now) / 4;
    let outcomes = fan_out(
        std::slice::from_ref(source),
        now + share.max(Duration::from_millis(1)),
        request_id,
        None,
        user,
        {
            let lookup = query.clone();
            move |community, ctx| {
                let lookup = lookup.clone();
                async move { community.discover_patients(&ctx, &lookup).await }
            }
        },
    )
    .await;
    match outcomes.into_iter().next().map(|o| o.result) {
        Some(Ok(matches)) => match matches.as_slice() {
            [m] => with_demographics(&mut query, m),
            _ => tracing::warn!(
                request_id,
                matches = matches.len(),
                "the patient source did not name exactly one patient; asking by id alone"
            ),
        },
        Some(Err(f)) => tracing::warn!(
            request_id,
            "the patient source could not be asked ({}); asking by id alone",
            f.kind()
        ),
        None => {}
    }
    query
}

fn with_demographics(query: &mut PatientQuery, m: &PatientMatch) {
    query.names = m.names.clone();
    query.gender = m.gender.clone();
    query.birth_time = m.birth_time.as_ref().map(|t| TimeQuery {
        value: Some(t.clone()),
        ..TimeQuery::default()
    });
    query.addresses = m.addresses.clone();
    query.telecoms = m.telecoms.clone();
    query.mothers_maiden_name = m.mothers_maiden_name.clone();
}

/// The Query Parameters of the ITI-55 records: the `queryByParameter` as it goes out
/// [ITI TF-2 3.55.5.1.1].
fn audit_query(gw: &Gateway, query: &PatientQuery) -> Option<xcgate_audit::QueryParameters> {
    let device = Ii::new(gw.config.device_oid(), None);
    let query_id = Ii::new(gw.config.device_oid(), Some(&crate::wire::new_uuid()));
    let built = QueryBuilder {
        message_id: Ii::new(gw.config.device_oid(), Some(&crate::wire::new_uuid())),
        creation_time: &crate::wire::hl7_now(),
        sender_device: device.clone(),
        sender_home_community: &gw.config.gateway.home_community_id,
        receiver_device: device,
        receiver_home_community: None,
        query_id: query_id.clone(),
        query,
    }
    .build();
    let message = xcgate_ihe::xml::parse(built.as_bytes()).ok()?;
    let qbp = message
        .child(xcgate_ihe::xml::ns::HL7, "controlActProcess")?
        .child(xcgate_ihe::xml::ns::HL7, "queryByParameter")?;
    Some(xcgate_audit::QueryParameters::Xcpd {
        query_id: format!(
            "{}@{}",
            query_id.extension.as_deref().unwrap_or(""),
            query_id.root
        ),
        query_by_parameter: crate::audit::serialize(qbp),
        home_community_id: String::new(),
    })
}
