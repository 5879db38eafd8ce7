//! ITI-56 Patient Location Query, the XCPD Health Data Locator, in both roles.
//!
//! - **Responding** (`/responding`): where the patient the initiator names by one of our
//!   ids is known, from what this gateway knows: the correlation store, the adapters of
//!   the fronted communities that export `patient-location`, and the fronted communities
//!   that hold the patient under that id (asked by ITI-55 with the id alone).
//! - **Initiating** (`/initiating`): sent to the community whose id it is, when the
//!   correlations say so, otherwise to every community whose adapter exports
//!   `patient-location`; the answers are merged.
//!
//! The response schema has no error element and wants one location at least
//! [XCPD_PLQ.xsd]: an unknown patient or a malformed request is a Sender fault, a gateway
//! that cannot answer now a Receiver fault; both are audited as failed ITI-56 queries.

use crate::audit::{CallFact, Facts};
use crate::call::CallFailure;
use crate::correlation::now_ms;
use crate::error::RequestError;
use crate::fanout::{Outcome, fan_out};
use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{Capability, CommunityPlugin};
use crate::reply::Reply;
use std::sync::Arc;
use tokio::time::Instant;
use xcgate_ihe::hl7v3::{actions, same_oid, urn_oid};
use xcgate_ihe::plq::{self, PatientLocation};
use xcgate_ihe::transaction::{Role, Transaction};
use xcgate_ihe::xcpd::{Ii, PatientQuery};
use xcgate_ihe::xml::Element;
use xcgate_state::{Direction, PatientId};

type User<'a> = Option<&'a Arc<xcgate_xua::VerifiedAssertion>>;

/// Serve an ITI-56 at `at`.
pub async fn patient_location(
    gw: &Gateway,
    at: &Endpoint,
    payload: &Element,
    request_id: &str,
    user: User<'_>,
) -> Reply {
    let started = Instant::now();
    let mut facts = Facts::new(Transaction::Iti56);
    facts.query = Some(xcgate_audit::QueryParameters::Xcpd {
        query_id: request_id.to_string(),
        query_by_parameter: crate::audit::serialize(payload),
        home_community_id: String::new(),
    });
    let requested = match plq::parse_request(payload) {
        Ok(id) => id,
        Err(e) => {
            facts.refused = Some("not a valid PatientLocationQueryRequest".into());
            return Reply::fault(
                RequestError::LocationRefused(format!(
                    "the Body is not a valid PatientLocationQueryRequest: {e}"
                )),
                facts,
            );
        }
    };
    facts.query_patient = Some(requested.cx());
    let deadline = started + gw.config.gateway.deadline_for(Transaction::Iti56);
    let found = match at.role {
        Role::Responding => responding(gw, at, &requested, deadline, request_id, user).await,
        Role::Initiating => initiating(gw, at, &requested, deadline, request_id, user).await,
    };
    let (mut locations, outcomes, unavailable) = match found {
        Ok(found) => found,
        Err(why) => {
            facts.refused = Some("patient locations unavailable".into());
            return Reply::fault(RequestError::LocationUnavailable(why), facts);
        }
    };
    facts.calls = outcomes.iter().map(CallFact::of).collect();
    gw.process
        .metrics
        .observe_calls(Transaction::Iti56, request_id, &outcomes);
    dedupe(&mut locations);
    tracing::info!(
        request_id,
        transaction = Transaction::Iti56.label(),
        role = at.role.name(),
        communities = outcomes.len(),
        locations = locations.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "patient location query answered"
    );
    if locations.is_empty() {
        return match unavailable {
            Some(why) => {
                facts.refused = Some("patient locations unavailable".into());
                Reply::fault(RequestError::LocationUnavailable(why), facts)
            }
            None => {
                facts.refused = Some("patient not known".into());
                Reply::fault(
                    RequestError::LocationRefused(
                        "no community this gateway knows of holds the requested patient".into(),
                    ),
                    facts,
                )
            }
        };
    }
    Reply::soap(
        actions::ITI56_RESPONSE,
        plq::build_response(&requested, &locations),
        facts,
    )
}

/// What was found: the locations, the community calls made, and why nothing could be
/// asked when every call failed.
type Found = (
    Vec<PatientLocation>,
    Vec<Outcome<CommunityPlugin, Vec<PatientLocation>>>,
    Option<String>,
);

fn patient_id(id: &Ii) -> PatientId {
    PatientId::new(&id.root, id.extension.as_deref().unwrap_or(""))
}

fn location(hcid: &str, id: &PatientId) -> PatientLocation {
    PatientLocation {
        home_community_id: urn_oid(hcid),
        patient_id: Ii::new(&id.root, Some(&id.extension)),
    }
}

/// One entry per community and id, the order kept.
fn dedupe(locations: &mut Vec<PatientLocation>) {
    let mut seen = std::collections::HashSet::new();
    locations.retain(|l| {
        seen.insert((
            xcgate_ihe::hl7v3::bare_oid(&l.home_community_id).to_string(),
            l.patient_id.root.clone(),
            l.patient_id.extension.clone(),
        ))
    });
}

/// What the correlation store says of `requested`: the communities' ids of the affinity
/// domain patient it names (directly, or through a community's id learned for it), and
/// the initiators' ids learned for one of ours.
async fn from_store(gw: &Gateway, requested: &Ii) -> Result<Vec<PatientLocation>, String> {
    let Some(store) = &gw.process.store else {
        return Ok(Vec::new());
    };
    let unavailable = |e: xcgate_state::StoreError| {
        gw.process.metrics.state_failure("lookup");
        tracing::error!("correlations not read: {e}");
        "the gateway's correlation store is unavailable; try again later".to_string()
    };
    let now = now_ms();
    let id = patient_id(requested);
    let mut locals = vec![id.clone()];
    for c in store.by_remote(&id, now).await.map_err(unavailable)? {
        if c.direction == Direction::Initiating && !locals.contains(&c.local) {
            locals.push(c.local);
        }
    }
    let mut out = Vec::new();
    for local in &locals {
        for c in store
            .live(local, Direction::Initiating, now)
            .await
            .map_err(unavailable)?
        {
            if let Some(remote) = &c.remote {
                out.push(location(&c.home_community_id, remote));
            }
        }
    }
    for c in store
        .live(&id, Direction::Responding, now)
        .await
        .map_err(unavailable)?
    {
        if let Some(remote) = &c.remote {
            out.push(location(&c.home_community_id, remote));
        }
    }
    Ok(out)
}

async fn responding(
    gw: &Gateway,
    at: &Endpoint,
    requested: &Ii,
    deadline: Instant,
    request_id: &str,
    user: User<'_>,
) -> Result<Found, String> {
    let mut locations = from_store(gw, requested).await?;
    let fronted: Vec<Arc<CommunityPlugin>> = gw.communities_at(at).cloned().collect();
    // A community whose adapter locates patients is asked where; one that only discovers
    // them is asked whether it holds this id, which makes it a location too.
    let outcomes = fan_out(&fronted, deadline, request_id, None, user, {
        let requested = requested.clone();
        move |community, ctx| {
            let requested = requested.clone();
            async move {
                if community.supports(Capability::PatientLocation) {
                    return community.locate_patient(&ctx, &requested).await;
                }
                if !community.supports(Capability::PatientDiscovery) {
                    return Ok(Vec::new());
                }
                let query = PatientQuery {
                    ids: vec![requested.clone()],
                    ..PatientQuery::default()
                };
                let matches = community.discover_patients(&ctx, &query).await?;
                Ok(matches
                    .iter()
                    .map(|m| PatientLocation {
                        home_community_id: urn_oid(
                            m.home_community_id
                                .as_deref()
                                .unwrap_or(&community.home_community_id),
                        ),
                        patient_id: m.patient_id.clone(),
                    })
                    .collect())
            }
        }
    })
    .await;
    for o in &outcomes {
        if let Ok(found) = &o.result {
            locations.extend(found.iter().cloned());
        }
    }
    let unavailable = all_failed(&outcomes);
    Ok((locations, outcomes, unavailable))
}

async fn initiating(
    gw: &Gateway,
    at: &Endpoint,
    requested: &Ii,
    deadline: Instant,
    request_id: &str,
    user: User<'_>,
) -> Result<Found, String> {
    let mut targets: Vec<Arc<CommunityPlugin>> = gw
        .communities_at(at)
        .filter(|c| c.supports(Capability::PatientLocation))
        .cloned()
        .collect();
    if targets.is_empty() {
        return Err(format!(
            "no community reachable at {} exports patient-location, the capability ITI-56 needs",
            at.path()
        ));
    }
    // The community whose id this is, when a correlation says so [the id names it].
    if let Some(store) = &gw.process.store {
        match store.by_remote(&patient_id(requested), now_ms()).await {
            Ok(rows) => {
                let named: Vec<Arc<CommunityPlugin>> = targets
                    .iter()
                    .filter(|t| {
                        rows.iter()
                            .any(|r| same_oid(&r.home_community_id, &t.home_community_id))
                    })
                    .cloned()
                    .collect();
                if !named.is_empty() {
                    targets = named;
                }
            }
            Err(e) => {
                gw.process.metrics.state_failure("lookup");
                tracing::warn!(
                    request_id,
                    "correlations not read, asking every locator: {e}"
                );
            }
        }
    }
    let outcomes = fan_out(
        &targets,
        deadline,
        request_id,
        Some(&gw.config.gateway.home_community_id),
        user,
        {
            let requested = requested.clone();
            move |community, ctx| {
                let requested = requested.clone();
                async move { community.locate_patient(&ctx, &requested).await }
            }
        },
    )
    .await;
    let locations = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .flatten()
        .cloned()
        .collect();
    let unavailable = all_failed(&outcomes);
    Ok((locations, outcomes, unavailable))
}

/// When every community call failed: why, naming each.
fn all_failed(outcomes: &[Outcome<CommunityPlugin, Vec<PatientLocation>>]) -> Option<String> {
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|o| {
            o.result.as_ref().err().map(|f: &CallFailure| {
                format!(
                    "community {} ({}): {f}",
                    o.community.name, o.community.home_community_id
                )
            })
        })
        .collect();
    (!outcomes.is_empty() && failures.len() == outcomes.len())
        .then(|| format!("no community could answer: {}", failures.join("; ")))
}
